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

import math
from dataclasses import dataclass, replace
from datetime import date
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from math import gcd

from .dates import (
    FIRST_PERIODS,
    Frequency,
    check_date,
    check_month_end_rule,
    due_dates,
    period_fraction,
)
from .daycount import YEAR_DAYS, check_day_count, year_fraction_ratio
from .errors import EngineError
from .money import (
    DIVIDERS,
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
    installment_rounding: str | None = None
    installment_amount: Decimal | None = None
    minimize_last_difference: bool = False


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


def _broken_payment_ratio(principal, a, b, periods, fn, fd):
    """Level payment when the first of ``periods`` periods is ``fn/fd`` periods
    long and charged pro rata (``first_period="pro_rata"``), as an exact ratio:
    ``P·(1 + f·i)·i·(1+i)^(n−1) / ((1+i)^n − 1)``, so that the first period's
    interest ``P·f·i`` is amortized with the rest."""
    if a == 0:
        return principal, periods
    c = a + b
    return (
        principal * (b * fd + fn * a) * a * c ** (periods - 1),
        b * fd * (c**periods - b**periods),
    )


# --- validation --------------------------------------------------------------------


def _validate_choices(terms):
    _check_choice(terms.method, METHODS, "method")
    check_rounding(terms.rounding)
    if terms.installment_rounding is not None:
        check_rounding(terms.installment_rounding, "installment_rounding")
    check_decimals(terms.decimals)
    check_day_count(terms.day_count)
    check_month_end_rule(terms.month_end_rule)
    _check_choice(terms.first_period, FIRST_PERIODS, "first_period")
    _check_choice(terms.interest_basis, INTEREST_BASES, "interest_basis")
    _check_choice(terms.payment_timing, PAYMENT_TIMINGS, "payment_timing")
    check_date(terms.disbursement_date, "disbursement_date")
    _check_int(terms.periods, "periods", 1, MAX_PERIODS)
    if terms.first_period == "pro_rata" and terms.interest_basis != "period":
        raise EngineError("first_period", "pro_rata applies to the period basis only")


def _validate_amounts(terms):
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
    return principal, rate, multiple


def _validate_method_options(terms):
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
    if method == "custom" and terms.grace_principal_periods:
        raise EngineError(
            "grace_principal_periods",
            "a custom plan expresses grace with zero principal amounts",
        )


def _validate_level_options(terms):
    if terms.installment_amount is not None:
        if terms.method != "annuity":
            raise EngineError(
                "installment_amount", "applies to the annuity method only"
            )
        amount = to_decimal(terms.installment_amount, "installment_amount")
        if amount <= 0:
            raise EngineError("installment_amount", "must be positive")
    if not isinstance(terms.minimize_last_difference, bool):
        raise EngineError("minimize_last_difference", "must be true or false")
    if terms.minimize_last_difference:
        if terms.method != "annuity":
            raise EngineError(
                "minimize_last_difference", "applies to the annuity method only"
            )
        if terms.installment_amount is not None:
            raise EngineError(
                "minimize_last_difference", "cannot be combined with installment_amount"
            )


_NOT_FOR_BULLET_OR_BEGIN = (
    "grace_principal_periods",
    "grace_interest_periods",
    "interest_free_periods",
)


def _validate_timing(terms):
    if terms.method == "bullet":
        for field in _NOT_FOR_BULLET_OR_BEGIN:
            if getattr(terms, field):
                raise EngineError(field, "does not apply to a bullet loan")
        if terms.first_period == "stub":
            raise EngineError("first_period", "a bullet loan has no stub installment")
    if terms.payment_timing != "begin":
        return
    if terms.method not in ("annuity", "equal_principal"):
        raise EngineError(
            "payment_timing",
            "payment in advance applies to annuity and equal_principal only",
        )
    for field in _NOT_FOR_BULLET_OR_BEGIN:
        if getattr(terms, field):
            raise EngineError(field, "does not apply to payment in advance")
    if terms.first_due_date is not None or terms.repayment_day is not None:
        raise EngineError(
            "payment_timing",
            "payment in advance starts on the disbursement date: "
            "no first due date or repayment day",
        )


def _validate(terms):
    if not isinstance(terms, ScheduleTerms):
        raise EngineError("terms", "must be ScheduleTerms")
    _validate_choices(terms)
    principal, rate, multiple = _validate_amounts(terms)
    _validate_method_options(terms)
    _validate_timing(terms)
    _validate_level_options(terms)
    return principal, rate, multiple


# --- the steps of build_schedule ---------------------------------------------------


class _Plan:
    """Working values of one schedule: money in minor units, rates as exact
    ``(numerator, denominator)`` ratios, one per regular installment."""

    __slots__ = (
        "terms",
        "n",
        "decimals",
        "rounding",
        "level_rounding",
        "p_units",
        "mult",
        "rate_num",
        "rate_den",
        "a",
        "b",
        "due",
        "regular",
        "rates",
        "first_factor",
        "actual_first",
        "free",
        "grace",
        "amortizing",
    )


def _multiple_units(multiple, decimals):
    # A multiple finer than the currency unit (the default 0.01 in a currency
    # without decimals) means no rounding beyond the currency's own.
    if multiple.scaleb(decimals, _CONTEXT) < 1:
        return 1
    return to_units(multiple, decimals, "installment_multiple")


def _period_rates(plan, frequency):
    """Interest factor of each regular installment, and the pro rata factor of a
    broken first period (or None)."""
    terms = plan.terms
    due = plan.due
    regular = plan.regular
    rate_num, rate_den = plan.rate_num, plan.rate_den
    day_count = terms.day_count
    first_factor = None
    if terms.interest_basis == "daily":
        rates = []
        start = due.stub_date or terms.disbursement_date
        for end in regular:
            yn, yd = year_fraction_ratio(start, end, day_count)
            rates.append((rate_num * yn, rate_den * yd))
            start = end
    else:
        rates = [(plan.a, plan.b)] * plan.n
        if due.broken and terms.first_period == "actual_days":
            yn, yd = year_fraction_ratio(terms.disbursement_date, regular[0], day_count)
            rates[0] = (rate_num * yn, rate_den * yd)
        elif due.broken and terms.first_period == "pro_rata":
            day = terms.repayment_day or (terms.first_due_date or regular[0]).day
            first_factor = _reduced(
                *period_fraction(
                    terms.disbursement_date,
                    regular[0],
                    frequency,
                    day,
                    terms.month_end_rule,
                )
            )
            rates[0] = (plan.a * first_factor[0], plan.b * first_factor[1])
    if terms.payment_timing == "begin":
        rates[0] = (0, 1)
    if plan.free:
        rates[: plan.free] = [(0, 1)] * plan.free
    return rates, first_factor


def _plan(terms, principal, rate, multiple):
    plan = _Plan()
    plan.terms = terms
    frequency = terms.frequency
    if not isinstance(frequency, Frequency):
        frequency = Frequency.from_spec(frequency)
    plan.n = n = terms.periods
    plan.decimals = terms.decimals
    plan.rounding = terms.rounding
    plan.level_rounding = terms.installment_rounding or terms.rounding
    plan.p_units = to_units(principal, terms.decimals, "principal")
    plan.mult = _multiple_units(multiple, terms.decimals)
    plan.rate_num, plan.rate_den = _ratio(rate)
    plan.a, plan.b = nominal_period_rate(rate, frequency, terms.day_count)
    disbursed = terms.disbursement_date
    plan.due = due = due_dates(
        disbursed,
        n,
        frequency,
        terms.first_due_date,
        terms.repayment_day,
        terms.first_period,
        terms.month_end_rule,
    )
    regular = due.dates
    if terms.payment_timing == "begin":
        regular = (disbursed,) + regular[:-1]
    plan.regular = regular
    plan.free = terms.interest_free_periods
    plan.rates, plan.first_factor = _period_rates(plan, frequency)
    plan.actual_first = (
        due.broken
        and terms.first_period == "actual_days"
        and terms.interest_basis == "period"
    )
    plan.grace = terms.grace_principal_periods if terms.method != "interest_only" else 0
    plan.amortizing = n - plan.grace
    return plan


def _level_annuity(plan):
    """Level payment of ``annuity`` and ``balloon`` (docs/domain.md §1.1, §1.6)."""
    terms = plan.terms
    if terms.installment_amount is not None:
        return _fixed_installment(plan), None, None
    a, b, grace = plan.a, plan.b, plan.grace
    span = (terms.amortization_periods or plan.n) - grace
    z = min(max(plan.free - grace, 0), span)
    if a and z == span:
        num, den = plan.p_units, span
    elif plan.first_factor is not None and not grace and not plan.free:
        num, den = _broken_payment_ratio(plan.p_units, a, b, span, *plan.first_factor)
    else:
        begin = terms.payment_timing == "begin"
        num, den = _payment_ratio(plan.p_units, a, b, span, z, begin)
    mult = plan.mult
    level = round_div(num, den * mult, plan.level_rounding) * mult
    if terms.minimize_last_difference:
        level = _balanced_level(plan, level)
    return level, None, None


def _fixed_installment(plan):
    """The level installment given as ``installment_amount``; it must pay more than
    the interest of a period on the principal."""
    terms = plan.terms
    level = to_units(terms.installment_amount, plan.decimals, "installment_amount")
    num, den = plan.rates[plan.grace] if plan.grace < plan.n else (0, 1)
    interest = max(
        round_div(plan.p_units * plan.a, plan.b, plan.rounding),
        round_div(plan.p_units * num, den, plan.rounding),
    )
    if level <= interest:
        raise EngineError(
            "installment_amount", "does not cover the interest of a period"
        )
    return level


def _level_equal_principal(plan):
    return round_div(plan.p_units, plan.amortizing, plan.level_rounding), None, None


def _level_percentage(plan):
    pct = plan.terms.principal_percentage
    if pct is None:
        raise EngineError("principal_percentage", "is required for this method")
    pct = to_decimal(pct, "principal_percentage")
    if not 0 < pct <= 1:
        raise EngineError("principal_percentage", "must be in (0, 1]")
    pn, pd = _ratio(pct)
    level = round_div(plan.p_units * pn, pd, plan.level_rounding)
    if level == 0:
        raise EngineError(
            "principal_percentage", "gives installments without principal"
        )
    if level * (plan.amortizing - 1) >= plan.p_units:
        raise EngineError(
            "principal_percentage",
            "repays the loan before its last installment",
        )
    return level, None, None


def _plan_custom(plan):
    terms, n = plan.terms, plan.n
    if len(terms.principal_plan) != n:
        raise EngineError(
            "principal_plan", code="one_amount_per_period", params={"periods": n}
        )
    parts = [to_units(x, plan.decimals, "principal_plan") for x in terms.principal_plan]
    if any(x < 0 for x in parts):
        raise EngineError("principal_plan", "amounts must not be negative")
    if sum(parts) != plan.p_units:
        raise EngineError("principal_plan", "amounts must sum to the principal")
    return None, parts, None


def _total_interest(plan):
    """Interest of the whole term on the principal: ``P × Σ period rates``."""
    total_rate = sum((Fraction(x, y) for x, y in plan.rates), Fraction(0))
    return round_div(
        plan.p_units * total_rate.numerator, total_rate.denominator, plan.rounding
    )


def _level_flat(plan):
    """等本等息 (docs/domain.md §1.8): the interest of the whole term spread evenly
    over the periods that are not interest-free."""
    n, free, mult, rounding = plan.n, plan.free, plan.mult, plan.rounding
    p_units, amortizing = plan.p_units, plan.amortizing
    total_interest = _total_interest(plan)
    charged = range(free, n)
    interest_parts = [0] * n
    if not charged:
        level = round_div(p_units, amortizing * mult, plan.level_rounding) * mult
        return level, None, interest_parts
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
            plan.level_rounding,
        )
        * mult
        - each
    )
    return level, None, interest_parts


