from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.microloan_base.tests.lifecycle_common import LifecycleCommon
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

from .common import perform_stored, perform_trapped, trap_jobs


@tagged("post_install", "-at_install")
class TestCloseJobs(LifecycleCommon):
    """The daily close as queue jobs: one per branch and batch of loans on the
    channel root.microloan, idempotent, retried when loans are busy, with the
    run's progress."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("microloan_queue.close_batch_size", 2)
        cls.loans_bj = cls._active_loan() | cls._active_loan() | cls._active_loan()
        cls.loan_sh = cls._active_loan_sh()
        cls.branches = cls.branch_bj | cls.branch_sh
        cls.Run = cls.env["microloan.close.run"]

    def test_one_job_per_branch_and_batch(self):
        day = self.d("2025-01-10")
        bj, sh = self.branch_bj, self.branch_sh
        with trap_jobs() as trap:
            run = self.Run._enqueue_daily_close(day, self.branches)
            # One job per branch plans its next day.
            trap.assert_jobs_count(2)
            for branch in self.branches:
                trap.assert_enqueued_job(
                    run._job_plan_close_day,
                    args=(branch.id, day),
                    properties={
                        "identity_key": f"microloan_queue.plan:{branch.id}:{day}",
                    },
                )
            self.assertEqual(
                {job.channel for job in trap.enqueued_jobs}, {"root.microloan"}
            )
            trap.perform_enqueued_jobs()
            # Planned: the loans of each branch in batches of two, then the job
            # that finishes the branch's day once its batches are done.
            ids = self.loans_bj.sorted("id").ids
            batches = {
                (bj.id, tuple(ids[:2])),
                (bj.id, tuple(ids[2:])),
                (sh.id, (self.loan_sh.id,)),
            }
            trap.assert_jobs_count(3, only=run._job_close_batch)
            for company_id, batch in batches:
                trap.assert_enqueued_job(
                    run._job_close_batch,
                    args=(company_id, day, list(batch)),
                    properties={
                        "identity_key": (
                            f"microloan_queue.close:{company_id}:{day}:"
                            f"{batch[0]}-{batch[-1]}"
                        )
                    },
                )
            trap.assert_jobs_count(2, only=run._job_finish_close_day)
            finish = {
                job.args[0]: job
                for job in trap.enqueued_jobs
                if job.method_name == "_job_finish_close_day"
            }
            self.assertEqual(len(finish[bj.id].depends_on), 2)
            self.assertEqual(len(finish[sh.id].depends_on), 1)
            self.assertEqual(
                {job.channel for job in trap.enqueued_jobs}, {"root.microloan"}
            )
            perform_trapped(trap)
        loans = self.loans_bj | self.loan_sh
        self.assertEqual(set(loans.mapped("last_close_date")), {day})
        self.assertEqual(bj.microloan_closed_date, day)
        self.assertEqual(sh.microloan_closed_date, day)

    def test_days_in_order_up_to_the_date(self):
        """A branch behind by several days closes them one after the other,
        each day's batches before the next day is planned."""
        with trap_jobs() as trap:
            self.Run._enqueue_daily_close("2025-02-12", self.branch_bj)
            perform_trapped(trap)
        self.assertEqual(
            set(self.loans_bj.mapped("last_close_date")), {self.d("2025-02-12")}
        )
        self.assertEqual(self.branch_bj.microloan_closed_date, self.d("2025-02-12"))
        self.assertFalse(self.loan_sh.last_close_date)
        # The same figures as the inline close of the same days.
        first = self.loans_bj.sorted("id")[0]
        self.assertEqual(first.days_past_due, 2)
        self.assertAlmostEqual(first.overdue_principal, 7884.88, places=2)

    def test_rerun_charges_nothing_twice(self):
        """A retried batch, a batch of loans already closed by another run and
        a second run of the same date leave the month-end charges as they
        are."""
        self._close(self.d("2025-02-26"))
        loan = self.loans_bj.sorted("id")[0]
        with trap_jobs() as trap:
            run = self.Run._enqueue_daily_close("2025-02-28", self.branch_bj)
            perform_trapped(trap)
        # 19 days, the 10th to the 28th: 7,884.88 × 18% / 360 × 19 = 74.91.
        charges = [
            ("compound", self.d("2025-02-28"), 9.50),
            ("penalty", self.d("2025-02-28"), 74.91),
        ]
        self.assertEqual(self._charges(loan), charges)
        # The batch of 28 February again (a retry after its commit was lost).
        result = run._job_close_batch(
            self.branch_bj.id, self.d("2025-02-28"), self.loans_bj.ids
        )
        self.assertEqual(result, "Nothing left to close.")
        with trap_jobs() as trap:
            self.Run._enqueue_daily_close("2025-02-28", self.branch_bj)
            trap.assert_jobs_count(0)
        self.assertEqual(self._charges(loan), charges)
        for other in self.loans_bj - loan:
            self.assertEqual(self._charges(other), charges)

    def test_batch_skips_loans_closed_meanwhile(self):
        """Loans closed by another run after the batch was planned are left
        alone; the others are closed."""
        day = self.d("2025-01-10")
        first, second, third = self.loans_bj.sorted("id")
        first._close_day(day)
        run = self.Run.create(
            {
                "name": "test",
                "kind": "daily_close",
                "date": day,
                "company_ids": [fields.Command.set(self.branch_bj.ids)],
            }
        )
        result = run._job_close_batch(self.branch_bj.id, day, self.loans_bj.ids)
        self.assertEqual(result, "2 loans closed.")
        self.assertEqual(second.last_close_date, day)
        self.assertEqual(third.last_close_date, day)

    def test_stored_jobs_show_progress(self):
        """Stored as the job runner finds them: each job belongs to the run,
        a second enqueue of the same date adds nothing, and the run counts
        loans done and left."""
        day = self.d("2025-01-10")
        run = self.Run._enqueue_daily_close(day, self.branches)
        self.assertRecordValues(
            run.job_ids.sorted("id"),
            [
                {
                    "channel": "root.microloan",
                    "method_name": "_job_plan_close_day",
                    "identity_key": f"microloan_queue.plan:{branch.id}:{day}",
                    "state": "pending",
                    "company_id": self.env.company.id,
                }
                for branch in self.branches
            ],
        )
        self.assertEqual(run.state, "queued")
        self.assertEqual(self.Run._enqueue_daily_close(day, self.branches), run)
        self.assertEqual(len(run.job_ids), 2)
        # The plans ran: the batches wait in the queue.
        for record in run.job_ids:
            job = Job.load(self.env, record.uuid)
            job.perform()
            job.set_done()
            job.store()
        self.env.invalidate_all()
        self.assertRecordValues(
            run,
            [
                {
                    "state": "running",
                    "loan_count": 4,
                    "loan_done_count": 0,
                    "loan_left_count": 4,
                    "job_count": 2 + 3 + 2,
                    "job_done_count": 2,
                }
            ],
        )
        batches = run.job_ids.filtered(
            lambda job: job.method_name == "_job_close_batch"
        )
        self.assertEqual(sorted(batches.mapped("microloan_loan_count")), [1, 1, 2])
        # Set when queue_job stores the job, never by a client.
        with self.assertRaises(AccessError):
            batches[0].write({"microloan_loan_count": 9})
        self.assertEqual(set(batches.mapped("state")), {"pending"})
        self.assertEqual(
            set(
                run.job_ids.filtered(
                    lambda job: job.method_name == "_job_finish_close_day"
                ).mapped("state")
            ),
            {"wait_dependencies"},
        )
        perform_stored(self.env, run)
        self.assertRecordValues(
            run,
            [
                {
                    "state": "done",
                    "loan_count": 4,
                    "loan_done_count": 4,
                    "loan_left_count": 0,
                    "progress": 100.0,
                    "job_failed_count": 0,
                }
            ],
        )
        self.assertEqual(
            set((self.loans_bj | self.loan_sh).mapped("last_close_date")), {day}
        )
        action = run.action_open_jobs()
        self.assertEqual(action["res_model"], "queue.job")
        self.assertEqual(self.env["queue.job"].search(action["domain"]), run.job_ids)

    def test_busy_loans_postpone_the_batch(self):
        """A loan locked by another transaction (a posting) postpones the
        batch with RetryableJobError, counted as a try; nothing is closed."""
        # A committed loan is needed for another transaction to lock it.
        day = fields.Date.context_today(self.Run)
        loan = (
            self.env["microloan.loan"]
            .sudo()
            .search(
                [
                    ("id", "not in", (self.loans_bj | self.loan_sh).ids),
                    ("state", "=", "active"),
                    ("disbursement_date", "<=", day),
                    "|",
                    ("last_close_date", "=", False),
                    ("last_close_date", "<", day),
                ],
                order="id",
                limit=1,
            )
        )
        if not loan:
            self.skipTest("no committed active loan (demo data) to lock")
        run = self.Run.create(
            {
                "name": "test",
                "kind": "daily_close",
                "date": day,
                "company_ids": [fields.Command.set(loan.company_id.ids)],
            }
        )
        stamp = loan.last_close_date
        job = Job(
            run._job_close_batch,
            args=(loan.company_id.id, day, loan.ids),
            max_retries=5,
        )
        with self.env.registry.cursor() as other:
            other.execute(
                "SELECT id FROM microloan_loan WHERE id = %s FOR UPDATE", loan.ids
            )
            with self.assertRaises(RetryableJobError) as caught:
                job.perform()
            other.rollback()
        self.assertEqual(caught.exception.seconds, 10)
        self.assertEqual(job.retry, 1)
        self.assertEqual(loan.last_close_date, stamp)

    def test_scheduled_action_switch(self):
        """The job cron replaces the inline daily close; uninstalling the
        bridge brings the inline one back; the accounting month end defers to
        the close's jobs."""
        inline = self.env.ref("microloan_base.ir_cron_microloan_daily_close")
        jobs = self.env.ref("microloan_queue.ir_cron_microloan_close_jobs")
        self.assertFalse(inline.active)
        self.assertTrue(jobs.active)
        self.assertTrue(self.env["microloan.loan"]._close_runs_month_end())
        self.Run._switch_inline_close(True)
        self.assertTrue(inline.active)
        with trap_jobs():
            run = self.Run._cron_enqueue_daily_close()
        self.assertFalse(inline.active)
        yesterday = fields.Date.context_today(self.Run) - timedelta(days=1)
        self.assertRecordValues(run, [{"kind": "daily_close", "date": yesterday}])

    def test_bad_dates_refused(self):
        today = fields.Date.context_today(self.Run)
        with self.assertRefused(UserError, "a day after today"):
            self.Run._enqueue_daily_close(today.replace(year=today.year + 1))
        with self.assertRefused(UserError, "Give the date"):
            self.Run._enqueue_daily_close("not a date")
        with self.assertRefused(UserError, "Give the date"):
            self.Run._enqueue_daily_close(False)
        self.assertFalse(self.Run.search([]).filtered(lambda r: r.date > today))

    def test_run_and_jobs_in_the_branches_language(self):
        """Enqueued by the cron user working in English, the run and its jobs
        read in the branches' language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        # The scheduled run closes every company of the database.
        self.env["res.company"].search([]).write({"microloan_lang": "zh_CN"})
        english = self.Run.with_context(lang="en_US")
        with trap_jobs() as trap:
            run = english._cron_enqueue_daily_close()
            self.assertTrue(run.name.startswith("日终处理至"), run.name)
            descriptions = [job.description for job in trap.enqueued_jobs]
            self.assertTrue(descriptions)
            self.assertTrue(
                all(text.startswith("安排 ") for text in descriptions), descriptions
            )
