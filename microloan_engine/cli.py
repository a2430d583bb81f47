"""JSON command line: ``python -m microloan_engine schedule|apr``.

Each command reads one JSON object on standard input and writes one JSON object on
standard output. Numbers travel as decimal strings (``"100000"``, ``"0.12"``); JSON
integers are accepted too, and JSON numbers with a fraction are read exactly as
decimals. Dates are ``"YYYY-MM-DD"``.

``schedule`` request::

    {"principal": "100000", "annual_rate": "0.12", "periods": 12,
     "disbursement_date": "2025-01-15", "method": "annuity", "frequency": "monthly",
     ...any other ScheduleTerms field..., "fees_at_start": "0"}

``frequency`` is a name (daily, weekly, biweekly, monthly, quarterly, semiannual,
yearly) or ``{"days": N}`` / ``{"months": N}``; ``principal_plan`` a list of amounts.
``fees_at_start`` (fees borne at disbursement) only enters the annualized rate.
Response: ``installments`` (``n``, ``due_date``, ``days``, ``principal``,
``interest``, ``total``, ``balance``), ``total_principal``, ``total_interest``,
``total_payment`` and ``annualized_rate`` (PBOC 2021: ``simple``, ``compound``,
``period_rate``, ``periods_per_year``, ``basis`` (irr or xirr) and the disclosed
``simple_percent`` / ``compound_percent`` to 2 decimals).

``apr`` request, by ``method``:

- ``"pboc"``: ``advances`` and ``payments`` as lists of ``{"date", "amount"}``,
  optional ``fees_at_start``, ``periods_per_year`` (default 12), ``frequency``.
  Response as ``annualized_rate`` above.
- ``"eu_aprc"``: ``advances``, ``payments``, optional ``fees_at_start`` (paid at
  signing) and ``time_basis`` (``"months"``: whole months are twelfths of a year,
  the default; ``"days"``: days / 365.25). Response: ``aprc`` and ``aprc_percent``
  (1 decimal).
- ``"us_actuarial"``: ``amount_advanced`` (advanced at the start of the term),
  optional ``fees_at_start`` (prepaid finance charges, deducted from it),
  ``payments`` as ``{"amount", "unit_periods", "fraction"}`` (Appendix J's t and
  f; ``fraction`` defaults to 0) or as ``{"amount", "date"}`` with a
  ``consummation_date``; ``unit_period`` (default ``"month"``; also day, week,
  biweek, semimonth, quarter, semiannual, year, ``{"weeks": N}``,
  ``{"months": N}``) and ``unit_periods_per_year`` (default from
  ``unit_period``). Response: ``apr``, ``apr_percent`` (2 decimals),
  ``unit_period_rate``, ``unit_periods_per_year``.

Rates are fractions (``"0.128"`` is 12.8%) with 12 decimals. Bad input exits with
status 2 and ``{"error": {"field": ..., "message": ...}}`` on standard output;
an unexpected failure exits with status 1 and the same shape.
"""

import json
import re
import sys
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from . import allocation, apr, overdue, rates
from .dates import Frequency
from .daycount import YEAR_DAYS
from .errors import EngineError
from .money import to_decimal
from .schedule import ScheduleTerms, build_schedule, term_for_installment

USAGE = """usage: python -m microloan_engine {schedule|apr|servicing} < request.json

Reads one JSON request on standard input and writes a JSON response on standard
output. Bad input exits with status 2 and {"error": {"field", "message"}}.
"""

