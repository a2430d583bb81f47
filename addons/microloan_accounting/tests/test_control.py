from datetime import date, timedelta

from odoo.tests import Form, tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestControl(MicroloanAccountingCommon):
    """The ledger agrees with the loan sub-ledger; the trial balance balances."""

    def _month_end_before(self, day):
        return day.replace(day=1) - timedelta(days=1)

    def _live_loan(self, loan):
        """Accrue each month end and due date, repay each installment on its
        due date, provision at month ends: the loan's whole life."""
        Loan = self.env["microloan.loan"]
        for installment in loan.installment_ids.sorted("sequence"):
            due = installment.due_date
            Loan._run_month_end(self._month_end_before(due), self.company)
            loan.register_repayment(installment.amount, due)
            Loan._run_interest_accrual(due, self.company)
        Loan._run_month_end(
            (due.replace(day=28) + timedelta(days=4)).replace(day=1)
            - timedelta(days=1),
            self.company,
        )

    def _trial_balance(self, company):
        rows = self.env["account.move.line"]._read_group(
            [("company_id", "=", company.id), ("parent_state", "=", "posted")],
            [],
            ["debit:sum", "credit:sum"],
        )
        return rows[0]

    def test_full_life_agrees(self):
        loan = self._active_loan()
        Loan = self.env["microloan.loan"]
        Loan._run_month_end("2025-01-31", self.company)
        # Mid-life, with accrued interest on the books, they agree too.
        self.assertEqual(Loan._check_ledger_agreement("2025-01-31", self.company), [])
        self._live_loan(loan)
        self.assertEqual(loan.state, "closed")
        self.assertEqual(Loan._check_ledger_agreement(None, self.company), [])
        for key in ("principal", "interest_receivable"):
            self.assertAlmostEqual(self._ledger_balance(self.accounts[key], loan), 0.0)
        self.assertAlmostEqual(
            sum(loan.accrual_ids.mapped("amount")),
            sum(loan.installment_ids.mapped("interest")),
            places=2,
        )
        debit, credit = self._trial_balance(self.company)
        self.assertGreater(debit, 0.0)
        self.assertAlmostEqual(debit, credit, places=2)
        # No allowance left once the book is empty.
        self.assertAlmostEqual(
            self._ledger_balance(self.accounts["allowance"], company=self.company), 0.0
        )

    def test_injected_difference_is_listed(self):
        loan = self._active_loan()
        other = self._active_loan(amount=30000.0)
        self.env["microloan.loan"]._run_month_end("2025-01-31", self.company)
        # sudo: only the postings link items to a loan; the test tampers.
        manual = (
            self.env["account.move"]
            .sudo()
            .create(
                self._manual_entry_vals(
                    "2025-01-31",
                    (
                        self.accounts["interest_receivable"],
                        10.0,
                        {"microloan_loan_id": loan.id},
                    ),
                    (self.accounts["interest_income"], -10.0, {}),
                )
            )
        )
        manual.action_post()
        differences = self.env["microloan.loan"]._check_ledger_agreement(
            "2025-01-31", self.company
        )
        self.assertEqual(len(differences), 1)
        first_interest = round(1000.0 * 21 / 31, 2)
        self.assertEqual(differences[0]["loan"], loan)
        self.assertAlmostEqual(differences[0]["interest_ledger"], first_interest + 10)
        self.assertAlmostEqual(differences[0]["interest_subledger"], first_interest)
        self.assertAlmostEqual(differences[0]["principal_ledger"], 100000.0)
        self.assertAlmostEqual(differences[0]["principal_subledger"], 100000.0)
        # The report lists it; the trial balance still balances.
        form = Form(self.env["microloan.ledger.control"])
        form.date = date(2025, 1, 31)
        control = form.save()
        control.company_ids = self.company
        control.action_check()
        self.assertRecordValues(
            control.line_ids,
            [
                {
                    "loan_id": loan.id,
                    "interest_difference": 10.0,
                    "principal_difference": 0.0,
                }
            ],
        )
        self.assertNotIn(other, control.line_ids.loan_id)
        debit, credit = self._trial_balance(self.company)
        self.assertAlmostEqual(debit, credit, places=2)
        # A principal line on the wrong loan shows on both loans.
        # sudo: only the postings link items to a loan; the test tampers.
        manual = (
            self.env["account.move"]
            .sudo()
            .create(
                self._manual_entry_vals(
                    "2025-01-31",
                    (
                        self.accounts["principal"],
                        500.0,
                        {"microloan_loan_id": other.id},
                    ),
                    (
                        self.accounts["principal"],
                        -500.0,
                        {"microloan_loan_id": loan.id},
                    ),
                )
            )
        )
        manual.action_post()
        control.action_check()
        self.assertEqual(control.line_ids.loan_id, loan | other)

    def test_non_accrual_agrees(self):
        loan = self._active_loan()
        Loan = self.env["microloan.loan"]
        Loan._run_daily_close("2025-05-12", self.company)
        self.assertTrue(loan.non_accrual)
        self.assertEqual(Loan._check_ledger_agreement("2025-05-12", self.company), [])
        # Paid in full: back to accrual, the memo is emptied and the books agree.
        quote = loan.payoff_quote(date(2025, 5, 13))
        loan.payoff("2025-05-13")
        Loan._run_daily_close("2025-05-13", self.company)
        self.assertEqual(loan.state, "closed")
        self.assertAlmostEqual(loan.off_balance_interest, 0.0)
        self.assertGreater(quote["penalty"], 0.0)
        self.assertEqual(Loan._check_ledger_agreement("2025-05-13", self.company), [])
        debit, credit = self._trial_balance(self.company)
        self.assertAlmostEqual(debit, credit, places=2)
