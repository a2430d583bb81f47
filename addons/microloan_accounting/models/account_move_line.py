from odoo import fields, models


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = [
        "account.move.line",
        "microloan.link.guard.mixin",
    ]

    microloan_loan_id = fields.Many2one(
        "microloan.loan",
        string="Loan",
        index="btree_not_null",
        help="Loan of the line, in loan entries and in grouped runs (accrual, "
        "provisioning) alike: the ledger side of the control report.",
    )
    microloan_transaction_id = fields.Many2one(
        "microloan.loan.transaction",
        string="Loan Transaction",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Loan transaction this item books, in the grouped entries of the "
        "penalty and compound interest charged (one entry per branch, product "
        "and date, one item per charge).",
    )
    microloan_credit_line_id = fields.Many2one(
        "microloan.credit.line",
        string="Credit Line",
        index="btree_not_null",
        help="Credit line of the line: the ledger side of its control.",
    )