RATE_PLACES = 12
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MISSING = object()
_SCHEDULE_FIELDS = {
    "principal",
    "annual_rate",
    "periods",
    "disbursement_date",
    "method",
    "frequency",
    "first_due_date",
    "repayment_day",
    "first_period",
    "month_end_rule",
    "day_count",
    "interest_basis",
    "rounding",
    "decimals",
    "installment_multiple",
    "grace_principal_periods",
    "grace_interest_periods",
    "interest_free_periods",
    "amortization_periods",
    "principal_percentage",
    "principal_plan",
    "payment_timing",
    "installment_rounding",
    "installment_amount",
    "minimize_last_difference",
    "rate",
    "rate_unit",
    "day_basis",
    "disbursements",
    "fees_at_start",
}
_APR_FIELDS = {
    "pboc": {
        "method",
        "advances",
        "payments",
        "fees_at_start",
        "periods_per_year",
        "frequency",
    },
    "eu_aprc": {"method", "advances", "payments", "fees_at_start", "time_basis"},
    "us_actuarial": {
        "method",
        "amount_advanced",
        "fees_at_start",
        "payments",
        "consummation_date",
        "unit_period",
        "unit_periods_per_year",
    },
}


class _Request:
    """Typed access to the fields of one JSON object, with error paths."""

    def __init__(self, data, path, allowed):
        if not isinstance(data, dict):
            raise EngineError(path or "request", "must be a JSON object")
        self.data = data
        self.path = path
        for key in data:
            if key not in allowed:
                raise EngineError(self.name(key), "unknown field")

    def name(self, key):
        return f"{self.path}.{key}" if self.path else key

    def has(self, key):
        return self.data.get(key) is not None

    def raw(self, key, default=_MISSING):
        if self.has(key):
            return self.data[key]
        if default is _MISSING:
            raise EngineError(self.name(key), "is required")
        return default

    def decimal(self, key, default=_MISSING):
        if not self.has(key):
            return self.raw(key, default)
        return _decimal(self.data[key], self.name(key))

    def integer(self, key, default=_MISSING):
        if not self.has(key):
            return self.raw(key, default)
        return _integer(self.data[key], self.name(key))

    def text(self, key, default=_MISSING):
        value = self.raw(key, default)
        if self.has(key) and not isinstance(value, str):
            raise EngineError(self.name(key), "must be a string")
        return value

    def boolean(self, key, default=_MISSING):
        value = self.raw(key, default)
        if self.has(key) and not isinstance(value, bool):
            raise EngineError(self.name(key), "must be true or false")
        return value

    def date(self, key, default=_MISSING):
        if not self.has(key):
            return self.raw(key, default)
        return _date(self.data[key], self.name(key))

    def items(self, key, allowed):
        value = self.raw(key)
        if not isinstance(value, list):
            raise EngineError(self.name(key), "must be a list")
        return [
            _Request(item, f"{self.name(key)}[{index}]", allowed)
            for index, item in enumerate(value)
        ]


def _decimal(value, field):
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise EngineError(field, "must be a decimal string")
    result = to_decimal(value, field)
    if result != 0 and result.adjusted() > 18:
        raise EngineError(field, "is too large")
    if result.as_tuple().exponent < -18:
        raise EngineError(field, "has more than 18 decimal places")
    return result


def _integer(value, field):
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,9}", value.strip()):
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise EngineError(field, "must be an integer")
    if abs(value) > 10**9:
        raise EngineError(field, "is too large")
    return value


def _date(value, field):
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise EngineError(field, "must be a date as YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise EngineError(
            field, code="not_a_calendar_date", params={"value": value}
        ) from None


def _frequency(value, field):
    try:
        return Frequency.from_spec(value)
    except EngineError as error:
        raise EngineError(field, error.message, error.code, error.params) from None


