"""Accounting of credit lines (随借随还): the checks of the accounting setup
before a draw or a repayment posts (``microloan.booking.setup.mixin``), and
the ledger control of the lines. Their entries are booked by
``microloan.credit.line.entry`` (microloan_credit_line_entry.py).
"""

from collections import defaultdict

from odoo import api, fields, models


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
                # sudo: the control runs for every branch.
                companies = self.env["res.company"].sudo().search([])
            # sudo: the control compares every credit line of the branches it checks.
            lines = self.sudo().search(
                [
                    ("company_id", "in", companies.ids),
                    ("state", "in", ("active", "closed")),
                ]
            )
        # sudo: the control compares every given line, whatever the caller reads.
        lines = lines.sudo()
        ledger = lines._get_ledger_balances(date)
        differences = []
        for line in lines:
            currency = line.currency_id
            entries = line.entry_ids._filter_effective().filtered(
                lambda e, date=date: e.date <= date
            )
            totals = line._engine_totals(entries)
            sub = {
                "principal": float(totals.principal_outstanding),
                "interest": float(totals.interest_due),
            }
            led = ledger[line.id]
            difference = self._microloan_ledger_difference(currency, sub, led)
            if difference:
                differences.append(dict(difference, line=line))
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
        # sudo: the ledger side: every posted journal item, whatever the caller reads.
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
