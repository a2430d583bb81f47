import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.microloan_base.tools.locking import BUSY_ERRORS, LOCK_TIMEOUT_MS
from odoo.addons.queue_job.delay import chain, group
from odoo.addons.queue_job.exception import RetryableJobError

_logger = logging.getLogger(__name__)

# Loans per job; ir.config_parameter microloan_queue.close_batch_size and
# microloan_queue.accrual_batch_size override them.
CLOSE_BATCH_SIZE = 500
ACCRUAL_BATCH_SIZE = 2000
# Tries of a job before it fails (a busy loan or a serialization failure
# postpones it; queue.job.function's retry pattern spaces the tries).
MAX_RETRIES = 10
# Seconds before a job whose loans are busy, or whose day is not closed yet,
# is tried again.
BUSY_RETRY_SECONDS = 10
NOT_CLOSED_RETRY_SECONDS = 60
BATCH_METHODS = ("_job_close_batch", "_job_accrue_batch")
FINISHED_STATES = ("done", "cancelled")


class MicroloanCloseRun(models.Model):
    """A run of the daily close (and of the month ends it reaches) or of a month
    end, as queue jobs on the channel ``root.microloan``: for each branch and
    day, one job per batch of loans, then one job that finishes the branch's
    day and plans the next one. The run (``microloan_base``'s record, ``mode``
    queue) shows the progress of its jobs."""

    _inherit = "microloan.close.run"

    job_ids = fields.One2many(
        "queue.job", "microloan_close_run_id", string="Jobs", readonly=True
    )
    state = fields.Selection(compute="_compute_progress")
    job_count = fields.Integer(string="Jobs Enqueued", compute="_compute_progress")
    job_done_count = fields.Integer(string="Jobs Done", compute="_compute_progress")
    job_failed_count = fields.Integer(string="Jobs Failed", compute="_compute_progress")
    loan_count = fields.Integer(
        string="Loans Planned",
        compute="_compute_progress",
        help="Loans of the batches planned so far, counted once per step (the "
        "close of each day, then the month-end accrual).",
    )
    loan_done_count = fields.Integer(string="Loans Done", compute="_compute_progress")
    loan_left_count = fields.Integer(string="Loans Left", compute="_compute_progress")
    progress = fields.Float(
        compute="_compute_progress",
        help="Loans done over loans planned (queue jobs); branch-days closed over "
        "branch-days to close (server process).",
    )

    def _compute_progress(self):
        # Runs of the server process: their own figures (microloan_base).
        inline = self.filtered(lambda run: run.mode != "queue")
        for run in inline:
            run.state = run.run_state
            run.job_count = run.job_done_count = run.job_failed_count = 0
            run.loan_count = run.loan_done_count = run.loan_processed_count
            run.loan_left_count = 0
        result = None
        if inline:
            result = super(MicroloanCloseRun, inline)._compute_progress()
        queued = self - inline
        # Computed on demand (not stored): the jobs of a run finish in parallel
        # and would otherwise all write the run's row.
        stats = {run.id: {} for run in queued}
        # sudo: the figures of the run's jobs, whoever reads the run.
        rows = (
            self.env["queue.job"]
            .sudo()
            ._read_group(
                [("microloan_close_run_id", "in", queued.ids)],
                ["microloan_close_run_id", "state"],
                ["__count", "microloan_loan_count:sum"],
            )
        )
        for run, state, count, loans in rows:
            stats[run.id][state] = (count, loans)
        for run in queued:
            by_state = stats.get(run.id, {})
            jobs = sum(count for count, _loans in by_state.values())
            done = sum(by_state.get(s, (0, 0))[0] for s in FINISHED_STATES)
            failed = by_state.get("failed", (0, 0))[0]
            loans = sum(loans for _count, loans in by_state.values())
            loans_done = sum(by_state.get(s, (0, 0))[1] for s in FINISHED_STATES)
            if failed:
                state = "failed"
            elif done == jobs:
                state = "done"
            elif done or by_state.get("started"):
                state = "running"
            else:
                state = "queued"
            run.state = state
            run.job_count = jobs
            run.job_done_count = done
            run.job_failed_count = failed
            run.loan_count = loans
            run.loan_done_count = loans_done
            run.loan_left_count = loans - loans_done
            if loans:
                run.progress = 100.0 * loans_done / loans
            else:
                # No job stored (yet, or run in the test's transaction): the
                # branch-days closed.
                run.progress = (
                    min(100.0, 100.0 * run.day_done_count / run.day_count)
                    if run.day_count
                    else 0.0
                )
        return result

    def action_open_jobs(self):
        """Open the jobs of this run, grouped by state."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "queue_job.action_queue_job"
        )
        action.update(
            {
                "domain": [("microloan_close_run_id", "=", self.id)],
                "context": {"group_by": ["state"]},
            }
        )
        return action

    # ------------------------------------------------------------------
    # Enqueueing
    # ------------------------------------------------------------------

    @api.model
    def _enqueue_close_up_to(self, date, companies):
        """Close up to date (the administrator's wizard): as jobs, like the
        nightly run; the caller was checked (``_start_close_up_to``)."""
        super()._enqueue_close_up_to(date, companies)
        run = self._enqueue_daily_close(date, companies)
        if not run.user_id:
            # sudo: runs are written by the close only.
            run.sudo().user_id = self.env.user
        return run

    @api.model
    def _cron_enqueue_daily_close(self):
        """Scheduled action: enqueue the daily close of every branch up to
        yesterday (and the month end when yesterday ended a month)."""
        self._switch_inline_close(False)
        yesterday = fields.Date.context_today(self) - timedelta(days=1)
        # The run is named in the branches' language, not the cron user's.
        companies = self._get_run_companies(None)
        lang = self.env["res.company"]._microloan_run_lang(companies)
        return self.with_context(lang=lang)._enqueue_daily_close(yesterday)

    @api.model
    def _enqueue_daily_close(self, date, companies=None):
        """Enqueue the daily close of ``companies`` (every branch by default) up
        to ``date`` and return the run. Each branch resumes from the day after
        its last closed day, one day after the other; each day's loans are
        closed by one job per batch, in parallel, then one job finishes the
        branch's day (what the batches left, the day's accrual, the branch's
        closed date), runs the month end after a month's last day and plans
        the next day. An unfinished run of the same date is returned instead
        of a second one."""
        date = self._check_run_date(date)
        companies = self._get_run_companies(companies)
        run = self._find_unfinished("daily_close", date, companies)
        if run:
            return run
        Loan = self.env["microloan.loan"].sudo()
        first_days = {
            company: Loan._get_first_close_day(company) for company in companies
        }
        starts = [day for day in first_days.values() if day and day <= date]
        run = self.sudo().create(
            {
                "name": self.env._("Daily close to %(date)s", date=date),
                "kind": "daily_close",
                "mode": "queue",
                "run_state": "running",
                "date": date,
                "date_from": min(starts, default=False),
                "day_count": sum((date - day).days + 1 for day in starts),
                "started_at": fields.Datetime.now(),
                "company_ids": [fields.Command.set(companies.ids)],
            }
        )
        for company in companies:
            day = first_days[company]
            if day and day <= date:
                run._delayable_plan(company, day).delay()
            elif not day and self._is_month_end(date) and self._has_books():
                # No active loan to close: the month end still settles the
                # accruals of the loans closed or written off in the month.
                month_end = run._delayable_month_end(company, date)
                if month_end is not None:
                    month_end.delay()
        return run

    @api.model
    def _enqueue_month_end(self, date, companies=None):
        """Enqueue the month end of the books (interest accrual, then
        provisioning) of ``companies`` on ``date`` and return the run. Each
        batch waits until its loans are closed to ``date``."""
        if not self._has_books():
            raise UserError(
                self.env._("The month end needs the Microloan Accounting module.")
            )
        date = self._check_run_date(date)
        companies = self._get_run_companies(companies)
        run = self._find_unfinished("month_end", date, companies)
        if run:
            return run
        run = self.sudo().create(
            {
                "name": self.env._("Month end of %(date)s", date=date),
                "kind": "month_end",
                "mode": "queue",
                "run_state": "running",
                "date": date,
                "company_ids": [fields.Command.set(companies.ids)],
            }
        )
        for company in companies:
            month_end = run._delayable_month_end(company, date)
            if month_end is not None:
                month_end.delay()
        return run

    @api.model
    def _check_run_date(self, date):
        try:
            date = fields.Date.to_date(date)
        except (TypeError, ValueError):
            date = None
        if not date:
            raise UserError(self.env._("Give the date to close up to."))
        today = fields.Date.context_today(self)
        if date > today:
            raise UserError(
                self.env._(
                    "No run can be enqueued for %(date)s, a day after today "
                    "(%(today)s).",
                    date=date,
                    today=today,
                )
            )
        return date

    @api.model
    def _get_run_companies(self, companies):
        if companies is None:
            # sudo: the scheduled runs close every branch.
            return self.env["res.company"].sudo().search([])
        return companies.sudo()

    @api.model
    def _find_unfinished(self, kind, date, companies):
        runs = self.sudo().search(
            [("kind", "=", kind), ("date", "=", date)], order="id desc", limit=10
        )
        return runs.filtered(
            lambda run: run.company_ids == companies
            and run.job_ids
            and run.state in ("queued", "running")
        )[:1]

    @api.model
    def _switch_inline_close(self, active):
        """(De)activate the scheduled actions that run the daily close inline
        (``microloan_base``); the month end of ``microloan_accounting`` defers
        to the close's jobs by itself (``_close_runs_month_end``)."""
        cron = self.env.ref(
            "microloan_base.ir_cron_microloan_daily_close", raise_if_not_found=False
        )
        if cron and cron.active != active:
            # sudo: a scheduled action of the module, switched by the module.
            cron.sudo().active = active

    @api.model
    def _has_books(self):
        return "microloan.loan.accrual" in self.env

    @staticmethod
    def _is_month_end(day):
        return (day + timedelta(days=1)).day == 1

    @api.model
    def _batch_size(self, key, default):
        value = self.env["ir.config_parameter"].sudo().get_param(key)
        try:
            size = int(value) if value else default
        except ValueError:
            size = default
        return size if size > 0 else default

    def _delayable(self, description, identity_key):
        # The jobs belong to the company that enqueued the run (head office for
        # the scheduled action), not to the branch they close: whoever follows
        # the run sees all its jobs (queue.job's company rule). The branch is in
        # the job's arguments and description.
        self.ensure_one()
        return self.delayable(
            description=description,
            identity_key=identity_key,
            max_retries=MAX_RETRIES,
        )

    def _branch_env(self, company):
        """The environment in ``company``'s language: a job is described
        as the branch reads it, not in the language of the cron user."""
        return self.with_context(lang=company._microloan_lang()).env

    def _delayable_plan(self, company, day):
        return self._delayable(
            self._branch_env(company)._(
                "Plan the close of %(branch)s on %(date)s",
                branch=company.name,
                date=day,
            ),
            f"microloan_queue.plan:{company.id}:{day}",
        )._job_plan_close_day(company.id, day)

    def _delayable_close_batch(self, company, day, loan_ids):
        return self._delayable(
            self._branch_env(company)._(
                "Close %(count)s loans of %(branch)s on %(date)s",
                count=len(loan_ids),
                branch=company.name,
                date=day,
            ),
            f"microloan_queue.close:{company.id}:{day}:{loan_ids[0]}-{loan_ids[-1]}",
        )._job_close_batch(company.id, day, loan_ids)

    def _delayable_finish(self, company, day):
        return self._delayable(
            self._branch_env(company)._(
                "Finish the close of %(branch)s on %(date)s",
                branch=company.name,
                date=day,
            ),
            f"microloan_queue.finish:{company.id}:{day}",
        )._job_finish_close_day(company.id, day)

    def _delayable_month_end(self, company, date, then=None):
        """The month end of ``company`` on ``date``: the interest accrual in
        batches of loans, then the provisioning, then ``then`` if given. A
        branch that keeps the sub-ledger only (no loan account set, see
        ``_microloan_accounting_active``) has no month end: only ``then``."""
        Loan = self.env["microloan.loan"].sudo()
        loans = Loan._get_accrual_loans(date, company).filtered(
            lambda loan: loan._microloan_accounting_active()
        )
        if (
            not loans
            and not Loan.new({"company_id": company.id})._microloan_accounting_active()
        ):
            return then
        size = self._batch_size(
            "microloan_queue.accrual_batch_size", ACCRUAL_BATCH_SIZE
        )
        loan_ids = loans.sorted("id").ids
        batches = [
            self._delayable(
                self._branch_env(company)._(
                    "Accrue the interest of %(count)s loans of %(branch)s on "
                    "%(date)s",
                    count=len(ids),
                    branch=company.name,
                    date=date,
                ),
                f"microloan_queue.accrue:{company.id}:{date}:{ids[0]}-{ids[-1]}",
            )._job_accrue_batch(company.id, date, ids)
            for ids in _chunks(loan_ids, size)
        ]
        provision = self._delayable(
            self._branch_env(company)._(
                "Provision the loans of %(branch)s on %(date)s",
                branch=company.name,
                date=date,
            ),
            f"microloan_queue.provision:{company.id}:{date}",
        )._job_provision(company.id, date)
        steps = [group(*batches)] if batches else []
        steps.append(provision)
        if then is not None:
            steps.append(then)
        return chain(*steps)

    # ------------------------------------------------------------------
    # Jobs
    # ------------------------------------------------------------------

    def _job_store_values(self, job):
        """queue_job hook: the run of each job, and the loans of a batch."""
        vals = {"microloan_close_run_id": self.id}
        if job.method_name in BATCH_METHODS:
            vals["microloan_loan_count"] = len(job.args[2])
        return vals

    def _job_plan_close_day(self, company_id, day):
        """Job: enqueue the close of ``day`` for a branch: one job per batch
        of the loans to close, then the job that finishes the day."""
        self.ensure_one()
        company = self.env["res.company"].sudo().browse(company_id)
        day = fields.Date.to_date(day)
        if company.microloan_closed_date and company.microloan_closed_date >= day:
            return self.env._("Already closed to %(date)s.", date=day)
        # sudo: the close reads every loan of the branch.
        loan_ids = (
            self.env["microloan.loan"]
            .sudo()
            .search(self._get_close_domain(company, day), order="id")
            .ids
        )
        size = self._batch_size("microloan_queue.close_batch_size", CLOSE_BATCH_SIZE)
        batches = [
            self._delayable_close_batch(company, day, ids)
            for ids in _chunks(loan_ids, size)
        ]
        finish = self._delayable_finish(company, day)
        if batches:
            group(*batches).on_done(finish).delay()
        else:
            finish.delay()
        return self.env._(
            "%(count)s loans in %(batches)s batches.",
            count=len(loan_ids),
            batches=len(batches),
        )

    @api.model
    def _get_close_domain(self, company, day):
        """The loans of ``company`` the close of ``day`` has still to close
        (those of ``microloan.loan._iter_close_company_day``, which the job
        finishing the day runs for any the batches left)."""
        return [
            ("company_id", "=", company.id),
            ("state", "=", "active"),
            ("disbursement_date", "<=", day),
            "|",
            ("last_close_date", "=", False),
            ("last_close_date", "<", day),
        ]

    def _job_close_batch(self, company_id, day, loan_ids):
        """Job: close ``day`` for these loans of a branch. A loan the close of
        ``day`` already reached (its ``last_close_date``) is left alone, so a
        retried batch closes nothing twice; a loan busy with a posting, or
        changed since the job began, postpones the batch
        (``RetryableJobError``)."""
        self.ensure_one()
        company = self.env["res.company"].sudo().browse(company_id)
        day = fields.Date.to_date(day)
        # sudo: the close reads and updates every loan of the branch, and
        # writes in the branch's language.
        Loan = (
            self.env["microloan.loan"]
            .sudo()
            .with_company(company)
            .with_context(lang=company._microloan_lang())
        )
        domain = [("id", "in", loan_ids), *self._get_close_domain(company, day)]
        loans = Loan.search(domain, order="id")
        if not loans:
            return self.env._("Nothing left to close.")
        self._lock_loans(loans)
        # Read again under the lock: another run may have closed some meanwhile.
        loans = Loan.search(domain, order="id")
        if loans:
            stats = {}
            loans._close_day(day, stats=stats)
            self._add_run_figures(stats)
        return self.env._("%(count)s loans closed.", count=len(loans))

    def _add_run_figures(self, stats, days=0):
        """Add a job's figures to the run's (in one UPDATE at the job's end:
        the row is locked only until the job commits)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                """
                UPDATE microloan_close_run
                   SET loan_processed_count = COALESCE(loan_processed_count, 0)
                           + %(loans)s,
                       charge_count = COALESCE(charge_count, 0) + %(charges)s,
                       classification_change_count =
                           COALESCE(classification_change_count, 0) + %(classified)s,
                       day_done_count = COALESCE(day_done_count, 0) + %(days)s,
                       ended_at = clock_timestamp() AT TIME ZONE 'UTC',
                       duration = EXTRACT(EPOCH FROM
                           (clock_timestamp() AT TIME ZONE 'UTC')
                           - COALESCE(started_at, create_date))
                 WHERE id = %(id)s
                """,
                loans=stats.get("loans", 0),
                charges=stats.get("charges", 0),
                classified=stats.get("classified", 0),
                days=days,
                id=self.id,
            )
        )
        self.invalidate_recordset(
            [
                "loan_processed_count",
                "charge_count",
                "classification_change_count",
                "day_done_count",
                "ended_at",
                "duration",
            ]
        )

    def _job_finish_close_day(self, company_id, day):
        """Job: finish the close of ``day`` for a branch once its batches are
        done: close any loan they left (``_iter_close_company_day``, which also
        runs the day's accrual with ``microloan_accounting``), record the
        branch's closed date, then enqueue the month end after a month's last
        day, and the next day up to the run's date."""
        self.ensure_one()
        company = self.env["res.company"].sudo().browse(company_id)
        day = fields.Date.to_date(day)
        Loan = self.env["microloan.loan"].sudo()
        if not company.microloan_closed_date or company.microloan_closed_date < day:
            stats = {}
            for _batch in Loan._iter_close_company_day(company, day, stats=stats):
                pass
            # sudo: the closed date is the daily close's stamp.
            company.sudo().microloan_closed_date = day
            self._add_run_figures(stats, days=1)
        following = None
        next_day = day + timedelta(days=1)
        if next_day <= self.date:
            following = self._delayable_plan(company, next_day)
        if self._is_month_end(day) and self._has_books():
            following = self._delayable_month_end(company, day, then=following)
        if following is not None:
            following.delay()
        return self.env._(
            "%(branch)s closed to %(date)s.", branch=company.name, date=day
        )

    def _job_accrue_batch(self, company_id, date, loan_ids):
        """Job: the month-end interest accrual of these loans of a branch. It
        posts what the books lack (``_run_interest_accrual``), so a retried
        batch posts nothing twice; it waits for the daily close of ``date``.
        A serialization failure (a posting changed a loan meanwhile) is retried
        by queue_job."""
        self.ensure_one()
        company = self.env["res.company"].sudo().browse(company_id)
        date = fields.Date.to_date(date)
        Loan = self.env["microloan.loan"].sudo().with_company(company)
        loans = Loan.browse(loan_ids).exists()
        if Loan.search_count(
            [("id", "in", loans.ids), *self._get_close_domain(company, date)]
        ):
            raise RetryableJobError(
                self.env._(
                    "The daily close of %(date)s is not finished yet.", date=date
                ),
                seconds=NOT_CLOSED_RETRY_SECONDS,
                ignore_retry=True,
            )
        moves = Loan._run_interest_accrual(date, loans=loans)
        return self.env._(
            "%(count)s loans accrued, %(moves)s entries.",
            count=len(loans),
            moves=len(moves),
        )

    def _job_provision(self, company_id, date):
        """Job: the month-end provisioning of a branch (it posts only what
        changed, so a retry posts nothing twice)."""
        self.ensure_one()
        company = self.env["res.company"].sudo().browse(company_id)
        moves = self.env["microloan.provision"]._run_provisioning(date, company)
        return self.env._("%(moves)s entries.", moves=len(moves))

    def _lock_loans(self, loans):
        """Lock the rows of ``loans`` for the job's transaction, waiting at most
        as long as a posting does; a busy loan, or one changed since the job's
        snapshot, postpones the job (``RetryableJobError``)."""
        if not loans:
            return
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    SQL(
                        "SELECT current_setting('lock_timeout'), "
                        "set_config('lock_timeout', %s, true)",
                        f"{LOCK_TIMEOUT_MS}ms",
                    )
                )
                previous = cr.fetchone()[0]
                # A busy loan is expected here (the job is postponed): not an
                # error for the log.
                cr.execute(
                    SQL(
                        "SELECT id FROM microloan_loan WHERE id IN %s ORDER BY id "
                        "FOR NO KEY UPDATE",
                        tuple(loans.ids),
                    ),
                    log_exceptions=False,
                )
            cr.execute(SQL("SELECT set_config('lock_timeout', %s, true)", previous))
        except BUSY_ERRORS as error:
            _logger.info("%s: loans busy, postponed (%s)", self, error)
            raise RetryableJobError(
                self.env._(
                    "Some loans are being updated by another posting: the batch "
                    "is tried again in a moment."
                ),
                seconds=BUSY_RETRY_SECONDS,
            ) from error


def _chunks(ids, size):
    return [ids[start : start + size] for start in range(0, len(ids), size)]