def _fmt(value, places=None, rounding=ROUND_HALF_EVEN):
    """A plain decimal string (no exponent, no negative zero)."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=rounding)
    if value == 0:
        value = abs(value)
    return format(value, "f")


def _percent(value, places):
    # Disclosure figures: 四舍五入, as docs/domain.md rounds every shown amount.
    return _fmt(value * 100, places, ROUND_HALF_UP)


def _annualized(result):
    return {
        "simple": _fmt(result.simple, RATE_PLACES),
        "compound": _fmt(result.compound, RATE_PLACES),
        "period_rate": _fmt(result.period_rate, RATE_PLACES),
        "periods_per_year": _fmt(result.periods_per_year.normalize()),
        "basis": result.method,
        "simple_percent": _percent(result.simple, 2),
        "compound_percent": _percent(result.compound, 2),
    }


# --- schedule ----------------------------------------------------------------------


def _rate(req):
    """``(annual_rate, day_count or None)`` from ``annual_rate``, or from ``rate``
    quoted per ``rate_unit`` with ``day_basis`` (see :mod:`microloan_engine.rates`).
    A ``day_basis`` of 365 without a ``day_count`` sets ACT/365; a daily quote whose
    day_basis differs from the day count's year is refused."""
    unit = req.text("rate_unit", None)
    basis = req.integer("day_basis", None)
    if req.has("annual_rate"):
        if req.has("rate"):
            raise EngineError("rate", "give either annual_rate or rate, not both")
        if unit is not None or basis is not None:
            field = "rate_unit" if unit is not None else "day_basis"
            raise EngineError(field, "applies to rate, not to annual_rate")
        return req.decimal("annual_rate"), None
    if not req.has("rate"):
        raise EngineError("annual_rate", "is required")
    unit = unit or "year"
    rates.check_rate_unit(unit)
    day_count = req.text("day_count", None)
    year = YEAR_DAYS.get(day_count)
    if basis is None:
        basis = year if year in rates.DAY_BASES else 360
    rates.check_day_basis(basis)
    if day_count is None:
        day_count = "ACT/365" if basis == 365 else None
    elif unit == "day" and year != basis:
        raise EngineError("day_basis", "must match the day count's year")
    value = req.raw("rate")
    if isinstance(value, str):
        quoted = _decimal(rates.parse_rate(value), "rate")
    else:
        quoted = rates.parse_rate(_decimal(value, "rate"))
    return rates.annual_rate(quoted, unit, basis), day_count


def _disbursements(req):
    """``[(date, amount)]`` of ``disbursements`` in date order, or None."""
    if not req.has("disbursements"):
        return None
    for key in ("principal", "disbursement_date"):
        if req.has(key):
            raise EngineError(key, "comes from disbursements")
    flows = sorted(_dated_flows(req, "disbursements"), key=lambda flow: flow.date)
    for flow in flows:
        if flow.amount <= 0:
            raise EngineError("disbursements", "amounts must be positive")
    return [(flow.date, flow.amount) for flow in flows]


def _optional_terms(req):
    optional = {}
    for key in ("method", "first_period", "month_end_rule", "day_count"):
        optional[key] = req.text(key, None)
    for key in ("interest_basis", "rounding", "payment_timing"):
        optional[key] = req.text(key, None)
    optional["installment_rounding"] = req.text("installment_rounding", None)
    for key in (
        "repayment_day",
        "decimals",
        "grace_principal_periods",
        "grace_interest_periods",
        "interest_free_periods",
        "amortization_periods",
    ):
        optional[key] = req.integer(key, None)
    for key in ("installment_multiple", "principal_percentage", "installment_amount"):
        optional[key] = req.decimal(key, None)
    optional["minimize_last_difference"] = req.boolean("minimize_last_difference", None)
    optional["first_due_date"] = req.date("first_due_date", None)
    if req.raw("frequency", None) is not None:
        optional["frequency"] = _frequency(req.raw("frequency"), "frequency")
    plan = req.raw("principal_plan", None)
    if plan is not None:
        if not isinstance(plan, list):
            raise EngineError("principal_plan", "must be a list of amounts")
        optional["principal_plan"] = tuple(
            _decimal(amount, f"principal_plan[{index}]")
            for index, amount in enumerate(plan)
        )
    return {key: value for key, value in optional.items() if value is not None}


