from datetime import date

from odoo.tests import tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestProvision(MicroloanAccountingCommon):
    """Month-end provisioning from the five tiers (docs/domain.md §3.3, §5.1 item 6)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loan_normal = cls._active_loan()
        cls.loan_watch = cls._active_loan(amount=50000.0)
        cls.loan_bad = cls._active_loan(amount=20000.0)
        cls.loan_watch.sudo().risk_tier = "special_mention"
        cls.loan_bad.sudo().risk_tier = "substandard"

    def _provision(self, day):
        return self.env["microloan.provision"]._run_provisioning(day, self.company)

    def _allowance(self):
        return -self._ledger_balance(self.accounts["allowance"], company=self.company)

    def test_provision_to_target_and_release(self):
        move = self._provision("2025-01-31")
        # Specific 50,000 × 2% + 20,000 × 25% = 6,000; general 1% of 170,000.
        self.assertEqual(
            self._lines(move),
            sorted(
                [
                    (self._code("impairment_expense"), 7700.0, 0.0),
                    (self._code("allowance"), 0.0, 7700.0),
                ]
            ),
        )
        provision = self.env["microloan.provision"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertRecordValues(
            provision,
            [
                {
                    "date": date(2025, 1, 31),
                    "product_id": self.product.id,
                    "balance_normal": 100000.0,
                    "balance_special_mention": 50000.0,
                    "balance_substandard": 20000.0,
                    "total_loans": 170000.0,
                    "npl": 20000.0,
                    "specific_provision": 6000.0,
                    "general_provision": 1700.0,
                    "target_allowance": 7700.0,
                    "allowance_before": 0.0,
                    "amount": 7700.0,
                    "move_id": move.id,
                }
            ],
        )
        self.assertAlmostEqual(provision.npl_ratio, 11.76, places=2)
        self.assertAlmostEqual(provision.coverage_ratio, 38.5, places=2)
        # The same month again: nothing.
        self.assertFalse(self._provision("2025-01-31"))
        self.assertEqual(
            self.env["microloan.provision"].search_count(
                [("company_id", "=", self.company.id)]
            ),
            1,
        )
        # The bad loan is back to normal: the allowance is released to 2,700.
        self.loan_bad.sudo().risk_tier = "normal"
        move = self._provision("2025-02-28")
        self.assertEqual(
            self._lines(move),
            sorted(
                [
                    (self._code("allowance"), 5000.0, 0.0),
                    (self._code("impairment_expense"), 0.0, 5000.0),
                ]
            ),
        )
        self.assertAlmostEqual(self._allowance(), 2700.0)

    def test_repayments_lower_the_target(self):
        self._provision("2025-01-31")
        self.loan_bad.register_repayment(
            self.loan_bad.installment_ids.sorted("sequence")[0].amount, "2025-02-10"
        )
        self._provision("2025-02-28")
        principal = self.loan_bad.principal_outstanding
        expected = round(50000.0 * 0.02 + principal * 0.25, 2) + round(
            (150000.0 + principal) * 0.01, 2
        )
        self.assertAlmostEqual(self._allowance(), expected, places=2)

    def test_write_off_uses_the_allowance(self):
        self.loan_bad.sudo().risk_tier = "loss"
        self._provision("2025-01-31")
        self.assertAlmostEqual(self._allowance(), 1000.0 + 20000.0 + 1700.0)
        # The product's write-off conditions are tested in microloan_base.
        self.loan_bad.product_id.write({"write_off_min_days_past_due": 0})
        self.loan_bad.write_off("2025-01-31", "Borrower absconded", "Police report 12")
        # The write-off consumed the allowance of the loan's principal.
        self.assertAlmostEqual(self._allowance(), 2700.0)
        # The loan is out of the book: the target is back to 2,500.
        self._provision("2025-02-28")
        self.assertAlmostEqual(self._allowance(), 1000.0 + 1500.0)

    def test_rates_per_product(self):
        self.product.write(
            {"provision_rate_special_mention": 5.0, "provision_rate_general": 0.0}
        )
        self._provision("2025-01-31")
        self.assertAlmostEqual(self._allowance(), 2500.0 + 5000.0)
