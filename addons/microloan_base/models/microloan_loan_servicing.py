from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_repr

from microloan_engine import EngineError, build_schedule
from microloan_engine.allocation import (
    PREPAYMENT,
    SCHEDULED,
    Charge,
    InstallmentPosition,
    LoanPosition,
    Payment,
    Refund,
    allocate_with_credit,
    credit_added,
    is_settled,
    payoff_quote,
    prepay,
    refresh_open_from,
    replay,
    settle_payoff,
    tranche,
    use_credit,
)
from microloan_engine.fees import FeeTotals, installment_amount
from microloan_engine.fees import disbursement as fee_disbursement
from microloan_engine.overdue import accrue

from ..tools import inputs
from ..tools.engine_messages import engine_message
from ..tools.locking import lock_rows
from .microloan_loan_transaction import CHARGE_KINDS, COMPONENTS, SETTLING_KINDS

TRANSACTION_KINDS = {
    "disbursement",
    "repayment",
    "penalty",
    "compound",
    "fee",
    "waiver",
    "write_off",
    "recovery",
    "refund",
    "reversal",
}
# Installment fields an engine position is built from (_engine_position_from_rows).
NUMERIC_INSTALLMENT_FIELDS = (
    "principal",
    "interest",
    "fee",
    "fee_charged",
    "penalty",
    "compound",
    "principal_paid",
    "interest_paid",
    "fee_paid",
    "penalty_paid",
    "compound_paid",
    "penalty_product",
    "compound_product",
)
ENGINE_INSTALLMENT_FIELDS = (
    "sequence",
    "due_date",
    "kind",
    *NUMERIC_INSTALLMENT_FIELDS,
)
# Precision of the rates given to the engine (percentages).
RATE_DIGITS = 6
INSTALLMENT_ROW_EXTRA_FIELDS = ("state", "reminder_sent", "overdue_activity_sent")