def _loan_terms(req):
    """``(terms, disbursements)`` of a schedule request: ``periods`` derived from
    ``installment_amount`` when it is not given."""
    optional = _optional_terms(req)
    annual, day_count = _rate(req)
    if day_count is not None:
        optional["day_count"] = day_count
    disbursements = _disbursements(req)
    if disbursements is None:
        principal, disbursed = req.decimal("principal"), req.date("disbursement_date")
    else:
        disbursed, principal = disbursements[0]
    derive = not req.has("periods") and "installment_amount" in optional
    terms = ScheduleTerms(
        principal=principal,
        annual_rate=annual,
        periods=1 if derive else req.integer("periods"),
        disbursement_date=disbursed,
        **optional,
    )
    if derive:
        periods = term_for_installment(terms, terms.installment_amount)
        terms = replace(terms, periods=periods)
    return terms, disbursements


def schedule_terms(request):
    """ScheduleTerms and fees from a decoded ``schedule`` request (a dict)."""
    req = _Request(request, "", _SCHEDULE_FIELDS)
    terms, _disbursed = _loan_terms(req)
    fees = req.decimal("fees_at_start", Decimal(0))
    return terms, fees


def _position(terms, schedule, penalty_terms=overdue.DEFAULT_PENALTY_TERMS, fees=()):
    return allocation.position_from_schedule(
        schedule,
        terms.disbursement_date,
        terms.annual_rate,
        day_count=terms.day_count,
        penalty_terms=penalty_terms,
        fees=fees,
        decimals=terms.decimals,
        rounding=terms.rounding,
    )


def _with_tranche(position, terms, amount, on, fees_by_n=None):
    """The position after a further tranche (:func:`allocation.tranche`): the
    installments not yet due replaced by the re-amortized ones, the first of them
    carrying the interest its period earned before ``on`` on the former
    principal, as the Odoo module records it."""
    result = allocation.tranche(position, terms, amount, on)
    kept = list(position.installments[: result.first])
    first_n = position.installments[result.first].n
    start = kept[-1].due_date if kept else position.disbursement_date
    fees_by_n = fees_by_n or {}
    for index, inst in enumerate(result.schedule.installments):
        n = first_n + index
        kept.append(
            allocation.InstallmentPosition(
                n=n,
                due_date=inst.due_date,
                start_date=start,
                principal=inst.principal,
                interest=inst.interest + (result.broken_interest if not index else 0),
                fee=fees_by_n.get(n, Decimal(0)),
            )
        )
        start = inst.due_date
    return replace(position, installments=tuple(kept))


def _paid_as_scheduled(position, on):
    """Projection: every installment due on or before ``on`` paid on its date."""
    installments = tuple(
        replace(
            inst,
            principal_paid=inst.principal,
            interest_paid=inst.interest,
            fee_paid=inst.fee,
        )
        if inst.due_date <= on
        else inst
        for inst in position.installments
    )
    return allocation.refresh_open_from(
        replace(position, installments=installments, accrued_to=on)
    )


def _tranche_rows(terms, schedule, disbursements):
    """Installment rows of a loan disbursed in tranches, each installment paid on
    its due date: ``(n, due_date, days, principal, interest, balance)``."""
    position = _position(terms, schedule)
    for on, amount in disbursements[1:]:
        if on <= terms.disbursement_date:
            raise EngineError("disbursements", "must follow the first disbursement")
        position = _with_tranche(_paid_as_scheduled(position, on), terms, amount, on)
    rows = []
    previous = terms.disbursement_date
    repaid = Decimal(0)
    for inst in position.installments:
        lent = sum((a for d, a in disbursements if d <= inst.due_date), Decimal(0))
        repaid += inst.principal
        rows.append(
            (
                inst.n,
                inst.due_date,
                (inst.due_date - previous).days,
                inst.principal,
                inst.interest,
                lent - repaid,
            )
        )
        previous = inst.due_date
    return rows