def _level_none(plan):
    return None, None, None


_LEVELS = {
    "annuity": _level_annuity,
    "balloon": _level_annuity,
    "equal_principal": _level_equal_principal,
    "fixed_principal_percentage": _level_percentage,
    "custom": _plan_custom,
    "flat": _level_flat,
    "interest_only": _level_none,
    "bullet": _level_none,
}


def _amortize(plan, level, principal_parts, interest_parts):
    """``(due_date, principal, interest, balance)`` unit rows of the regular
    installments. This loop is the hot path of a long schedule."""
    rows = []
    append = rows.append
    balance = plan.p_units
    n = plan.n
    last = n - 1
    rates = plan.rates
    regular = plan.regular
    divide = DIVIDERS[plan.rounding]
    method = plan.terms.method
    no_principal = n if method == "interest_only" else plan.grace
    by_interest = method in ("annuity", "balloon") and principal_parts is None
    actual_first = plan.actual_first
    for k in range(n):
        if interest_parts is not None:
            interest = interest_parts[k] if balance else 0
        else:
            num, den = rates[k]
            interest = divide(balance * num, den) if num else 0
        if k == last:
            part = balance
        elif k < no_principal:
            part = 0
        else:
            if principal_parts is not None:
                part = principal_parts[k]
            elif not by_interest:
                part = level
            elif k == 0 and actual_first:
                # docs/domain.md §1.7 A: the regular schedule's principal.
                part = level - divide(balance * plan.a, plan.b)
            else:
                part = level - interest
            if part < 0:
                part = 0
            elif part > balance:
                part = balance
        balance -= part
        append((regular[k], part, interest, balance))
    return rows


