import logging
import time
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from microloan_engine import EngineError
from microloan_engine.overdue import close_day, crystallize, overdue_status

from .microloan_loan_servicing import (
    ENGINE_INSTALLMENT_FIELDS,
    INSTALLMENT_ROW_EXTRA_FIELDS,
    NUMERIC_INSTALLMENT_FIELDS,
)

_logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
# A scheduled run reports its progress and returns after this long (see
# _cron_daily_close); Odoo's cron runner calls it again until nothing remains.
CRON_CHUNK_SECONDS = 60


class MicroloanLoanClose(models.AbstractModel):
    """Daily close of the loans (microloan.loan): days past due, penalty and
    compound interest, classification, reminders and overdue activities."""

    _name = "microloan.loan.close"
    _description = "Loan: Daily Close"

    last_close_date = fields.Date(
        string="Closed To",
        readonly=True,
        copy=False,
        index=True,
        help="Last business day the daily close ran for this loan.",
    )

    @api.model
    def _run_daily_close(self, date, companies=None):
        """Close every business day up to ``date`` for ``companies`` (all by
        default): days past due, penalty and compound interest, classification,
        non-accrual, reminders and overdue activities.

        Each company resumes from the day after its last closed date (the
        earliest disbursement on the first run), so missed days are caught up in
        order and running twice for the same date changes nothing. Each loan
        records its own closed date: a run interrupted in the middle of a day
        resumes with the loans not closed yet. Never commits; the scheduled
        action commits after each chunk (:meth:`_cron_daily_close`).
        """
        for _batch in self._iter_daily_close(date, companies):
            pass
        return True

    @api.model
    def _cron_daily_close(self):
        """Scheduled action: close every company up to yesterday.

        Run by Odoo's cron runner, it works for at most ``CRON_CHUNK_SECONDS``,
        then reports its progress with ``ir.cron._notify_progress`` (loans
        closed, loan-days still to close) and returns: the runner commits and
        calls it again until nothing remains, so an interruption loses one
        chunk at most and the run's progress shows on the scheduled action.
        Called directly (no cron progress), it closes everything in one go."""
        yesterday = fields.Date.context_today(self) - timedelta(days=1)
        chunked = bool(self.env.context.get("ir_cron_progress_id"))
        deadline = time.monotonic() + CRON_CHUNK_SECONDS if chunked else None
        # Each run records what it closed (microloan.close.run): the runs an
        # administrator started first, then the nightly one.
        # sudo: the scheduled action writes the close's runs.
        done = (
            self.env["microloan.close.run"].sudo()._cron_run_inline(yesterday, deadline)
        )
        self.env["ir.cron"]._notify_progress(
            done=done, remaining=self._daily_close_remaining(yesterday)
        )

    @api.model
    def _close_runs_month_end(self):
        """Whether the daily close also runs the month end of the books once
        the month's last day is closed (``microloan_queue``'s jobs do): the
        scheduled month-end action of ``microloan_accounting`` then leaves it
        to them."""
        return False

    @api.model
    def _daily_close_remaining(self, date):
        """Active loans some day of which up to ``date`` is not closed yet."""
        # sudo: the scheduled action closes every branch.
        return (
            self.sudo()
            .with_context(active_test=False)
            .search_count(
                [
                    ("state", "=", "active"),
                    ("disbursement_date", "<=", date),
                    "|",
                    ("last_close_date", "=", False),
                    ("last_close_date", "<", date),
                ]
            )
        )

    @api.model
    def _iter_daily_close(self, date, companies=None, stats=None):
        """Run the daily close up to ``date``; yield after each batch of loans.
        A day after today cannot be closed: its penalties and accruals are not
        known yet. ``stats``: a dict the close adds its figures to (loans,
        charges, classified; see ``microloan.close.run._record_close_stats``),
        or None."""
        date = fields.Date.to_date(date)
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
        if companies is None:
            # sudo: the daily close runs for every branch.
            companies = self.env["res.company"].sudo().search([])
        for company in companies:
            day = self._get_first_close_day(company)
            while day and day <= date:
                yield from self._iter_close_company_day(company, day, stats=stats)
                # sudo: the closed date is the daily close's stamp, not the user's.
                company.sudo().microloan_closed_date = day
                yield company
                day += timedelta(days=1)

    @api.model
    def _get_first_close_day(self, company):
        if company.microloan_closed_date:
            return company.microloan_closed_date + timedelta(days=1)
        # sudo: the close reads every active loan of the branch.
        rows = self.sudo()._read_group(
            [("company_id", "=", company.id), ("state", "=", "active")],
            aggregates=["disbursement_date:min", "first_disbursement_date:min"],
        )
        dates = [d for d in rows[0] if d] if rows else []
        return min(dates, default=None)

    @api.model
    def _iter_close_company_day(self, company, day, stats=None):
        # sudo: the close reads and updates every loan of the branch; what it
        # writes (labels, messages) is in the branch's language, not the one
        # of whoever runs it.
        Loan = (
            self.sudo()
            .with_company(company)
            .with_context(lang=company._microloan_lang())
        )
        domain = [
            ("company_id", "=", company.id),
            ("state", "=", "active"),
            ("disbursement_date", "<=", day),
            "|",
            ("last_close_date", "=", False),
            ("last_close_date", "<", day),
        ]
        while True:
            loans = Loan.search(domain, order="id", limit=BATCH_SIZE)
            if not loans:
                return
            loans._close_day(day, stats=stats)
            yield loans

    def _close_day(self, day, stats=None):
        """Close ``day`` for these loans (one batch): accrue overdue charges
        with ``microloan_engine.overdue.close_day``, charge them at month end,
        classify, and schedule reminders and overdue activities. The figures
        of the batch are added to ``stats`` when a dict is given (a close
        run's)."""
        month_end = (day + timedelta(days=1)).day == 1
        Installment = self.env["microloan.loan.installment"]
        # The installments of the whole batch the close needs, in one query,
        # as plain rows; and the loans that owe nothing any more.
        rows_by_loan, settled_ids = self._close_installment_rows(day)
        statuses = {}
        positions = {}
        charges = []
        for loan in self:
            rows = rows_by_loan[loan.id]
            position = loan._engine_position_from_rows(rows)
            horizon = max(day + timedelta(days=1), position.accrued_to)
            try:
                position, closed = close_day(position, horizon - timedelta(days=1))
                if month_end and not loan.non_accrual:
                    records = {r["sequence"]: Installment.browse(r["id"]) for r in rows}
                    position = loan._prepare_overdue_charges(
                        position, day, horizon, charges, records=records
                    )
                status = overdue_status(position, horizon)
            except EngineError as error:
                raise loan._engine_user_error(error) from error
            positions[loan] = position
            statuses[loan] = replace(status, days_past_due=closed.days_past_due)
        # The month-end charges of the whole batch inserted in one go, the
        # products of the installments charged (cleared) written with them.
        charged = {
            line["installment_id"] for posting in charges for line in posting["lines"]
        }
        products = {
            installment_id: values
            for installment_id, values in self._engine_state_products(
                positions, rows_by_loan
            ).items()
            if installment_id in charged
        }
        # sudo: the close posts the charges, whoever runs it.
        self.env["microloan.loan.transaction"].sudo()._insert_charges(
            self._prepare_transaction_vals_list(charges), installment_values=products
        )
        risk_vals = self._get_risk_vals(day, statuses)
        # The figures of the close's run, when one records them.
        self.env["microloan.close.run"]._record_close_stats(
            stats,
            loans=len(self),
            charges=len(charges),
            # A first classification is not a change.
            classified=sum(
                1
                for loan in self
                if loan.risk_tier and risk_vals[loan].get("risk_tier") != loan.risk_tier
            ),
        )
        self._write_engine_states(positions, rows_by_loan, written=products)
        # Loans getting the same values are written together.
        changes = defaultdict(list)
        for loan in self:
            vals = {
                name: value
                for name, value in risk_vals[loan].items()
                if loan[name] != value
            }
            if vals:
                changes[tuple(vals.items())].append(loan.id)
        # Most days change only untracked figures (days past due, the date
        # classified): those are written without preparing the chatter's
        # tracking, which reads every tracked field of the loans first.
        tracked = self._track_get_fields()
        for items, ids in changes.items():
            loans = self.browse(ids)
            if not any(name in tracked for name, _value in items):
                loans = loans.with_context(mail_notrack=True)
            loans.write(dict(items))
        self.with_context(mail_notrack=True).write({"last_close_date": day})
        self._schedule_servicing_activities(day, rows_by_loan)
        # The month-end charges post on installments already read, and
        # settle nothing: the loans found settled above are the candidates.
        settled = self.browse(settled_ids)
        for loan in settled.filtered(
            lambda loan: all(i.state == "paid" for i in loan.installment_ids)
        ):
            loan._close_if_settled()
        return True

    def _close_installment_rows(self, day):
        """Return ``(rows_by_loan, settled_ids)`` for closing ``day``.

        ``rows_by_loan`` maps each of these loans to the rows (as
        ``_engine_installment_rows``, plus ``start_date``: the due date of the
        installment before, or None for the first) of the installments the
        close of ``day`` needs, in engine order: those not cleared that fall
        due before the close's horizon or a reminder's, and those bearing
        penalty or compound interest or a pending product. A cleared
        installment adds nothing to any figure of the close, and one due later
        has nothing overdue: every function of ``microloan_engine.overdue``
        stops at the first installment due on or after the day it works to.
        So the cost of a loan does not grow with its term: the rows are found
        through the partial indexes of ``microloan.loan.installment`` (see its
        ``CLOSE_UNCLEARED_SQL``). ``settled_ids``: the loans none of whose
        installments is uncleared (they may be closed as settled)."""
        Installment = self.env["microloan.loan.installment"]
        loan_ids = list(self.ids)
        rows = {loan_id: [] for loan_id in loan_ids}
        if not loan_ids:
            return rows, []
        # Reminders look ahead by the product's days or the branch's.
        ahead = max(
            (
                loan.product_id.reminder_days or loan.company_id.microloan_reminder_days
                for loan in self
            ),
            default=0,
        )
        until = day + timedelta(days=max(ahead, 0) + 1)
        for loan in self:
            if loan.microloan_accrued_to and loan.microloan_accrued_to > until:
                until = loan.microloan_accrued_to
        names = ["loan_id", "id", *ENGINE_INSTALLMENT_FIELDS]
        names += INSTALLMENT_ROW_EXTRA_FIELDS
        # Plain SQL: what the previous day's close wrote must reach the table.
        Installment.flush_model()
        columns = SQL(", ").join(SQL.identifier(name) for name in names)
        query = SQL(
            """
            SELECT i.*, (
                SELECT p.due_date FROM microloan_loan_installment p
                 WHERE p.loan_id = i.loan_id AND p.state != 'cancelled'
                   AND (p.due_date, p.sequence, p.id) < (i.due_date, i.sequence, i.id)
                 ORDER BY p.due_date DESC, p.sequence DESC, p.id DESC
                 LIMIT 1
            ) AS start_date
              FROM (
                    SELECT %(columns)s FROM microloan_loan_installment
                     WHERE loan_id = ANY(%(loan_ids)s) AND due_date < %(until)s
                       AND %(uncleared)s
                    UNION
                    SELECT %(columns)s FROM microloan_loan_installment
                     WHERE loan_id = ANY(%(loan_ids)s) AND %(charged)s
                   ) AS i
             ORDER BY i.loan_id, i.due_date, i.sequence, i.id
            """,
            columns=columns,
            loan_ids=loan_ids,
            until=until,
            uncleared=SQL(Installment.CLOSE_UNCLEARED_SQL),
            charged=SQL(Installment.CLOSE_CHARGED_SQL),
        )
        for values in self.env.execute_query(query):
            row = dict(zip([*names, "start_date"], values, strict=True))
            for name in NUMERIC_INSTALLMENT_FIELDS:
                row[name] = row[name] or 0.0
            for name in INSTALLMENT_ROW_EXTRA_FIELDS:
                if name != "state":
                    row[name] = bool(row[name])
            rows[row.pop("loan_id")].append(row)
        settled_ids = [
            loan_id
            for (loan_id,) in self.env.execute_query(
                SQL(
                    """
                    SELECT l.id FROM unnest(%(loan_ids)s::int[]) AS l(id)
                     WHERE NOT EXISTS (
                        SELECT 1 FROM microloan_loan_installment
                         WHERE loan_id = l.id AND %(uncleared)s
                     )
                    """,
                    loan_ids=loan_ids,
                    uncleared=SQL(Installment.CLOSE_UNCLEARED_SQL),
                )
            )
        ]
        return rows, settled_ids

    def _post_overdue_charges(self, position, day, horizon):
        """Charge the pending penalty and compound interest of ``position``
        (month-end 结息) as transactions dated ``day``; return the position with
        its products cleared. The replay of a back-dated repayment charges them
        again on the same day (``payment_charge`` unset)."""
        postings = []
        charged = self._prepare_overdue_charges(position, day, horizon, postings)
        self._post_transactions(postings)
        return charged

    def _prepare_overdue_charges(self, position, day, horizon, postings, records=None):
        """Like :meth:`_post_overdue_charges`, but append the postings of the
        charges to ``postings`` (to post a batch of loans at once). ``records``
        maps installment numbers to installments (``_records_by_n`` by
        default)."""
        self.ensure_one()
        charged = crystallize(position, horizon)
        if charged is not position:
            postings += self._prepare_charge_postings(
                position,
                charged,
                day,
                self._records_by_n() if records is None else records,
                at_payment=False,
            )
        return charged

    def _schedule_servicing_activities(self, day, rows_by_loan=None):
        """Reminders before due dates and overdue activities for the loan
        officers, once per installment. ``rows_by_loan``: the installment rows
        of these loans (see ``_engine_installment_rows``), read when not given."""
        reminder_type = self.env.ref(
            "microloan_base.mail_activity_type_repayment_reminder"
        )
        overdue_type = self.env.ref("microloan_base.mail_activity_type_overdue")
        model_id = self.env["ir.model"]._get_id("microloan.loan")
        if rows_by_loan is None:
            rows_by_loan = self._engine_installment_rows(self.ids)
        activities = []
        reminded_ids = []
        overdue_ids = []
        for loan in self:
            user = loan.user_id
            if not user:
                continue
            # The officer's language, not the one of whoever runs the close.
            env = self.with_context(lang=user.lang).env
            days = None
            for inst in sorted(rows_by_loan[loan.id], key=lambda r: r["sequence"]):
                if inst["state"] != "open":
                    continue
                due_date = inst["due_date"]
                if due_date < day:
                    if not inst["overdue_activity_sent"]:
                        overdue_ids.append(inst["id"])
                        activities.append(
                            loan._prepare_servicing_activity_vals(
                                overdue_type,
                                model_id,
                                day,
                                env._(
                                    "Installment %(number)s overdue since %(date)s",
                                    number=inst["sequence"],
                                    date=format_date(env, due_date),
                                ),
                                installment_id=inst["id"],
                            )
                        )
                    continue
                if due_date <= day or inst["reminder_sent"]:
                    continue
                if days is None:
                    days = (
                        loan.product_id.reminder_days
                        or loan.company_id.microloan_reminder_days
                    )
                if days and due_date <= day + timedelta(days=days):
                    reminded_ids.append(inst["id"])
                    activities.append(
                        loan._prepare_servicing_activity_vals(
                            reminder_type,
                            model_id,
                            due_date,
                            env._(
                                "Installment %(number)s due on %(date)s",
                                number=inst["sequence"],
                                date=format_date(env, due_date),
                            ),
                            installment_id=inst["id"],
                        )
                    )
        # One record per create: mail.activity subscribes the officer to each
        # res_id of a batch, and a loan listed twice would be subscribed twice.
        rounds = []
        seen = {}
        for vals in activities:
            index = seen[vals["res_id"]] = seen.get(vals["res_id"], -1) + 1
            if index == len(rounds):
                rounds.append([])
            rounds[index].append(vals)
        # sudo: the close schedules the loan officers' activities, whoever runs it.
        Activity = (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
        )
        for vals_list in rounds:
            Activity.create(vals_list)
        Installment = self.env["microloan.loan.installment"]
        if reminded_ids:
            Installment.browse(reminded_ids).write({"reminder_sent": True})
            self._email_borrower_reminders(Installment.browse(reminded_ids))
        if overdue_ids:
            Installment.browse(overdue_ids).write({"overdue_activity_sent": True})

    def _email_borrower_reminders(self, installments):
        """Email the borrowers who have an email address the reminder of
        each of these installments (mail template
        ``microloan_base.mail_template_repayment_reminder``, in the borrower's
        language); the mails are queued and sent by the mail queue."""
        template = self.env.ref(
            "microloan_base.mail_template_repayment_reminder", raise_if_not_found=False
        )
        if not template:
            return
        for installment in installments.filtered(lambda i: i.partner_id.email):
            # sudo: the close mails the borrowers, whoever runs it.
            template.sudo().send_mail(installment.id, force_send=False)

    def _prepare_servicing_activity_vals(
        self, activity_type, model_id, deadline, summary, installment_id=False
    ):
        self.ensure_one()
        return {
            "microloan_installment_id": installment_id,
            "res_model_id": model_id,
            "res_id": self.id,
            "activity_type_id": activity_type.id,
            "summary": summary,
            "date_deadline": deadline,
            "user_id": self.user_id.id,
        }
