"""Journal entries of credit lines (随借随还).

A draw and a repayment of a credit line are booked like a loan disbursement
and repayment: in one entry, the entry of an Odoo payment of the payment
journal, which carries the allocation items against the payment's
outstanding account; a reversal reverses it. The helpers that create the
payment with its entry and reverse it are the loan transaction's, shared
through the abstract model ``microloan.booking.mixin``
(microloan_booking_mixin.py); the accounting checks are the loan's, shared
through ``microloan.booking.setup.mixin`` (microloan_booking_setup_mixin.py),
which the credit line takes (microloan_credit_line.py).
"""

from collections import defaultdict

from odoo import api, fields, models

# Entry kind -> payment type of its money.
CREDIT_LINE_PAYMENT_TYPES = {"draw": "outbound", "repayment": "inbound"}


class MicroloanCreditLineEntry(models.Model):
    _name = "microloan.credit.line.entry"
    _inherit = ["microloan.credit.line.entry", "microloan.booking.mixin"]

    move_ids = fields.One2many(
        "account.move", "microloan_credit_line_entry_id", string="Journal Entries"
    )
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        compute="_compute_move_id",
        store=True,
        index="btree_not_null",
        help="Entry booking this credit line entry: the entry of its payment.",
    )
    payment_ids = fields.One2many(
        "account.payment", "microloan_credit_line_entry_id", string="Payments"
    )
    payment_id = fields.Many2one(
        "account.payment",
        string="Payment",
        compute="_compute_payment_id",
        store=True,
        index="btree_not_null",
        help="Payment of the bank journal moving this entry's money.",
    )

    @api.depends("move_ids")
    def _compute_move_id(self):
        for entry in self:
            entry.move_id = entry._microloan_main_entry()

    @api.depends("payment_ids")
    def _compute_payment_id(self):
        for entry in self:
            entry.payment_id = entry.payment_ids[:1]

    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        for entry in entries:
            entry._microloan_book()
        return entries

    def _reverse(self):
        # Check the accounting setup and the lock dates before the sub-ledger
        # changes (the reversal is dated like the entry it reverses).
        self.line_id._microloan_check_posting(self.date)
        return super()._reverse()

    # ------------------------------------------------------------------
    # Booking
    # ------------------------------------------------------------------

    def _microloan_book(self):
        """Book this entry in the branch's journals, in the same database
        transaction: a reversal reverses the entries of the entry it reverses;
        a draw or a repayment gets a payment of the payment journal whose
        entry carries its allocation."""
        self.ensure_one()
        line = self.line_id
        if not line._microloan_accounting_active():
            return
        accounts = line._microloan_check_accounting(self.date)
        if self.kind == "reversal":
            self._microloan_book_reversal()
            return
        specs = self._prepare_microloan_line_specs(accounts)
        self._microloan_book_with_payment(accounts, specs)

    def _prepare_microloan_line_specs(self, accounts):
        """Allocation items of this entry's payment entry, as a list of dicts
        ``{"account": account.account, "amount": float}`` in the line's
        currency, ``amount`` > 0 for a debit; one line per account. The
        payment's outstanding account takes their total.

        - draw: Dr loan principal (against the outgoing payment);
        - repayment: Cr loan principal for the principal part (against the
          incoming payment); the interest the repayment settles (积数 method,
          ``interest_accrued``) is income at that date (Cr interest income),
          and what is settled but not paid stays in the interest receivable,
          which the interest part of later repayments credits first. Credit
          lines are not in the monthly accrual run: their interest is known
          only when a repayment settles it.
        """
        self.ensure_one()
        totals = defaultdict(float)
        if self.kind == "draw":
            totals[accounts["principal"]] += self.amount
        else:
            totals[accounts["principal"]] -= self.principal_amount
            totals[accounts["interest_receivable"]] += (
                self.interest_accrued - self.interest_amount
            )
            totals[accounts["interest_income"]] -= self.interest_accrued
        currency = self.currency_id
        return [
            {"account": account, "amount": currency.round(amount)}
            for account, amount in totals.items()
            if not currency.is_zero(amount)
        ]

    def _microloan_move_link_vals(self):
        return {"microloan_credit_line_entry_id": self.id}

    def _microloan_line_link_vals(self):
        return {"microloan_credit_line_id": self.line_id.id}

    def _microloan_payment_type(self):
        return CREDIT_LINE_PAYMENT_TYPES[self.kind]

    def _microloan_label(self):
        return self.display_name

    def _microloan_memo(self):
        """Memo of the entry and the payment: the bank reference when there is
        one (to match the bank statement line), else the entry's name."""
        return self.reference or self.display_name
