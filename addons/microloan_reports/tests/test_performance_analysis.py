"""The analysis views and the performance analysis against figures computed
by hand (tests/analytics_common.py), the bands against the engine's, and each
branch kept to its own loans."""

from datetime import date
from decimal import Decimal

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from microloan_engine.performance import rate_band, term_band

from .analytics_common import AnalyticsCommon

D = Decimal


@tagged("post_install", "-at_install")
class TestPerformanceAnalysis(AnalyticsCommon):
    def month_row(self, loan, month):
        rows = self.env["microloan.performance.report"].search(
            [("loan_id", "=", loan.id), ("month", "=", month)]
        )
        self.assertEqual(len(rows), 1)
        return rows

    def analyse(self, user=None, **values):
        values.setdefault("date_from", "2025-02-01")
        values.setdefault("date_to", "2025-02-28")
        values.setdefault(
            "company_ids", [(6, 0, (user or self.officer).company_id.ids)]
        )
        Wizard = self.env["microloan.performance.analysis"]
        if user:
            Wizard = Wizard.with_user(user).with_company(user.company_id)
        wizard = Wizard.create(values)
        action = wizard.action_compute()
        self.assertEqual(action["res_model"], "microloan.performance.analysis.line")
        return {line.name: line for line in wizard.line_ids}

    def test_month_view_of_the_domain_loan(self):
        january = self.month_row(self.loan, date(2025, 1, 1))
        self.assertRecordValues(
            january,
            [
                {
                    "new_loan_count": 1,
                    "disbursed_amount": 100000.0,
                    "balance_end": 100000.0,
                    # 22 days (10 to 31 January) at 100,000
                    "accumulation": 2200000.0,
                    "due_amount": 0.0,
                    "collected_amount": 0.0,
                    "company_id": self.branch_bj.id,
                    "team_id": self.team.id,
                    "term_band": "6_12m",
                    "rate_band": "up_to_12",
                }
            ],
        )
        february = self.month_row(self.loan, date(2025, 2, 1))
        self.assertRecordValues(
            february,
            [
                {
                    "new_loan_count": 0,
                    "disbursed_amount": 0.0,
                    "due_amount": 8884.88,
                    "collected_amount": 8884.88,
                    "principal_collected": 7884.88,
                    "income_amount": 1000.0,
                    "balance_end": 92115.12,
                    # 9 days at 100,000 and 19 at 92,115.12
                    "accumulation": 900000.0 + 1750187.28,
                }
            ],
        )
        march = self.month_row(self.loan, date(2025, 3, 1))
        self.assertRecordValues(
            march,
            [
                {
                    "due_amount": 8884.88,
                    "collected_amount": 0.0,
                    "balance_end": 92115.12,
                    "accumulation": 92115.12 * 31,
                }
            ],
        )

    def test_portfolio_view(self):
        rows = self.env["microloan.portfolio.report"].search(
            [("loan_id", "in", (self.loan | self.loan_2 | self.loan_sh).ids)]
        )
        by_loan = {row.loan_id: row for row in rows}
        self.assertEqual(self.loan.days_past_due, 71)
        self.assertEqual(self.loan_2.days_past_due, 99)
        self.assertRecordValues(
            by_loan[self.loan] | by_loan[self.loan_2] | by_loan[self.loan_sh],
            [
                {
                    "balance": 92115.12,
                    "amount_disbursed": 100000.0,
                    "par1_balance": 92115.12,
                    "par30_balance": 92115.12,
                    "par90_balance": 0.0,
                    "npl_balance": 0.0,
                    "risk_tier": "special_mention",
                    "term_band": "6_12m",
                    "industry_id": self.env.ref("base.res_partner_industry_A").id,
                    "state_id": self.env.ref("base.state_cn_BJ").id,
                    "turnaround_days": 1.5,
                    "approved_count": 1,
                },
                {
                    "balance": 47500.0,
                    "amount_disbursed": 50000.0,
                    "par1_balance": 47500.0,
                    "par30_balance": 47500.0,
                    "par90_balance": 47500.0,
                    "npl_balance": 47500.0,
                    "risk_tier": "substandard",
                    "term_band": "3_6m",
                    "industry_id": self.env.ref("base.res_partner_industry_A").id,
                    "state_id": self.env.ref("base.state_cn_BJ").id,
                    "turnaround_days": 0.0,
                    "approved_count": 1,
                },
                {
                    "balance": 100000.0,
                    "amount_disbursed": 100000.0,
                    "par1_balance": 100000.0,
                    "par30_balance": 100000.0,
                    "par90_balance": 100000.0,
                    "npl_balance": 100000.0,
                    "risk_tier": "substandard",
                    "term_band": "6_12m",
                    "industry_id": False,
                    "state_id": False,
                    "turnaround_days": 0.0,
                    "approved_count": 1,
                },
            ],
        )

    def test_bands_are_the_engines(self):
        for row in self.env["microloan.portfolio.report"].search([]):
            loan = row.loan_id
            self.assertEqual(
                row.term_band,
                term_band(loan.first_disbursement_date, loan.maturity_date),
            )
            self.assertEqual(row.rate_band, rate_band(D(str(loan.interest_rate))))

    def test_analysis_per_branch(self):
        lines = self.analyse(
            company_ids=[(6, 0, (self.branch_bj | self.branch_sh).ids)]
        )
        bj = lines[self.branch_bj.name]
        balance = 92115.12 + 47500.0
        # February: 1,000 + 500 of interest over the accumulation of both loans
        # (2,650,187.28 and 9 days at 50,000 + 19 at 47,500), a year long.
        accumulation = 2650187.28 + 1352500.0
        self.assertRecordValues(
            bj,
            [
                {
                    "loan_count": 2,
                    "balance": balance,
                    "income_amount": 1500.0,
                    "accumulation": accumulation,
                    "due_amount": 8884.88 + 8627.42,
                    "collected_amount": 8884.88 + 3000.0,
                    "par90_balance": 47500.0,
                    "npl_balance": 47500.0,
                    "new_loan_count": 0,
                }
            ],
        )
        self.assertAlmostEqual(bj.yield_rate, 1500 * 365 / accumulation * 100, 2)
        self.assertAlmostEqual(
            bj.collection_rate, (8884.88 + 3000) / (8884.88 + 8627.42) * 100, 2
        )
        self.assertAlmostEqual(bj.par1, 100.0, 2)
        self.assertAlmostEqual(bj.par90, 47500 / balance * 100, 2)
        self.assertAlmostEqual(bj.npl_ratio, 47500 / balance * 100, 2)
        self.assertAlmostEqual(bj.average_turnaround, 0.75, 2)  # (1.5 + 0) / 2
        sh = lines[self.branch_sh.name]
        self.assertAlmostEqual(sh.npl_ratio, 100.0, 2)
        self.assertEqual(sh.collected_amount, 0.0)

    def test_analysis_per_officer_team_product_band_and_month(self):
        lines = self.analyse(group_by="team_id")
        self.assertAlmostEqual(lines["East"].balance, 139615.12, 2)
        lines = self.analyse(group_by="user_id")
        self.assertAlmostEqual(lines[self.officer.name].balance, 139615.12, 2)
        lines = self.analyse(group_by="term_band")
        self.assertAlmostEqual(lines["3 to 6 Months"].balance, 47500.0, 2)
        lines = self.analyse(group_by="borrower_type")
        self.assertAlmostEqual(lines["Individual"].balance, 139615.12, 2)
        lines = self.analyse(group_by="state_id")
        self.assertIn(self.env.ref("base.state_cn_BJ").display_name, lines)
        lines = self.analyse(
            group_by="month", date_from="2025-01-01", date_to="2025-03-31"
        )
        self.assertEqual(list(lines), ["2025-01", "2025-02", "2025-03"])
        self.assertRecordValues(
            lines["2025-01"],
            [{"new_loan_count": 2, "disbursed_amount": 150000.0, "balance": 150000.0}],
        )
        self.assertAlmostEqual(lines["2025-03"].balance, 139615.12, 2)
        self.assertEqual(lines["2025-03"].collection_rate, 0.0)

    def test_a_branch_sees_only_its_own(self):
        Portfolio = self.env["microloan.portfolio.report"]
        rows = Portfolio.with_user(self.officer_sh).search([])
        self.assertEqual(rows.loan_id, self.loan_sh)
        rows = Portfolio.with_user(self.officer).search([])
        self.assertEqual(rows.loan_id, self.loan | self.loan_2)
        months = self.env["microloan.performance.report"].with_user(self.officer_sh)
        self.assertEqual(months.search([]).loan_id, self.loan_sh)
        self.assertEqual(
            set(Portfolio.with_user(self.admin).search([]).loan_id.ids)
            & set((self.loan | self.loan_2 | self.loan_sh).ids),
            set((self.loan | self.loan_2 | self.loan_sh).ids),
        )
        lines = self.analyse(user=self.officer_sh)
        self.assertEqual(list(lines), [self.branch_sh.name])
        with self.assertRaises(ValidationError):
            self.analyse(user=self.officer_sh, company_ids=[(6, 0, self.branch_bj.ids)])

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self.analyse(date_from="2025-03-01", date_to="2025-02-01")
        with self.assertRaises(ValidationError):
            self.analyse(date_from="2000-01-01", date_to="2025-02-01")
        with self.assertRaises(ValueError):
            self.analyse(group_by="partner_id")
        form = Form(self.env["microloan.performance.analysis"].with_user(self.officer))
        form.group_by = "product_id"
        action = form.save().action_compute()
        self.assertEqual(action["view_mode"], "list,graph")