def _balanced_level(plan, level):
    """The multiple of ``installment_multiple`` near ``level`` that makes the last
    installment closest to the others (``minimize_last_difference``).

    The gap (last installment − level) falls as the level rises, almost linearly:
    a secant step from two levels lands next to where it crosses zero, and the
    levels around that point are compared. On a tie the rounded level is kept.
    """
    mult = plan.mult

    def gap(candidate):
        _due, part, interest, _balance = _amortize(plan, candidate, None, None)[-1]
        return part + interest - candidate

    seen = {level: gap(level)}
    step = mult if seen[level] > 0 else -mult
    if level + step > 0:
        seen[level + step] = gap(level + step)
        slope = seen[level + step] - seen[level]
        if slope:
            # gap(level + x·step) ≈ gap(level) + x·slope = 0
            if slope < 0:
                x = round_div(seen[level], -slope)
            else:
                x = round_div(-seen[level], slope)
            target = level + step * x
            for candidate in (target - mult, target, target + mult):
                if candidate > 0 and candidate not in seen:
                    seen[candidate] = gap(candidate)
    best = level
    for candidate, candidate_gap in seen.items():
        if abs(candidate_gap) < abs(seen[best]):
            best = candidate
    return best


def _bullet_rows(plan):
    """One row: the principal and the whole term's interest at maturity (§1.4)."""
    return [(plan.regular[-1], plan.p_units, _total_interest(plan), 0)]


