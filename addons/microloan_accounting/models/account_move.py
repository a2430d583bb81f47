from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = [
        "account.move",
        "microloan.link.guard.mixin",
    ]

    microloan_transaction_id = fields.Many2one(
        "microloan.loan.transaction",
        string="Loan Transaction",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Loan transaction this entry books (its payment's entry too).",
    )
    microloan_loan_id = fields.Many2one(
        related="microloan_transaction_id.loan_id", string="Loan", store=True
    )
    microloan_credit_line_entry_id = fields.Many2one(
        "microloan.credit.line.entry",
        string="Credit Line Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Credit line draw, repayment or reversal this entry books (its "
        "payment's entry too).",
    )
    microloan_credit_line_id = fields.Many2one(
        related="microloan_credit_line_entry_id.line_id",
        string="Credit Line",
        store=True,
    )

    def _microloan_books_transactions(self):
        """Whether one of these entries books loan transactions: its own
        (``microloan_transaction_id``) or, grouped, through its items."""
        return any(
            move.microloan_transaction_id or move.line_ids.microloan_transaction_id
            for move in self
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_microloan(self):
        if self._microloan_books_transactions():
            raise UserError(
                self.env._(
                    "Entries of loan transactions cannot be deleted: reverse the "
                    "loan transaction instead."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_microloan_credit_line(self):
        if any(move.microloan_credit_line_entry_id for move in self):
            raise UserError(
                self.env._(
                    "Entries of credit line draws and repayments cannot be deleted: "
                    "reverse the credit line entry instead."
                )
            )

    def button_draft(self):
        if any(move.microloan_credit_line_entry_id for move in self):
            raise UserError(
                self.env._(
                    "Entries of credit line draws and repayments cannot be reset to "
                    "draft: reverse the credit line entry instead."
                )
            )
        if self._microloan_books_transactions():
            raise UserError(
                self.env._(
                    "Entries of loan transactions cannot be reset to draft: reverse "
                    "the loan transaction instead."
                )
            )
        return super().button_draft()
