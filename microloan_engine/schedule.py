"""Repayment schedules (还款计划): docs/domain.md §1.1-§1.8.

Money is counted internally in integer minor units (fen) and rates are kept as exact
integer ratios, so every rounding is exact and happens in
:func:`microloan_engine.money.round_div`; amounts are turned back into ``Decimal``
only when the installments are built.

Conventions (see docs/domain.md §1.0):

- Period rate, ``interest_basis="period"``: ``annual_rate × months / 12`` for
  month-based frequencies, ``annual_rate × days / year_days`` for day-based ones
  (360, 365, 365 for ACT/ACT, 360 for 30/360, 364 for ACT/364), whatever the
  calendar length of the period. ``interest_basis="daily"``: each period's interest
  is ``balance × annual_rate × year_fraction(start, due, day_count)``.
- Interest of a period is ``round(balance × period rate)``; the last installment
  takes the remaining principal, so principal sums exactly to the loan amount and
  the final balance is 0.
- ``installment_multiple`` rounds the level installment of ``annuity``,
  ``balloon`` and ``flat`` (Fineract's "installment in multiples of"); the other
  methods have no level installment and ignore it, as Fineract does.
- A principal part is never negative and never more than the balance: if interest
  exceeds the level installment (long actual-day periods, coarse multiples) the
  installment grows to pay the interest.
- ``payment_timing="begin"`` (annuity-due, ``annuity`` and ``equal_principal``
  only): installment 1 is due on the disbursement date and carries no interest;
  installment k pays the interest accrued since installment k-1 on the balance left
  after it. The payment is numpy-financial / OCA ``pmt(..., when="begin")``.
  (OCA account_loan books the same payments but attributes each period's interest
  to the installment that opens it; the amounts paid are identical.)
- First period (``first_period``, docs/domain.md §1.7), when the first period is broken
  (``first_due_date`` or ``repayment_day`` make it longer or shorter than a period):
  "full" charges a regular period's interest; "actual_days" charges
  ``balance × annual_rate × actual days / year`` while the principal part stays the
  regular schedule's; "stub" inserts an interest-only installment for the actual
  days up to the first due date and then the ``periods`` regular installments.
- Grace on principal (``grace_principal_periods`` = k): the first k installments
  pay interest only and the method amortizes over the remaining periods. Grace on
  interest: the interest of the first k installments (and of a stub) is deferred,
  without interest on it, to the next installment. Interest-free periods: the first
  k periods (and a stub) carry rate 0; the annuity payment accounts for them.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from math import gcd

from .dates import FIRST_PERIODS, Frequency, check_date, check_month_end_rule, due_dates
from .daycount import YEAR_DAYS, check_day_count, year_fraction_ratio
from .errors import EngineError
from .money import (
    check_decimals,
    check_rounding,
    from_units,
    round_div,
    to_decimal,
    to_units,
)

METHODS = (
    "annuity",
    "equal_principal",
    "interest_only",
    "bullet",
    "balloon",
    "flat",
    "fixed_principal_percentage",
    "custom",
)
INTEREST_BASES = ("period", "daily")
PAYMENT_TIMINGS = ("end", "begin")
MAX_ANNUAL_RATE = Decimal(10)
MAX_PERIODS = 20000
_CONTEXT = Context(prec=60)


@dataclass(frozen=True)
class ScheduleTerms:
    """Everything a schedule depends on. Money and rates are ``Decimal``
    (``annual_rate`` as a fraction: ``Decimal("0.12")`` for 12%)."""

    principal: Decimal
    annual_rate: Decimal
    periods: int
    disbursement_date: date
    method: str = "annuity"
    frequency: Frequency = Frequency("month", 1)
    first_due_date: date | None = None
    repayment_day: int | None = None
    first_period: str = "full"
    month_end_rule: str = "last_day"
    day_count: str = "ACT/360"
    interest_basis: str = "period"
    rounding: str = "half_up"
    decimals: int = 2
    installment_multiple: Decimal = Decimal("0.01")
    grace_principal_periods: int = 0
    grace_interest_periods: int = 0
    interest_free_periods: int = 0
    amortization_periods: int | None = None
    principal_percentage: Decimal | None = None
    principal_plan: tuple = ()
    payment_timing: str = "end"


@dataclass(frozen=True)
class Installment:
    """One installment; ``balance`` is the principal outstanding after it is paid and
    ``days`` the calendar days since the previous due date (or the disbursement)."""

    n: int
    due_date: date
    days: int
    principal: Decimal
    interest: Decimal
    total: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Schedule:
    """A repayment schedule and its totals."""

    installments: tuple
    total_principal: Decimal
    total_interest: Decimal
    total_payment: Decimal


def _check_int(value, field, minimum, maximum=None):
    if isinstance(value, bool) or not isinstance(value, int):
        raise EngineError(field, "must be an integer")
    if value < minimum:
        raise EngineError(field, code="at_least", params={"minimum": minimum})
    if maximum is not None and value > maximum:
        raise EngineError(field, code="at_most", params={"maximum": maximum})


def _check_choice(value, choices, field):
    if value not in choices:
        raise EngineError(field, code="one_of", params={"choices": ", ".join(choices)})


def _ratio(value):
    numerator, denominator = value.as_integer_ratio()
    return numerator, denominator


def _reduced(numerator, denominator):
    divisor = gcd(numerator, denominator)
    return numerator // divisor, denominator // divisor


def nominal_period_rate(annual_rate, frequency, day_count="ACT/360"):
    """Exact nominal rate of one period as a ``(numerator, denominator)`` pair:
    ``annual × months / 12`` or ``annual × days / year_days(day_count)``."""
    numerator, denominator = _ratio(to_decimal(annual_rate, "annual_rate"))
    if frequency.unit == "month":
        return _reduced(numerator * frequency.every, denominator * 12)
    return _reduced(numerator * frequency.every, denominator * YEAR_DAYS[day_count])


def annuity_payment(principal, period_rate, periods, payment_timing="end"):
    """Unrounded level payment amortizing ``principal`` over ``periods`` at
    ``period_rate`` (``P·i·(1+i)^n / ((1+i)^n − 1)``; annuity-due for "begin"),
    as a ``Decimal`` with 60 significant digits.

    >>> payment = annuity_payment(Decimal(100000), Decimal("0.01"), 12)
    >>> payment.quantize(Decimal("0.0001"))
    Decimal('8884.8789')
    """
    principal = to_decimal(principal, "principal")
    _check_int(periods, "periods", 1)
    _check_choice(payment_timing, PAYMENT_TIMINGS, "payment_timing")
    a, b = _ratio(to_decimal(period_rate, "period_rate"))
    pn, pd = _ratio(principal)
    num, den = _payment_ratio(pn, a, b, periods, 0, payment_timing == "begin")
    return _CONTEXT.divide(Decimal(num), Decimal(den * pd))


def _payment_ratio(principal, a, b, periods, free, begin):
    """Level payment for ``principal`` over ``periods`` at rate ``a/b`` after
    ``free`` interest-free periods, as an exact ratio."""
    if a == 0:
        return principal, periods
    c = a + b
    if begin:
        return principal * a * c ** (periods - 1), c**periods - b**periods
    q = periods - free
    cq = c**q
    return principal * a * cq, free * a * cq + b * (cq - b**q)


def _validate(terms):
    if not isinstance(terms, ScheduleTerms):
        raise EngineError("terms", "must be ScheduleTerms")
    _check_choice(terms.method, METHODS, "method")
    check_rounding(terms.rounding)
    check_decimals(terms.decimals)
    check_day_count(terms.day_count)
    check_month_end_rule(terms.month_end_rule)
    _check_choice(terms.first_period, FIRST_PERIODS, "first_period")
    _check_choice(terms.interest_basis, INTEREST_BASES, "interest_basis")
    _check_choice(terms.payment_timing, PAYMENT_TIMINGS, "payment_timing")
    check_date(terms.disbursement_date, "disbursement_date")
    _check_int(terms.periods, "periods", 1, MAX_PERIODS)
    principal = to_decimal(terms.principal, "principal")
    if principal <= 0:
        raise EngineError("principal", "must be positive")
    rate = to_decimal(terms.annual_rate, "annual_rate")
    if rate < 0:
        raise EngineError("annual_rate", "must not be negative")
    if rate > MAX_ANNUAL_RATE:
        raise EngineError("annual_rate", "must not exceed 10 (1000%)")
    multiple = to_decimal(terms.installment_multiple, "installment_multiple")
    if multiple <= 0:
        raise EngineError("installment_multiple", "must be positive")
    n = terms.periods
    for field in ("grace_principal_periods", "grace_interest_periods"):
        _check_int(getattr(terms, field), field, 0, n - 1)
    _check_int(terms.interest_free_periods, "interest_free_periods", 0, n)
    method = terms.method
    if terms.amortization_periods is not None:
        if method != "balloon":
            raise EngineError(
                "amortization_periods", "only applies to the balloon method"
            )
        _check_int(terms.amortization_periods, "amortization_periods", n, MAX_PERIODS)
    elif method == "balloon":
        raise EngineError("amortization_periods", "is required for a balloon loan")
    if (
        terms.principal_percentage is not None
        and method != "fixed_principal_percentage"
    ):
        raise EngineError(
            "principal_percentage",
            "only applies to the fixed_principal_percentage method",
        )
    if terms.principal_plan and method != "custom":
        raise EngineError("principal_plan", "only applies to the custom method")
    if method == "bullet":
        for field in (
            "grace_principal_periods",
            "grace_interest_periods",
            "interest_free_periods",
        ):
            if getattr(terms, field):
                raise EngineError(field, "does not apply to a bullet loan")
        if terms.first_period == "stub":
            raise EngineError("first_period", "a bullet loan has no stub installment")
    if method == "custom" and terms.grace_principal_periods:
        raise EngineError(
            "grace_principal_periods",
            "a custom plan expresses grace with zero principal amounts",
        )
    if terms.payment_timing == "begin":
        if method not in ("annuity", "equal_principal"):
            raise EngineError(
                "payment_timing",
                "payment in advance applies to annuity and equal_principal only",
            )
        for field in (
            "grace_principal_periods",
            "grace_interest_periods",
            "interest_free_periods",
        ):
            if getattr(terms, field):
                raise EngineError(field, "does not apply to payment in advance")
        if terms.first_due_date is not None or terms.repayment_day is not None:
            raise EngineError(
                "payment_timing",
                "payment in advance starts on the disbursement date: "
                "no first due date or repayment day",
            )
    return principal, rate, multiple


def build_schedule(terms):
    """Build the repayment schedule of ``terms`` (:class:`ScheduleTerms`).

    Raises :class:`EngineError` naming the faulty field for any invalid input.
    """
    principal, rate, multiple = _validate(terms)
    frequency = terms.frequency
    if not isinstance(frequency, Frequency):
        frequency = Frequency.from_spec(frequency)
    decimals = terms.decimals
    rounding = terms.rounding
    method = terms.method
    n = terms.periods
    begin = terms.payment_timing == "begin"
    day_count = terms.day_count
    disbursed = terms.disbursement_date

    p_units = to_units(principal, decimals, "principal")
    # A multiple finer than the currency unit (the default 0.01 in a currency
    # without decimals) means no rounding beyond the currency's own.
    if multiple.scaleb(decimals, _CONTEXT) < 1:
        mult = 1
    else:
        mult = to_units(multiple, decimals, "installment_multiple")
    rate_num, rate_den = _ratio(rate)
    a, b = nominal_period_rate(rate, frequency, day_count)

    due = due_dates(
        disbursed,
        n,
        frequency,
        terms.first_due_date,
        terms.repayment_day,
        terms.first_period,
        terms.month_end_rule,
    )
    regular = due.dates
    if begin:
        regular = (disbursed,) + regular[:-1]
    first_start = due.stub_date or disbursed

    # Interest factor of each regular installment, as an exact (num, den) ratio.
    if terms.interest_basis == "daily":
        rates = []
        start = first_start
        for end in regular:
            yn, yd = year_fraction_ratio(start, end, day_count)
            rates.append((rate_num * yn, rate_den * yd))
            start = end
    else:
        rates = [(a, b)] * n
        if due.broken and terms.first_period == "actual_days":
            yn, yd = year_fraction_ratio(disbursed, regular[0], day_count)
            rates[0] = (rate_num * yn, rate_den * yd)
    if begin:
        rates[0] = (0, 1)
    free = terms.interest_free_periods
    if free:
        rates[:free] = [(0, 1)] * free

    grace = terms.grace_principal_periods if method != "interest_only" else 0
    amortizing = n - grace
    principal_parts = None
    interest_parts = None
    level = None
    if method in ("annuity", "balloon"):
        span = (terms.amortization_periods or n) - grace
        z = min(max(free - grace, 0), span)
        if a and z == span:
            num, den = p_units, span
        else:
            num, den = _payment_ratio(p_units, a, b, span, z, begin)
        level = round_div(num, den * mult, rounding) * mult
    elif method == "equal_principal":
        level = round_div(p_units, amortizing, rounding)
    elif method == "fixed_principal_percentage":
        pct = terms.principal_percentage
        if pct is None:
            raise EngineError("principal_percentage", "is required for this method")
        pct = to_decimal(pct, "principal_percentage")
        if not 0 < pct <= 1:
            raise EngineError("principal_percentage", "must be in (0, 1]")
        pn, pd = _ratio(pct)
        level = round_div(p_units * pn, pd, rounding)
        if level == 0:
            raise EngineError(
                "principal_percentage", "gives installments without principal"
            )
        if level * (amortizing - 1) >= p_units:
            raise EngineError(
                "principal_percentage",
                "repays the loan before its last installment",
            )
    elif method == "custom":
        plan = terms.principal_plan
        if len(plan) != n:
            raise EngineError(
                "principal_plan", code="one_amount_per_period", params={"periods": n}
            )
        principal_parts = [to_units(x, decimals, "principal_plan") for x in plan]
        if any(x < 0 for x in principal_parts):
            raise EngineError("principal_plan", "amounts must not be negative")
        if sum(principal_parts) != p_units:
            raise EngineError("principal_plan", "amounts must sum to the principal")
    elif method == "flat":
        total_rate = sum((Fraction(x, y) for x, y in rates), Fraction(0))
        total_interest = round_div(
            p_units * total_rate.numerator, total_rate.denominator, rounding
        )
        charged = range(free, n)  # flat interest is spread over non-free periods
        interest_parts = [0] * n
        if charged:
            each = round_div(total_interest, len(charged), rounding)
            left = total_interest
            for k in charged[:-1]:
                interest_parts[k] = part = min(each, left)
                left -= part
            interest_parts[charged[-1]] = left
            level = (
                round_div(
                    p_units * len(charged) + total_interest * amortizing,
                    amortizing * len(charged) * mult,
                    rounding,
                )
                * mult
                - each
            )
        else:
            level = round_div(p_units, amortizing * mult, rounding) * mult

    rows = []
    balance = p_units
    last = n - 1
    if method == "bullet":
        total_rate = sum((Fraction(x, y) for x, y in rates), Fraction(0))
        interest = round_div(
            p_units * total_rate.numerator, total_rate.denominator, rounding
        )
        rows.append((regular[-1], p_units, interest, 0))
    else:
        actual_first = (
            due.broken
            and terms.first_period == "actual_days"
            and terms.interest_basis == "period"
        )
        divide = round_div
        append = rows.append
        for k in range(n):
            if interest_parts is not None:
                interest = interest_parts[k] if balance else 0
            else:
                num, den = rates[k]
                interest = divide(balance * num, den, rounding) if num else 0
            if k == last:
                part = balance
            elif k < grace or method == "interest_only":
                part = 0
            else:
                if principal_parts is not None:
                    part = principal_parts[k]
                elif method in ("annuity", "balloon"):
                    if k == 0 and actual_first:
                        # docs/domain.md §1.7 A: the regular schedule's principal.
                        part = level - round_div(balance * a, b, rounding)
                    else:
                        part = level - interest
                else:
                    part = level
                if part < 0:
                    part = 0
                elif part > balance:
                    part = balance
            balance -= part
            append((regular[k], part, interest, balance))

    if due.stub_date is not None:
        num, den = rate_num, rate_den
        yn, yd = year_fraction_ratio(disbursed, due.stub_date, day_count)
        stub_interest = 0 if free else round_div(p_units * num * yn, den * yd, rounding)
        rows.insert(0, (due.stub_date, 0, stub_interest, p_units))

    deferred_rows = terms.grace_interest_periods + (due.stub_date is not None)
    if terms.grace_interest_periods and deferred_rows < len(rows):
        deferred = sum(row[2] for row in rows[:deferred_rows])
        rows[:deferred_rows] = [
            (d, p, 0, bal) for d, p, _i, bal in rows[:deferred_rows]
        ]
        d, p, i, bal = rows[deferred_rows]
        rows[deferred_rows] = (d, p, i + deferred, bal)

    return _make_schedule(rows, disbursed, decimals)


def _make_schedule(rows, disbursed, decimals):
    """Turn ``(due_date, principal, interest, balance)`` unit rows into a
    :class:`Schedule`.

    This is the hot path of a long schedule. A frozen dataclass ``__init__`` costs
    seven ``object.__setattr__`` calls, so installments get their ``__dict__`` in one
    assignment. Amounts are converted as ``unit * count`` (an exact product with the
    exponent of ``unit``), which is cheaper than ``Decimal(count).scaleb(...)``;
    only the interest is converted on every row, the other amounts are derived from
    it, from the previous balance, or from a cache of level amounts (annuity
    payment, equal principal part). The 60-digit context keeps all of it exact.
    """
    unit = Decimal(1).scaleb(-decimals)
    new = object.__new__
    setattr_ = object.__setattr__
    cache = {}
    installments = []
    append = installments.append
    previous = disbursed
    total_principal = total_interest = 0
    balance_dec = None
    with localcontext(_CONTEXT):
        for index, (due_date, part, interest, balance) in enumerate(rows, 1):
            total_principal += part
            total_interest += interest
            interest_dec = unit * interest
            total = part + interest
            total_dec = cache.get(total)
            if total_dec is not None:
                part_dec = total_dec - interest_dec
            else:
                part_dec = cache.get(part)
                if part_dec is None:
                    part_dec = cache[part] = unit * part
                total_dec = cache[total] = part_dec + interest_dec
            if balance_dec is None:
                balance_dec = unit * balance
            else:
                balance_dec = balance_dec - part_dec
            installment = new(Installment)
            setattr_(
                installment,
                "__dict__",
                {
                    "n": index,
                    "due_date": due_date,
                    "days": (due_date - previous).days,
                    "principal": part_dec,
                    "interest": interest_dec,
                    "total": total_dec,
                    "balance": balance_dec,
                },
            )
            append(installment)
            previous = due_date
    return Schedule(
        tuple(installments),
        from_units(total_principal, decimals),
        from_units(total_interest, decimals),
        from_units(total_principal + total_interest, decimals),
    )
