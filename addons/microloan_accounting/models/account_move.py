from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

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

    @api.ondelete(at_uninstall=False)
    def _unlink_except_microloan(self):
        if any(move.microloan_transaction_id for move in self):
            raise UserError(
                self.env._(
                    "Entries of loan transactions cannot be deleted: reverse the "
                    "loan transaction instead."
                )
            )

    def button_draft(self):
        if any(move.microloan_transaction_id for move in self):
            raise UserError(
                self.env._(
                    "Entries of loan transactions cannot be reset to draft: reverse "
                    "the loan transaction instead."
                )
            )
        return super().button_draft()
