from datetime import date, timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from microloan_engine.accrual import AccrualPeriod, accrued_interest

from .common import MicroloanAccountingCommon


def month_ends(first, last):
    """The month ends from ``first`` to ``last`` (both month ends)."""
    day = first
    while day <= last:
        yield day
        next_first = day + timedelta(days=1)
        day = (next_first + timedelta(days=31)).replace(day=1) - timedelta(days=1)


@tagged("post_install", "-at_install")
class TestAccrual(MicroloanAccountingCommon):
    """Monthly interest accrual (docs/domain.md §5.1): scheduled interest pro rata by
    days, grouped entries, idempotent runs and the non-accrual switch."""

    def _accrue(self, day, loans=None):
        return self.env["microloan.loan"]._run_interest_accrual(
            day, companies=self.company, loans=loans
        )

    def _receivable(self, loan):
        return self._ledger_balance(self.accounts["interest_receivable"], loan)

    def test_domain_example(self):
        loan = self._active_loan()
        first = loan.installment_ids.sorted("sequence")[0]
        self.assertEqual(first.interest, 1000.0)
        move = self._accrue("2025-01-31")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.accounts["loan_journal"])
        self.assertEqual(move.date, date(2025, 1, 31))
        self.assertEqual(
            self._lines(move),
            sorted(
                [
                    (self._code("interest_receivable"), 677.42, 0.0),
                    (self._code("interest_income"), 0.0, 677.42),
                ]
            ),
        )
        receivable_line = move.line_ids.filtered(
            lambda line: line.account_id == self.accounts["interest_receivable"]
        )
        self.assertEqual(receivable_line.microloan_loan_id, loan)
        self.assertRecordValues(
            loan.accrual_ids,
            [{"date": date(2025, 1, 31), "kind": "accrual", "amount": 677.42}],
        )
        # Running the same month again posts nothing.
        self.assertFalse(self._accrue("2025-01-31"))
        move = self._accrue("2025-02-10")
        self.assertEqual(
            self._lines(move),
            sorted(
                [
                    (self._code("interest_receivable"), 322.58, 0.0),
                    (self._code("interest_income"), 0.0, 322.58),
                ]
            ),
        )
        self.assertAlmostEqual(self._receivable(loan), 1000.0)
        loan.register_repayment(8884.88, "2025-02-10")
        self.assertAlmostEqual(self._receivable(loan), 0.0)
        self.assertFalse(self._accrue("2025-02-10"))

    def test_accruals_sum_to_billed_interest(self):
        loan = self._active_loan()
        installments = loan.installment_ids.sorted("sequence")
        for day in month_ends(date(2025, 1, 31), date(2026, 1, 31)):
            self._accrue(day)
        total = sum(loan.accrual_ids.mapped("amount"))
        self.assertAlmostEqual(total, sum(installments.mapped("interest")), places=2)
        self.assertEqual(set(loan.accrual_ids.mapped("kind")), {"accrual"})
        self.assertAlmostEqual(self._receivable(loan), total, places=2)

    def test_paid_before_accrual_and_prepayment(self):
        loan = self._active_loan()
        self._accrue("2025-01-31")
        # Paid on the due date before the run accrued the rest: the receivable
        # is credit until the run of that day catches up.
        loan.register_repayment(8884.88, "2025-02-10")
        self.assertAlmostEqual(self._receivable(loan), -322.58)
        self._accrue("2025-02-10")
        self.assertAlmostEqual(self._receivable(loan), 0.0)
        self._accrue("2025-02-28")
        accrued_feb = self._receivable(loan)
        self.assertGreater(accrued_feb, 0.0)
        # A payoff on March 5 bills the actual days' interest: the run adjusts
        # the receivable to what the sub-ledger owes (nothing).
        loan.payoff("2025-03-05")
        self.assertEqual(loan.state, "closed")
        self._accrue("2025-03-31")
        self.assertAlmostEqual(self._receivable(loan), 0.0)
        interest_billed = sum(
            loan.installment_ids.filtered(lambda i: i.state == "paid").mapped(
                "interest_paid"
            )
        )
        self.assertAlmostEqual(
            sum(loan.accrual_ids.mapped("amount")), interest_billed, places=2
        )
        self.assertFalse(self._accrue("2025-04-30"))

    def test_grouped_per_company_product_and_date(self):
        other_product = self.product.copy({"name": "Farm Loan", "code": "FARM"})
        loans = (
            self._active_loan()
            | self._active_loan(amount=50000.0)
            | self._active_loan(product_id=other_product.id)
        )
        other = self.setup_other_company(name="Shanghai Branch")["company"]
        other.microloan_branch_code = "SH"
        other.action_microloan_default_accounts()
        self.env.user.company_ids |= other
        officer_sh = self._microloan_user("officer_sh_acc", "officer", other)
        shared = self.product.copy({"name": "Shared Loan", "company_id": False})
        loan_sh = self._active_loan(
            officer=officer_sh,
            company_id=other.id,
            user_id=officer_sh.id,
            product_id=shared.id,
        )
        moves = self.env["microloan.loan"]._run_interest_accrual(
            "2025-01-31", companies=self.company | other
        )
        self.assertEqual(len(moves), 3)
        by_key = {(m.company_id, len(m.line_ids)): m for m in moves}
        self.assertIn((self.company, 3), by_key)
        self.assertIn((self.company, 2), by_key)
        self.assertIn((other, 2), by_key)
        self.assertEqual(by_key[self.company, 3].line_ids.microloan_loan_id, loans[:2])
        self.assertEqual(by_key[other, 2].line_ids.microloan_loan_id, loan_sh)
        self.assertEqual(
            by_key[other, 2].journal_id,
            shared._get_microloan_accounts(other)["loan_journal"],
        )
        self.assertFalse(
            self.env["microloan.loan"]._run_interest_accrual(
                "2025-01-31", companies=self.company | other
            )
        )

    def test_missing_account_posts_nothing(self):
        self._active_loan()
        self.product.with_company(
            self.company
        ).microloan_interest_income_account_id = False
        self.company.microloan_interest_income_account_id = False
        with self.assertRefused(UserError, "Interest Income"):
            self._accrue("2025-01-31")
        self.assertFalse(self.env["microloan.loan.accrual"].search([]))

    def test_locked_period(self):
        self._active_loan()
        self.company.sudo().fiscalyear_lock_date = date(2025, 1, 31)
        with self.assertRefused(UserError, "locked"):
            self._accrue("2025-01-31")
        self.assertFalse(self.env["microloan.loan.accrual"].search([]))

    def test_non_accrual_switch_and_memo(self):
        loan = self._active_loan()
        Loan = self.env["microloan.loan"]
        # Nothing paid: the daily close (with its accrual) runs to May 12, 91
        # days after the first due date.
        Loan._run_daily_close("2025-05-11", self.company)
        self.assertFalse(loan.non_accrual)
        receivable = self._receivable(loan)
        charged = sum(
            t.amount for t in loan.transaction_ids if t.kind in ("penalty", "compound")
        )
        self.assertGreater(charged, 0.0)
        interest_due = sum(
            loan.installment_ids.filtered(
                lambda i: i.due_date <= date(2025, 5, 10)
            ).mapped("interest")
        )
        # The daily close accrues on due dates and month ends: the receivable
        # holds the interest billed and the charges.
        self.assertAlmostEqual(receivable, interest_due + charged, places=2)
        Loan._run_daily_close("2025-05-12", self.company)
        self.assertTrue(loan.non_accrual)
        self.assertAlmostEqual(self._receivable(loan), 0.0)
        reversal = loan.accrual_ids.filtered(lambda a: a.kind == "non_accrual")
        self.assertEqual(set(reversal.mapped("date")), {date(2025, 5, 12)})
        self.assertAlmostEqual(-sum(reversal.mapped("amount")), receivable, places=2)
        # The memo also keeps the current period's interest of May 10-12.
        current = loan.installment_ids.filtered(
            lambda i: i.due_date == date(2025, 6, 10)
        )
        memo = loan.memo_entry_ids
        self.assertRecordValues(
            memo,
            [{"memo_type": "interest", "direction": "in", "date": date(2025, 5, 12)}],
        )
        self.assertAlmostEqual(
            memo.amount, receivable + round(current.interest * 2 / 31, 2), places=2
        )
        self.assertAlmostEqual(loan.off_balance_interest, memo.amount, places=2)
        # Income side: the reversal debits the income accounts.
        move = reversal.move_id
        income = move.line_ids.filtered(
            lambda line: line.debit and not line.microloan_loan_id
        )
        self.assertTrue(income)
        # Later interest stays off balance; the month end adds to the memo only.
        Loan._run_daily_close("2025-05-31", self.company)
        self.assertAlmostEqual(self._receivable(loan), 0.0)
        self.assertGreater(loan.off_balance_interest, memo.amount)

    def test_targets_read_only_the_periods_that_count(self):
        """The month-end run reads, per loan, only the installments due and
        unpaid and the period running (``_get_accrual_periods``): its targets
        are the engine's over every installment, and its queries do not grow
        with the loans, their terms or their history."""
        Loan = self.env["microloan.loan"]
        on_time = self._active_loan(term=36)
        for installment in on_time.installment_ids.sorted("sequence")[:3]:
            on_time.register_repayment(installment.amount, installment.due_date)
        overdue = self._active_loan()
        partly = self._active_loan(term=24)
        partly.register_repayment(500.0, "2025-02-10")
        day = date(2025, 4, 30)
        loans = on_time | overdue | partly
        targets = loans._get_accrual_targets(day)
        for loan in loans:
            periods = [
                AccrualPeriod(
                    i.due_date, loan._money(i.interest), loan._money(i.interest_paid)
                )
                for i in loan._engine_installments()
            ]
            expected = accrued_interest(periods, loan.first_disbursement_date, day)
            self.assertEqual(targets[loan.id]["interest"], expected, loan.name)
            self.assertGreater(expected, 0)
        # Query counts: one loan of 12 months, five of 36 months with history.
        self.env.invalidate_all()

        def accrual_queries(batch):
            with self.env.cr.savepoint() as savepoint:
                self.env.flush_all()
                self.env.invalidate_all()
                start = self.env.cr.sql_log_count
                Loan._run_interest_accrual(day, loans=batch)
                self.env.flush_all()
                count = self.env.cr.sql_log_count - start
                savepoint.rollback()
            self.env.invalidate_all()
            return count

        few = accrual_queries(overdue)
        more = self._active_loan(term=36) | self._active_loan(term=36)
        many = accrual_queries(loans | more)
        # Measured: 67 queries for one loan (the entry's creation and
        # posting are most of them), as many for five with history; 63 when
        # the entry's number was drawn by its posting: drawn before its items
        # are inserted (account.move._microloan_create_grouped), it costs 4
        # queries more per entry and spares the posting's rewrite of every
        # item's number and state (64 queries, 0.7 s for the 8,000 items of a
        # stress month end of 2,000 loans).
        self.assertLessEqual(many, few + 2, (few, many))
        self.assertLessEqual(few, 67, few)