def _schedule_response(rows, fees, terms, advances):
    total_principal = sum((row[3] for row in rows), Decimal(0))
    total_interest = sum((row[4] for row in rows), Decimal(0))
    payments = [apr.CashFlow(row[1], row[3] + row[4]) for row in rows]
    rate = apr.annualized_rate(
        [apr.CashFlow(on, amount) for on, amount in advances],
        payments,
        fees,
        apr.periods_per_year(terms.frequency),
        terms.frequency,
    )
    return {
        "installments": [
            {
                "n": n,
                "due_date": due.isoformat(),
                "days": days,
                "principal": _fmt(principal),
                "interest": _fmt(interest),
                "total": _fmt(principal + interest),
                "balance": _fmt(balance),
            }
            for n, due, days, principal, interest, balance in rows
        ],
        "total_principal": _fmt(total_principal),
        "total_interest": _fmt(total_interest),
        "total_payment": _fmt(total_principal + total_interest),
        "annualized_rate": _annualized(rate),
    }


def run_schedule(request):
    """Response of the ``schedule`` command for a decoded request."""
    req = _Request(request, "", _SCHEDULE_FIELDS)
    terms, disbursements = _loan_terms(req)
    fees = req.decimal("fees_at_start", Decimal(0))
    schedule = build_schedule(terms)
    conventions = {"annual_rate": _fmt(terms.annual_rate), "periods": terms.periods}
    if disbursements is not None and len(disbursements) > 1:
        rows = _tranche_rows(terms, schedule, disbursements)
        response = _schedule_response(rows, fees, terms, disbursements)
        return {**response, **conventions}
    rate = apr.annualized_rate_for_schedule(
        schedule,
        terms.principal,
        fees,
        apr.periods_per_year(terms.frequency),
        disbursement_date=terms.disbursement_date,
        frequency=terms.frequency,
    )
    return {
        "installments": [
            {
                "n": item.n,
                "due_date": item.due_date.isoformat(),
                "days": item.days,
                "principal": _fmt(item.principal),
                "interest": _fmt(item.interest),
                "total": _fmt(item.total),
                "balance": _fmt(item.balance),
            }
            for item in schedule.installments
        ],
        "total_principal": _fmt(schedule.total_principal),
        "total_interest": _fmt(schedule.total_interest),
        "total_payment": _fmt(schedule.total_payment),
        "annualized_rate": _annualized(rate),
        **conventions,
    }


# --- servicing ---------------------------------------------------------------------

_SERVICING_FIELDS = {
    "terms",
    "disbursements",
    "payments",
    "charges",
    "as_of",
    "penalty",
    "order",
    "by_installment",
    "apply_credit",
    "prepayment_fee_rate",
}
_PENALTY_FIELDS = {
    "multiplier",
    "penalty_rate",
    "compound",
    "compound_rate",
    "grace_days",
    "day_basis",
}
_COMPONENTS = ("principal", "interest", "fee", "penalty", "compound")


def _penalty_terms(req):
    if not req.has("penalty"):
        return overdue.DEFAULT_PENALTY_TERMS
    pen = _Request(req.raw("penalty"), "penalty", _PENALTY_FIELDS)
    options = {
        "multiplier": pen.decimal("multiplier", None),
        "penalty_rate": pen.decimal("penalty_rate", None),
        "compound": pen.boolean("compound", None),
        "compound_rate": pen.decimal("compound_rate", None),
        "grace_days": pen.integer("grace_days", None),
        "day_basis": pen.integer("day_basis", None),
    }
    try:
        return overdue.PenaltyTerms(
            **{key: value for key, value in options.items() if value is not None}
        )
    except EngineError as error:
        raise EngineError(
            f"penalty.{error.field}", error.message, error.code, error.params
        ) from None


def _charges(req):
    """Fees charged on installments, ``{n: total}``."""
    fees = {}
    if not req.has("charges"):
        return fees
    for item in req.items("charges", {"installment", "amount"}):
        n = item.integer("installment")
        amount = item.decimal("amount")
        if amount < 0:
            raise EngineError(item.name("amount"), "must not be negative")
        fees[n] = fees.get(n, Decimal(0)) + amount
    return fees


def _payments(req):
    payments = []
    if not req.has("payments"):
        return payments
    for item in req.items("payments", {"date", "amount", "reference"}):
        amount = item.decimal("amount")
        if amount <= 0:
            raise EngineError(item.name("amount"), "must be positive")
        payments.append(
            allocation.Payment(item.date("date"), amount, item.text("reference", ""))
        )
    return payments


