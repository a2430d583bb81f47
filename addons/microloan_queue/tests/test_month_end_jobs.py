from datetime import date
from unittest import SkipTest

from odoo.tests import tagged

from odoo.addons.microloan_accounting.tests.common import MicroloanAccountingCommon

from .common import perform_trapped, trap_jobs


@tagged("post_install", "-at_install")
class TestMonthEndJobs(MicroloanAccountingCommon):
    """With microloan_accounting: the close of a month's last day is followed
    by the month end of the branch as jobs (accrual batches, then the
    provisioning), each posting only what the books lack."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if "microloan.loan.accrual" not in cls.env:
            raise SkipTest("microloan_accounting is not installed")
        cls.env["ir.config_parameter"].set_param(
            "microloan_queue.accrual_batch_size", 1
        )
        cls.loans = cls._active_loan() | cls._active_loan()
        cls.Run = cls.env["microloan.close.run"]
        cls.Loan = cls.env["microloan.loan"]

    def _accruals(self):
        return sorted(
            (accrual.loan_id.id, accrual.date, accrual.amount)
            for accrual in self.loans.accrual_ids
        )

    def test_month_end_after_the_close(self):
        self.Loan._run_daily_close("2025-01-29", self.company)
        with trap_jobs() as trap:
            run = self.Run._enqueue_daily_close("2025-01-31", self.company)
            count = perform_trapped(trap)
            # Per day: the plan, one batch of two loans (batches of 500), the
            # finish; then one accrual job per loan (batches of 1 here) and
            # the provisioning.
            self.assertEqual(count, 2 * 3 + 2 + 1)
        self.assertEqual(set(self.loans.mapped("last_close_date")), {date(2025, 1, 31)})
        # docs/domain.md §5.1: 1,000.00 × 21/31 = 677.42 for each loan.
        accruals = [(loan.id, date(2025, 1, 31), 677.42) for loan in self.loans]
        self.assertEqual(self._accruals(), sorted(accruals))
        provisions = self.env["microloan.provision"].search(
            [("company_id", "=", self.company.id), ("date", "=", "2025-01-31")]
        )
        self.assertTrue(provisions)
        moves = self.loans.accrual_ids.move_id | provisions.move_id
        # Again: a retried accrual batch and provisioning post nothing more.
        for loan in self.loans:
            run._job_accrue_batch(self.company.id, date(2025, 1, 31), loan.ids)
        run._job_provision(self.company.id, date(2025, 1, 31))
        self.assertEqual(self._accruals(), sorted(accruals))
        self.assertEqual(
            self.env["account.move"].search(
                [("company_id", "=", self.company.id), ("date", "=", "2025-01-31")]
            ),
            moves,
        )
        # The inline month-end action leaves the month end to the jobs.
        self.Loan._cron_month_end()
        self.assertEqual(self._accruals(), sorted(accruals))

    def test_month_end_waits_for_the_close(self):
        """Enqueued on its own, a month end's accrual waits (without spending
        its tries) until the daily close reached its date."""
        self.Loan._run_daily_close("2025-01-30", self.company)
        with trap_jobs() as trap:
            run = self.Run._enqueue_month_end("2025-01-31", self.company)
            trap.assert_jobs_count(2, only=run._job_accrue_batch)
            trap.assert_jobs_count(1, only=run._job_provision)
            job = next(
                job
                for job in trap.enqueued_jobs
                if job.method_name == "_job_accrue_batch"
            )
            with self.assertRaisesRegex(Exception, "not finished yet"):
                job.perform()
            self.assertEqual(job.retry, 0)
        self.assertFalse(self.loans.accrual_ids)
