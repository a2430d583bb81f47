import base64
import binascii
from urllib.parse import quote

from odoo import fields, models
from odoo.exceptions import UserError


class MicroloanLoanImport(models.TransientModel):
    """Import an existing loan book from the template (CSV or XLSX): loans
    with their disbursement and repayments to date, all or nothing."""

    _name = "microloan.loan.import"
    _description = "Import a Loan Book"

    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    file = fields.Binary(attachment=False)
    file_name = fields.Char()
    template_file = fields.Binary(
        string="Template", attachment=False, compute="_compute_template_file"
    )
    template_name = fields.Char(compute="_compute_template_file")

    def _compute_template_file(self):
        Import = self.env["microloan.loan.book.import"]
        content = base64.b64encode(Import._template_xlsx())
        name = self.env._("loan_book_template") + ".xlsx"
        for wizard in self:
            wizard.template_file = content
            wizard.template_name = name

    def action_download_template(self):
        """Download the template (XLSX, headers in the user's language)."""
        self.ensure_one()
        name = quote(self.template_name)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/template_file/{name}"
            "?download=true",
            "target": "self",
        }

    def action_import(self):
        """Import the file; open the loans imported."""
        self.ensure_one()
        try:
            content = base64.b64decode(self.file or b"", validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(self.env._("The file cannot be read.")) from error
        loan_ids = self.env["microloan.loan.book.import"]._import_loan_book(
            self.company_id, content, self.file_name
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Imported Loans"),
            "res_model": "microloan.loan",
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", loan_ids)],
            "target": "current",
        }