class MicroloanLoanServicing(models.AbstractModel):
    """Servicing of a loan (microloan.loan): its schedule, disbursements,
    repayments, prepayments, waivers and reversals, kept as a ledger of
    transactions whose sums give the balances."""

    _name = "microloan.loan.servicing"
    _description = "Loan: Servicing"

    # The loan's own currency field (microloan.loan), declared here for the
    # amounts of this mixin.
    currency_id = fields.Many2one("res.currency")

    transaction_ids = fields.One2many(
        "microloan.loan.transaction", "loan_id", string="Transactions", readonly=True
    )
    transaction_count = fields.Integer(compute="_compute_transaction_count")
    amount_disbursed = fields.Monetary(
        string="Disbursed",
        compute="_compute_ledger_balances",
        store=True,
        help="Principal paid out to the borrower, net of reversals.",
    )
    credit_balance = fields.Monetary(
        string="Borrower Credit",
        compute="_compute_ledger_balances",
        store=True,
        help="Money received beyond what was due, held for the borrower until it "
        "is used by a later repayment or refunded.",
    )
    first_disbursement_date = fields.Date(
        compute="_compute_ledger_balances",
        store=True,
        help="Date of the first disbursement: interest and the schedule run from it.",
    )
    ledger_version = fields.Integer(
        readonly=True,
        copy=False,
        help="Incremented by every posting, under the loan's row lock.",
    )
    microloan_accrued_to = fields.Date(
        string="Overdue Charges Accrued To",
        readonly=True,
        copy=False,
        help="Penalty and compound interest products (积数) are accrued for the days "
        "before this date.",
    )

    @api.depends("transaction_ids")
    def _compute_transaction_count(self):
        counts = dict(
            self.env["microloan.loan.transaction"]._read_group(
                [("loan_id", "in", self.ids)], ["loan_id"], ["__count"]
            )
        )
        for loan in self:
            loan.transaction_count = counts.get(loan, 0)

    @api.depends(
        "transaction_ids.kind",
        "transaction_ids.amount",
        "transaction_ids.date",
        "transaction_ids.state",
        "transaction_ids.excess_amount",
    )
    def _compute_ledger_balances(self):
        # Also the written-off and recovered amounts (microloan_loan_writeoff):
        # all sums of the transactions come from one grouped query.
        totals = self._get_transaction_totals()
        for loan in self:
            posted = defaultdict(float)
            credit = 0.0
            first_date = False
            for (kind, state), (amount, excess, date) in totals[loan].items():
                credit += excess
                if state == "posted":
                    posted[kind] += amount
                    if kind == "disbursement":
                        first_date = min(first_date or date, date)
            loan.amount_disbursed = posted["disbursement"]
            loan.credit_balance = credit
            loan.first_disbursement_date = first_date
            loan.write_off_amount = posted["write_off"]
            loan.recovered_amount = posted["recovery"]

    def _get_transaction_totals(self):
        """Return ``{loan: {(kind, state): (amount, credit, first date)}}``:
        the sums of the loans' transactions (``amount``, ``excess_amount``) and
        their earliest date, per kind and state. Stored loans are summed in one
        grouped query rather than by reading every transaction of their whole
        history (the month-end close recomputes thousands of loans)."""
        totals = defaultdict(dict)
        stored = self.filtered(lambda loan: loan._origin.id)
        if stored:
            rows = self.env["microloan.loan.transaction"]._read_group(
                [("loan_id", "in", stored._origin.ids)],
                ["loan_id", "kind", "state"],
                ["amount:sum", "excess_amount:sum", "date:min"],
            )
            by_id = defaultdict(dict)
            for loan, kind, state, amount, excess, date in rows:
                by_id[loan.id][kind, state] = (amount or 0.0, excess or 0.0, date)
            for loan in stored:
                totals[loan] = by_id[loan._origin.id]
        for loan in self - stored:
            for transaction in loan.transaction_ids:
                amount, excess, date = totals[loan].get(
                    (transaction.kind, transaction.state), (0.0, 0.0, transaction.date)
                )
                totals[loan][transaction.kind, transaction.state] = (
                    amount + transaction.amount,
                    excess + transaction.excess_amount,
                    min(date, transaction.date),
                )
        return totals

    @api.depends(
        "state", "amount", "installment_ids.principal", "installment_ids.principal_paid"
    )
    def _compute_principal_outstanding(self):
        # The principal of the schedule rather than the approved amount: a loan
        # disbursed in tranches owes only what was paid out. Stored loans sum
        # their installments in one query (a batch of month-end charges
        # recomputes thousands of loans).
        # Only active loans owe principal: a batch of new drafts reads nothing.
        stored = self.filtered(lambda loan: loan.id and loan.state == "active")
        sums = {}
        if stored:
            rows = self.env["microloan.loan.installment"]._read_group(
                [("loan_id", "in", stored.ids)],
                ["loan_id"],
                ["principal:sum", "principal_paid:sum"],
            )
            sums = {loan.id: (principal, paid) for loan, principal, paid in rows}
        for loan in self:
            if loan.id:
                principal, paid = sums.get(loan.id, (0.0, 0.0))
            else:
                principal = sum(loan.installment_ids.mapped("principal"))
                paid = sum(loan.installment_ids.mapped("principal_paid"))
            # Only what was paid out: an approved loan not yet disbursed owes
            # nothing (its amount is a commitment, not a balance).
            if loan.state == "active":
                loan.principal_outstanding = principal - paid
            else:
                loan.principal_outstanding = 0.0

    # ------------------------------------------------------------------
    # Sub-ledger
    # ------------------------------------------------------------------

    def _post_transaction(
        self, kind, date, amount, lines=(), reference=False, note=False, **extra
    ):
        """Post one immutable transaction of the sub-ledger and return it.

        ``lines`` are dicts ``{"installment_id": id or False, "component":
        "principal" | "interest" | "penalty" | "compound" | "fee" | "excess",
        "amount": float}``. Lines of repayments, waivers and recoveries pay the
        components of their installments; lines of penalty, compound and fee
        charges add to what is due; a reversal (``reversal_of_id`` in
        ``extra``) carries the opposite lines and counts like the transaction
        it reverses. ``extra`` holds further field values of the transaction.
        No access or state checks: callers (the ``action_*`` and business
        methods) do them.
        """
        self.ensure_one()
        return self._post_transactions(
            [
                {
                    "loan": self,
                    "kind": kind,
                    "date": date,
                    "amount": amount,
                    "lines": lines,
                    "reference": reference,
                    "note": note,
                    **extra,
                }
            ]
        )

    @api.model
    def _post_transactions(self, postings):
        """Post several transactions at once (one ``create`` per model) and
        return them in the order of ``postings``: dicts with the arguments of
        :meth:`_post_transaction` plus ``"loan"`` (the loan record). Every
        posting of the sub-ledger goes through here: it refuses a date on or
        before the branch's sub-ledger lock date."""
        Transaction = self.env["microloan.loan.transaction"]
        vals_list = self._prepare_transaction_vals_list(postings)
        if not vals_list:
            return Transaction
        # sudo: transactions are created by the servicing only; the result goes
        # back to the caller's environment.
        return Transaction.sudo().create(vals_list).sudo(self.env.su)

    @api.model
    def _prepare_transaction_vals_list(self, postings):
        """The values of the transactions ``postings`` (see
        :meth:`_post_transactions`), their lines as ``Command.create``; the
        kinds and components checked, the sub-ledger lock date too (once per
        branch and date)."""
        Transaction = self.env["microloan.loan.transaction"]
        vals_list = []
        locks_checked = set()
        for posting in postings:
            posting = dict(posting)
            loan = posting.pop("loan")
            kind = posting.pop("kind")
            date = fields.Date.to_date(posting.pop("date"))
            lines = posting.pop("lines", ())
            if kind not in TRANSACTION_KINDS:
                raise UserError(
                    self.env._("Unknown loan transaction kind %(kind)s.", kind=kind)
                )
            if (loan.company_id, date) not in locks_checked:
                loan.company_id._check_microloan_lock_date(date, loan.name)
                locks_checked.add((loan.company_id, date))
            if kind == "reversal":
                reversed_kind = Transaction.browse(posting.get("reversal_of_id")).kind
            else:
                reversed_kind = kind
            if reversed_kind in SETTLING_KINDS:
                effect = "settle"
            elif reversed_kind in CHARGE_KINDS:
                effect = "charge"
            else:
                effect = "other"
            currency = loan.currency_id
            line_vals = []
            for line in lines:
                if line["component"] not in COMPONENTS:
                    raise UserError(
                        self.env._(
                            "Unknown loan component %(component)s.",
                            component=line["component"],
                        )
                    )
                if currency.is_zero(line["amount"]):
                    continue
                line_vals.append(
                    {
                        "installment_id": line.get("installment_id") or False,
                        "component": line["component"],
                        "amount": line["amount"],
                        "effect": "other" if line["component"] == "excess" else effect,
                    }
                )
            vals_list.append(
                {
                    "loan_id": loan.id,
                    "company_id": loan.company_id.id,
                    "currency_id": currency.id,
                    "partner_id": loan.partner_id.id,
                    "date": date,
                    "kind": kind,
                    "reference": False,
                    "note": False,
                    **posting,
                    "line_ids": [fields.Command.create(vals) for vals in line_vals],
                }
            )
        return vals_list

    # ------------------------------------------------------------------
    # Engine adapters
    # ------------------------------------------------------------------

    def _money(self, value):
        """``value`` (float) as a ``Decimal`` of the loan's currency."""
        return Decimal(float_repr(value, self.currency_id.decimal_places))

    def _engine_installments(self):
        """The installments in engine order (due date, then number)."""
        return self.installment_ids.filtered(lambda i: i.state != "cancelled").sorted(
            lambda i: (i.due_date, i.sequence)
        )

    def _engine_position(self, as_of=None):
        """Return the loan's ``microloan_engine.allocation.LoanPosition``.

        Due and paid amounts per component come from the installments (the
        sub-ledger), the pending overdue products from
        ``penalty_product``/``compound_product`` accrued to
        ``microloan_accrued_to``. With ``as_of`` the position is accrued to that
        date (not charged: the engine charges when a payment settles). An
        ``as_of`` before ``microloan_accrued_to`` is refused: back-dated events
        are replayed (see ``_replay_repayments``).
        """
        self.ensure_one()
        rows = [
            {name: record[name] for name in ENGINE_INSTALLMENT_FIELDS}
            for record in self._engine_installments()
        ]
        return self._engine_position_from_rows(rows, as_of)

    @api.model
    def _engine_installment_rows(self, loan_ids):
        """Return ``{loan_id: [row]}``: the installments of these loans (the
        cancelled ones included) as dicts of ``ENGINE_INSTALLMENT_FIELDS`` plus
        ``id``, ``state``, ``reminder_sent`` and ``overdue_activity_sent``, in
        engine order (due date, then number). One query for a whole batch of
        loans, read as plain rows rather than records (as ``mail.activity``
        reads its documents): the daily close builds thousands of engine
        positions from them, and the records' cache would only be thrown away."""
        Installment = self.env["microloan.loan.installment"]
        names = ["loan_id", "id", *ENGINE_INSTALLMENT_FIELDS]
        names += INSTALLMENT_ROW_EXTRA_FIELDS
        rows = {loan_id: [] for loan_id in loan_ids}
        if not rows:
            return rows
        query = Installment._search(
            [("loan_id", "in", list(rows))], order="due_date, sequence, id"
        )
        for values in self.env.execute_query(
            query.select(
                *(Installment._field_to_sql(Installment._table, name) for name in names)
            )
        ):
            row = dict(zip(names, values, strict=True))
            for name in NUMERIC_INSTALLMENT_FIELDS:
                row[name] = row[name] or 0.0
            for name in INSTALLMENT_ROW_EXTRA_FIELDS:
                if name != "state":
                    row[name] = bool(row[name])
            rows[row.pop("loan_id")].append(row)
        return rows

    def _engine_position_from_rows(self, rows, as_of=None):
        """:meth:`_engine_position` from ``rows``: the loan's installments that
        are not cancelled, in engine order, as dicts of
        ``ENGINE_INSTALLMENT_FIELDS``."""
        self.ensure_one()
        decimals = self.currency_id.decimal_places
        zero = Decimal(0).quantize(Decimal(1).scaleb(-decimals))

        def money(value):
            # Most components are zero (nothing paid or charged yet).
            return Decimal(float_repr(value, decimals)) if value else zero

        product = self.product_id
        start = first_start = self.first_disbursement_date or self.disbursement_date
        accrued_to = self.microloan_accrued_to or start
        installments = []
        for row in rows:
            # Rows that leave out installments (the daily close's, see
            # microloan.loan.close._close_installment_rows) give the due date
            # of the installment before each.
            if "start_date" in row:
                start = row["start_date"] or first_start
            installments.append(
                InstallmentPosition(
                    n=row["sequence"],
                    due_date=row["due_date"],
                    start_date=start,
                    principal=money(row["principal"]),
                    interest=money(row["interest"]),
                    fee=money(row["fee"] + row["fee_charged"]),
                    penalty=money(row["penalty"]),
                    compound=money(row["compound"]),
                    principal_paid=money(row["principal_paid"]),
                    interest_paid=money(row["interest_paid"]),
                    fee_paid=money(row["fee_paid"]),
                    penalty_paid=money(row["penalty_paid"]),
                    compound_paid=money(row["compound_paid"]),
                    penalty_product=money(row["penalty_product"]),
                    compound_product=money(row["compound_product"]),
                    kind=PREPAYMENT if row["kind"] == "prepayment" else SCHEDULED,
                )
            )
            start = row["due_date"]
        position = LoanPosition(
            installments=tuple(installments),
            disbursement_date=self.first_disbursement_date or self.disbursement_date,
            annual_rate=Decimal(float_repr(self.interest_rate, RATE_DIGITS)) / 100,
            accrued_to=accrued_to,
            day_count=product.day_count,
            penalty_terms=self._engine_penalty_terms(),
            decimals=decimals,
            rounding=product.rounding,
        )
        position = refresh_open_from(position)
        if as_of:
            as_of = fields.Date.to_date(as_of)
            if as_of < accrued_to:
                raise UserError(
                    self.env._(
                        "The overdue charges of %(loan)s are already accrued to "
                        "%(date)s.",
                        loan=self.name,
                        date=accrued_to,
                    )
                )
            try:
                position = accrue(position, as_of)
            except EngineError as error:
                raise self._engine_user_error(error) from error
        return position

    def _write_engine_state(self, position):
        """Store the accrual state of ``position`` (``_engine_position``'s
        installments, same order): pending products and ``accrued_to``. The
        state is the engine's, not the user's: callers check access first."""
        self.ensure_one()
        # sudo: the accrual state is the engine's; callers check access first.
        records = self._engine_installments().sudo()
        for record, inst in zip(records, position.installments, strict=True):
            penalty_product = float(inst.penalty_product)
            compound_product = float(inst.compound_product)
            if (
                record.penalty_product != penalty_product
                or record.compound_product != compound_product
            ):
                record.write(
                    {
                        "penalty_product": penalty_product,
                        "compound_product": compound_product,
                    }
                )
        if self.microloan_accrued_to != position.accrued_to:
            # sudo: engine figure, guarded against clients.
            self.sudo().write({"microloan_accrued_to": position.accrued_to})

    @api.model
    def _engine_state_products(self, positions, rows_by_loan):
        """``{installment id: {"penalty_product": float, "compound_product":
        float}}``: the products of the installments that ``positions`` (see
        :meth:`_write_engine_states`) change."""
        products = {}
        for loan, position in positions.items():
            rows = [r for r in rows_by_loan[loan.id] if r["state"] != "cancelled"]
            for row, inst in zip(rows, position.installments, strict=True):
                values = {
                    "penalty_product": float(inst.penalty_product),
                    "compound_product": float(inst.compound_product),
                }
                if any(row[name] != value for name, value in values.items()):
                    products[row["id"]] = values
        return products

    def _write_engine_states(self, positions, rows_by_loan, written=()):
        """:meth:`_write_engine_state` for a batch of loans: ``positions`` maps
        each loan to its position, built from its rows in ``rows_by_loan`` (see
        :meth:`_engine_installment_rows`, cancelled rows included). Records
        getting the same values are written together. ``written``: the
        installments whose products are written already (the month-end
        close writes those it charges with their charges)."""
        products = defaultdict(list)
        accrued = defaultdict(list)
        changed = self._engine_state_products(positions, rows_by_loan)
        for installment_id, values in changed.items():
            if installment_id not in written:
                key = (values["penalty_product"], values["compound_product"])
                products[key].append(installment_id)
        for loan, position in positions.items():
            if loan.microloan_accrued_to != position.accrued_to:
                accrued[position.accrued_to].append(loan.id)
        # sudo: the accrual state is the engine's; callers check access first.
        Installment = self.env["microloan.loan.installment"].sudo()
        if products:
            # The products of overdue installments rarely match: one UPDATE of
            # them all (ORM's own batch update), not one ``write`` per value.
            # No field depends on them; the cache is invalidated after.
            names = ["penalty_product", "compound_product"]
            Installment.flush_model(names)
            ids = [record_id for group in products.values() for record_id in group]
            values = [
                dict(zip(names, key, strict=True))
                for key, group in products.items()
                for _record_id in group
            ]
            written = Installment.browse(ids)
            written._write_multi(values)
            written.invalidate_recordset([*names, "write_date", "write_uid"])
        for accrued_to, ids in accrued.items():
            # sudo: engine figure, guarded against clients.
            # Untracked: spare the chatter's preparation of tracked values.
            self.sudo().browse(ids).with_context(mail_notrack=True).write(
                {"microloan_accrued_to": accrued_to}
            )

    def _engine_user_error(self, error):
        """A translated ``UserError`` for an ``EngineError`` raised on this loan:
        the engine's ``code``, ``field`` and ``params`` in the user's language
        (``tools/engine_messages.py``), never its English ``message``."""
        field, reason = engine_message(self.env, error)
        return UserError(
            self.env._(
                "%(loan)s: %(field)s: %(reason)s",
                loan=self.name,
                field=field,
                reason=reason,
            )
        )

    # ------------------------------------------------------------------
    # Business methods (called by the wizards and by integrations)
    #
    # The public methods are the servicing API (README, "The servicing API"):
    # they validate every argument (tools/inputs.py), act on exactly one loan
    # and return the id of the transaction posted (or found again by its
    # reference), or a dict of floats and ISO dates; the private ``_disburse``,
    # ``_register_repayment``... they call return records, for the module.
    # ------------------------------------------------------------------

    def disburse(self, amount, date, reference=False, note=False, **payment):
        """Disburse ``amount`` on ``date``; return the id of the disbursement
        transaction (see :meth:`_disburse`). ``payment``: how the money is
        paid out, the options of :meth:`_get_payment_values` (none here;
        microloan_accounting takes the bank or cash journal and method)."""
        loan = inputs.one(self)
        env = self.env
        amount = inputs.money(
            env, amount, loan.currency_id, env._("The amount disbursed")
        )
        date = inputs.day(env, date, env._("The date of the disbursement"))
        reference = inputs.reference(env, reference)
        note = inputs.text(env, note, env._("The note"))
        extra = loan._get_payment_values("outbound", payment)
        return loan._disburse(
            amount, date, reference=reference, note=note, extra=extra
        ).id

    def _disburse(self, amount, date, reference=False, note=False, extra=None):
        """Disburse ``amount`` on ``date`` and return the transaction.

        The first disbursement fixes the schedule (built by the engine for the
        amount paid out, from ``date``) and activates the loan; a later tranche
        re-amortizes the principal not yet due plus the tranche over the
        remaining due dates. The total stays within the approved amount.
        """
        self.ensure_one()
        self._check_finance(self.env._("Only finance users can disburse loans."))
        self._check_state(
            {"approved", "active"},
            self.env._(
                "Only approved or active loans can be disbursed: %(loan)s is "
                "%(state)s."
            ),
        )
        date = self._check_posting_date(date)
        currency = self.currency_id
        if currency.compare_amounts(amount or 0.0, 0.0) <= 0:
            raise UserError(self.env._("The amount disbursed must be positive."))
        self._lock_for_posting()
        if currency.compare_amounts(self.amount_disbursed + amount, self.amount) > 0:
            raise UserError(
                self.env._(
                    "%(loan)s cannot be disbursed beyond its approved amount of "
                    "%(amount)s (already disbursed: %(disbursed)s).",
                    loan=self.name,
                    amount=currency.format(self.amount),
                    disbursed=currency.format(self.amount_disbursed),
                )
            )
        if self.state == "approved":
            if date < self.application_date:
                raise UserError(
                    self.env._(
                        "%(loan)s cannot be disbursed before its application date.",
                        loan=self.name,
                    )
                )
            # The product's fees due at disbursement are charged with the
            # first one (microloan_engine.fees.disbursement).
            paid = self._disbursement_with_fees(amount, self._get_fee_totals())
            self._disburse_first(amount, date)
        else:
            if date < self.first_disbursement_date:
                raise UserError(
                    self.env._(
                        "A further tranche of %(loan)s cannot precede its first "
                        "disbursement on %(date)s.",
                        loan=self.name,
                        date=self.first_disbursement_date,
                    )
                )
            paid = self._disbursement_with_fees(amount, None)
            self._disburse_tranche(amount, date)
        lines = [{"installment_id": False, "component": "principal", "amount": amount}]
        if paid.fees:
            lines.append(
                {
                    "installment_id": False,
                    "component": "fee",
                    "amount": float(paid.fees),
                }
            )
        return self._post_transaction(
            "disbursement",
            date,
            amount,
            lines=lines,
            reference=reference,
            note=note,
            paid_out_amount=float(paid.paid_out),
            fee_deducted_amount=float(paid.fees_deducted),
            fee_collected_amount=float(paid.fees_paid),
            **(extra or {}),
        )

    def _disbursement_with_fees(self, amount, totals):
        """The ``microloan_engine.fees.Disbursement`` of ``amount`` with the
        fees ``totals`` (``FeeTotals``; None for none): what is paid out, the
        fees deducted and the fees the borrower pays."""
        if totals is None:
            totals = FeeTotals(Decimal(0), Decimal(0))
        try:
            return fee_disbursement(self._money(amount), totals)
        except EngineError as error:
            if error.code == "less_than_principal":
                raise UserError(
                    self.env._(
                        "The fees of %(loan)s deducted at disbursement "
                        "(%(fees)s) leave nothing to pay out of %(amount)s.",
                        loan=self.name,
                        fees=self.currency_id.format(float(totals.deducted)),
                        amount=self.currency_id.format(amount),
                    )
                ) from error
            raise self._engine_user_error(error) from error

    def register_repayment(self, amount, date, reference=None, note=False, **payment):
        """Register ``amount`` received on ``date``; return the id of the
        repayment transaction, or of the one already posted with
        ``reference`` (see :meth:`_register_repayment`). ``payment``: how the
        money came in (see :meth:`disburse`)."""
        loan = inputs.one(self)
        env = self.env
        amount = inputs.money(env, amount, loan.currency_id, env._("The amount repaid"))
        date = inputs.day(env, date, env._("The date of the repayment"))
        reference = inputs.reference(env, reference)
        note = inputs.text(env, note, env._("The note"))
        extra = loan._get_payment_values("inbound", payment)
        return loan._register_repayment(
            amount, date, reference=reference, note=note, extra=extra
        ).id

    def _register_repayment(self, amount, date, reference=None, note=False, extra=None):
        """Register ``amount`` received on ``date`` and return the transaction.

        The engine allocates it in the product's order (charging the penalty
        and compound interest due by then); what finds nothing to pay is kept
        as the borrower's credit and used by the next repayment. A payment
        dated before later repayments or charges is replayed in date order:
        the later ones are reversed and posted again, so penalties are
        recomputed. A retry with the same ``reference``, amount and date
        returns the transaction already posted; another payment with that
        reference in the branch is refused. The loan is closed when everything
        is paid.
        """
        self.ensure_one()
        self._check_finance(self.env._("Only finance users can register repayments."))
        reference = inputs.reference(self.env, reference)
        currency = self.currency_id
        date = fields.Date.to_date(date)
        if reference:
            existing = self._get_repayment_by_reference(reference)
            if existing:
                return self._check_retry(existing, amount, date)
        self._check_state(
            {"active"},
            self.env._(
                "Repayments are registered on active loans only: %(loan)s is "
                "%(state)s."
            ),
        )
        if currency.compare_amounts(amount or 0.0, 0.0) <= 0:
            raise UserError(self.env._("The amount repaid must be positive."))
        date = self._check_posting_date(date)
        self._lock_for_posting()
        if reference:
            existing = self._get_repayment_by_reference(reference)
            if existing:
                return self._check_retry(existing, amount, date)
        payment = {
            "amount": amount,
            "reference": reference,
            "note": note,
            "extra": extra or {},
        }
        if self._needs_replay(date):
            transaction = self._replay(date, new_payment=payment)
        else:
            position = self._engine_position()
            transaction, position, _credit = self._apply_payment(
                position, date, payment, self._money(self.credit_balance)
            )
            self._write_engine_state(position)
        self._close_if_settled()
        return transaction

    def payoff_quote(self, date):
        """Return what repays the whole loan on ``date`` as a dict of floats:
        ``principal``, ``interest`` (overdue, and the current period's actual
        days), ``penalty``, ``compound``, ``fee``, ``prepayment_fee``,
        ``total``; plus ``credit`` (the borrower's credit), ``amount_due``
        (``total`` less the credit) and ``date`` (ISO text)."""
        inputs.one(self)
        date = inputs.day(self.env, date, self.env._("The date of the quote"))
        position = self._position_at(date)
        try:
            quote = payoff_quote(position, date, self._prepayment_fee_rate())
        except EngineError as error:
            raise self._engine_user_error(error) from error
        credit = self._money(self.credit_balance)
        return {
            "date": fields.Date.to_string(date),
            "principal": float(quote.principal),
            "interest": float(quote.interest),
            "penalty": float(quote.penalty),
            "compound": float(quote.compound),
            "fee": float(quote.fees),
            "prepayment_fee": float(quote.prepayment_fee),
            "total": float(quote.total),
            "credit": float(credit),
            "amount_due": float(use_credit(quote.total, credit).due),
        }

    def payoff(self, date, reference=False, note=False):
        """Repay the whole loan on ``date`` at its payoff quote and close it;
        return the id of the repayment transaction (see :meth:`_payoff`)."""
        loan = inputs.one(self)
        env = self.env
        date = inputs.day(env, date, env._("The date of the payoff"))
        reference = inputs.reference(env, reference)
        note = inputs.text(env, note, env._("The note"))
        return loan._payoff(date, reference=reference, note=note).id

    def _payoff(self, date, reference=False, note=False):
        """Repay the whole loan on ``date`` at its payoff quote (the borrower's
        credit is used first), close it and return the transaction."""
        self.ensure_one()
        self._check_finance(self.env._("Only finance users can register repayments."))
        self._check_state(
            {"active"},
            self.env._("Only active loans can be paid off: %(loan)s is %(state)s."),
        )
        date = self._check_posting_date(date)
        self._lock_for_posting()
        self._check_not_back_dated(date)
        position = self._engine_position()
        credit = self._money(self.credit_balance)
        order, by_installment = self.product_id._get_allocation_order()
        try:
            settlement = settle_payoff(
                position,
                self._engine_terms(),
                date,
                order,
                by_installment=by_installment,
                prepayment_fee_rate=self._prepayment_fee_rate(),
            )
        except EngineError as error:
            raise self._engine_user_error(error) from error
        result, prepaid, paid = (
            settlement.allocation,
            settlement.prepayment,
            settlement.total,
        )
        records = self._records_by_n()
        self._post_charges(position, result.position, date, records)
        lines = self._allocation_lines(result, records)
        if prepaid:
            record = self._apply_prepayment(prepaid, date)
            lines += self._prepayment_lines(prepaid, record)
        final = settlement.position
        credit_use = use_credit(paid, credit)
        if credit_use.used:
            lines.append(
                {
                    "installment_id": False,
                    "component": "excess",
                    "amount": -float(credit_use.used),
                }
            )
        transaction = self._post_transaction(
            "repayment",
            date,
            float(credit_use.due),
            lines=lines,
            reference=reference,
            note=note,
        )
        self._write_engine_state(final)
        self._close_if_settled()
        return transaction

    def prepay(
        self, principal, date, mode="reduce_installment", reference=False, note=False
    ):
        """Prepay ``principal`` on ``date`` and re-amortize the rest; return the
        id of the repayment transaction (see :meth:`_prepay`)."""
        loan = inputs.one(self)
        env = self.env
        principal = inputs.money(
            env, principal, loan.currency_id, env._("The principal prepaid")
        )
        date = inputs.day(env, date, env._("The date of the prepayment"))
        mode = inputs.selection(
            env,
            mode,
            env["microloan.loan.prepay"]._fields["mode"]._description_selection(env),
            env._("The prepayment mode"),
        )
        reference = inputs.reference(env, reference)
        note = inputs.text(env, note, env._("The note"))
        return loan._prepay(
            principal, date, mode=mode, reference=reference, note=note
        ).id

    def _prepay(
        self, principal, date, mode="reduce_installment", reference=False, note=False
    ):
        """Prepay ``principal`` on ``date`` and re-amortize the rest.

        ``mode`` is ``reduce_installment`` (same term, lower installment) or
        ``shorten_term`` (same installment, fewer installments). Everything
        due by ``date`` must be paid first. The borrower pays the principal,
        the interest of the current period's actual days and the product's
        prepayment fee; the borrower's credit is used first.
        """
        self.ensure_one()
        self._check_finance(self.env._("Only finance users can register repayments."))
        self._check_state(
            {"active"},
            self.env._("Only active loans can be prepaid: %(loan)s is %(state)s."),
        )
        currency = self.currency_id
        if currency.compare_amounts(principal or 0.0, 0.0) <= 0:
            raise UserError(self.env._("The principal prepaid must be positive."))
        date = self._check_posting_date(date)
        self._lock_for_posting()
        self._check_not_back_dated(date)
        prepaid = self._engine_prepay(self._engine_position(), principal, date, mode)
        record = self._apply_prepayment(prepaid, date)
        lines = self._prepayment_lines(prepaid, record)
        credit_use = use_credit(prepaid.total, self._money(self.credit_balance))
        if credit_use.used:
            lines.append(
                {
                    "installment_id": False,
                    "component": "excess",
                    "amount": -float(credit_use.used),
                }
            )
        transaction = self._post_transaction(
            "repayment",
            date,
            float(credit_use.due),
            lines=lines,
            reference=reference,
            note=note,
        )
        self._write_engine_state(prepaid.position)
        self._close_if_settled()
        return transaction

    def refund_credit(self, date, amount=None, note=False):
        """Refund the borrower's credit (all of it when ``amount`` is ``None``
        or ``False``) on ``date``; return the id of the refund transaction."""
        loan = inputs.one(self)
        env = self.env
        date = inputs.day(env, date, env._("The date of the refund"))
        if amount is not None and amount is not False:
            amount = inputs.money(
                env, amount, loan.currency_id, env._("The amount refunded")
            )
        else:
            amount = None
        note = inputs.text(env, note, env._("The note"))
        return loan._refund_credit(date, amount=amount, note=note).id

    def _refund_credit(self, date, amount=None, note=False):
        """Refund the borrower's credit (all of it by default) on ``date`` and
        return the transaction."""
        self.ensure_one()
        self._check_finance(self.env._("Only finance users can refund credit."))
        date = self._check_posting_date(date)
        self._lock_for_posting()
        currency = self.currency_id
        amount = self.credit_balance if amount is None else amount
        if currency.compare_amounts(amount, 0.0) <= 0:
            raise UserError(self.env._("The amount refunded must be positive."))
        if currency.compare_amounts(amount, self.credit_balance) > 0:
            raise UserError(
                self.env._(
                    "%(loan)s holds only %(credit)s of credit for the borrower.",
                    loan=self.name,
                    credit=currency.format(self.credit_balance),
                )
            )
        return self._post_transaction(
            "refund",
            date,
            amount,
            lines=[{"installment_id": False, "component": "excess", "amount": -amount}],
            note=note,
        )

    def _reverse_transaction(self, transaction):
        """Reverse ``transaction`` of this loan, restoring the balances: a
        repayment is taken out and the later repayments and charges are
        replayed; a refund gives the credit back; the only disbursement of a
        loan returns it to approved."""
        self.ensure_one()
        self._check_finance(self.env._("Only finance users can reverse transactions."))
        if transaction.state != "posted" or transaction.kind == "reversal":
            raise UserError(
                self.env._(
                    "%(transaction)s is already reversed or is itself a reversal.",
                    transaction=transaction.name,
                )
            )
        self.company_id._check_microloan_lock_date(transaction.date, transaction.name)
        self._lock_for_posting()
        kind = transaction.kind
        if kind == "repayment":
            if any(
                line.installment_id.kind == "prepayment"
                for line in transaction.line_ids
            ):
                raise UserError(
                    self.env._(
                        "%(transaction)s prepaid principal and changed the "
                        "schedule: it cannot be reversed.",
                        transaction=transaction.name,
                    )
                )
            self._check_state(
                {"active", "closed"},
                self.env._(
                    "Repayments of %(loan)s cannot be reversed while it is %(state)s."
                ),
            )
            was_closed = self.state == "closed"
            self._replay(transaction.date, exclude=transaction)
            if was_closed and not self._is_settled():
                # sudo: the state is guarded; the reversal checked the caller.
                self.sudo().write({"state": "active"})
            return transaction.reversed_by_id
        if kind == "refund":
            return self._post_reversal(transaction)
        if kind == "disbursement":
            others = self.transaction_ids.filtered(
                lambda t: t.state == "posted"
                and t != transaction
                and t.kind != "reversal"
            )
            if others or self.state != "active":
                raise UserError(
                    self.env._(
                        "Only the disbursement of a loan with no other transaction "
                        "can be reversed (%(loan)s).",
                        loan=self.name,
                    )
                )
            reversal = self._post_reversal(transaction)
            # sudo: the state is guarded; the reversal checked the caller.
            self.sudo().write({"state": "approved", "microloan_accrued_to": False})
            return reversal
        raise UserError(
            self.env._(
                "%(transaction)s cannot be reversed here: reverse the repayment that "
                "charged it, or waive the charge.",
                transaction=transaction.name,
            )
        )

    def action_open_disburse_wizard(self):
        """Open the wizard disbursing the loan (or a further tranche)."""
        return self._open_servicing_wizard(
            "microloan.loan.disburse", self.env._("Disburse")
        )

    def action_open_repay_wizard(self):
        """Open the wizard registering a repayment."""
        return self._open_servicing_wizard(
            "microloan.loan.repay", self.env._("Register Repayment")
        )

    def action_open_prepay_wizard(self):
        """Open the wizard of prepayments and payoff, with its quote."""
        return self._open_servicing_wizard(
            "microloan.loan.prepay", self.env._("Prepay")
        )

    def action_refund_credit(self):
        """Refund the whole credit held for the borrower, dated today."""
        for loan in self:
            loan._refund_credit(fields.Date.context_today(self))
        return True

    def action_view_transactions(self):
        """Show the sub-ledger of the loan."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "microloan_base.microloan_loan_transaction_action"
        )
        action["domain"] = [("loan_id", "=", self.id)]
        action["context"] = {"default_loan_id": self.id}
        return action

    def _open_servicing_wizard(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_loan_id": self.id},
        }

    def _engine_prepay(self, position, principal, date, mode):
        """``microloan_engine.allocation.prepay`` of ``principal`` on ``date``
        on ``position`` with the loan's terms and prepayment fee; engine errors
        as translated ``UserError``."""
        try:
            return prepay(
                position,
                self._engine_terms(),
                self._money(principal),
                date,
                mode=mode,
                fee_rate=self._prepayment_fee_rate(),
            )
        except EngineError as error:
            raise self._engine_user_error(error) from error

    def _prepayment_preview(self, principal, date, mode="reduce_installment"):
        """What a partial prepayment of ``principal`` on ``date`` would cost,
        as a dict like :meth:`payoff_quote`; nothing is written."""
        self.ensure_one()
        date = fields.Date.to_date(date)
        prepaid = self._engine_prepay(self._position_at(date), principal, date, mode)
        credit_use = use_credit(prepaid.total, self._money(self.credit_balance))
        return {
            "date": date,
            "principal": float(prepaid.principal),
            "interest": float(prepaid.interest),
            "penalty": 0.0,
            "compound": 0.0,
            "fee": 0.0,
            "prepayment_fee": float(prepaid.fee),
            "total": float(prepaid.total),
            "credit": float(credit_use.used),
            "amount_due": float(credit_use.due),
        }

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _get_payment_values(self, direction, options):
        """Transaction values of the ``options`` of a disbursement
        (``direction`` ``outbound``) or a repayment (``inbound``), checked:
        none are known here, so any option is refused. Modules that know how
        money moves (microloan_accounting: journal and payment method) take
        theirs out of ``options`` before calling ``super()``."""
        if options:
            raise UserError(
                self.env._(
                    "Unknown payment options: %(options)s.",
                    options=", ".join(sorted(map(str, options))),
                )
            )
        return {}

    def _check_finance(self, message):
        self._check_user_group("microloan_base.group_microloan_finance", message)

    def _check_posting_date(self, date):
        """Return ``date`` as a date; refuse a missing date, a date in the
        future, one on or before the branch's sub-ledger lock date, or one
        before the loan's first disbursement."""
        date = fields.Date.to_date(date)
        if not date:
            raise UserError(self.env._("Give the date of the transaction."))
        if date > fields.Date.context_today(self):
            raise UserError(
                self.env._(
                    "A transaction of %(loan)s cannot be dated in the future "
                    "(%(date)s).",
                    loan=self.name,
                    date=date,
                )
            )
        self.company_id._check_microloan_lock_date(date, self.name)
        first = self.first_disbursement_date
        if first and date < first:
            raise UserError(
                self.env._(
                    "A transaction of %(loan)s cannot precede its disbursement on "
                    "%(date)s.",
                    loan=self.name,
                    date=first,
                )
            )
        return date

    def _lock_for_posting(self):
        """Lock the loan rows against concurrent posting and mark them changed,
        so that a transaction that read the loan before another one posted on
        it fails to serialize instead of allocating the same installments
        twice. A loan busy with another posting gives a translated "try again"
        error rather than a raw database error (see ``tools/locking.py``)."""
        if not self.ids:
            return
        lock_rows(
            self,
            self.env._(
                "This loan is being updated by another posting: nothing was "
                "recorded, try again in a moment."
            ),
        )
        for loan in self:
            # sudo: the ledger version is the module's own counter.
            loan.sudo().write({"ledger_version": loan.ledger_version + 1})

    def _get_repayment_by_reference(self, reference):
        # sudo: a reference is unique in the branch; a retry finds its repayment.
        return (
            self.env["microloan.loan.transaction"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("reference", "=", reference),
                    ("kind", "=", "repayment"),
                    ("state", "=", "posted"),
                ],
                limit=1,
            )
        )

    def _check_retry(self, existing, amount, date):
        """Return ``existing`` if it is the same payment (loan, amount, date),
        else raise."""
        currency = self.currency_id
        if (
            existing.loan_id == self
            and existing.date == date
            and not currency.compare_amounts(existing.amount, amount or 0.0)
        ):
            # sudo(self.env.su): back to the caller's rights for the repayment.
            return existing.sudo(self.env.su)
        raise UserError(
            self.env._(
                "The reference %(reference)s is already used by the repayment "
                "%(transaction)s of %(amount)s on %(date)s.",
                reference=existing.reference,
                transaction=existing.name,
                amount=existing.currency_id.format(existing.amount),
                date=existing.date,
            )
        )

    def _prepayment_fee_rate(self):
        return (
            Decimal(float_repr(self.product_id.prepayment_fee_rate, RATE_DIGITS)) / 100
        )

    def _records_by_n(self):
        return {record.sequence: record for record in self._engine_installments()}

    def _effective_transactions(self):
        """Posted transactions that are not reversed nor reversals."""
        return self.transaction_ids.filtered(
            lambda t: t.state == "posted" and t.kind != "reversal"
        )

    def _needs_replay(self, date):
        if self.microloan_accrued_to and date < self.microloan_accrued_to:
            return True
        return any(
            t.date > date and t.kind in ("repayment", "penalty", "compound")
            for t in self._effective_transactions()
        )

    def _check_not_back_dated(self, date):
        if self._needs_replay(date):
            raise UserError(
                self.env._(
                    "%(loan)s has repayments, charges or a daily close after "
                    "%(date)s: a prepayment or payoff cannot be back-dated.",
                    loan=self.name,
                    date=date,
                )
            )

    def _position_at(self, date):
        """The engine position accrued to ``date``, replayed from the ledger
        when ``date`` is before the stored accrual."""
        self.ensure_one()
        if not self.microloan_accrued_to or date >= self.microloan_accrued_to:
            return self._engine_position(date)
        raise UserError(
            self.env._(
                "The overdue charges of %(loan)s are already accrued to %(date)s: "
                "quote from that date on.",
                loan=self.name,
                date=self.microloan_accrued_to,
            )
        )

    def _is_settled(self):
        """Everything paid: principal, interest, fees and charges
        (``microloan_engine.allocation.is_settled``)."""
        self.ensure_one()
        return is_settled(self._engine_position())

    def _close_if_settled(self):
        """Settlement hook: close the loan once everything is paid."""
        if self.state == "active" and self._is_settled():
            self.action_close()

    def _allocation_lines(self, result, records):
        return [
            {
                "installment_id": records[line.n].id,
                "component": line.component,
                "amount": float(line.amount),
            }
            for line in result.lines
        ]

    def _post_charges(self, before, after, date, records, at_payment=True):
        """Post the penalty and compound interest charged between the engine
        positions ``before`` and ``after`` (same installments) on ``date``."""
        postings = self._prepare_charge_postings(
            before, after, date, records, at_payment=at_payment
        )
        return self._post_transactions(postings)

    def _prepare_charge_postings(self, before, after, date, records, at_payment=True):
        """Postings (see :meth:`_post_transactions`) of the penalty and compound
        interest charged between ``before`` and ``after``: one transaction per
        kind."""
        self.ensure_one()
        lines = {"penalty": [], "compound": []}
        for old, new in zip(before.installments, after.installments, strict=True):
            for component in lines:
                delta = getattr(new, component) - getattr(old, component)
                if delta:
                    lines[component].append(
                        {
                            "installment_id": records[new.n].id,
                            "component": component,
                            "amount": float(delta),
                        }
                    )
        return [
            {
                "loan": self,
                "kind": kind,
                "date": date,
                "amount": sum(line["amount"] for line in kind_lines),
                "lines": kind_lines,
                "payment_charge": at_payment,
            }
            for kind, kind_lines in lines.items()
            if kind_lines
        ]

    def _apply_payment(self, position, date, payment, credit):
        """Allocate ``payment`` (dict: amount, reference, note) plus ``credit``
        on ``position`` and post the charges and the repayment. Return
        ``(transaction, new position, credit left)``."""
        order, by_installment = self.product_id._get_allocation_order()
        amount = self._money(payment["amount"])
        try:
            result = allocate_with_credit(
                position, amount, credit, date, order, by_installment=by_installment
            )
        except EngineError as error:
            raise self._engine_user_error(error) from error
        transaction = self._post_allocation(
            position, result, payment, credit, self._records_by_n()
        )
        return transaction, result.position, result.excess

    def _post_allocation(self, before, result, payment, credit, records):
        """Post the repayment ``payment`` (dict: amount, reference, note) that
        the engine allocated as ``result`` (an ``AllocationResult``) on the
        position ``before``, with ``credit`` held before it: the penalty and
        compound interest it charged, then the repayment and its excess."""
        date = result.payment_date
        self._post_charges(before, result.position, date, records)
        lines = self._allocation_lines(result, records)
        lines.append(
            {
                "installment_id": False,
                "component": "excess",
                "amount": float(credit_added(result, credit)),
            }
        )
        return self._post_transaction(
            "repayment",
            date,
            float(self._money(payment["amount"])),
            lines=lines,
            reference=payment.get("reference") or False,
            note=payment.get("note") or False,
            **(payment.get("extra") or {}),
        )

    def _prepayment_lines(self, prepaid, record):
        return [
            {
                "installment_id": record.id,
                "component": component,
                "amount": float(value),
            }
            for component, value in (
                ("principal", prepaid.principal),
                ("interest", prepaid.interest),
                ("fee", prepaid.fee),
            )
        ]

    def _apply_prepayment(self, prepaid, date):
        """Replace the installments due after ``date`` by the prepayment line
        and the re-amortized schedule of ``prepaid``
        (``microloan_engine.allocation.PrepaymentResult``); return the
        prepayment installment."""
        installments = self._engine_installments()
        drop = installments.filtered(lambda i: i.due_date > date)
        _upfront, per_installment = self._get_fees()
        rows = [
            {
                "due_date": date,
                "days": 0,
                "principal": float(prepaid.principal),
                "interest": float(prepaid.interest),
                "fee": float(prepaid.fee),
                "amount": float(prepaid.total),
                "balance": float(
                    prepaid.schedule.total_principal if prepaid.schedule else 0
                ),
                "kind": "prepayment",
            }
        ]
        if prepaid.schedule:
            rows += self._schedule_rows(prepaid.schedule, per_installment)
        created = self._replace_installments(drop, rows)
        return created[0]

    def _schedule_rows(self, schedule, fee, extra_interest=Decimal(0)):
        rows = []
        installment_fee = self._money(fee)
        for index, line in enumerate(schedule.installments):
            interest = line.interest + (extra_interest if index == 0 else 0)
            rows.append(
                {
                    "due_date": line.due_date,
                    "days": line.days,
                    "principal": float(line.principal),
                    "interest": float(interest),
                    "fee": fee,
                    "amount": float(
                        installment_amount(line.principal + interest, installment_fee)
                    ),
                    "balance": float(line.balance),
                    "kind": "scheduled",
                }
            )
        return rows

    def _replace_installments(self, drop, rows):
        """Delete the installments ``drop`` (unpaid, not yet due) and create
        ``rows`` numbered after the installments kept."""
        self.ensure_one()
        kept = self.installment_ids - drop
        start = max(kept.mapped("sequence"), default=0)
        # sudo: installments are written by the engine only.
        drop.sudo().unlink()
        return (
            self.env["microloan.loan.installment"]
            .sudo()
            .create(
                [
                    dict(row, loan_id=self.id, sequence=start + index)
                    for index, row in enumerate(rows, start=1)
                ]
            )
            # sudo(self.env.su): back to the caller's rights for the installments.
            .sudo(self.env.su)
        )

    def _disburse_first(self, amount, date):
        """Fix the schedule of the first disbursement and activate the loan."""
        first_due = (
            self.first_due_date
            if (self.first_due_date and self.first_due_date > date)
            else None
        )
        terms = replace(
            self._engine_terms(),
            principal=self._money(amount),
            disbursement_date=date,
            first_due_date=first_due,
        )
        try:
            schedule = build_schedule(terms)
        except EngineError as error:
            raise self._engine_user_error(error) from error
        # sudo: the terms are fixed after approval and the schedule is the
        # engine's; disburse() checked the caller and the loan.
        loan = self.sudo()
        loan.write({"disbursement_date": date, "first_due_date": first_due or False})
        loan._apply_schedule(schedule)
        loan.write({"microloan_accrued_to": date})
        self._activate()

    def _disburse_tranche(self, amount, date):
        """Re-amortize the principal not yet due plus ``amount`` from ``date``
        over the remaining due dates; the current period keeps the interest of
        its days before ``date`` on the former principal."""
        if self._needs_replay(date):
            raise UserError(
                self.env._(
                    "%(loan)s has repayments, charges or a daily close after "
                    "%(date)s: a tranche cannot be back-dated.",
                    loan=self.name,
                    date=date,
                )
            )
        messages = {
            "no_installment_falls_due_after": self.env._(
                "%(loan)s has no installment due after %(date)s for a further "
                "tranche.",
                loan=self.name,
                date=date,
            ),
            "settle_before_tranche": self.env._(
                "Settle what %(loan)s owes before disbursing a further tranche.",
                loan=self.name,
            ),
            "installments_not_yet_due_partly_repaid": self.env._(
                "Installments of %(loan)s not yet due are already partly "
                "repaid: a further tranche cannot be disbursed now.",
                loan=self.name,
            ),
        }
        try:
            added = tranche(
                self._engine_position(date),
                self._engine_terms(),
                self._money(amount),
                date,
            )
        except EngineError as error:
            if error.code in messages:
                raise UserError(messages[error.code]) from error
            raise self._engine_user_error(error) from error
        records = self._engine_installments()
        _upfront, per_installment = self._get_fees()
        self._replace_installments(
            records[added.first :],
            self._schedule_rows(added.schedule, per_installment, added.broken_interest),
        )
        # sudo: engine figure, guarded against clients.
        # Everything before the tranche is cleared: no overdue product is left.
        self.sudo().write({"microloan_accrued_to": date})

    def _post_reversal(self, transaction):
        reversal = self._post_transaction(
            "reversal",
            transaction.date,
            transaction.amount,
            lines=[
                {
                    "installment_id": line.installment_id.id,
                    "component": line.component,
                    "amount": -line.amount,
                }
                for line in transaction.line_ids
            ],
            reference=False,
            note=self.env._("Reversal of %(name)s", name=transaction.name),
            reversal_of_id=transaction.id,
        )
        # sudo: a transaction's state and link are guarded; the caller was checked.
        transaction.sudo().write({"state": "reversed", "reversed_by_id": reversal.id})
        # Free the reference in the database before the repayment is replayed.
        transaction.flush_recordset(["state"])
        return reversal

    def _get_replay_checkpoint(self):
        """Date of the last change of the schedule (first disbursement, later
        tranche, prepayment): the ledger is replayed from there, where nothing
        is overdue and no overdue product is pending."""
        self.ensure_one()
        dates = [self.first_disbursement_date]
        dates += [
            t.date for t in self._effective_transactions() if t.kind == "disbursement"
        ]
        dates += [i.due_date for i in self.installment_ids if i.kind == "prepayment"]
        return max(d for d in dates if d)

    def _replay(self, date, new_payment=None, exclude=None):
        """Replay the ledger from ``date``: reverse the repayments and charges
        dated from ``date`` on (and ``exclude``), then allocate them again with
        ``new_payment`` (dict: amount, reference, note) in date order through
        the engine. Return the transaction of ``new_payment``."""
        self.ensure_one()
        checkpoint = self._get_replay_checkpoint()
        if date <= checkpoint and (exclude or date < checkpoint):
            raise UserError(
                self.env._(
                    "%(loan)s cannot take a repayment or a reversal dated before "
                    "%(date)s, the last change of its schedule.",
                    loan=self.name,
                    date=checkpoint,
                )
            )
        effective = self._effective_transactions()
        blocking = effective.filtered(
            lambda t: t.date > checkpoint and t.kind in ("waiver", "fee", "write_off")
        )
        if blocking:
            raise UserError(
                self.env._(
                    "%(loan)s has waivers or fees after %(date)s: the repayments "
                    "cannot be replayed.",
                    loan=self.name,
                    date=checkpoint,
                )
            )
        events = effective.filtered(
            lambda t: t.date > checkpoint
            and (
                t.kind in ("repayment", "refund")
                or (t.kind in ("penalty", "compound") and not t.payment_charge)
            )
        )
        redo = effective.filtered(
            lambda t: t.date > checkpoint
            and t.date >= date
            and t.kind in ("repayment", "penalty", "compound")
        )
        if redo:
            # Reversals and reposts are dated like what they redo: refuse the
            # replay before anything is reversed when that is a closed period.
            self.company_id._check_microloan_lock_date(
                min(redo.mapped("date")), self.name
            )
        base = effective.filtered(lambda t: t.date <= checkpoint)
        old_accrued_to = self.microloan_accrued_to
        for transaction in redo.sorted(lambda t: (t.date, t.id), reverse=True):
            self._post_reversal(transaction)
        replayed = {t.id: t for t in events if t != exclude}
        engine_events = [self._replay_event(t) for t in replayed.values()]
        if new_payment:
            # Posted last: after every transaction of its day.
            new_sequence = max(self.transaction_ids.ids, default=0) + 1
            engine_events.append(
                Payment(date, self._money(new_payment["amount"]), "", new_sequence)
            )
        as_of = max(
            d for d in (checkpoint, old_accrued_to, *(e.on for e in engine_events)) if d
        )
        order, by_installment = self.product_id._get_allocation_order()
        try:
            result = replay(
                self._engine_position_from_ledger(base, checkpoint),
                engine_events,
                as_of,
                order,
                by_installment=by_installment,
                credit_on_due_dates=False,
                credit=self._money(sum(base.mapped("excess_amount"))),
            )
        except EngineError as error:
            raise self._engine_user_error(error) from error
        records = self._records_by_n()
        new_transaction = None
        for step in result.steps:
            transaction = replayed.get(step.event.sequence)
            if transaction is not None and transaction not in redo:
                continue
            if isinstance(step.event, Payment):
                payment = new_payment if transaction is None else transaction
                posted = self._post_allocation(
                    step.before,
                    step.allocation,
                    {
                        "amount": payment["amount"],
                        "reference": payment["reference"],
                        "note": payment["note"],
                        "extra": new_payment.get("extra")
                        if transaction is None
                        else transaction._get_repost_values(),
                    },
                    step.credit_before,
                    records,
                )
                if transaction is None:
                    new_transaction = posted
            elif isinstance(step.event, Charge):
                self._post_charges(
                    step.before, step.position, step.on, records, at_payment=False
                )
        self._write_engine_state(result.position)
        return new_transaction

    def _replay_event(self, transaction):
        """The engine event (``microloan_engine.allocation.Payment``, ``Charge``
        or ``Refund``) of a repayment, a close's charge or a refund; its
        ``sequence`` is the transaction's id (the posting order)."""
        if transaction.kind == "repayment":
            return Payment(
                transaction.date,
                self._money(transaction.amount),
                transaction.reference or "",
                transaction.id,
            )
        if transaction.kind == "refund":
            return Refund(
                transaction.date, self._money(transaction.amount), transaction.id
            )
        return Charge(transaction.date, transaction.id)

    def _engine_position_from_ledger(self, transactions, as_of):
        """The engine position made of the schedule and ``transactions`` only,
        accrued to ``as_of`` with no pending product (see
        ``_get_replay_checkpoint``)."""
        position = self._engine_position()
        sums = {}
        for line in transactions.line_ids:
            if not line.installment_id or line.effect == "other":
                continue
            key = (line.installment_id.id, line.effect, line.component)
            sums[key] = sums.get(key, 0.0) + line.amount
        records = self._records_by_n()
        installments = []
        for inst in position.installments:
            record_id = records[inst.n].id

            def total(effect, component, record_id=record_id):
                return self._money(sums.get((record_id, effect, component), 0.0))

            installments.append(
                replace(
                    inst,
                    fee=self._money(records[inst.n].fee) + total("charge", "fee"),
                    penalty=total("charge", "penalty"),
                    compound=total("charge", "compound"),
                    principal_paid=total("settle", "principal"),
                    interest_paid=total("settle", "interest"),
                    fee_paid=total("settle", "fee"),
                    penalty_paid=total("settle", "penalty"),
                    compound_paid=total("settle", "compound"),
                    penalty_product=Decimal(0),
                    compound_product=Decimal(0),
                )
            )
        return replace(
            position, installments=tuple(installments), accrued_to=as_of, open_from=0
        )

    def _build_schedule(self):
        """Build the schedules of these loans with the engine; the
        installments that change are replaced in one ``unlink`` and one
        insert for all of them (a bulk import creates loans by the hundred:
        ``microloan.loan.installment._insert_schedule_rows``)."""
        # sudo: installments are written by the engine only.
        Installment = self.env["microloan.loan.installment"].sudo()
        # The installments of every loan, read in one query for the
        # comparison of _apply_schedule (new loans have none, known).
        unknown = list(
            self.env.cache.get_missing_ids(self, self._fields["installment_ids"])
        )
        if len(unknown) > 1:
            Installment.search_fetch(
                [("loan_id", "in", unknown)],
                ["loan_id", "sequence", "due_date", "days", "principal", "interest"]
                + ["fee", "amount", "balance"],
            )
        batch = {"unlink": Installment, "create": []}
        for loan in self:
            try:
                schedule = build_schedule(loan._engine_terms())
            except EngineError as error:
                raise ValidationError(
                    self.env._(
                        "The repayment schedule of %(loan)s cannot be computed "
                        "(%(field)s: %(reason)s).",
                        loan=loan.name,
                        field=error.field,
                        reason=error.message,
                    )
                ) from error
            loan._apply_schedule(schedule, batch)
        if batch["unlink"]:
            batch["unlink"].unlink()
        if batch["create"]:
            Installment._insert_schedule_rows(batch["create"])
