from collections import defaultdict
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.microloan_base.tools.risk_tiers import RISK_TIERS
from odoo.addons.microloan_base.tools.sql import insert_rows

from microloan_engine import credit_bureau as cb

EVENT_CODES = [
    ("10", "10 New Account (新开户)"),
    ("31", "31 Disbursement (开户后放款)"),
    ("32", "32 Due-Date Settlement (约定还款日结算)"),
    ("33", "33 Repayment (实际还款)"),
    ("41", "41 Classification Change (五级分类调整)"),
    ("42", "42 Extension (展期发生)"),
    ("49", "49 Other (其他)"),
    ("30", "30 Month-End Performance (月度表现)"),
    ("20", "20 Account Closed (账户关闭)"),
]
RECORD_TYPES = [
    ("210", "210 Personal Loan Account (个人借贷账户)"),
    ("410", "410 Enterprise Loan Account (企业借贷账户)"),
]
ACCOUNT_STATES = [
    ("normal", "Normal"),
    ("overdue", "Overdue"),
    ("closed", "Closed"),
    ("written_off", "Written Off"),
]
REPAYMENT_KINDS = ("repayment", "recovery")
# The installment fields of a loan's dues (_engine_dues).
DUE_FIELDS = (
    "loan_id",
    "due_date",
    "principal",
    "principal_paid",
    "interest",
    "interest_paid",
    "fee",
    "fee_paid",
)
BACKFILL_BATCH = 1000


def _decimal(amount):
    """An amount read from the database (numeric, read as a float) as the
    engine's Decimal: its shortest text is the stored value."""
    return Decimal(str(amount or 0.0))


