import base64
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..wizards.microloan_loan_ledger_export import BORROWER_SCOPES, LEDGERS

_logger = logging.getLogger(__name__)

RUN_KINDS = [
    ("ledger", "Ledger (XLSX)"),
    ("accumulation", "Daily Average Balances (XLSX)"),
]
RUN_STATES = [
    ("queued", "Queued"),
    ("running", "Running"),
    ("done", "Done"),
    ("failed", "Failed"),
]
# ir.config_parameter: "True" runs the report runs by the scheduled action even
# when queue_job is installed.
USE_CRON_PARAM = "microloan_reports.report_runs_use_cron"
CRON_XMLID = "microloan_reports.ir_cron_microloan_report_runs"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MicroloanReportRun(models.Model):
    """A long report (a ledger of the whole book, a year of daily average
    balances) built in the background: by a queue_job job when ``queue_job`` is
    installed, by the scheduled action "Microloan: Report Runs" otherwise; both
    call :meth:`_execute`, which builds the XLSX as the user who asked for it
    (their branches, their record rules), shows its progress, keeps the file
    as the run's attachment and notifies the user. Each branch sees its own
    runs; head office sees all."""

    _name = "microloan.report.run"
    _inherit = ["mail.thread"]
    _description = "Report Run"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(RUN_KINDS, required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company",
        string="Requested In",
        required=True,
        readonly=True,
        index=True,
        help="The branch the run was requested in: its users see the run.",
    )
    user_id = fields.Many2one(
        "res.users", string="Requested By", required=True, readonly=True, index=True
    )
    dispatch = fields.Selection(
        [("job", "Queue Job"), ("cron", "Scheduled Action")],
        string="Run By",
        readonly=True,
    )
    state = fields.Selection(
        RUN_STATES, required=True, readonly=True, default="queued", tracking=True
    )
    progress = fields.Float(string="Progress (%)", readonly=True, digits=(5, 1))
    done_count = fields.Integer(string="Rows Written", readonly=True)
    total_count = fields.Integer(string="Rows Planned", readonly=True)
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    attachment_id = fields.Many2one("ir.attachment", string="File", readonly=True)
    file_name = fields.Char(related="attachment_id.name", string="File Name")
    error = fields.Text(readonly=True)
    # The parameters (those of the wizards; the report's builders read them).
    ledger = fields.Selection(LEDGERS, readonly=True)
    granularity = fields.Selection(
        [("day", "Day"), ("month", "Month"), ("year", "Year")],
        string="Per",
        readonly=True,
    )
    borrower_scope = fields.Selection(
        BORROWER_SCOPES, string="Borrowers", readonly=True, default="all"
    )
    date_from = fields.Date(string="From", required=True, readonly=True)
    date_to = fields.Date(string="To", required=True, readonly=True)
    company_ids = fields.Many2many(
        "res.company",
        "microloan_report_run_company_rel",
        "run_id",
        "company_id",
        string="Branches",
        readonly=True,
    )
    product_ids = fields.Many2many(
        "microloan.product", string="Products", readonly=True
    )
    user_ids = fields.Many2many(
        "res.users",
        "microloan_report_run_user_rel",
        "run_id",
        "user_id",
        string="Loan Officers",
        readonly=True,
    )
    guarantee_type_ids = fields.Many2many(
        "microloan.guarantee.type", string="Guarantee Types", readonly=True
    )
    risk_tier = fields.Selection(
        selection=lambda self: self.env["microloan.loan"]
        ._fields["risk_tier"]
        ._description_selection(self.env),
        string="Classification",
        readonly=True,
    )
    amount_min = fields.Float(string="Amount From", digits=(16, 2), readonly=True)
    amount_max = fields.Float(string="Amount To", digits=(16, 2), readonly=True)

    # ------------------------------------------------------------------
    # Request
    # ------------------------------------------------------------------

    @api.model
    def _request(self, kind, wizard):
        """Queue a run of ``kind`` with the parameters of ``wizard`` (a ledger
        export or a balance accumulation wizard) for the current user and
        return it. The branches must be among the user's."""
        if not self.env.user.has_group("microloan_base.group_microloan_user"):
            raise AccessError(self.env._("Only Microloan users can run reports."))
        companies = wizard.company_ids or self.env.companies
        if companies - self.env.user.company_ids:
            raise AccessError(
                self.env._("You can only run reports of the branches you work in.")
            )
        # The run's name in the requester's language, whatever the call's.
        env = self.with_context(lang=self.env.user.lang).env
        vals = {
            "kind": kind,
            "company_id": self.env.company.id,
            "user_id": self.env.user.id,
            "date_from": wizard.date_from,
            "date_to": wizard.date_to,
            "company_ids": [fields.Command.set(companies.ids)],
            "product_ids": [fields.Command.set(wizard.product_ids.ids)],
            "user_ids": [fields.Command.set(wizard.user_ids.ids)],
        }
        if kind == "ledger":
            vals.update(
                ledger=wizard.ledger,
                borrower_scope=wizard.borrower_scope,
                guarantee_type_ids=[fields.Command.set(wizard.guarantee_type_ids.ids)],
                risk_tier=wizard.risk_tier,
                amount_min=wizard.amount_min,
                amount_max=wizard.amount_max,
            )
            label = dict(self._fields["ledger"]._description_selection(env))[
                wizard.ledger
            ]
        else:
            vals["granularity"] = wizard.granularity
            label = env._("Daily Average Balances")
        vals["name"] = env._(
            "%(report)s, %(date_from)s to %(date_to)s",
            report=label,
            date_from=wizard.date_from,
            date_to=wizard.date_to,
        )
        # sudo: the run's fields are set by this action only (the user reads
        # runs, never writes them); the checks above are the user's.
        run = self.sudo().create(vals)
        run._dispatch()
        return run.sudo(False)

    @api.model
    def _use_jobs(self):
        """Whether runs go to queue_job (installed, and not switched off by the
        parameter ``microloan_reports.report_runs_use_cron``)."""
        if "queue.job" not in self.env or not hasattr(self, "with_delay"):
            return False
        param = self.env["ir.config_parameter"].sudo().get_param(USE_CRON_PARAM)
        return (param or "").lower() not in ("1", "true")

    def _dispatch(self):
        """Hand the runs to a queue_job job each, or wake the scheduled action."""
        if self._use_jobs():
            self.sudo().write({"dispatch": "job"})
            for run in self:
                # The job runs as the requester (queue_job keeps the user).
                run.with_user(run.user_id).with_delay(description=run.name)._execute()
        else:
            self.sudo().write({"dispatch": "cron"})
            self.env.ref(CRON_XMLID).sudo()._trigger()

    @api.model
    def _cron_execute(self):
        """Scheduled action: build the oldest queued run handed to it and
        report how many are left; the scheduler commits and calls it again
        while some are (``ir.cron._notify_progress``)."""
        queued = self.sudo().search(
            [("state", "=", "queued"), ("dispatch", "=", "cron")], order="id"
        )
        run = queued[:1]
        run._execute()
        self.env["ir.cron"]._notify_progress(
            done=len(run), remaining=len(queued) - len(run)
        )
        return run.ids

    # ------------------------------------------------------------------
    # Execution (the job's and the scheduled action's code path)
    # ------------------------------------------------------------------

    def _execute(self):
        """Build each run's file as its requester, in their branches. A run
        already finished is left as it is (a job retried builds nothing
        twice). The run's row is written through a cursor of its own so that
        its progress shows while the file is built."""
        for run in self.sudo():
            if run.state in ("done", "failed"):
                continue
            requester = run.user_id
            companies = run.company_ids
            if run.company_id in companies:
                companies = run.company_id | companies
            as_requester = run.with_user(requester).with_context(
                allowed_company_ids=companies.ids, lang=requester.lang
            )
            run._write_row(state="running", started_at=fields.Datetime.now())
            try:
                with self.env.cr.savepoint():
                    content, file_name = as_requester._build_file()
            except (UserError, AccessError, ValidationError) as error:
                run._finish(error=str(error))
            except Exception:
                _logger.exception("Report run %s failed", run.id)
                run._finish(
                    error=self.env._(
                        "The report could not be built: see the server log."
                    )
                )
            else:
                run._finish(content=content, file_name=file_name)

    def _build_file(self):
        """``(XLSX bytes, file name)`` of the run, built as the current user."""
        self.ensure_one()
        writer = self.env["microloan.report.run.xlsx"]
        return writer._run_xlsx(self, progress=self._report_progress)

    def _report_progress(self, done, total):
        """Show ``done`` rows of ``total`` on the run (committed at once)."""
        percent = 100.0 * done / total if total else 100.0
        self._write_row(done_count=done, total_count=total, progress=percent)

    def _write_row(self, **values):
        """Write ``values`` on the run's row and commit them at once, through a
        cursor of its own: the user sees the progress while the job's
        transaction is still open (which never writes the row itself)."""
        self.ensure_one()
        with self.env.registry.cursor() as cr:
            assignments = SQL(", ").join(
                SQL("%s = %s", SQL.identifier(name), value)
                for name, value in values.items()
            )
            cr.execute(
                SQL(
                    "UPDATE microloan_report_run SET %s, write_date = %s WHERE id = %s",
                    assignments,
                    fields.Datetime.now(),
                    self.id,
                )
            )
        self.invalidate_recordset(list(values))

    def _finish(self, content=None, file_name=None, error=None):
        """Keep the file as the run's attachment (or the error), mark the run
        done (or failed) and notify the requester, in a transaction of its
        own."""
        self.ensure_one()
        with self.env.registry.cursor() as cr:
            env = self.env(cr=cr, su=True)
            run = self.with_env(env)
            values = {"finished_at": fields.Datetime.now()}
            if error is None:
                attachment = env["ir.attachment"].create(
                    {
                        "name": file_name,
                        "datas": base64.b64encode(content),
                        "mimetype": XLSX_MIMETYPE,
                        "res_model": self._name,
                        "res_id": self.id,
                        "company_id": run.company_id.id,
                    }
                )
                values.update(state="done", attachment_id=attachment.id, progress=100)
            else:
                values.update(state="failed", error=error)
            run.write(values)
            run._notify_requester()
        self.invalidate_recordset()

    def _notify_requester(self):
        """A message on the run for the requester (inbox or mail, as they
        chose) and a notification in their open web client."""
        self.ensure_one()
        requester = self.user_id.with_context(lang=self.user_id.lang)
        _ = requester.env._
        if self.state == "done":
            body = _("%(run)s is ready: download it from the run.", run=self.name)
            kind = "success"
        else:
            body = _("%(run)s failed: %(error)s", run=self.name, error=self.error)
            kind = "danger"
        self.message_post(
            body=body,
            partner_ids=requester.partner_id.ids,
            author_id=self.env.ref("base.partner_root").id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        requester._bus_send(
            "simple_notification",
            {"type": kind, "title": _("Report Run"), "message": body},
        )

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Report Run"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_download(self):
        """Download the run's file."""
        self.ensure_one()
        if not self.attachment_id:
            raise UserError(self.env._("The file of this run is not ready yet."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.attachment_id.id}?download=true",
            "target": "self",
        }
