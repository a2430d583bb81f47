from odoo import fields, models


class AccountPayment(models.Model):
    _inherit = "account.payment"  # pylint: disable=consider-merging-classes-inherited

    microloan_transaction_id = fields.Many2one(
        "microloan.loan.transaction",
        string="Loan Transaction",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