class MicroloanCreditReportEvent(models.Model):
    """The outbox of the credit bureau (征信): one reportable event of a loan,
    with the loan's figures as the event left them. Written by the servicing
    actions and the daily close as they happen, never by a user; an export
    sends the pending ones."""

    _name = "microloan.credit.report.event"
    _description = "Credit-Bureau Event"
    _order = "event_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True)
    # Deleted only with its loan, and Odoo deletes no loan past draft (a draft
    # loan has no event).
    loan_id = fields.Many2one(
        "microloan.loan",
        string="Loan",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", string="Branch", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Borrower", readonly=True, index=True
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    record_type = fields.Selection(RECORD_TYPES, readonly=True, index=True)
    event_code = fields.Selection(
        EVENT_CODES, string="Event", required=True, readonly=True, index=True
    )
    event_date = fields.Date(required=True, readonly=True, index=True)
    transaction_id = fields.Many2one(
        "microloan.loan.transaction",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )
    state = fields.Selection(
        [("pending", "Pending"), ("exported", "Exported")],
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    export_id = fields.Many2one(
        "microloan.credit.report.export",
        string="Export",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )
    negative = fields.Boolean(
        string="Negative Information",
        readonly=True,
        help="Overdue, written off or classified substandard or worse: reported "
        "only after the borrower was notified.",
    )
    # The loan's figures on the event.
    account_state = fields.Selection(ACCOUNT_STATES, readonly=True)
    balance = fields.Monetary(readonly=True)
    risk_tier = fields.Selection(RISK_TIERS, string="Classification", readonly=True)
    risk_tier_date = fields.Date(string="Classified On", readonly=True)
    remaining_periods = fields.Integer(readonly=True)
    overdue_periods = fields.Integer(readonly=True)
    days_past_due = fields.Integer(readonly=True)
    overdue_principal = fields.Monetary(readonly=True)
    # Buckets of the overdue principal by days overdue (月度表现信息段).
    overdue_principal_31_60 = fields.Monetary(
        string="Overdue Principal 31-60 Days", readonly=True
    )
    overdue_principal_61_90 = fields.Monetary(
        string="Overdue Principal 61-90 Days", readonly=True
    )
    overdue_principal_91_180 = fields.Monetary(
        string="Overdue Principal 91-180 Days", readonly=True
    )
    overdue_principal_over_180 = fields.Monetary(
        string="Overdue Principal over 180 Days", readonly=True
    )
    overdue_total = fields.Monetary(readonly=True)
    last_payment_date = fields.Date(readonly=True)
    last_payment_amount = fields.Monetary(readonly=True)
    close_date = fields.Date(readonly=True)
    # The month-end performance of a personal loan (event 30).
    month = fields.Char(readonly=True, help="YYYY-MM")
    settlement_date = fields.Date(
        readonly=True, help="The installment's due date in the month, if any."
    )
    due_amount = fields.Monetary(string="Due in the Month", readonly=True)
    paid_amount = fields.Monetary(string="Paid in the Month", readonly=True)
    correction_ids = fields.One2many(
        "microloan.credit.report.correction", "event_id", string="Corrections"
    )

    _sql_constraints = [
        (
            "transaction_code_unique",
            "unique(transaction_id, event_code)",
            "A transaction is reported once per event.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Credit-bureau events are written by the servicing actions only."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Credit-bureau events are written by the servicing actions only."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Credit-bureau events are never deleted."))

    def action_notify_borrower(self):
        """Send the borrowers of these negative events the notice of their
        negative credit information (see microloan.credit.report.notice)."""
        loans = self.filtered("negative").loan_id
        if not loans:
            raise UserError(self.env._("None of these events is negative."))
        notices = self.env["microloan.credit.report.notice"]._notify(loans)
        return notices.ids

    # ------------------------------------------------------------------
    # Writing the outbox (called by the servicing code, under sudo)

    @api.model
    def _record(self, loans, code, day, transactions=None, months=None):
        """Write event ``code`` of ``loans`` on ``day`` with their figures.

        ``transactions`` maps a loan to the transaction of its event;
        ``months`` (month-end events) maps a loan to its monthly figures.
        Returns the events (sudo)."""
        vals_list = self._prepare_record_vals(loans, code, day, transactions, months)
        # sudo: the outbox is written by the servicing code only.
        Event = self.sudo()
        return Event.browse(Event._insert_events(vals_list))

    @api.model
    def _prepare_record_vals(self, loans, code, day, transactions=None, months=None):
        """The values of the events :meth:`_record` writes (a list, one per
        loan that is neither draft nor cancelled)."""
        transactions = transactions or {}
        loans = loans.filtered(lambda loan: loan.state not in ("draft", "cancelled"))
        if not loans:
            return []
        # The repayment of the event is the last one: no need to look it up.
        paying = bool(transactions) and all(
            transactions.get(loan) and transactions[loan].kind in REPAYMENT_KINDS
            for loan in loans
        )
        vals_list = self._prepare_snapshot_vals(loans, day, payments=not paying)
        for loan, vals in zip(loans, vals_list, strict=True):
            transaction = transactions.get(loan)
            vals.update(
                event_code=code,
                event_date=day,
                name=f"{loan.name} {code} {day}",
                transaction_id=transaction.id if transaction else False,
            )
            if transaction and transaction.kind in REPAYMENT_KINDS:
                vals.update(
                    last_payment_date=transaction.date,
                    last_payment_amount=transaction.amount,
                )
            if months:
                vals.update(months.get(loan, {}))
        return vals_list

    @api.model
    def _insert_events(self, vals_list):
        """Insert the events ``vals_list`` (as :meth:`_record` prepares them)
        in one query per 5,000, with every stored value ``create`` gives them
        (a test compares them field by field with events the ORM creates);
        return their ids, in order. The month-end close writes an event per
        personal loan: through the ORM each cost its record and the conversion
        of its thirty figures. Like ``create``, only the servicing code (as
        superuser) writes them; the branch, borrower and currency of each
        come from its loan, as the company checks of ``create`` want them."""
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "Credit-bureau events are written by the servicing actions only."
                )
            )
        if not vals_list:
            return []
        defaults = {
            name: value
            for name, value in self._add_missing_default_values({}).items()
            if self._fields[name].store and self._fields[name].column_type
        }
        columns = sorted(
            {name for vals in vals_list for name in vals} | defaults.keys()
        )
        fields_ = [self._fields[name] for name in columns]
        currencies = self.env["res.currency"].browse(
            {vals["currency_id"] for vals in vals_list if vals.get("currency_id")}
        )
        rounding = {currency.id: currency.round for currency in currencies}
        uid = self.env.uid
        now = self.env.cr.now()
        rows = []
        for vals in vals_list:
            values = {**defaults, **vals}
            currency_round = rounding.get(values.get("currency_id"))
            row = []
            for field in fields_:
                value = values.get(field.name)
                if field.type == "monetary":
                    value = value or 0.0
                    row.append(currency_round(value) if currency_round else value)
                elif field.type == "boolean":
                    row.append(bool(value))
                elif field.type == "integer":
                    row.append(value or 0)
                else:
                    row.append(value or None)
            rows.append((*row, uid, uid, now, now))
        self.flush_model()
        ids = insert_rows(
            self.env,
            self._table,
            [*columns, "create_uid", "write_uid", "create_date", "write_date"],
            rows,
        )
        # What depends on the events (their corrections: none yet) is told
        # as create tells it.
        self.browse(ids).modified(columns, create=True)
        return ids

    @api.model
    def _record_transaction(self, loan, code, transaction, retry=True):
        """Event ``code`` of ``transaction`` of ``loan``, once: a retried
        repayment (same reference) returns the transaction already posted and
        reported. ``retry``: whether the call may have been a retry (a
        reference was given)."""
        if not transaction:
            return self.sudo().browse()
        if retry:
            existing = self.sudo().search(
                [("transaction_id", "=", transaction.id), ("event_code", "=", code)],
                limit=1,
            )
            if existing:
                return existing
        return self._record(loan, code, transaction.date, {loan: transaction})

    @api.model
    def _prepare_snapshot_vals(self, loans, day, payments=True):
        """The figures of ``loans`` on ``day`` as event values, read in a few
        queries for the whole batch; without ``payments``, the last repayment
        is left to the caller. The arrears (periods left and overdue, days
        past due, overdue principal and its buckets) and the account state
        are the engine's (``microloan_engine.credit_bureau.arrears``) from the
        installments still owed."""
        dues = self._engine_dues(loans)
        last_dates, last_amounts = {}, {}
        if payments:
            last_dates, last_amounts = self._last_payments(loans, day)
        vals_list = []
        for loan in loans:
            arrears = cb.arrears(dues[loan.id], day)
            state = cb.account_state(
                loan.state == "closed",
                loan.state == "written_off",
                arrears.days_past_due,
            )
            total = cb.overdue_total(
                arrears.overdue_principal,
                arrears.overdue_interest,
                Decimal(str(loan.penalty_due)),
                Decimal(str(loan.compound_due)),
            )
            closed = state in ("closed", "written_off")
            vals_list.append(
                {
                    "loan_id": loan.id,
                    "company_id": loan.company_id.id,
                    "partner_id": loan.partner_id.id,
                    "currency_id": loan.currency_id.id,
                    "record_type": cb.record_type(
                        loan.borrower_type, loan.partner_id.microloan_id_type
                    )
                    or cb.PERSONAL,
                    "account_state": state,
                    "balance": 0.0 if closed else loan.principal_outstanding,
                    "risk_tier": loan.risk_tier or False,
                    "risk_tier_date": loan.risk_tier_date or False,
                    "remaining_periods": arrears.remaining_periods,
                    "overdue_periods": arrears.overdue_periods,
                    "days_past_due": arrears.days_past_due,
                    "overdue_principal": float(arrears.overdue_principal),
                    "overdue_principal_31_60": float(arrears.principal_31_60),
                    "overdue_principal_61_90": float(arrears.principal_61_90),
                    "overdue_principal_91_180": float(arrears.principal_91_180),
                    "overdue_principal_over_180": float(arrears.principal_over_180),
                    "overdue_total": float(total),
                    "last_payment_date": last_dates.get(loan.id, False),
                    "last_payment_amount": last_amounts.get(loan.id, 0.0),
                    "close_date": day if state == "closed" else False,
                    "negative": cb.is_negative(state, loan.risk_tier, total),
                }
            )
        return vals_list

    @api.model
    def _engine_dues(self, loans):
        """The installments ``loans`` still owe as
        ``microloan_engine.credit_bureau.Due``, in one query: a list by loan
        id. Read as plain rows (the month end reads every open installment
        of a batch of a thousand loans: records would cost more than the
        rest of the event)."""
        # sudo: the events are written by the servicing code, for any branch.
        Installment = self.env["microloan.loan.installment"].sudo()
        Installment.flush_model(DUE_FIELDS)
        query = Installment._search(
            [("loan_id", "in", loans.ids), ("state", "=", "open")],
            order=Installment._order,
        )
        dues = defaultdict(list)
        for row in self.env.execute_query(
            query.select(
                *(Installment._field_to_sql(Installment._table, f) for f in DUE_FIELDS)
            )
        ):
            row = dict(zip(DUE_FIELDS, row, strict=True))
            dues[row["loan_id"]].append(
                cb.Due(
                    row["due_date"],
                    _decimal(row["principal"]) - _decimal(row["principal_paid"]),
                    _decimal(row["interest"]) - _decimal(row["interest_paid"]),
                    _decimal(row["fee"]) - _decimal(row["fee_paid"]),
                )
            )
        return dues

    @api.model
    def _last_payments(self, loans, day):
        """The day and amount of the last repayment of each of ``loans`` on or
        before ``day``: two dicts by loan id."""
        last_amounts = {}
        rows = (
            self.env["microloan.loan.transaction"]
            .sudo()
            ._read_group(
                [
                    ("loan_id", "in", loans.ids),
                    ("kind", "in", REPAYMENT_KINDS),
                    ("state", "=", "posted"),
                    ("date", "<=", day),
                ],
                ["loan_id"],
                ["date:max"],
            )
        )
        last_dates = {loan.id: last for loan, last in rows}
        if last_dates:
            last = (
                self.env["microloan.loan.transaction"]
                .sudo()
                ._read_group(
                    [
                        ("loan_id", "in", list(last_dates)),
                        ("kind", "in", REPAYMENT_KINDS),
                        ("state", "=", "posted"),
                        ("date", "in", list(set(last_dates.values()))),
                    ],
                    ["loan_id", "date:day"],
                    ["amount:sum"],
                )
            )
            last_amounts = {
                loan.id: amount
                for loan, on, amount in last
                if on == last_dates[loan.id]
            }
        return last_dates, last_amounts

    @api.model
    def _record_closing(self, loans):
        """Event 20 of ``loans`` just closed, on the day of their last
        repayment (or recovery), the day the balance reached zero."""
        last = (
            self.env["microloan.loan.transaction"]
            .sudo()
            ._read_group(
                [
                    ("loan_id", "in", loans.ids),
                    ("kind", "in", REPAYMENT_KINDS),
                    ("state", "=", "posted"),
                ],
                ["loan_id"],
                ["date:max"],
            )
        )
        last_day = dict(last)
        today = fields.Date.context_today(self)
        events = self.sudo().browse()
        for day, group in loans.grouped(
            lambda loan: last_day.get(loan) or loan.settlement_date or today
        ).items():
            events |= self._record(group, "20", day)
        return events

    @api.model
    def _record_due_dates(self, loans, day):
        """Event 32 for the loans with an installment due on ``day``."""
        due = (
            self.env["microloan.loan.installment"]
            .sudo()
            ._read_group(
                [
                    ("loan_id", "in", loans.ids),
                    ("due_date", "=", day),
                    ("state", "in", ("open", "paid")),
                ],
                ["loan_id"],
            )
        )
        due_loans = self.env["microloan.loan"].browse([loan.id for (loan,) in due])
        return self._record(due_loans, "32", day)

    @api.model
    def _record_month_end(self, loans, day):
        """Event 30, the monthly performance, of the personal loans among
        ``loans`` for the month ending on ``day``: what fell due and what was
        paid in the month, and its due date."""
        personal = loans.filtered(
            lambda loan: cb.record_type(
                loan.borrower_type, loan.partner_id.microloan_id_type
            )
            == cb.PERSONAL
        )
        if not personal:
            return self.sudo().browse()
        start = day.replace(day=1)
        due = (
            self.env["microloan.loan.installment"]
            .sudo()
            ._read_group(
                [
                    ("loan_id", "in", personal.ids),
                    ("due_date", ">=", start),
                    ("due_date", "<=", day),
                    ("state", "in", ("open", "paid")),
                ],
                ["loan_id"],
                ["amount:sum", "due_date:max"],
            )
        )
        paid = (
            self.env["microloan.loan.transaction"]
            .sudo()
            ._read_group(
                [
                    ("loan_id", "in", personal.ids),
                    ("kind", "in", REPAYMENT_KINDS),
                    ("state", "=", "posted"),
                    ("date", ">=", start),
                    ("date", "<=", day),
                ],
                ["loan_id"],
                ["amount:sum"],
            )
        )
        due_by_loan = {loan: (amount, last) for loan, amount, last in due}
        paid_by_loan = dict(paid)
        months = {}
        for loan in personal:
            amount, last = due_by_loan.get(loan, (0.0, False))
            months[loan] = {
                "month": start.strftime("%Y-%m"),
                "settlement_date": last,
                "due_amount": amount,
                "paid_amount": paid_by_loan.get(loan, 0.0),
            }
        return self._record(personal, "30", day, months=months)

    @api.model
    def _backfill(self, companies=None):
        """Open the outbox of loans disbursed before the module was installed:
        event 10 of each active or written-off loan without an event, dated
        today, the day of its first report (首次报送), with its figures of
        today (its opening date stays that of its first disbursement)."""
        domain = [("state", "in", ("active", "written_off"))]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        loans = self.env["microloan.loan"].sudo().search(domain)
        reported = self.sudo()._read_group([("loan_id", "in", loans.ids)], ["loan_id"])
        loans -= self.env["microloan.loan"].browse([loan.id for (loan,) in reported])
        today = fields.Date.context_today(self)
        events = self.sudo().browse()
        for start in range(0, len(loans), BACKFILL_BATCH):
            events |= self._record(loans[start : start + BACKFILL_BATCH], "10", today)
        return events

    # ------------------------------------------------------------------
    # Building the records

    def _engine_account(self):
        """``microloan_engine.credit_bureau.Account`` of the event's loan."""
        self.ensure_one()
        loan = self.loan_id.sudo()
        partner = loan.partner_id
        installments = loan.installment_ids.filtered(lambda i: i.state != "cancelled")
        due_dates = installments.mapped("due_date")
        start = loan.first_disbursement_date or loan.disbursement_date
        maturity = max(due_dates) if due_dates else loan.maturity_date
        return cb.Account(
            borrower_type=loan.borrower_type or "",
            account_code=loan.name,
            org_code=loan.company_id.microloan_credit_bureau_code or "",
            name=partner.name or "",
            id_type=partner.microloan_id_type or "",
            id_number=partner.microloan_id_number or "",
            open_date=start,
            loan_amount=Decimal(str(loan.amount_disbursed or loan.amount)),
            credit_limit=Decimal(str(loan.amount)),
            due_date=maturity or None,
            repayment_method=loan.repayment_method or "",
            frequency=loan.frequency or "",
            periods=len(installments),
            term_months=cb.term_months(start, maturity),
            guarantee_code=loan.guarantee_type_id.code or "",
            tranches=len(
                loan.transaction_ids.filtered(
                    lambda t: t.kind == "disbursement" and t.state == "posted"
                )
            )
            > 1,
        )

    def _engine_snapshot(self, overrides=None):
        """``microloan_engine.credit_bureau.Snapshot`` of the event, with
        ``overrides`` (a correction's figures)."""
        self.ensure_one()
        values = {
            "report_date": self.event_date,
            "event_code": self.event_code,
            "account_state": self.account_state,
            "balance": Decimal(str(self.balance)),
            "tier": self.risk_tier or None,
            "tier_date": self.risk_tier_date or None,
            "remaining_periods": self.remaining_periods,
            "overdue_periods": self.overdue_periods,
            "days_past_due": self.days_past_due,
            "overdue_principal": Decimal(str(self.overdue_principal)),
            "overdue_total": Decimal(str(self.overdue_total)),
            "last_payment_date": self.last_payment_date or None,
            "last_payment_amount": Decimal(str(self.last_payment_amount)),
            "close_date": self.close_date or None,
        }
        values.update(overrides or {})
        return cb.Snapshot(**values)

    def _engine_month(self):
        self.ensure_one()
        if self.event_code != "30":
            return None
        return cb.Month(
            month=self.month,
            settlement_date=self.settlement_date or None,
            due_amount=Decimal(str(self.due_amount)),
            paid_amount=Decimal(str(self.paid_amount)),
            overdue_principal_31_60=_decimal(self.overdue_principal_31_60),
            overdue_principal_61_90=_decimal(self.overdue_principal_61_90),
            overdue_principal_91_180=_decimal(self.overdue_principal_91_180),
            overdue_principal_over_180=_decimal(self.overdue_principal_over_180),
        )

    def _build_record(self):
        """The record of this event (``microloan_engine.credit_bureau``)."""
        self.ensure_one()
        return cb.build_record(
            self._engine_account(), self._engine_snapshot(), month=self._engine_month()
        )

    def _notice_check(self, export_day, waiting_days=0):
        """``microloan_engine.credit_bureau.notice_check`` of this event."""
        self.ensure_one()
        events = (
            self.sudo()
            .search([("loan_id", "=", self.loan_id.id)])
            .mapped(lambda event: cb.Event(event.event_date, event.negative))
        )
        notices = (
            self.env["microloan.credit.report.notice"]
            .sudo()
            .search([("loan_id", "=", self.loan_id.id)])
            .mapped("date")
        )
        return cb.notice_check(
            events, self.event_date, notices, export_day, waiting_days=waiting_days
        )
