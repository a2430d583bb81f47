from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from microloan_engine import EngineError
from microloan_engine.allocation import (
    PREPAYMENT,
    SCHEDULED,
    InstallmentPosition,
    LoanPosition,
    refresh_open_from,
)
from microloan_engine.overdue import accrue

from .microloan_loan import RATE_DIGITS
from .microloan_loan_transaction import CHARGE_KINDS, SETTLING_KINDS

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
LINE_COMPONENTS = {"principal", "interest", "penalty", "compound", "fee", "excess"}


class MicroloanLoan(models.Model):
    _inherit = "microloan.loan"

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
        "transaction_ids.line_ids.amount",
    )
    def _compute_ledger_balances(self):
        for loan in self:
            disbursed = credit = 0.0
            first_date = False
            for transaction in loan.transaction_ids:
                credit += transaction.excess_amount
                if transaction.kind != "disbursement":
                    continue
                if transaction.state == "posted":
                    disbursed += transaction.amount
                    if not first_date or transaction.date < first_date:
                        first_date = transaction.date
            loan.amount_disbursed = disbursed
            loan.credit_balance = credit
            loan.first_disbursement_date = first_date

    @api.depends("state", "amount", "installment_ids.principal_paid")
    def _compute_principal_outstanding(self):
        # The principal of the schedule rather than the approved amount: a loan
        # disbursed in tranches owes only what was paid out.
        for loan in self:
            if loan.state == "active":
                loan.principal_outstanding = sum(
                    i.principal - i.principal_paid for i in loan.installment_ids
                )
            elif loan.state == "approved":
                paid = sum(loan.installment_ids.mapped("principal_paid"))
                loan.principal_outstanding = loan.amount - paid
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
        if kind not in TRANSACTION_KINDS:
            raise UserError(
                self.env._("Unknown loan transaction kind %(kind)s.", kind=kind)
            )
        if kind == "reversal":
            reversed_kind = (
                self.env["microloan.loan.transaction"]
                .browse(extra.get("reversal_of_id"))
                .kind
            )
        else:
            reversed_kind = kind
        if reversed_kind in SETTLING_KINDS:
            effect = "settle"
        elif reversed_kind in CHARGE_KINDS:
            effect = "charge"
        else:
            effect = "other"
        line_vals = []
        for line in lines:
            if line["component"] not in LINE_COMPONENTS:
                raise UserError(
                    self.env._(
                        "Unknown loan component %(component)s.",
                        component=line["component"],
                    )
                )
            if self.currency_id.is_zero(line["amount"]):
                continue
            line_vals.append(
                {
                    "installment_id": line.get("installment_id") or False,
                    "component": line["component"],
                    "amount": line["amount"],
                    "effect": "other" if line["component"] == "excess" else effect,
                }
            )
        vals = {
            "loan_id": self.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "partner_id": self.partner_id.id,
            "date": date,
            "kind": kind,
            "amount": amount,
            "reference": reference,
            "note": note,
            "line_ids": [fields.Command.create(vals) for vals in line_vals],
            **extra,
        }
        return (
            self.env["microloan.loan.transaction"]
            .sudo()
            .with_context(microloan_post_transaction=True)
            .create(vals)
            .sudo(self.env.su)
        )

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
        money = self._money
        product = self.product_id
        start = self.first_disbursement_date or self.disbursement_date
        accrued_to = self.microloan_accrued_to or start
        installments = []
        for record in self._engine_installments():
            installments.append(
                InstallmentPosition(
                    n=record.sequence,
                    due_date=record.due_date,
                    start_date=start,
                    principal=money(record.principal),
                    interest=money(record.interest),
                    fee=money(record.fee + record.fee_charged),
                    penalty=money(record.penalty),
                    compound=money(record.compound),
                    principal_paid=money(record.principal_paid),
                    interest_paid=money(record.interest_paid),
                    fee_paid=money(record.fee_paid),
                    penalty_paid=money(record.penalty_paid),
                    compound_paid=money(record.compound_paid),
                    penalty_product=money(record.penalty_product),
                    compound_product=money(record.compound_product),
                    kind=PREPAYMENT if record.kind == "prepayment" else SCHEDULED,
                )
            )
            start = record.due_date
        position = LoanPosition(
            installments=tuple(installments),
            disbursement_date=self.first_disbursement_date or self.disbursement_date,
            annual_rate=Decimal(float_repr(self.interest_rate, RATE_DIGITS)) / 100,
            accrued_to=accrued_to,
            day_count=product.day_count,
            penalty_terms=self._engine_penalty_terms(),
            decimals=self.currency_id.decimal_places,
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
        installments, same order): pending products and ``accrued_to``."""
        self.ensure_one()
        records = self._engine_installments()
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
            self.write({"microloan_accrued_to": position.accrued_to})

    def _engine_user_error(self, error):
        """A translated ``UserError`` for an ``EngineError`` raised on this loan."""
        return UserError(
            self.env._(
                "%(loan)s: %(field)s: %(reason)s",
                loan=self.name,
                field=error.field,
                reason=error.message,
            )
        )
