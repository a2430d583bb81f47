from odoo import api, fields, models

from .account_move import check_microloan_links


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    microloan_loan_id = fields.Many2one(
        "microloan.loan",
        string="Loan",
        index="btree_not_null",
        help="Loan of the line, in loan entries and in grouped runs (accrual, "
        "provisioning) alike: the ledger side of the control report.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        check_microloan_links(self.browse(), vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_microloan_links(self, [vals])
        return super().write(vals)