def _add_stub(plan, rows):
    """Insert the interest-only stub installment (first_period "stub")."""
    stub_date = plan.due.stub_date
    if stub_date is None:
        return
    yn, yd = year_fraction_ratio(
        plan.terms.disbursement_date, stub_date, plan.terms.day_count
    )
    stub_interest = (
        0
        if plan.free
        else round_div(
            plan.p_units * plan.rate_num * yn, plan.rate_den * yd, plan.rounding
        )
    )
    rows.insert(0, (stub_date, 0, stub_interest, plan.p_units))


def _defer_interest(plan, rows):
    """Grace on interest: the interest of the first k rows (and of a stub) moves,
    without interest on it, to the next row."""
    grace = plan.terms.grace_interest_periods
    deferred_rows = grace + (plan.due.stub_date is not None)
    if not grace or deferred_rows >= len(rows):
        return
    deferred = sum(row[2] for row in rows[:deferred_rows])
    rows[:deferred_rows] = [(d, p, 0, bal) for d, p, _i, bal in rows[:deferred_rows]]
    d, p, i, bal = rows[deferred_rows]
    rows[deferred_rows] = (d, p, i + deferred, bal)


def _check_fixed_installment_term(plan, rows):
    """With ``installment_amount``, the term must not outlast the loan."""
    if plan.terms.installment_amount is not None and len(rows) > 1:
        if rows[-2][3] == 0:
            raise EngineError("periods", "repays the loan before its last installment")


