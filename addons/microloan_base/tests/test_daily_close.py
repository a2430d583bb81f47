from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from microloan_engine.overdue import overdue_status

from ..models import microloan_loan_close as close_module
from .lifecycle_common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestDailyClose(LifecycleCommon):
    def test_penalty_worked_example(self):
        """docs/domain.md §2.2: installment 1 repaid 10 days late at 18%."""
        loan = self._active_loan()
        first, second = loan.installment_ids.sorted("sequence")[:2]
        self._close(self.d("2025-02-19"))
        self.assertEqual(loan.last_close_date, self.d("2025-02-19"))
        self.assertEqual(self.branch_bj.microloan_closed_date, self.d("2025-02-19"))
        self.assertEqual(loan.days_past_due, 9)
        self.assertAlmostEqual(loan.overdue_principal, 7884.88, places=2)
        self.assertAlmostEqual(loan.overdue_interest, 1000.00, places=2)
        self.assertAlmostEqual(loan.penalty_due, 39.42, places=2)
        self.assertAlmostEqual(loan.compound_due, 5.00, places=2)
        due = first.amount_residual + loan.penalty_due + loan.compound_due
        self.assertAlmostEqual(due, 8929.30, places=2)
        self.assertAlmostEqual(second.amount_residual, 8884.88, places=2)
        self.assertAlmostEqual(second.penalty_product, 0.0)
        self.assertEqual(loan.risk_tier, "special_mention")
        # Nothing is charged before the month-end close.
        self.assertFalse(self._charges(loan))
        if hasattr(loan, "register_repayment"):
            loan.register_repayment(8929.30, self.d("2025-02-20"))
            self.assertEqual(first.state, "paid")
            self.assertAlmostEqual(first.penalty, 39.42, places=2)
            self.assertAlmostEqual(first.compound, 5.00, places=2)
            self.assertAlmostEqual(second.amount_residual, 8884.88, places=2)
            self._close(self.d("2025-02-20"))
            self.assertEqual(loan.days_past_due, 0)
            self.assertAlmostEqual(loan.penalty_due, 0.0)

    def test_month_end_charges(self):
        """At month end the accrued charges are posted as transactions, from the
        original due date; pending products are cleared."""
        loan = self._active_loan()
        first = loan.installment_ids.sorted("sequence")[0]
        self._close(self.d("2025-02-28"))
        # 19 days, the 10th to the 28th: 7,884.88 × 18% / 360 × 19 = 74.91.
        self.assertEqual(
            self._charges(loan),
            [
                ("compound", self.d("2025-02-28"), 9.50),
                ("penalty", self.d("2025-02-28"), 74.91),
            ],
        )
        self.assertAlmostEqual(first.penalty, 74.91, places=2)
        self.assertAlmostEqual(first.penalty_product, 0.0)
        self.assertAlmostEqual(loan.penalty_due, 74.91, places=2)

    def test_idempotent(self):
        loan = self._active_loan()
        self._close(self.d("2025-03-05"))
        state = self._snapshot(loan)
        # The first close did its work: installment 1 (due 10 February) is
        # 23 days late, accrues penalty and has its overdue activity; the
        # branch and the loan are closed to 5 March.
        self.assertEqual(loan.days_past_due, 23)
        self.assertGreater(sum(loan.installment_ids.mapped("penalty_product")), 0)
        self.assertTrue(loan.activity_ids)
        self.assertEqual(loan.last_close_date, self.d("2025-03-05"))
        self.assertEqual(self.branch_bj.microloan_closed_date, self.d("2025-03-05"))
        # Running again, or for an earlier day, changes nothing.
        self._close(self.d("2025-03-05"))
        self._close(self.d("2025-03-01"))
        self.assertEqual(self._snapshot(loan), state)
        self.assertEqual(loan.last_close_date, self.d("2025-03-05"))

    def test_scheduled_run_reports_progress(self):
        """Run by the cron runner, the close works in chunks: each call closes
        some loans, reports how many it closed and how many loans still have
        days to close (ir.cron progress), and returns; the next call resumes."""
        loan = self._active_loan()
        cron = self.env.ref("microloan_base.ir_cron_microloan_daily_close")
        Loan = self.env["microloan.loan"]
        with patch.object(close_module, "CRON_CHUNK_SECONDS", 0):
            for expected_day in (self.d("2025-01-10"), self.d("2025-01-11")):
                cron_progress, progress = cron._add_progress()
                Loan.with_context(
                    ir_cron_progress_id=cron_progress.env.context["ir_cron_progress_id"]
                )._cron_daily_close()
                self.assertEqual(loan.last_close_date, expected_day)
                self.assertGreaterEqual(progress.done, 1)
                self.assertGreaterEqual(progress.remaining, 1)
                self.assertEqual(
                    progress.remaining,
                    Loan._daily_close_remaining(
                        fields.Date.context_today(loan) - timedelta(days=1)
                    ),
                )

    def test_refuses_a_day_after_today(self):
        """Closing ahead of time would charge penalties and book accruals of
        days that have not happened: refused, nothing written."""
        loan = self._active_loan()
        self._close(self.d("2025-03-05"))
        state = self._snapshot(loan)
        closed = self.branch_bj.microloan_closed_date
        tomorrow = fields.Date.context_today(loan) + timedelta(days=1)
        for day in (tomorrow, tomorrow + timedelta(days=120)):
            with self.assertRefused(UserError, "a day after today"):
                self._close(day)
        self.assertEqual(self._snapshot(loan), state)
        self.assertEqual(self.branch_bj.microloan_closed_date, closed)

    def _snapshot(self, loan):
        loan.invalidate_recordset()
        return (
            self._charges(loan),
            loan.days_past_due,
            loan.penalty_due,
            loan.compound_due,
            loan.risk_tier,
            loan.microloan_accrued_to,
            len(loan.activity_ids),
            tuple(loan.installment_ids.mapped("penalty_product")),
            tuple(loan.installment_ids.mapped("compound_product")),
        )

    def test_catch_up_equals_day_by_day(self):
        """Closing one day at a time or catching up at once gives the same
        charges, overdue figures and classification."""
        day_by_day = self._active_loan()
        caught_up = self._active_loan_sh()
        self._close_each_day(self.d("2025-01-10"), self.d("2025-04-15"))
        self._close(self.d("2025-04-15"), self.branch_sh)
        self.assertEqual(self.branch_sh.microloan_closed_date, self.d("2025-04-15"))
        self.assertEqual(self._charges(day_by_day), self._charges(caught_up))
        self.assertTrue(self._charges(day_by_day))
        for name in (
            "days_past_due",
            "penalty_due",
            "compound_due",
            "overdue_principal",
            "risk_tier",
            "microloan_accrued_to",
        ):
            self.assertEqual(day_by_day[name], caught_up[name], name)

    def test_interrupted_run_resumes(self):
        """A run interrupted after closing some loans of a day resumes with the
        others, charging nobody twice."""
        first = self._active_loan()
        second = self._active_loan()
        reference = self._active_loan_sh()
        self._close(self.d("2025-02-27"))
        # The run of the 28th stops after the first loan's batch.
        first._close_day(self.d("2025-02-28"))
        self.assertEqual(self.branch_bj.microloan_closed_date, self.d("2025-02-27"))
        self._close(self.d("2025-03-20"))
        self._close(self.d("2025-03-20"), self.branch_sh)
        self.assertEqual(self._charges(first), self._charges(reference))
        self.assertEqual(self._charges(second), self._charges(reference))
        self.assertAlmostEqual(first.penalty_due, reference.penalty_due, places=2)
        self.assertAlmostEqual(second.penalty_due, reference.penalty_due, places=2)

    def test_classification_tiers(self):
        loan = self._active_loan()
        expected = [
            ("2025-02-10", 0, "normal"),
            ("2025-02-11", 1, "special_mention"),
            ("2025-05-11", 90, "special_mention"),
            ("2025-05-12", 91, "substandard"),
            ("2025-11-07", 270, "substandard"),
            ("2025-11-08", 271, "doubtful"),
            ("2026-02-05", 360, "doubtful"),
            ("2026-02-06", 361, "loss"),
        ]
        for day, dpd, tier in expected:
            self._close(self.d(day))
            self.assertEqual((loan.days_past_due, loan.risk_tier), (dpd, tier), day)
        self.assertTrue(loan.is_npl)

    def test_legacy_preset(self):
        self.product.classification_preset = "legacy_retail"
        loan = self._active_loan()
        self._close(self.d("2025-08-09"))  # 180 days past due
        self.assertEqual(loan.risk_tier, "substandard")
        self._close(self.d("2025-08-10"))
        self.assertEqual(loan.risk_tier, "doubtful")

    def test_non_accrual(self):
        loan = self._active_loan()
        self._close(self.d("2025-05-11"))
        self.assertFalse(loan.non_accrual)
        self._close(self.d("2025-05-12"))
        self.assertTrue(loan.non_accrual)
        self.assertEqual(loan.non_accrual_date, self.d("2025-05-12"))
        charged = self._charges(loan)
        self._close(self.d("2025-07-31"))
        # No more charges posted, but the borrower still owes them.
        self.assertEqual(self._charges(loan), charged)
        self.assertGreater(
            loan.penalty_due, sum(a for k, _d, a in charged if k == "penalty")
        )

    def test_override(self):
        loan = self._active_loan()
        self._close(self.d("2025-02-05"))
        self.assertEqual(loan.risk_tier, "normal")
        with self.assertRefused(UserError, "reason"):
            loan.with_user(self.risk).action_override_classification("doubtful", " ")
        with self.assertRaises(AccessError):
            loan.with_user(self.officer).action_override_classification(
                "doubtful", "Borrower's business closed"
            )
        loan.with_user(self.risk).action_override_classification(
            "doubtful", "Borrower's business closed"
        )
        self.assertEqual(loan.risk_tier, "doubtful")
        self.assertEqual(loan.risk_tier_floor, "normal")
        self.assertEqual(loan.manual_tier_user_id, self.risk)
        # The close keeps the override while it is worse than the rules.
        self._close(self.d("2025-03-01"))
        self.assertEqual(loan.risk_tier, "doubtful")
        self.assertEqual(loan.risk_tier_floor, "special_mention")
        # An override better than the rules is refused.
        with self.assertRefused(UserError, "can only make the classification worse"):
            loan.with_user(self.risk).action_override_classification(
                "normal", "Paid yesterday"
            )
        loan.with_user(self.risk).action_clear_classification_override()
        self.assertEqual(loan.risk_tier, "special_mention")

    def test_override_wizard(self):
        loan = self._active_loan()
        self._close(self.d("2025-02-05"))
        wizard = (
            self.env["microloan.loan.classify"]
            .with_user(self.risk)
            .create({"loan_id": loan.id, "tier": "substandard", "reason": "Fraud"})
        )
        wizard.action_override()
        self.assertEqual(loan.risk_tier, "substandard")
        self.assertEqual(loan.manual_tier_reason, "Fraud")

    def test_reminders_and_overdue_activities(self):
        loan = self._active_loan()
        reminder = self.env.ref("microloan_base.mail_activity_type_repayment_reminder")
        overdue = self.env.ref("microloan_base.mail_activity_type_overdue")

        def count(kind):
            return len(loan.activity_ids.filtered(lambda a: a.activity_type_id == kind))

        self._close(self.d("2025-02-06"))
        self.assertEqual(count(reminder), 0)
        self._close(self.d("2025-02-07"))  # 3 days before the 10th
        self.assertEqual(count(reminder), 1)
        self.assertEqual(loan.activity_ids.user_id, self.officer)
        self._close(self.d("2025-02-10"))
        self.assertEqual((count(reminder), count(overdue)), (1, 0))
        self._close(self.d("2025-02-11"))
        self.assertEqual((count(reminder), count(overdue)), (1, 1))
        self._close(self.d("2025-02-20"))
        self.assertEqual((count(reminder), count(overdue)), (1, 1))
        self.product.reminder_days = 10
        self._close(self.d("2025-03-01"))  # 9 days before the next due date
        self.assertEqual(count(reminder), 2)

    def test_companies_closed_separately(self):
        loan_bj = self._active_loan()
        loan_sh = self._active_loan_sh()
        self._close(self.d("2025-02-15"))
        self.assertEqual(loan_bj.days_past_due, 5)
        self.assertFalse(loan_sh.last_close_date)
        self.assertFalse(self.branch_sh.microloan_closed_date)
        self.env["microloan.loan"]._run_daily_close(self.d("2025-02-16"))
        self.assertEqual(loan_sh.days_past_due, 6)
        self.assertEqual(loan_bj.days_past_due, 6)

    def test_close_reads_only_what_the_position_needs(self):
        """The close of a loan reads its uncleared installments due before the
        horizon or a reminder's, not its paid history nor its later
        installments; the figures are those of the whole position."""
        loan = self._active_loan(term=36)
        for installment in loan.installment_ids.sorted("sequence")[:3]:
            loan.register_repayment(installment.amount, installment.due_date)
        # The 4th installment (due 2025-05-10) is missed.
        day = self.d("2025-05-20")
        self._close(day - timedelta(days=1))
        rows, settled = loan._close_installment_rows(day)
        self.assertEqual([row["sequence"] for row in rows[loan.id]], [4])
        self.assertEqual(rows[loan.id][0]["start_date"], self.d("2025-04-10"))
        self.assertEqual(settled, [])
        # The same figures as the position of every installment.
        partial = loan._engine_position_from_rows(rows[loan.id], day)
        whole = loan._engine_position(day)
        self.assertEqual(overdue_status(partial, day), overdue_status(whole, day))
        # Near the next due date, its reminder window brings it in.
        rows, _settled = loan._close_installment_rows(self.d("2025-06-08"))
        self.assertEqual([row["sequence"] for row in rows[loan.id]], [4, 5])
        self._close(day)
        self.assertEqual(loan.days_past_due, 10)
        self.assertAlmostEqual(
            loan.overdue_principal,
            loan.installment_ids.filtered(lambda i: i.sequence == 4).principal,
            places=2,
        )

    def test_close_query_counts(self):
        """The query counts of the daily close that must not grow: per loan
        (five loans cost about what one costs) and per installment (a
        360-month loan costs what a 12-month one does). Benchmark:
        tests/bench/bench_daily_close.py."""
        self.product.term_max = 360

        def queries(count, term, day="2025-03-20"):
            day = self.d(day)
            with self.env.cr.savepoint() as savepoint:
                for _index in range(count):
                    self._active_loan(term=term)
                self._close(day - timedelta(days=1))
                self.env.flush_all()
                start = self.env.cr.sql_log_count
                self._close(day)
                self.env.flush_all()
                result = self.env.cr.sql_log_count - start
                savepoint.rollback()
            self.env.invalidate_all()
            return result

        one = queries(1, 12)
        five = queries(5, 12)
        long_term = queries(1, 360)
        # At month end the charges of the batch are inserted at once
        # (microloan.loan.transaction._insert_charges).
        month_end = queries(1, 12, "2025-03-31")
        month_end_five = queries(5, 12, "2025-03-31")
        counts = (one, five, long_term, month_end, month_end_five)
        # Measured: 11 queries for one loan, five loans and a 360-month loan.
        self.assertLessEqual(one, 20, counts)
        self.assertLessEqual(five - one, 4, counts)
        self.assertLessEqual(long_term - one, 2, counts)
        # Measured (microloan_base and microloan_accounting installed, the
        # branch without books): 18 queries at month end for one loan and
        # for five; through the ORM 24 and 32 (a number per charge). With
        # microloan_reports the credit-bureau events add theirs.
        self.assertLessEqual(month_end, 28, counts)
        self.assertLessEqual(month_end_five - month_end, 1, counts)
