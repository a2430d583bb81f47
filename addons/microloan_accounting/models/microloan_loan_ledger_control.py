from collections import defaultdict

from odoo import SUPERUSER_ID, api, fields, models

from .microloan_loan_accruing import INCOME_KEYS

# Transaction kinds whose "other" principal lines pay the loan out (a
# disbursement, or the reversal of one with opposite amounts).
DISBURSING_KINDS = ("disbursement", "reversal")
# Settling kinds that reduce the receivables; a recovery pays back amounts
# already written off.
RECEIVABLE_SETTLING_KINDS = ("repayment", "waiver", "reversal")


class MicroloanLoanLedgerControl(models.AbstractModel):
    """Agreement of a loan's (microloan.loan) ledger balances with its
    sub-ledger, read by the ledger control (microloan.ledger.control)."""

    _name = "microloan.loan.ledger.control"
    _description = "Loan: Ledger Agreement"

    @api.model
    def _check_ledger_agreement(self, date=None, companies=None, loans=None):
        """Compare, for every loan of ``companies`` (or ``loans``), the ledger
        balance of its principal and interest receivable accounts with the
        sub-ledger on ``date`` (today by default); return the differences as
        a list of dicts ``{"loan", "principal_ledger", "principal_subledger",
        "interest_ledger", "interest_subledger"}`` (floats, loan currency).
        An empty list means the books agree to the fen.

        Sub-ledger principal: disbursed less repaid, waived and written off.
        Sub-ledger interest receivable: what the accrual owes the books on
        ``date`` (``_get_accrual_targets``): scheduled interest pro rata by
        days less what was paid, plus penalty and compound interest charged
        and unpaid; nothing for a loan in non-accrual or written off. Run the
        accrual of ``date`` first: a payment of interest not yet accrued is
        a difference until it runs. The ledger side are the
        posted journal items of the loan on the accounts of its product.
        """
        date = fields.Date.to_date(date) or self._microloan_run_date()
        # sudo: the control compares every loan of the branches it checks.
        Loan = self.sudo()
        if loans is None:
            if companies is None:
                companies = self.env["res.company"].sudo().search([])
            loans = Loan.search(
                [
                    ("company_id", "in", companies.ids),
                    ("state", "in", ("active", "closed", "written_off")),
                ]
            )
        # sudo: the control compares every loan of the branches it checks.
        loans = loans.sudo()
        subledger = loans._get_subledger_balances(date)
        ledger = loans._get_ledger_balances(date)
        differences = []
        for loan in loans:
            currency = loan.currency_id
            sub = subledger[loan.id]
            led = ledger[loan.id]
            difference = self._microloan_ledger_difference(currency, sub, led)
            if difference:
                differences.append(dict(difference, loan=loan))
        return differences

    @api.model
    def _microloan_run_date(self):
        """Today as the scheduled runs see it: the daily close and the accrual
        run as the superuser, so "today" is the date in its timezone, not in
        the timezone of the user looking at the ledger control."""
        return fields.Date.context_today(
            self.with_user(SUPERUSER_ID).with_context(tz=False)
        )

    @api.model
    def _check_subledger_integrity(self, date=None, companies=None):
        """Check the loans of ``companies`` (all by default) against their own
        sub-ledger on ``date``; return the disagreements as a list of dicts
        ``{"loan", "check", "expected", "found"}`` (floats, loan currency):

        - ``schedule``: the principal of an active loan's schedule differs from
          the principal disbursed (disbursements net of reversals);
        - ``credit``: the borrower credit held on the loan (overpayments less
          their use and refunds, up to ``date``) differs from the balance of
          its borrower credit account (2241);
        - ``disbursement``: an active loan has no principal disbursed.
        """
        date = fields.Date.to_date(date) or self._microloan_run_date()
        if companies is None:
            # sudo: the control runs for every branch.
            companies = self.env["res.company"].sudo().search([])
        # sudo: the control reads every loan of the branches it checks.
        loans = self.sudo().search(
            [
                ("company_id", "in", companies.ids),
                ("state", "in", ("active", "closed", "written_off")),
            ]
        )
        if not loans:
            return []
        disbursed = defaultdict(float)
        # sudo: the control sums the disbursements of every loan it checks.
        for loan, amount in (
            self.env["microloan.loan.transaction.line"]
            .sudo()
            ._read_group(
                [
                    ("loan_id", "in", loans.ids),
                    ("component", "=", "principal"),
                    ("effect", "=", "other"),
                    ("kind", "in", DISBURSING_KINDS),
                ],
                ["loan_id"],
                ["amount:sum"],
            )
        ):
            disbursed[loan.id] += amount
        scheduled = defaultdict(float)
        # sudo: the control sums the schedules of every loan it checks.
        for loan, amount in (
            self.env["microloan.loan.installment"]
            .sudo()
            ._read_group(
                [("loan_id", "in", loans.ids), ("state", "!=", "cancelled")],
                ["loan_id"],
                ["principal:sum"],
            )
        ):
            scheduled[loan.id] = amount
        credit = defaultdict(float)
        # sudo: the control sums the transactions of every loan it checks.
        for loan, amount in (
            self.env["microloan.loan.transaction"]
            .sudo()
            ._read_group(
                [("loan_id", "in", loans.ids), ("date", "<=", date)],
                ["loan_id"],
                ["excess_amount:sum"],
            )
        ):
            credit[loan.id] = amount or 0.0
        credit_ledger = loans._get_borrower_credit_balances(date)
        differences = []
        for loan in loans:
            currency = loan.currency_id
            checks = [("credit", credit[loan.id], credit_ledger[loan.id])]
            if loan.state == "active":
                checks.append(("schedule", disbursed[loan.id], scheduled[loan.id]))
                if currency.compare_amounts(disbursed[loan.id], 0.0) <= 0:
                    checks.append(("disbursement", loan.amount, disbursed[loan.id]))
            for check, expected, found in checks:
                if check == "disbursement" or currency.compare_amounts(expected, found):
                    differences.append(
                        {
                            "loan": loan,
                            "check": check,
                            "expected": currency.round(expected),
                            "found": currency.round(found),
                        }
                    )
        return differences

    def _get_borrower_credit_balances(self, date):
        """``{loan_id: float}``: credit balance of the borrower credit account
        of each loan's product on its journal items up to ``date``, in the
        loan's currency."""
        result = defaultdict(float)
        booking = self.filtered(lambda loan: loan._microloan_accounting_active())
        accounts = {}
        for loan in booking:
            key = (loan.company_id.id, loan.product_id.id)
            if key not in accounts:
                accounts[key] = loan.product_id._get_microloan_accounts(
                    loan.company_id
                )["borrower_credit"]
        if not booking:
            return result
        # sudo: the ledger side: every posted journal item, whatever the caller reads.
        rows = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("microloan_loan_id", "in", booking.ids),
                    ("account_id", "in", [a.id for a in accounts.values()]),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", date),
                ],
                ["microloan_loan_id", "account_id", "currency_id"],
                ["amount_currency:sum", "balance:sum"],
            )
        )
        for loan, account, currency, amount_currency, balance in rows:
            if account != accounts[loan.company_id.id, loan.product_id.id]:
                continue
            if currency == loan.currency_id:
                amount = amount_currency
            elif loan.currency_id == loan.company_id.currency_id:
                amount = balance
            else:
                amount = loan.company_id.currency_id._convert(
                    balance, loan.currency_id, loan.company_id, date
                )
            result[loan.id] -= amount
        return result

    def _get_subledger_balances(self, date):
        result = defaultdict(lambda: {"principal": 0.0, "interest": 0.0})
        rows = self.env["microloan.loan.transaction.line"]._read_group(
            [
                ("loan_id", "in", self.ids),
                ("date", "<=", date),
                ("component", "=", "principal"),
            ],
            ["loan_id", "kind", "effect"],
            ["amount:sum"],
        )
        for loan, kind, effect, amount in rows:
            if effect == "other" and kind in DISBURSING_KINDS:
                result[loan.id]["principal"] += amount
            elif effect == "settle" and kind in RECEIVABLE_SETTLING_KINDS:
                result[loan.id]["principal"] -= amount
            elif kind == "write_off":
                result[loan.id]["principal"] -= amount
        for loan_id, target in self._get_accrual_targets(date).items():
            result[loan_id]["interest"] = float(
                sum((target[component] for component in INCOME_KEYS), 0)
            )
        return result

    def _get_ledger_balances(self, date):
        accounts = {}
        for company in self.company_id:
            for product in self.filtered(
                lambda x, c=company: x.company_id == c
            ).product_id:
                mapping = product._get_microloan_accounts(company)
                accounts[company.id, product.id] = (
                    mapping["principal"],
                    mapping["interest_receivable"],
                )
        account_ids = {account.id for pair in accounts.values() for account in pair}
        # sudo: the ledger side: every posted journal item, whatever the caller reads.
        rows = (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("microloan_loan_id", "in", self.ids),
                    ("account_id", "in", list(account_ids)),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", date),
                ],
                ["microloan_loan_id", "account_id", "currency_id"],
                ["amount_currency:sum", "balance:sum"],
            )
        )
        result = defaultdict(lambda: {"principal": 0.0, "interest": 0.0})
        for loan, account, currency, amount_currency, balance in rows:
            principal, interest = accounts[loan.company_id.id, loan.product_id.id]
            if currency == loan.currency_id:
                amount = amount_currency
            elif loan.currency_id == loan.company_id.currency_id:
                amount = balance
            else:
                amount = loan.company_id.currency_id._convert(
                    balance, loan.currency_id, loan.company_id, date
                )
            if account == principal:
                result[loan.id]["principal"] += amount
            if account == interest:
                result[loan.id]["interest"] += amount
        return result
