from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .lifecycle_common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestRestructure(LifecycleCommon):
    def _extend(self, loan, **kwargs):
        kwargs.setdefault("reason", "Harvest delayed")
        return loan.with_user(self.approver).extend(**kwargs)

    def test_extend_keeps_history(self):
        loan = self._active_loan()
        old = [(i.due_date, i.principal, i.interest) for i in loan.installment_ids]
        self._extend(loan, extra_periods=6, date=self.d("2025-02-05"))
        self.assertEqual(loan.maturity_date, self.d("2026-07-10"))
        self.assertEqual(loan.original_maturity_date, self.d("2026-01-10"))
        self.assertEqual(loan.extension_count, 1)
        self.assertEqual(len(loan.installment_ids), 18)
        self.assertAlmostEqual(sum(loan.installment_ids.mapped("principal")), 100000.0)
        self.assertFalse(loan.is_restructured)
        version = loan.schedule_version_ids
        self.assertEqual(len(version), 1)
        self.assertEqual((version.version, version.kind), (1, "extension"))
        self.assertEqual(version.maturity_date, self.d("2026-01-10"))
        self.assertEqual(
            [
                (line.due_date, line.principal, line.interest)
                for line in version.line_ids
            ],
            old,
        )

    def test_extend_overdue_loan_is_restructured(self):
        loan = self._active_loan()
        self._close(self.d("2025-03-15"))
        self.assertEqual(loan.risk_tier, "special_mention")
        self._extend(
            loan,
            new_maturity=self.d("2026-04-10"),
            date=self.d("2025-03-15"),
            financial_difficulty=True,
        )
        self.assertTrue(loan.is_restructured)
        self.assertEqual(loan.tier_before_restructure, "special_mention")
        # The two overdue installments stay; the rest runs from 10 March.
        kept = loan.installment_ids.filtered(lambda i: i.sequence <= 2)
        self.assertEqual(
            kept.mapped("due_date"), [self.d("2025-02-10"), self.d("2025-03-10")]
        )
        self.assertEqual(loan.observation_start, self.d("2025-04-10"))
        self.assertEqual(loan.observation_end, self.d("2026-04-10"))
        self.assertAlmostEqual(sum(loan.installment_ids.mapped("principal")), 100000.0)
        # Paid up, it stays at least special mention during the observation.
        arrears = sum(kept.mapped("amount_residual")) + loan.penalty_due
        loan.with_user(self.finance).register_repayment(
            arrears + loan.compound_due, self.d("2025-03-16")
        )
        self._close(self.d("2025-03-16"))
        self.assertEqual(loan.days_past_due, 0)
        self.assertEqual(loan.risk_tier, "special_mention")

    def test_extension_limits(self):
        loan = self._active_loan()
        with self.assertRefused(UserError, "limit for its original term"):
            self._extend(loan, extra_periods=13, date=self.d("2025-02-05"))
        with self.assertRefused(UserError, "on or before its maturity"):
            self._extend(loan, extra_periods=3, date=self.d("2026-01-11"))
        with self.assertRefused(UserError, "must fall after its current maturity"):
            self._extend(
                loan, new_maturity=self.d("2025-12-10"), date=self.d("2025-02-05")
            )
        with self.assertRefused(UserError, "reason"):
            self._extend(loan, extra_periods=3, date=self.d("2025-02-05"), reason=" ")
        with self.assertRaises(AccessError):
            loan.with_user(self.officer).extend(
                extra_periods=3, date=self.d("2025-02-05"), reason="x"
            )
        self.assertEqual(loan.extension_count, 0)
        self.assertFalse(loan.schedule_version_ids)
        self._extend(loan, extra_periods=3, date=self.d("2025-02-05"))
        with self.assertRefused(UserError, "allows 1 extension"):
            self._extend(loan, extra_periods=3, date=self.d("2025-02-06"))
        self.product.max_extensions = 2
        # Cumulative: 3 + 10 months exceeds the 12 months of the original term.
        with self.assertRefused(UserError, "limit for its original term"):
            self._extend(loan, extra_periods=10, date=self.d("2025-02-06"))
        self._extend(loan, extra_periods=9, date=self.d("2025-02-06"))
        self.assertEqual(loan.maturity_date, self.d("2027-01-10"))
        self.assertEqual(len(loan.schedule_version_ids), 2)

    def test_extend_with_new_rate(self):
        loan = self._active_loan()
        self._extend(loan, extra_periods=6, date=self.d("2025-02-05"), new_rate=10.0)
        self.assertEqual(loan.interest_rate, 10.0)
        self.assertEqual(loan.schedule_version_ids.interest_rate, 12.0)

    def test_change_rate(self):
        loan = self._active_loan()
        before = {i.sequence: i.interest for i in loan.installment_ids}
        loan.with_user(self.approver).change_rate(
            10.0, self.d("2025-03-20"), reason="LPR repricing"
        )
        self.assertEqual(loan.interest_rate, 10.0)
        self.assertEqual(len(loan.installment_ids), 12)
        self.assertEqual(loan.maturity_date, self.d("2026-01-10"))
        after = {i.sequence: i.interest for i in loan.installment_ids}
        self.assertEqual(after[1], before[1])
        self.assertEqual(after[2], before[2])
        # Installment 3: 10 days at 12%, 21 at 10%, on 84,151.39.
        self.assertLess(after[3], before[3])
        self.assertGreater(after[3], 84151.39 * 0.10 / 12)
        self.assertAlmostEqual(sum(loan.installment_ids.mapped("principal")), 100000.0)
        self.assertEqual(loan.schedule_version_ids.kind, "rate_change")

    def test_wizard(self):
        loan = self._active_loan()
        wizard = (
            self.env["microloan.loan.extend"]
            .with_user(self.approver)
            .create(
                {
                    "loan_id": loan.id,
                    "date": "2025-02-05",
                    "extension_by": "periods",
                    "extra_periods": 2,
                    "reason": "Seasonal income",
                }
            )
        )
        wizard.action_apply()
        self.assertEqual(loan.maturity_date, self.d("2026-03-10"))
