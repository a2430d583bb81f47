from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.microloan_base.tests.lifecycle_common import LifecycleCommon

from .common import perform_trapped, trap_jobs


@tagged("post_install", "-at_install")
class TestCloseRunFigures(LifecycleCommon):
    """Issue 12, item 7: a run of jobs records the same figures as one of the
    server process (days and loans closed, charges, classifications changed,
    duration), and "close up to date" enqueues one."""

    def test_close_up_to_date_as_jobs(self):
        loan = self._active_loan()
        Run = self.env["microloan.close.run"]
        with trap_jobs() as trap:
            run = Run.with_user(self.admin)._start_close_up_to(
                "2025-03-05", self.branch_bj
            )
            self.assertEqual(run.mode, "queue")
            self.assertEqual(run.user_id, self.admin)
            self.assertEqual(run.date_from, self.d("2025-01-10"))
            self.assertEqual(run.day_count, 55)
            perform_trapped(trap)
        run.invalidate_recordset()
        self.assertEqual(loan.last_close_date, self.d("2025-03-05"))
        self.assertEqual(run.day_done_count, 55)
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(run.loan_processed_count, 55)
        charges = loan.transaction_ids.filtered(
            lambda t: t.kind in ("penalty", "compound")
        )
        self.assertEqual(run.charge_count, len(charges))
        self.assertGreaterEqual(run.charge_count, 2)
        self.assertEqual(run.classification_change_count, 1)
        self.assertTrue(run.ended_at)
        self.assertGreaterEqual(run.duration, 0.0)

    def test_close_up_to_date_refused(self):
        with self.assertRaises(AccessError):
            self.env["microloan.close.run"].with_user(self.finance)._start_close_up_to(
                "2025-03-05", self.branch_bj
            )