def _allocation_json(result, places):
    return {
        "date": result.payment_date.isoformat(),
        "amount": _fmt(result.amount, places),
        "lines": [
            {
                "n": line.n,
                "due_date": line.due_date.isoformat(),
                "bucket": line.bucket,
                "component": line.component,
                "amount": _fmt(line.amount, places),
            }
            for line in result.lines
        ],
        "excess": _fmt(result.excess, places),
    }


def _installment_json(inst, as_of, places):
    row = {"n": inst.n, "due_date": inst.due_date.isoformat(), "kind": inst.kind}
    outstanding = Decimal(0)
    for component in _COMPONENTS:
        due, paid = getattr(inst, component), getattr(inst, component + "_paid")
        row[component] = _fmt(due, places)
        row[component + "_paid"] = _fmt(paid, places)
        outstanding += due - paid
    row["outstanding"] = _fmt(outstanding, places)
    if overdue.is_cleared(inst):
        row["status"] = "paid"
    elif inst.due_date < as_of:
        row["status"] = "overdue"
    else:
        row["status"] = "due" if inst.due_date == as_of else "not_due"
    return row


def _serviced_position(req, terms, disbursements, as_of):
    """Replay the payments up to ``as_of``, disbursing the tranches on their
    dates: ``(ReplayResult, allocations)``."""
    options = {
        "order": allocation.check_order(req.raw("order", allocation.DEFAULT_ORDER)),
        "by_installment": req.boolean("by_installment", False),
        "apply_credit": req.boolean("apply_credit", True),
    }
    fees = _charges(req)
    schedule = build_schedule(terms)
    known = {inst.n for inst in schedule.installments}
    position = _position(
        terms,
        schedule,
        _penalty_terms(req),
        [fees.get(inst.n, Decimal(0)) for inst in schedule.installments],
    )
    payments = sorted(_payments(req), key=lambda p: p.on)
    allocations = []
    credit = Decimal(0)
    for on, amount in (disbursements or [])[1:]:
        if on <= terms.disbursement_date:
            raise EngineError("disbursements", "must follow the first disbursement")
        if on > as_of:
            break
        now = [p for p in payments if p.on <= on]
        payments = payments[len(now) :]
        if credit:
            now.insert(0, allocation.Payment(on, credit, "credit carried"))
        result = allocation.replay(position, now, on, **options)
        allocations += result.allocations
        credit = result.credit
        position = _with_tranche(result.position, terms, amount, on, fees)
        known |= {inst.n for inst in position.installments}
    if payments and payments[0].on < position.accrued_to:
        raise EngineError("payments", "a payment is dated before the loan starts")
    if credit:
        payments.insert(0, allocation.Payment(position.accrued_to, credit, "credit"))
    result = allocation.replay(position, payments, as_of, **options)
    unknown = sorted(set(fees) - known)
    if unknown:
        raise EngineError("charges", "names an installment the loan does not have")
    return result, allocations + list(result.allocations)


