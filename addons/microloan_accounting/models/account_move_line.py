from odoo import fields, models
from odoo.fields import Command


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

    def _microloan_reconcile_pair(self):
        """Reconcile these items of a loan booking: two posted items of one
        reconcilable account, in one currency, cancelling each other (the
        borrower's receivable of a loan entry and of its payment's entry)
        are fully reconciled as Odoo's ``reconcile`` would do it (one partial
        and one full reconciliation, no exchange difference: same currency and
        balance), without its general planning; anything else goes through
        ``reconcile``."""
        debit = self.filtered(lambda line: line.balance > 0.0)
        credit = self - debit
        company_currency = self.company_id.currency_id
        if not (
            len(debit) == 1
            and len(credit) == 1
            and len(self.account_id) == 1
            and self.account_id.reconcile
            and debit.currency_id == credit.currency_id
            and debit.company_id == credit.company_id
            and not company_currency.compare_amounts(debit.balance, -credit.balance)
            and not debit.currency_id.compare_amounts(
                debit.amount_currency, -credit.amount_currency
            )
            and not (self.matched_debit_ids or self.matched_credit_ids)
        ):
            return self.reconcile()
        # sudo: the reconciliation is part of the booking, not the user's.
        partial = (
            self.env["account.partial.reconcile"]
            .sudo()
            .create(
                {
                    "debit_move_id": debit.id,
                    "credit_move_id": credit.id,
                    "amount": debit.balance,
                    "debit_amount_currency": debit.amount_currency,
                    "credit_amount_currency": -credit.amount_currency,
                    "company_id": debit.company_id.id,
                }
            )
        )
        # sudo: as above.
        self.env["account.full.reconcile"].sudo().create(
            {
                "partial_reconcile_ids": [Command.set(partial.ids)],
                "reconciled_line_ids": [Command.set(self.ids)],
            }
        )
        return True
