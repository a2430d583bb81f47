from odoo.tests import tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestEntries(MicroloanAccountingCommon):
    def test_default_accounts(self):
        codes = {key: self._code(key) for key in self.accounts if "journal" not in key}
        self.assertEqual(codes["principal"], "130300")
        self.assertEqual(codes["interest_receivable"], "113200")
        self.assertEqual(codes["penalty_income"], "601102")
        self.assertEqual(codes["borrower_credit"], "224100")
        self.assertEqual(self.accounts["loan_journal"].code, "LOAN")
        self.assertEqual(self.accounts["payment_journal"].type, "bank")

    def test_disbursement(self):
        loan = self._approved_loan()
        transaction = loan.disburse(100000.0, "2025-01-10")
        move = transaction.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.microloan_transaction_id, transaction)
        receivable = self.borrower.property_account_receivable_id.code
        self.assertEqual(
            self._lines(move),
            sorted(
                [(self._code("principal"), 100000.0, 0.0), (receivable, 0.0, 100000.0)]
            ),
        )