def run_servicing(request):
    """Response of the ``servicing`` command: the loan replayed to ``as_of``."""
    req = _Request(request, "", _SERVICING_FIELDS)
    terms_req = _Request(
        req.raw("terms"), "terms", _SCHEDULE_FIELDS - {"fees_at_start"}
    )
    if req.has("disbursements"):
        if terms_req.has("disbursements"):
            raise EngineError("terms.disbursements", "appears twice")
        terms_req = _Request(
            {**terms_req.data, "disbursements": req.raw("disbursements")},
            "",
            _SCHEDULE_FIELDS,
        )
    terms, disbursements = _loan_terms(terms_req)
    as_of = req.date("as_of")
    if as_of < terms.disbursement_date:
        raise EngineError("as_of", "must not be before the start date")
    fee_rate = req.decimal("prepayment_fee_rate", Decimal(0))
    result, allocations = _serviced_position(req, terms, disbursements, as_of)
    places = terms.decimals
    position = allocation.settle_to(result.position, as_of)
    status = overdue.overdue_status(result.position, as_of)
    quote = allocation.payoff_quote(result.position, as_of, fee_rate)
    lent = sum(
        (
            a
            for d, a in (disbursements or [(terms.disbursement_date, terms.principal)])
            if d <= as_of
        ),
        Decimal(0),
    )
    return {
        "as_of": as_of.isoformat(),
        "disbursed": _fmt(lent, places),
        "installments": [
            _installment_json(i, as_of, places) for i in position.installments
        ],
        "allocations": [_allocation_json(a, places) for a in allocations],
        "balances": {
            "outstanding_principal": _fmt(position.outstanding_principal, places),
            "overdue_principal": _fmt(status.overdue_principal, places),
            "overdue_interest": _fmt(status.overdue_interest, places),
            "penalty": _fmt(status.penalty, places),
            "compound": _fmt(status.compound, places),
            "fees_due": _fmt(quote.fees, places),
            "days_past_due": status.days_past_due,
            "overdue_installments": status.overdue_installments,
            "credit": _fmt(result.credit, places),
        },
        "payoff": {
            "on": quote.on.isoformat(),
            "principal": _fmt(quote.principal, places),
            "interest": _fmt(quote.interest, places),
            "penalty": _fmt(quote.penalty, places),
            "compound": _fmt(quote.compound, places),
            "fees": _fmt(quote.fees, places),
            "prepayment_fee": _fmt(quote.prepayment_fee, places),
            "total": _fmt(quote.total, places),
        },
    }


# --- apr ---------------------------------------------------------------------------


def _dated_flows(req, key):
    flows = []
    for item in req.items(key, {"date", "amount"}):
        amount = item.decimal("amount")
        if amount < 0:
            raise EngineError(item.name("amount"), "must not be negative")
        flows.append(apr.CashFlow(item.date("date"), amount))
    if not flows:
        raise EngineError(req.name(key), "must not be empty")
    return flows


def _fees(req):
    fees = req.decimal("fees_at_start", Decimal(0))
    if fees < 0:
        raise EngineError("fees_at_start", "must not be negative")
    return fees


def _apr_pboc(req):
    frequency = req.raw("frequency", None)
    ppy = req.decimal("periods_per_year", None)
    if frequency is not None:
        frequency = _frequency(frequency, "frequency")
        if ppy is None:
            ppy = apr.periods_per_year(frequency)
    if ppy is not None and ppy <= 0:
        raise EngineError("periods_per_year", "must be positive")
    result = apr.annualized_rate(
        _dated_flows(req, "advances"),
        _dated_flows(req, "payments"),
        _fees(req),
        ppy if ppy is not None else Decimal(12),
        frequency,
    )
    return {"method": "pboc", **_annualized(result)}


def _apr_eu(req):
    time_basis = req.text("time_basis", "months")
    if time_basis not in ("months", "days"):
        raise EngineError("time_basis", "must be 'months' or 'days'")
    aprc = apr.eu_aprc(
        _dated_flows(req, "advances"),
        _dated_flows(req, "payments"),
        _fees(req),
        time_basis,
    )
    return {
        "method": "eu_aprc",
        "aprc": _fmt(aprc, RATE_PLACES),
        "aprc_percent": _percent(aprc, 1),
    }


