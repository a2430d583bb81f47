from odoo.tests import tagged

from ..models.res_company import MAPPING_KEYS, mapping_field
from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestBookHistory(MicroloanAccountingCommon):
    """A branch that starts booking its loans books the history posted before."""

    def _unconfigure(self):
        self.company.write(dict.fromkeys(map(mapping_field, MAPPING_KEYS), False))

    def _trial_balance(self):
        rows = self.env["account.move.line"]._read_group(
            [("company_id", "=", self.company.id), ("parent_state", "=", "posted")],
            [],
            ["debit:sum", "credit:sum"],
        )
        return rows[0]

    def test_history_booked_and_agrees(self):
        Loan = self.env["microloan.loan"]
        self._unconfigure()
        loan = self._active_loan()
        late = self._active_loan(amount=50000.0)
        for installment in loan.installment_ids.sorted("sequence")[:3]:
            loan.register_repayment(installment.amount, installment.due_date)
        first = late.installment_ids.sorted("sequence")[0]
        late.register_repayment(first.amount + 100.0, "2025-03-05")
        Loan._run_daily_close("2025-04-30", self.company)
        history = (loan | late).transaction_ids
        self.assertTrue(history.filtered(lambda t: t.kind == "penalty"))
        self.assertFalse(history.move_ids)

        self.company.action_microloan_default_accounts()
        self.assertTrue(Loan._check_ledger_agreement("2025-04-30", self.company))
        transactions, _entries = self.company._microloan_book_history("2025-04-30")

        self.assertEqual(transactions, history)
        for transaction in history:
            if transaction.kind in ("disbursement", "repayment"):
                self.assertTrue(transaction.move_id, transaction.kind)
                self.assertTrue(transaction.payment_id, transaction.kind)
        self.assertEqual(Loan._check_ledger_agreement("2025-04-30", self.company), [])
        principal = self.accounts["principal"]
        self.assertAlmostEqual(
            self._ledger_balance(principal, loan), loan.principal_outstanding
        )
        debit, credit = self._trial_balance()
        self.assertGreater(debit, 0.0)
        self.assertAlmostEqual(debit, credit, places=2)
        # The allowance follows the tiers of the book.
        self.assertLess(
            self._ledger_balance(self.accounts["allowance"], company=self.company), 0.0
        )

        moves = self.env["account.move"].search_count([])
        transactions, _entries = self.company._microloan_book_history("2025-04-30")
        self.assertFalse(transactions)
        self.assertEqual(self.env["account.move"].search_count([]), moves)

    def test_straddling_loan(self):
        """A loan disbursed before its branch booked and repaid after."""
        Loan = self.env["microloan.loan"]
        self._unconfigure()
        loan = self._active_loan()
        disbursement = loan.transaction_ids
        self.company.action_microloan_default_accounts()
        installment = loan.installment_ids.sorted("sequence")[0]
        repayment = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(installment.amount, installment.due_date)
        )
        self.assertTrue(repayment.move_id)
        self.assertFalse(disbursement.move_ids)

        transactions, _entries = self.company._microloan_book_history(
            installment.due_date, provision=False
        )

        self.assertEqual(transactions, disbursement)
        self.assertTrue(disbursement.move_id)
        self.assertEqual(
            Loan._check_ledger_agreement(installment.due_date, self.company), []
        )

    def test_branch_without_accounts_skipped(self):
        self._unconfigure()
        loan = self._active_loan()
        transactions, entries = self.company._microloan_book_history("2025-01-31")
        self.assertFalse(transactions)
        self.assertFalse(entries)
        self.assertFalse(loan.transaction_ids.move_ids)
