import logging
import time

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

_logger = logging.getLogger(__name__)

RUN_STATES = [
    ("queued", "Queued"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
]


class MicroloanCloseRun(models.Model):
    """A run of the daily close: the nightly scheduled one, or one the
    administrator started for some branches up to a date ("close up to date").
    Without ``microloan_queue`` the close runs in the server's process
    (``mode`` inline) and the run records what it did: days and loans closed,
    charges posted, classifications changed, duration and the error that
    stopped it. ``microloan_queue`` adds its runs of queue jobs (``mode``
    queue) to the same list."""

    _name = "microloan.close.run"
    _description = "Close Run"
    _order = "id desc"

    name = fields.Char(string="Run", required=True, readonly=True)
    kind = fields.Selection(
        [("daily_close", "Daily Close"), ("month_end", "Month End")],
        required=True,
        readonly=True,
        default="daily_close",
    )
    mode = fields.Selection(
        [("inline", "Server Process"), ("queue", "Queue Jobs")],
        required=True,
        readonly=True,
        default="inline",
        help="Server Process: the close runs in the scheduled action's process, "
        "in chunks of a minute. Queue Jobs: one job per branch and batch of "
        "loans (Microloan Background Jobs).",
    )
    date = fields.Date(
        string="Close To",
        required=True,
        readonly=True,
        help="The daily close runs up to this day; the month end for this day.",
    )
    date_from = fields.Date(
        string="First Day",
        readonly=True,
        help="The first day the run closed (the day after the branch's last "
        "closed day).",
    )
    company_ids = fields.Many2many(
        "res.company", string="Branches", readonly=True, required=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Started By",
        readonly=True,
        help="Empty for the scheduled nightly run.",
    )
    run_state = fields.Selection(
        RUN_STATES, string="Run Status", default="queued", readonly=True
    )
    state = fields.Selection(RUN_STATES, string="Status", compute="_compute_state")
    day_count = fields.Integer(
        string="Days to Close",
        readonly=True,
        help="Branch-days the run has to close, counted when it starts.",
    )
    day_done_count = fields.Integer(string="Days Closed", readonly=True)
    progress = fields.Float(
        string="Progress (%)",
        compute="_compute_progress",
        help="Loans done over loans planned (queue jobs); branch-days closed over "
        "branch-days to close (server process).",
    )
    loan_processed_count = fields.Integer(
        string="Loans Processed",
        readonly=True,
        help="Loans closed, counted once per day closed.",
    )
    charge_count = fields.Integer(
        string="Charges Posted",
        readonly=True,
        help="Penalty and compound interest charges posted at month end.",
    )
    classification_change_count = fields.Integer(
        string="Classifications Changed",
        readonly=True,
        help="Loans whose five-category classification changed.",
    )
    started_at = fields.Datetime(string="Started", readonly=True)
    ended_at = fields.Datetime(string="Ended", readonly=True)
    duration = fields.Float(
        string="Duration (s)",
        readonly=True,
        digits=(16, 1),
        help="Seconds spent closing (the chunks of the scheduled action added).",
    )
    error_message = fields.Text(string="Error", readonly=True)

    @api.depends("run_state")
    def _compute_state(self):
        for run in self:
            run.state = run.run_state

    @api.depends("day_count", "day_done_count")
    def _compute_progress(self):
        for run in self:
            run.progress = (
                min(100.0, 100.0 * run.day_done_count / run.day_count)
                if run.day_count
                else (100.0 if run.run_state == "done" else 0.0)
            )

    # ------------------------------------------------------------------
    # Starting a run
    # ------------------------------------------------------------------

    @api.model
    def _check_close_admin(self):
        if not self.env.user.has_group("microloan_base.group_microloan_admin"):
            raise AccessError(
                self.env._("Only microloan administrators can run the daily close.")
            )

    @api.model
    def _check_close_date(self, date):
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
                    "The daily close cannot run for %(date)s, a day after today "
                    "(%(today)s).",
                    date=date,
                    today=today,
                )
            )
        return date

    @api.model
    def _start_close_up_to(self, date, companies):
        """Start the close of ``companies`` (branches the caller may use) up to
        ``date`` and return the run: here a run of the scheduled action, which
        is triggered at once and works through it in chunks, showing its
        progress on the run; ``microloan_queue`` enqueues jobs instead."""
        self._check_close_admin()
        date = self._check_close_date(date)
        if not companies:
            raise UserError(self.env._("Choose the branches to close."))
        foreign = companies - self.env.user.company_ids
        if foreign:
            raise AccessError(
                self.env._("You can only close the branches you work in.")
            )
        run = self._enqueue_close_up_to(date, companies)
        if run:
            return run
        # sudo: runs are written by the close only.
        run = self.sudo()._create_inline_run(date, companies, user=self.env.user)
        cron = self.env.ref(
            "microloan_base.ir_cron_microloan_daily_close", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()
        return run

    @api.model
    def _enqueue_close_up_to(self, date, companies):
        """The run of the close up to ``date`` when another module runs it
        (``microloan_queue``: as jobs); none here, the scheduled action
        runs it in its process."""
        return self.browse()

    @api.model
    def _create_inline_run(self, date, companies, user=None):
        Loan = self.env["microloan.loan"].sudo()
        first_days = [Loan._get_first_close_day(company) for company in companies]
        days = sum((date - day).days + 1 for day in first_days if day and day <= date)
        starts = [day for day in first_days if day and day <= date]
        # A run the scheduled action starts is named in the branches' language
        # (a user's, in the user's).
        env = self.env
        if not user:
            lang = env["res.company"]._microloan_run_lang(companies)
            env = self.with_context(lang=lang).env
        return self.create(
            {
                "name": env._("Daily close to %(date)s", date=format_date(env, date)),
                "kind": "daily_close",
                "mode": "inline",
                "date": date,
                "date_from": min(starts, default=False),
                "company_ids": [fields.Command.set(companies.ids)],
                "user_id": user.id if user else False,
                "day_count": days,
            }
        )

    @api.model
    def _get_nightly_run(self, date):
        """The inline run of the scheduled action closing every branch to
        ``date``: the unfinished one, or a new one when some day is left."""
        run = self.search(
            [
                ("mode", "=", "inline"),
                ("kind", "=", "daily_close"),
                ("user_id", "=", False),
                ("date", "=", date),
                ("run_state", "in", ("queued", "running")),
            ],
            order="id",
            limit=1,
        )
        if run:
            return run
        # sudo: the nightly close covers every branch.
        companies = self.env["res.company"].sudo().search([])
        Loan = self.env["microloan.loan"].sudo()
        if not Loan._daily_close_remaining(date) and not any(
            day and day <= date
            for day in (Loan._get_first_close_day(company) for company in companies)
        ):
            return self.browse()
        return self._create_inline_run(date, companies)

    # ------------------------------------------------------------------
    # Running
    # ------------------------------------------------------------------

    def _run_inline(self, deadline=None):
        """Close this run's branches up to its date in this process, recording
        the figures on the run; stop after the batch that passes ``deadline``
        (``time.monotonic()``). Return True once the run is finished (done or
        failed). An error rolls back the chunk it happened in and stops the
        run, which shows it."""
        self.ensure_one()
        if self.run_state in ("done", "failed"):
            return True
        Loan = self.env["microloan.loan"].sudo()
        stats = {"loans": 0, "charges": 0, "classified": 0, "days": 0}
        started = time.monotonic()
        vals = {"run_state": "running"}
        if not self.started_at:
            vals["started_at"] = fields.Datetime.now()
        self.write(vals)
        finished = True
        error = None
        try:
            with self.env.cr.savepoint():
                for batch in Loan._iter_daily_close(
                    self.date, self.company_ids, stats=stats
                ):
                    if batch._name == "res.company":
                        # A branch's day is closed; the deadline is checked
                        # after the batches of loans (each call closes some).
                        stats["days"] += 1
                        continue
                    if deadline is not None and time.monotonic() > deadline:
                        finished = False
                        break
        except Exception as exc:  # pylint: disable=broad-except
            # Whatever stopped the close, the run says so; what the chunk
            # closed is rolled back (the loans' own closed dates resume it).
            _logger.warning("%s: the daily close failed: %s", self, exc)
            error = exc
            stats = {"loans": 0, "charges": 0, "classified": 0, "days": 0}
        vals = {
            "day_done_count": self.day_done_count + stats["days"],
            "loan_processed_count": self.loan_processed_count + stats["loans"],
            "charge_count": self.charge_count + stats["charges"],
            "classification_change_count": self.classification_change_count
            + stats["classified"],
            "duration": self.duration + (time.monotonic() - started),
        }
        if error is not None:
            vals.update(
                run_state="failed",
                ended_at=fields.Datetime.now(),
                error_message=getattr(error, "args", [False])[0] or str(error),
            )
            finished = True
        elif finished:
            vals.update(run_state="done", ended_at=fields.Datetime.now())
        self.write(vals)
        return finished

    @api.model
    def _cron_run_inline(self, date, deadline=None):
        """The scheduled action's work: the runs the administrator started
        first, then the nightly run to ``date``. Return the loans closed."""
        runs = self.search(
            [
                ("mode", "=", "inline"),
                ("user_id", "!=", False),
                ("run_state", "in", ("queued", "running")),
            ],
            order="id",
        )
        runs |= self._get_nightly_run(date)
        closed = 0
        for run in runs:
            before = run.loan_processed_count
            finished = run._run_inline(deadline)
            closed += run.loan_processed_count - before
            if not finished:
                break
        return closed

    @api.model
    def _record_close_stats(self, stats, **counts):
        """Add ``counts`` to ``stats`` (a run's figures, see ``_run_inline``)."""
        if isinstance(stats, dict):
            for key, value in counts.items():
                stats[key] = stats.get(key, 0) + value

    def action_refresh(self):
        """Read the run again (the scheduled action commits after each
        chunk)."""
        return True