def _apr_us(req):
    advanced = req.decimal("amount_advanced")
    if advanced <= 0:
        raise EngineError("amount_advanced", "must be positive")
    fees = _fees(req)
    if fees >= advanced:
        raise EngineError("fees_at_start", "must be less than amount_advanced")
    unit = req.raw("unit_period", "month")
    try:
        default_ppy = apr.unit_periods_per_year(unit)
    except EngineError as error:
        raise EngineError(
            "unit_period", error.message, error.code, error.params
        ) from None
    ppy = req.decimal("unit_periods_per_year", default_ppy)
    if ppy <= 0:
        raise EngineError("unit_periods_per_year", "must be positive")
    start = req.date("consummation_date", None)
    payments = []
    for item in req.items("payments", {"amount", "unit_periods", "fraction", "date"}):
        amount = item.decimal("amount")
        if amount < 0:
            raise EngineError(item.name("amount"), "must not be negative")
        if item.has("date"):
            if item.has("unit_periods") or item.has("fraction"):
                raise EngineError(
                    item.name("date"), "give either a date or unit_periods, not both"
                )
            if start is None:
                raise EngineError(
                    "consummation_date", "is required with dated payments"
                )
            when = item.date("date")
            if when < start:
                raise EngineError(item.name("date"), "precedes the consummation date")
            t, f = apr.unit_period_position(start, when, unit)
        else:
            t = item.integer("unit_periods")
            if t < 0:
                raise EngineError(item.name("unit_periods"), "must not be negative")
            f = item.decimal("fraction", Decimal(0))
            if not 0 <= f < 1:
                raise EngineError(item.name("fraction"), "must be at least 0, below 1")
        payments.append(apr.UnitPeriodFlow(amount, t, f))
    if not payments:
        raise EngineError("payments", "must not be empty")
    result = apr.us_actuarial_apr(
        [apr.UnitPeriodFlow(advanced - fees, 0)], payments, ppy
    )
    return {
        "method": "us_actuarial",
        "apr": _fmt(result.apr, RATE_PLACES),
        "apr_percent": _percent(result.apr, 2),
        "unit_period_rate": _fmt(result.unit_period_rate, RATE_PLACES),
        "unit_periods_per_year": _fmt(result.unit_periods_per_year.normalize()),
    }


_APR_METHODS = {"pboc": _apr_pboc, "eu_aprc": _apr_eu, "us_actuarial": _apr_us}


def run_apr(request):
    """Response of the ``apr`` command for a decoded request."""
    if not isinstance(request, dict):
        raise EngineError("request", "must be a JSON object")
    method = request.get("method")
    if method is None:
        raise EngineError("method", "is required")
    if method not in _APR_METHODS:
        raise EngineError(
            "method", code="one_of", params={"choices": ", ".join(_APR_METHODS)}
        )
    return _APR_METHODS[method](_Request(request, "", _APR_FIELDS[method]))


# --- entry point -------------------------------------------------------------------

COMMANDS = {"schedule": run_schedule, "apr": run_apr, "servicing": run_servicing}


def _reject_constant(name):
    raise ValueError(f"{name} is not a number")


def _unique_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise EngineError(key, "appears twice")
        result[key] = value
    return result


def parse_request(raw):
    """Decode the request bytes: a JSON object, floats read as Decimal."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EngineError("request", "is not UTF-8 text") from None
    try:
        data = json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_reject_constant,
            object_pairs_hook=_unique_keys,
        )
    except EngineError:
        raise
    except (ValueError, RecursionError) as error:
        raise EngineError(
            "request", code="invalid_json", params={"error": str(error)}
        ) from None
    if not isinstance(data, dict):
        raise EngineError("request", "must be a JSON object")
    return data


def _error(field, message):
    return {"error": {"field": field, "message": message}}


def main(argv=None, stdin=None, stdout=None):
    """Run one command; return the exit status (0 ok, 2 bad input, 1 failure)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    stdin = sys.stdin.buffer if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    status = 0
    try:
        if argv in (["-h"], ["--help"]):
            stdout.write(USAGE)
            return 0
        if len(argv) != 1 or argv[0] not in COMMANDS:
            raise EngineError("command", "must be one of: schedule, apr, servicing")
        response = COMMANDS[argv[0]](parse_request(stdin.read()))
    except EngineError as error:
        response, status = _error(error.field, error.message), 2
    except Exception as error:  # the contract: JSON out, never a traceback
        response = _error(None, f"internal error: {type(error).__name__}: {error}")
        status = 1
    json.dump(response, stdout, ensure_ascii=False, indent=None)
    stdout.write("\n")
    return status
