from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    microloan_loan_id = fields.Many2one(
        "microloan.loan",
        string="Loan",
        index="btree_not_null",
        help="Loan of the line, in loan entries and in grouped runs (accrual, "
        "provisioning) alike: the ledger side of the control report.",
    )
