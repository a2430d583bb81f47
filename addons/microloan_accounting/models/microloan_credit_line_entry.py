"""Journal entries of credit lines (随借随还).

A draw and a repayment of a credit line are booked like a loan disbursement
and repayment: one entry of the loan journal plus an Odoo payment of the
payment journal, reconciled through the borrower's receivable account; a
reversal reverses both. The helpers that build the entry, create and
reconcile the payment and reverse the entries are the loan transaction's,
shared through the abstract model ``microloan.booking.mixin``; the accounting
checks are the loan's, shared through ``microloan.booking.setup.mixin``
(microloan_booking_mixin.py).
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

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
        help="Entry of the loan journal booking this credit line entry.",
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

    @api.depends("move_ids.origin_payment_id", "move_ids.reversed_entry_id")
    def _compute_move_id(self):
        for entry in self:
            entry.move_id = entry._microloan_loan_entries()[:1]

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
        a draw or a repayment gets one entry of the loan journal and a payment
        of the payment journal reconciled with it."""
        self.ensure_one()
        line = self.line_id
        if not line._microloan_accounting_active():
            return
        accounts = line._microloan_check_accounting(self.date)
        if self.kind == "reversal":
            self._microloan_book_reversal()
            return
        specs = self._prepare_microloan_line_specs(accounts)
        move = (
            self.env["account.move"]
            .sudo()
            .create(self._prepare_microloan_move_vals(accounts, specs))
        )
        move.action_post()
        self._microloan_pay(accounts, move)

    def _prepare_microloan_line_specs(self, accounts):
        """Lines of this entry's loan entry, as a list of dicts
        ``{"account": account.account, "amount": float}`` in the line's
        currency, ``amount`` > 0 for a debit; one line per account.

        - draw: Dr loan principal / Cr the borrower's receivable (cleared by
          the outgoing payment);
        - repayment: Dr receivable (cleared by the incoming payment) / Cr loan
          principal for the principal part; the interest the repayment settles
          (积数 method, ``interest_accrued``) is income at that date
          (Cr interest income), and what is settled but not paid stays in the
          interest receivable, which the interest part of later repayments
          credits first. Credit lines are not in the monthly accrual run: their
          interest is known only when a repayment settles it.
        """
        self.ensure_one()
        clearing = self._microloan_clearing_account()
        totals = defaultdict(float)
        if self.kind == "draw":
            totals[accounts["principal"]] += self.amount
            totals[clearing] -= self.amount
        else:
            totals[clearing] += self.amount
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


class MicroloanCreditLine(models.Model):
    _name = "microloan.credit.line"
    _inherit = ["microloan.credit.line", "microloan.booking.setup.mixin"]

    def _draw(self, amount, date):
        self._microloan_check_posting(date)
        return super()._draw(amount, date)

    def _register_repayment(self, amount, date, reference=None):
        self._microloan_check_posting(date)
        return super()._register_repayment(amount, date, reference=reference)

    def _microloan_check_posting(self, date):
        """Check the accounting setup and the lock dates of ``date`` before
        the credit line posts anything (a translated ``UserError``)."""
        date = fields.Date.to_date(date)
        for line in self:
            if date and line._microloan_accounting_active():
                line._microloan_check_accounting(date)

    @api.model
    def _check_ledger_agreement(self, date=None, companies=None, lines=None):
        """Compare, for every credit line of ``companies`` (or ``lines``), the
        ledger balance of its loan principal and interest receivable accounts
        with the sub-ledger on ``date`` (today by default): the principal
        outstanding and the settled interest not yet paid. Return the
        differences as a list of dicts ``{"line", "principal_ledger",
        "principal_subledger", "interest_ledger", "interest_subledger"}``
        (floats, the line's currency); an empty list means the books agree.
        Lines of branches that do not book are compared too (their ledger is
        empty), like loans."""
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        if lines is None:
            if companies is None:
                companies = self.env["res.company"].sudo().search([])
            lines = self.sudo().search(
                [
                    ("company_id", "in", companies.ids),
                    ("state", "in", ("active", "closed")),
                ]
            )
        lines = lines.sudo()
        ledger = lines._get_ledger_balances(date)
        differences = []
        for line in lines:
            currency = line.currency_id
            entries = line.entry_ids._filter_effective().filtered(
                lambda e, date=date: e.date <= date
            )
            draws = entries.filtered(lambda e: e.kind == "draw")
            repayments = entries - draws
            sub = {
                "principal": sum(draws.mapped("amount"))
                - sum(repayments.mapped("principal_amount")),
                "interest": sum(repayments.mapped("interest_accrued"))
                - sum(repayments.mapped("interest_amount")),
            }
            led = ledger[line.id]
            if currency.compare_amounts(
                sub["principal"], led["principal"]
            ) or currency.compare_amounts(sub["interest"], led["interest"]):
                differences.append(
                    {
                        "line": line,
                        "principal_ledger": currency.round(led["principal"]),
                        "principal_subledger": currency.round(sub["principal"]),
                        "interest_ledger": currency.round(led["interest"]),
                        "interest_subledger": currency.round(sub["interest"]),
                    }
                )
        return differences

    def _get_ledger_balances(self, date):
        result = defaultdict(lambda: {"principal": 0.0, "interest": 0.0})
        booking = self.filtered(lambda line: line._microloan_accounting_active())
        accounts = {}
        for line in booking:
            key = (line.company_id.id, line.product_id.id)
            if key not in accounts:
                mapping = line.product_id._get_microloan_accounts(line.company_id)
                accounts[key] = {
                    mapping["principal"]: "principal",
                    mapping["interest_receivable"]: "interest",
                }
        if not booking:
            return result
        rows = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("microloan_credit_line_id", "in", booking.ids),
                    (
                        "account_id",
                        "in",
                        [a.id for mapping in accounts.values() for a in mapping],
                    ),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", date),
                ],
                ["microloan_credit_line_id", "account_id", "currency_id"],
                ["amount_currency:sum", "balance:sum"],
            )
        )
        for line, account, currency, amount_currency, balance in rows:
            company = line.company_id
            if currency == line.currency_id:
                amount = amount_currency
            elif line.currency_id == company.currency_id:
                amount = balance
            else:
                amount = company.currency_id._convert(
                    balance, line.currency_id, company, date
                )
            key = accounts[company.id, line.product_id.id].get(account)
            if key:
                result[line.id][key] += amount
        return result


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

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
        return super().button_draft()


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    microloan_credit_line_id = fields.Many2one(
        "microloan.credit.line",
        string="Credit Line",
        index="btree_not_null",
        help="Credit line of the line: the ledger side of its control.",
    )


class AccountPayment(models.Model):
    _inherit = "account.payment"  # pylint: disable=consider-merging-classes-inherited

    microloan_credit_line_entry_id = fields.Many2one(
        "microloan.credit.line.entry",
        string="Credit Line Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
