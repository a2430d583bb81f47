from odoo import api, fields, models
from odoo.exceptions import UserError


class MicroloanLoanContract(models.Model):
    """A printed loan contract: the PDF as it was printed, attached to this
    record and never changed. Printing again gives the same PDF; a new version
    is a new record with a new attachment. Records and their attachments are
    created by :meth:`microloan.loan._store_contract` only; nobody writes or
    deletes them (no access right does, and ``write`` refuses)."""

    _name = "microloan.loan.contract"
    _description = "Printed Loan Contract"
    _order = "loan_id, version desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    loan_id = fields.Many2one(
        "microloan.loan",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", string="Branch", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one(related="loan_id.partner_id", string="Borrower")
    version = fields.Integer(required=True, readonly=True)
    attachment_id = fields.Many2one("ir.attachment", readonly=True)
    checksum = fields.Char(
        related="attachment_id.checksum",
        help="SHA-1 of the printed PDF: proves the file is the one printed.",
    )
    printed_by_id = fields.Many2one("res.users", string="Printed By", readonly=True)
    printed_on = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "version_loan_unique",
            "unique(loan_id, version)",
            "A loan cannot have two printed contracts with the same version.",
        ),
    ]

    def write(self, vals):
        if vals:
            raise UserError(self.env._("A printed contract cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A printed contract cannot be deleted."))

    def action_download(self):
        """Download the PDF of this version."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