def build_schedule(terms):
    """Build the repayment schedule of ``terms`` (:class:`ScheduleTerms`).

    The steps: validate, derive the unit amounts and period rates (:func:`_plan`),
    the method's level amount (:data:`_LEVELS`), the regular rows
    (:func:`_amortize`), then the stub and deferred interest.

    Raises :class:`EngineError` naming the faulty field for any invalid input.
    """
    principal, rate, multiple = _validate(terms)
    plan = _plan(terms, principal, rate, multiple)
    level, principal_parts, interest_parts = _LEVELS[terms.method](plan)
    if terms.method == "bullet":
        rows = _bullet_rows(plan)
    else:
        rows = _amortize(plan, level, principal_parts, interest_parts)
        _check_fixed_installment_term(plan, rows)
    _add_stub(plan, rows)
    _defer_interest(plan, rows)
    return _make_schedule(rows, terms.disbursement_date, plan.decimals)


def term_for_installment(terms, installment_amount):
    """Number of periods that a fixed ``installment_amount`` takes to repay
    ``terms`` (annuity; ``terms.periods`` is ignored): the fewest periods whose last
    installment is at most the amount. Build the schedule with
    ``replace(terms, periods=n, installment_amount=installment_amount)``.

    Raises :class:`EngineError` for ``installment_amount`` when it does not pay
    more than a period's interest on the principal.

    >>> t = ScheduleTerms(Decimal(100000), Decimal("0.12"), 1, date(2025, 1, 10))
    >>> term_for_installment(t, Decimal("8884.88"))
    12
    """
    amount = to_decimal(installment_amount, "installment_amount")
    base = replace(terms, periods=max(terms.grace_principal_periods + 1, 1))
    base = replace(base, installment_amount=amount)
    build_schedule(base)  # validates, and refuses an amount below the interest

    def fits(periods):
        try:
            schedule = build_schedule(replace(base, periods=periods))
        except EngineError as error:
            if error.code == "repays_loan_before_last_installment":
                return True
            raise
        return schedule.installments[-1].total <= amount

    periods = _term_estimate(base, amount)
    low = base.periods
    while periods > low and fits(periods - 1):
        periods -= 1
    while not fits(periods):
        if periods >= MAX_PERIODS:
            raise EngineError(
                "installment_amount", "does not cover the interest of a period"
            )
        periods += 1
    return periods


def _term_estimate(terms, amount):
    """Float estimate of the annuity term ``−log(1 − P·i/M) / log(1 + i)``, plus
    the grace and interest-free periods; :func:`term_for_installment` settles it
    exactly."""
    frequency = Frequency.from_spec(terms.frequency)
    a, b = nominal_period_rate(terms.annual_rate, frequency, terms.day_count)
    i = a / b
    principal = float(terms.principal)
    extra = terms.grace_principal_periods + terms.interest_free_periods
    if i == 0:
        estimate = math.ceil(principal / float(amount))
    else:
        ratio = principal * i / float(amount)
        if ratio >= 1:
            return terms.periods
        estimate = math.ceil(-math.log(1 - ratio) / math.log(1 + i) - 1e-9)
    return min(max(estimate + extra, terms.periods), MAX_PERIODS)


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
