"""Balance accumulation (余额积数) and daily average balances (日均余额) from the
sub-ledger, checked against hand computations."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestBalanceAccumulation(ReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 100,000 disbursed 2025-01-10; 7,884.88 of principal repaid 2025-02-10
        cls.loan = cls._active_loan()
        cls.loan.with_user(cls.finance_user).register_repayment(8884.88, "2025-02-10")
        cls.loan_sh = cls._active_loan_sh()

    def compute(self, user=None, **values):
        Wizard = self.env["microloan.balance.accumulation"]
        if user:
            Wizard = Wizard.with_user(user).with_company(user.company_id)
        wizard = Wizard.create(
            {"date_from": "2025-01-01", "date_to": "2025-02-28", **values}
        )
        action = wizard.action_compute()
        self.assertEqual(action["res_model"], "microloan.balance.accumulation.line")
        return wizard.line_ids

    def test_monthly(self):
        lines = self.compute(company_ids=[(6, 0, self.branch_bj.ids)])
        self.assertEqual(lines.loan_id, self.loan)
        january, february = lines.sorted("period_start")
        # January: 22 days (10th to 31st) at 100,000
        self.assertEqual(str(january.period_start), "2025-01-01")
        self.assertEqual(january.days, 31)
        self.assertAlmostEqual(january.accumulation, 2_200_000.00, places=2)
        self.assertAlmostEqual(january.average_balance, 70_967.74, places=2)
        # February: 9 days at 100,000, then 19 at 92,115.12
        self.assertEqual(february.days, 28)
        self.assertAlmostEqual(february.accumulation, 2_650_187.28, places=2)
        self.assertAlmostEqual(february.average_balance, 94_649.55, places=2)

    def test_daily_and_yearly(self):
        lines = self.compute(
            granularity="day",
            date_from="2025-02-09",
            date_to="2025-02-11",
            company_ids=[(6, 0, self.branch_bj.ids)],
        )
        self.assertEqual(
            [round(line.average_balance, 2) for line in lines.sorted("period_start")],
            [100_000.00, 92_115.12, 92_115.12],
        )
        lines = self.compute(
            granularity="year", company_ids=[(6, 0, self.branch_bj.ids)]
        )
        # the period is part of the year: its own days count (59)
        self.assertEqual(lines.days, 59)
        self.assertAlmostEqual(lines.accumulation, 4_850_187.28, places=2)
        self.assertAlmostEqual(lines.average_balance, 82_206.56, places=2)

    def test_a_branch_sees_its_own_loans(self):
        lines = self.compute(user=self.officer_sh)
        self.assertEqual(lines.loan_id, self.loan_sh)
        lines = self.compute(user=self.officer)
        self.assertEqual(lines.loan_id, self.loan)

    def test_bad_periods_are_refused(self):
        with self.assertRaises(ValidationError):
            self.env["microloan.balance.accumulation"].create(
                {"date_from": "2025-03-01", "date_to": "2025-02-01"}
            )
        with self.assertRaises(ValidationError):
            self.env["microloan.balance.accumulation"].create(
                {
                    "date_from": "2024-01-01",
                    "date_to": "2025-06-01",
                    "granularity": "day",
                }
            )
