from odoo import fields, models


class AccountPayment(models.Model):
    _name = "account.payment"
    _inherit = [
        "account.payment",
        "microloan.link.guard.mixin",
    ]

    microloan_transaction_id = fields.Many2one(
        "microloan.loan.transaction",
        string="Loan Transaction",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    microloan_credit_line_entry_id = fields.Many2one(
        "microloan.credit.line.entry",
        string="Credit Line Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
