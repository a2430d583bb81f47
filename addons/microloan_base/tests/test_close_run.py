from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .lifecycle_common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestCloseRun(LifecycleCommon):
    """The daily close is recorded as a run (microloan.close.run): days, loans,
    charges, classifications changed, duration, error; the administrator's
    "close up to date" starts one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Run = cls.env["microloan.close.run"]

    def _inline_run(self, date, companies):
        return self.Run.sudo()._create_inline_run(self.d(date), companies)

    def test_inline_run_records_its_figures(self):
        loan = self._active_loan()
        run = self._inline_run("2025-03-05", self.branch_bj)
        # 10 January to 5 March: 55 days of the branch to close.
        self.assertEqual(run.date_from, self.d("2025-01-10"))
        self.assertEqual(run.day_count, 55)
        self.assertEqual(run.state, "queued")
        self.assertTrue(run._run_inline())
        self.assertEqual(run.state, "done")
        self.assertEqual(run.day_done_count, 55)
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(loan.last_close_date, self.d("2025-03-05"))
        self.assertEqual(self.branch_bj.microloan_closed_date, self.d("2025-03-05"))
        # One loan closed on each of the 55 days.
        self.assertEqual(run.loan_processed_count, 55)
        # Installment 1 fell due on 10 February unpaid: the 28 February close
        # charged its penalty and compound interest.
        charges = [t for t in loan.transaction_ids if t.kind in ("penalty", "compound")]
        self.assertEqual(run.charge_count, len(charges))
        self.assertGreaterEqual(run.charge_count, 2)
        # Normal, then special mention once overdue.
        self.assertEqual(loan.risk_tier, "special_mention")
        self.assertEqual(run.classification_change_count, 1)
        self.assertTrue(run.started_at and run.ended_at)
        self.assertGreater(run.duration, 0.0)
        self.assertFalse(run.error_message)
        # Finished: running it again closes nothing more.
        self.assertTrue(run._run_inline())
        self.assertEqual(run.loan_processed_count, 55)

    def test_close_figures_come_through_the_argument(self):
        """The close adds its figures to the ``stats`` it is given; a context
        key a caller sets is not read (the figures are no guard, but nothing
        of the close follows the context any more)."""
        loan = self._active_loan()
        context_stats = {}
        stats = {}
        closing = loan.sudo().with_context(microloan_close_stats=context_stats)
        closing._close_day(self.d("2025-01-10"), stats=stats)
        self.assertEqual(stats["loans"], 1)
        self.assertEqual(stats["charges"], 0)
        self.assertEqual(context_stats, {})
        # Without stats the close runs and records nothing.
        loan.sudo()._close_day(self.d("2025-01-11"))
        self.assertEqual(loan.last_close_date, self.d("2025-01-11"))
        self.assertEqual(stats["loans"], 1)

    def test_run_in_chunks_shows_progress(self):
        """A run that passes its deadline stops after a batch of loans and
        resumes where it stopped; its progress grows."""
        self._active_loan()
        run = self._inline_run("2025-01-20", self.branch_bj)
        self.assertFalse(run._run_inline(deadline=0))
        self.assertEqual(run.state, "running")
        self.assertEqual(run.loan_processed_count, 1)
        for _chunk in range(30):
            if run._run_inline(deadline=0):
                break
        self.assertEqual(run.state, "done")
        self.assertEqual(run.day_done_count, run.day_count)
        self.assertEqual(run.loan_processed_count, 11)

    def test_failed_run_shows_the_error_and_closes_nothing(self):
        loan = self._active_loan()
        run = self._inline_run("2025-02-15", self.branch_bj)
        Loan = type(self.env["microloan.loan"])
        with patch.object(
            Loan, "_close_day", side_effect=UserError("The engine refused the day.")
        ):
            self.assertTrue(run._run_inline())
        self.assertEqual(run.state, "failed")
        self.assertEqual(run.error_message, "The engine refused the day.")
        self.assertEqual(run.loan_processed_count, 0)
        self.assertFalse(loan.last_close_date)
        self.assertFalse(self.branch_bj.microloan_closed_date)

    def test_scheduled_close_writes_a_run(self):
        """The scheduled action's work (inline) records the nightly run of
        every branch; a second call the same night adds nothing."""
        self._active_loan()
        day = self.d("2025-01-20")
        before = self.Run.search([])
        closed = self.Run.sudo()._cron_run_inline(day)
        run = self.Run.search([]) - before
        self.assertEqual(len(run), 1)
        self.assertEqual(closed, 11)
        self.assertEqual(run.mode, "inline")
        self.assertFalse(run.user_id)
        self.assertEqual(run.date, day)
        self.assertEqual(run.state, "done")
        self.assertIn(self.branch_bj, run.company_ids)
        self.assertEqual(self.branch_bj.microloan_closed_date, day)
        self.assertEqual(run.day_done_count, run.day_count)
        self.assertEqual(self.Run.sudo()._cron_run_inline(day), 0)
        self.assertEqual(self.Run.search([]) - before, run)

    def test_close_up_to_date_wizard(self):
        self._active_loan()
        wizard = (
            self.env["microloan.close.wizard"]
            .with_user(self.admin)
            .create({"date": "2025-01-31", "company_ids": [(6, 0, self.branch_bj.ids)]})
        )
        self.assertEqual(wizard.line_ids.company_id, self.branch_bj)
        self.assertEqual(wizard.line_ids.day_count, 22)
        action = wizard.action_close()
        run = self.Run.browse(action["res_id"])
        self.assertEqual(run.user_id, self.admin)
        self.assertEqual(run.company_ids, self.branch_bj)
        if run.mode == "inline":
            # The scheduled action is triggered; run here by hand.
            self.assertTrue(run._run_inline())
            self.assertEqual(run.state, "done")
            self.assertEqual(run.day_done_count, 22)
            self.assertEqual(self.branch_bj.microloan_closed_date, self.d("2025-01-31"))
        # microloan_queue enqueues the run as jobs (its own tests run them).

    def test_close_up_to_date_refusals(self):
        Wizard = self.env["microloan.close.wizard"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.officer).create(
                {"date": "2025-01-31", "company_ids": [(6, 0, self.branch_bj.ids)]}
            ).action_close()
        branch_admin = self.admin.copy(
            {"login": "admin_bj_only", "company_id": self.branch_bj.id}
        )
        branch_admin.company_ids = self.branch_bj
        with self.assertRaises(AccessError):
            self.Run.with_user(branch_admin)._start_close_up_to(
                "2025-01-31", self.branch_sh
            )
        with self.assertRaises(UserError):
            self.Run.with_user(self.admin)._start_close_up_to(
                "2999-01-01", self.branch_bj
            )
        with self.assertRaises(UserError):
            self.Run.with_user(self.admin)._start_close_up_to(
                "not a date", self.branch_bj
            )
        self.assertFalse(self.Run.search([("company_ids", "in", self.branch_sh.ids)]))
