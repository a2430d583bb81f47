from odoo.tests import tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(MicroloanAccountingCommon):
    """Branch SH of the test company keeps its own books: its loan entries and
    payments are in its own journals and its ledger holds only its loans."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch_sh = cls.env["res.company"].create(
            {
                "name": "Shanghai Branch",
                "parent_id": cls.company.id,
                "microloan_branch_code": "SH",
            }
        )
        # Odoo loads the branch's share of the chart (journals, defaults) at
        # commit.
        cls.env.cr.precommit.run()
        cls.env.user.company_ids |= cls.branch_sh
        Journal = cls.env["account.journal"]
        if not Journal.search(
            [("company_id", "=", cls.branch_sh.id), ("type", "=", "bank")]
        ):
            Journal.create(
                {
                    "name": "Bank SH",
                    "code": "BKSH",
                    "type": "bank",
                    "company_id": cls.branch_sh.id,
                }
            )
        cls.branch_sh.action_microloan_default_accounts()
        cls.officer_sh = cls._microloan_user("officer_sh_acc", "officer", cls.branch_sh)

    def test_branch_defaults_are_its_own_journals(self):
        accounts = self.product._get_microloan_accounts(self.branch_sh)
        self.assertEqual(accounts["loan_journal"].company_id, self.branch_sh)
        self.assertEqual(accounts["payment_journal"].company_id, self.branch_sh)
        self.assertNotEqual(accounts["loan_journal"], self.accounts["loan_journal"])
        # The chart is the head office's: same accounts.
        self.assertEqual(accounts["principal"], self.accounts["principal"])

    def test_separate_books(self):
        loan_bj = self._active_loan()
        loan_sh = self._active_loan(
            officer=self.officer_sh, company_id=self.branch_sh.id, amount=50000.0
        )
        loan_sh.register_repayment(4442.44, "2025-02-10")
        for loan, company in ((loan_bj, self.company), (loan_sh, self.branch_sh)):
            moves = self.env["account.move"].search(
                [("microloan_loan_id", "=", loan.id)]
            )
            self.assertTrue(moves)
            self.assertEqual(moves.company_id, company)
            self.assertEqual(moves.journal_id.company_id, company)
            self.assertEqual(loan.transaction_ids.payment_id.company_id, company)
        principal = self.accounts["principal"]
        self.assertEqual(
            self._ledger_balance(principal, company=self.company), 100000.0
        )
        self.assertAlmostEqual(
            self._ledger_balance(principal, company=self.branch_sh), 50000.0 - 3942.44
        )

    def test_product_account_per_branch(self):
        other = self.accounts["principal"].copy({"code": "130309"})
        # The head office edits its product with the branch as current company.
        self.product.with_context(
            allowed_company_ids=[self.branch_sh.id, self.company.id]
        ).microloan_principal_account_id = other
        self.assertEqual(
            self.product._get_microloan_accounts(self.branch_sh)["principal"], other
        )
        self.assertEqual(
            self.product._get_microloan_accounts(self.company)["principal"],
            self.accounts["principal"],
        )
        loan_sh = self._active_loan(
            officer=self.officer_sh, company_id=self.branch_sh.id, amount=50000.0
        )
        self.assertIn(other, loan_sh.transaction_ids.move_id.line_ids.account_id)

    def test_branch_finance_user_books_in_its_branch(self):
        """A finance user who may work in the branch only (not in head office)
        disburses and collects; the entries land in the branch's books."""
        finance_sh = self._microloan_user("finance_sh_acc", "finance", self.branch_sh)
        loan = self._approved_loan(
            officer=self.officer_sh, company_id=self.branch_sh.id, amount=50000.0
        )
        loan = loan.with_user(finance_sh).with_company(self.branch_sh)
        loan.disburse(50000.0, "2025-01-10")
        loan.register_repayment(4442.44, "2025-02-10", reference="SH-BANK-1")
        transactions = self.env["microloan.loan.transaction"].search(
            [("loan_id", "=", loan.id)]
        )
        self.assertEqual(
            sorted(transactions.mapped("kind")), ["disbursement", "repayment"]
        )
        for transaction in transactions:
            self.assertEqual(transaction.move_id.state, "posted")
            self.assertEqual(transaction.move_id.company_id, self.branch_sh)
