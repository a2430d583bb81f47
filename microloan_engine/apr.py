"""Rates a borrower is shown: PBOC annualized rate, EU APRC, US Reg Z APR, rate caps.

- :func:`annualized_rate` / :func:`annualized_rate_for_schedule`: the annualized rate
  of 中国人民银行公告〔2021〕第3号 (docs/domain.md §3.6), fees included. Periodic flows
  use the per-period IRR: simple (单利) = IRR × periods per year, compound (复利) =
  (1 + IRR)^periods − 1. Irregular dates use XIRR (365-day year) as the compound
  rate and its nominal equivalent as the simple rate.
- :func:`eu_aprc`: the APRC of CCD 2008/48/EC and MCD 2014/17/EU Annex I.
- :func:`us_actuarial_apr`: Regulation Z Appendix J actuarial method.
- :func:`check_rate_caps`: 24% ceiling and 4 × 1-year LPR target (docs/domain.md §3.5).

The time-value-of-money functions (``pmt``, ``irr``, ``xirr``...) live in
:mod:`microloan_engine.tvm` and are re-exported here.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .dates import Frequency, add_months, check_date, days_in_month, month_date
from .errors import EngineError
from .tvm import (
    CashFlow,
    cumipmt,
    cumprinc,
    decimal_context,
    effect,
    find_rate,
    fv,
    ipmt,
    irr,
    nominal,
    nper,
    npv,
    number,
    pmt,
    ppmt,
    pv,
    rate,
    solve_discount_rate,
    xirr,
    xnpv,
)

__all__ = [
    "DEFAULT_LPR_1Y",
    "ActuarialApr",
    "AnnualizedRate",
    "CashFlow",
    "RateCapCheck",
    "UnitPeriodFlow",
    "annualized_rate",
    "annualized_rate_for_schedule",
    "check_rate_caps",
    "cumipmt",
    "cumprinc",
    "effect",
    "eu_aprc",
    "eu_aprc_from_times",
    "fv",
    "ipmt",
    "irr",
    "lpr_cap",
    "lpr_on",
    "nominal",
    "nper",
    "npv",
    "periods_per_year",
    "pmt",
    "ppmt",
    "pv",
    "rate",
    "unit_period_position",
    "unit_periods_per_year",
    "us_actuarial_apr",
    "xirr",
    "xnpv",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)


# --- PBOC 2021 annualized rate -----------------------------------------------------


@dataclass(frozen=True)
class AnnualizedRate:
    """Annualized rate per PBOC 公告〔2021〕第3号.

    ``simple`` (单利) and ``compound`` (复利) are fractions (0.128 is 12.8%).
    ``period_rate`` is the IRR per period (for dated flows: the per-period rate
    equivalent to ``compound``). ``method`` is ``"irr"`` for flows on whole periods
    and ``"xirr"`` for irregular dates.
    """

    simple: Decimal
    compound: Decimal
    period_rate: Decimal
    periods_per_year: Decimal
    method: str


def periods_per_year(frequency):
    """Periods per year of a repayment frequency: 12/N for every N months, 365/N for
    every N days (weekly 365/7, so a 12% ACT/365 weekly loan shows 12.00%)."""
    frequency = Frequency.from_spec(frequency)
    with decimal_context():
        if frequency.unit == "month":
            return Decimal(12) / frequency.every
        return Decimal(365) / frequency.every


def _frequency_for(ppy):
    """The period matching ``ppy`` periods a year, or None if there is none."""
    if ppy == ppy.to_integral_value():
        whole = int(ppy)
        if 12 % whole == 0:
            return Frequency("month", 12 // whole)
        if whole in (52, 26):
            return Frequency("day", 7 * 52 // whole)
    days = (Decimal(365) / ppy).to_integral_value()
    if days >= 1 and abs(days * ppy - 365) < Decimal("1e-20"):
        return Frequency("day", int(days))
    return None


def _period_index(origin, when, frequency):
    """Whole number of periods from ``origin`` to ``when``, or None."""
    if frequency.unit == "day":
        days = (when - origin).days
        return days // frequency.every if days % frequency.every == 0 else None
    months = (when.year - origin.year) * 12 + when.month - origin.month
    if months % frequency.every or add_months(origin, months) != when:
        return None
    return months // frequency.every


def _positive_flows(flows, field, allow_zero=True):
    result = []
    for item in flows:
        if isinstance(item, CashFlow):
            when, amount = item.date, item.amount
        else:
            when, amount = item
        check_date(when, field)
        amount = number(amount, field)
        if amount < 0 or (amount == 0 and not allow_zero):
            raise EngineError(field, "amounts must be positive")
        result.append((when, amount))
    return result


def _lender_flows(advances, payments, fees_at_start):
    """Signed flows, lender's view: advances out (−), payments and fees in (+)."""
    advances = _positive_flows(advances, "advances", allow_zero=False)
    payments = _positive_flows(payments, "payments")
    if not advances:
        raise EngineError("advances", "at least one advance is needed")
    if not any(amount for _, amount in payments):
        raise EngineError("payments", "at least one payment is needed")
    fees = number(fees_at_start, "fees_at_start")
    if fees < 0:
        raise EngineError("fees_at_start", "must not be negative")
    origin = min(when for when, _ in advances)
    first_advance = sum(amount for when, amount in advances if when == origin)
    if fees >= first_advance:
        raise EngineError("fees_at_start", "must be less than the first advance")
    if any(when < origin for when, _ in payments):
        raise EngineError("payments", "a payment precedes the first advance")
    flows = [(when, -amount) for when, amount in advances]
    flows += [(when, amount) for when, amount in payments if amount]
    if fees:
        flows.append((origin, fees))
    return origin, flows


def annualized_rate(
    advances, payments, fees_at_start=0, periods_per_year=12, frequency=None
):
    """Annualized rate (PBOC 2021) of dated flows.

    ``advances`` (money the borrower receives) and ``payments`` (money the borrower
    pays: principal, interest, fees) are sequences of :class:`CashFlow` or
    ``(date, amount)`` with positive amounts. ``fees_at_start`` are fees paid or
    deducted at the first advance: the principal actually used is the advance less
    these fees.

    If every date lies a whole number of periods (``frequency``, by default the one
    matching ``periods_per_year``) after the first advance, the per-period IRR gives
    simple = IRR × periods_per_year and compound = (1 + IRR)^periods_per_year − 1.
    Otherwise compound is the XIRR (365-day year) and simple its nominal rate with
    ``periods_per_year`` compounding.

    >>> from datetime import date
    >>> from decimal import Decimal
    >>> pays = [(add_months(date(2021, 3, 12), k), Decimal("8833.3"))
    ...         for k in range(1, 13)]
    >>> r = annualized_rate([(date(2021, 3, 12), 100000)], pays, fees_at_start=1000)
    >>> r.simple.quantize(Decimal("0.0001")), r.compound.quantize(Decimal("0.0001"))
    (Decimal('0.1280'), Decimal('0.1358'))
    """
    with decimal_context():
        ppy = number(periods_per_year, "periods_per_year")
        if ppy <= 0:
            raise EngineError("periods_per_year", "must be positive")
        frequency = (
            Frequency.from_spec(frequency) if frequency is not None else None
        ) or _frequency_for(ppy)
        origin, flows = _lender_flows(advances, payments, fees_at_start)
        indices = None
        if frequency is not None:
            indices = [_period_index(origin, when, frequency) for when, _ in flows]
        if indices is not None and None not in indices:
            period_rate = solve_discount_rate(
                [Decimal(k) for k in indices],
                [amount for _, amount in flows],
                Decimal("0.01"),
                "payments",
            )
            return AnnualizedRate(
                simple=+(period_rate * ppy),
                compound=+((1 + period_rate) ** ppy - 1),
                period_rate=period_rate,
                periods_per_year=ppy,
                method="irr",
            )
        annual = xirr(flows, guess=Decimal("0.1"))
        period_rate = +((1 + annual) ** (1 / ppy) - 1)
        return AnnualizedRate(
            simple=+(period_rate * ppy),
            compound=annual,
            period_rate=period_rate,
            periods_per_year=ppy,
            method="xirr",
        )


def annualized_rate_for_schedule(
    schedule,
    principal,
    fees_at_start=0,
    periods_per_year=12,
    *,
    disbursement_date=None,
    frequency=None,
):
    """Annualized rate (PBOC 2021) of a :class:`~microloan_engine.schedule.Schedule`.

    The borrower receives ``principal`` at ``disbursement_date`` (by default the first
    installment's due date less its ``days``) and pays each installment's ``total``
    on its due date; ``fees_at_start`` are borne at disbursement. See
    :func:`annualized_rate`.
    """
    installments = schedule.installments
    if not installments:
        raise EngineError("schedule", "has no installments")
    if disbursement_date is None:
        first = installments[0]
        disbursement_date = date.fromordinal(first.due_date.toordinal() - first.days)
    payments = [CashFlow(i.due_date, i.total) for i in installments]
    return annualized_rate(
        [CashFlow(disbursement_date, number(principal, "principal"))],
        payments,
        fees_at_start,
        periods_per_year,
        frequency,
    )


# --- EU APRC ----------------------------------------------------------------------


def _whole_months_before(origin, when):
    months = (when.year - origin.year) * 12 + when.month - origin.month
    while months > 0 and add_months(origin, months) > when:
        months -= 1
    return months


def eu_aprc_from_times(advances, payments):
    """APRC X solving Σ advances·(1+X)^−t = Σ payments·(1+X)^−t.

    ``advances`` and ``payments`` are sequences of ``(t, amount)`` with ``t`` in
    years from the first drawdown; fees paid at signing are payments at t = 0.
    """
    with decimal_context():
        times, amounts = [], []
        for field, sign, flows in (
            ("advances", -1, advances),
            ("payments", 1, payments),
        ):
            for t, amount in flows:
                t, amount = number(t, field), number(amount, field)
                if t < 0:
                    raise EngineError(field, "times must not be negative")
                if amount < 0:
                    raise EngineError(field, "amounts must be positive")
                times.append(t)
                amounts.append(sign * amount)
        return solve_discount_rate(times, amounts, Decimal("0.05"), "payments")


def eu_aprc(
    advances,
    payments,
    fees_at_start=0,
    time_basis="months",
    day_basis=Decimal("365.25"),
):
    """Annual percentage rate of charge (EU consumer and mortgage credit directives).

    Times run from the first drawdown. ``time_basis="months"`` counts whole months as
    twelfths of a year and the remaining days over ``day_basis``; ``"days"`` counts
    every interval in days over ``day_basis`` (365.25, as the Commission's examples).
    ``fees_at_start`` are paid at signing: a payment at t = 0. Returns a fraction
    (0.064 is 6.4%), unrounded.
    """
    if time_basis not in ("months", "days"):
        raise EngineError("time_basis", "must be 'months' or 'days'")
    with decimal_context():
        basis = number(day_basis, "day_basis")
        if basis <= 0:
            raise EngineError("day_basis", "must be positive")
        origin, flows = _lender_flows(advances, payments, fees_at_start)
        times, amounts = [], []
        for when, amount in flows:
            if time_basis == "months":
                months = _whole_months_before(origin, when)
                rest = (when - add_months(origin, months)).days
                times.append(Decimal(months) / 12 + rest / basis)
            else:
                times.append((when - origin).days / basis)
            amounts.append(amount)
        return solve_discount_rate(times, amounts, Decimal("0.05"), "payments")


# --- US Regulation Z, Appendix J ---------------------------------------------------


@dataclass(frozen=True)
class UnitPeriodFlow:
    """An advance or payment placed as Appendix J does: ``unit_periods`` whole
    unit-periods (t) plus a ``fraction`` of one (f), from the start of the term."""

    amount: Decimal
    unit_periods: int
    fraction: Decimal = Decimal(0)


@dataclass(frozen=True)
class ActuarialApr:
    """APR by the actuarial method: ``apr`` = ``unit_period_rate`` ×
    ``unit_periods_per_year`` (fractions, unrounded; disclose to 2 decimals of %)."""

    apr: Decimal
    unit_period_rate: Decimal
    unit_periods_per_year: Decimal


_UNIT_PERIODS = {
    "day": ("day", 1),
    "week": ("day", 7),
    "biweek": ("day", 14),
    "semimonth": ("semimonth", 1),
    "month": ("month", 1),
    "quarter": ("month", 3),
    "semiannual": ("month", 6),
    "year": ("year", 1),
}


def _unit_period(unit):
    if isinstance(unit, str) and unit in _UNIT_PERIODS:
        return _UNIT_PERIODS[unit]
    if isinstance(unit, dict) and len(unit) == 1:
        ((key, count),) = unit.items()
        valid = isinstance(count, int) and not isinstance(count, bool)
        if key == "weeks" and valid and count >= 1:
            return ("day", 7 * count)
        if key == "months" and valid and 1 <= count <= 11:
            return ("month", count)
    raise EngineError(
        "unit_period",
        code="unit_period_choice",
        params={"choices": ", ".join(_UNIT_PERIODS)},
    )


def unit_periods_per_year(unit):
    """Unit-periods per year (Appendix J (b)(4)): day 365, week 52 (52/N for N
    weeks), semimonth 24, month 12 (12/N for N months), year 1."""
    kind, count = _unit_period(unit)
    with decimal_context():
        if kind == "day":
            return Decimal(365) if count == 1 else Decimal(52) / (count // 7)
        if kind == "semimonth":
            return Decimal(24)
        if kind == "month":
            return Decimal(12) / count
        return _ONE


def _is_month_end(d):
    return d.day == days_in_month(d.year, d.month)


def _months_back(later, earlier, step=1):
    """Whole multiples of ``step`` months measured back from ``later`` without passing
    ``earlier``, and the date reached. Between two month ends, months run from month
    end to month end."""
    day = 31 if _is_month_end(later) and _is_month_end(earlier) else later.day
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    months -= months % step
    while months > 0 and month_date(later.year, later.month - months, day) < earlier:
        months -= step
    months = max(months, 0)
    return months, month_date(later.year, later.month - months, day)


def unit_period_position(start, when, unit="month"):
    """``(t, f)`` of ``when`` from ``start`` per Appendix J (b)(5).

    Month unit-periods: full months measured back from the later date (between two
    month ends, month end to month end); the odd days left over, divided by 30, are
    the fraction. Semimonths and multi-month periods: 30 days a full month plus the
    odd days, divided by 15 or 30 × months. Years: full years back, odd days / 365.
    Days and weeks: days / days per unit-period.
    """
    check_date(start, "start")
    check_date(when, "when")
    if when < start:
        raise EngineError("when", "must not precede the start of the term")
    kind, count = _unit_period(unit)
    with decimal_context():
        if kind == "day":
            days = (when - start).days
            return days // count, Decimal(days % count) / count
        if kind == "year":
            months, back = _months_back(when, start, 12)
            return months // 12, Decimal((back - start).days) / 365
        months, back = _months_back(when, start)
        odd = (back - start).days
        if kind == "month" and count == 1:
            return months, Decimal(odd) / 30
        days = 30 * months + odd
        length = 15 if kind == "semimonth" else 30 * count
        return days // length, Decimal(days % length) / length


def _unit_flows(flows, field):
    result = []
    for flow in flows:
        amount = number(flow.amount, field)
        t = flow.unit_periods
        if isinstance(t, bool) or not isinstance(t, int) or t < 0:
            raise EngineError(
                field, "unit_periods must be a whole number, not negative"
            )
        f = number(flow.fraction, field)
        if not 0 <= f < 1:
            raise EngineError(field, "fraction must be at least 0 and below 1")
        if amount < 0:
            raise EngineError(field, "amounts must be positive")
        result.append((amount, t, f))
    return result


def us_actuarial_apr(advances, payments, unit_periods_per_year):
    """APR by the actuarial method of Regulation Z Appendix J (b)(8).

    Solves Σ A_k / ((1 + e_k·i)(1 + i)^q_k) = Σ P_j / ((1 + f_j·i)(1 + i)^t_j) for the
    unit-period rate i: odd fractions earn simple interest (1 + f·i), not
    (1 + i)^f. ``advances`` and ``payments`` are :class:`UnitPeriodFlow` sequences
    (a single advance is ``[UnitPeriodFlow(amount, 0)]``); all advances must come
    before the payments. APR = i × ``unit_periods_per_year``.
    """
    with decimal_context():
        ppy = number(unit_periods_per_year, "unit_periods_per_year")
        if ppy <= 0:
            raise EngineError("unit_periods_per_year", "must be positive")
        signed = [(-a, t, f) for a, t, f in _unit_flows(advances, "advances") if a]
        if not signed:
            raise EngineError("advances", "at least one advance is needed")
        paid = [(a, t, f) for a, t, f in _unit_flows(payments, "payments") if a]
        if not paid:
            raise EngineError("payments", "at least one payment is needed")
        if max(t + f for _, t, f in signed) > min(t + f for _, t, f in paid):
            raise EngineError("payments", "a payment precedes an advance")
        flows = signed + paid

        def value_and_slope(i):
            base = 1 + i
            value = slope = _ZERO
            for amount, t, f in flows:
                simple = 1 + f * i
                discounted = amount / (simple * base**t)
                value += discounted
                slope -= discounted * (f / simple + t / base)
            return value, slope

        unit_rate = find_rate(value_and_slope, Decimal("0.01"), -1, "payments")
        return ActuarialApr(
            apr=+(unit_rate * ppy),
            unit_period_rate=unit_rate,
            unit_periods_per_year=ppy,
        )


# --- rate caps ---------------------------------------------------------------------

# One-year Loan Prime Rate (全国银行间同业拆借中心 publication) since the 2019 reform:
# (effective date, rate). Configuration data: callers pass their own dated table.
DEFAULT_LPR_1Y = (
    (date(2019, 8, 20), Decimal("0.0425")),
    (date(2019, 9, 20), Decimal("0.0420")),
    (date(2019, 11, 20), Decimal("0.0415")),
    (date(2020, 2, 20), Decimal("0.0405")),
    (date(2020, 4, 20), Decimal("0.0385")),
    (date(2021, 12, 20), Decimal("0.0380")),
    (date(2022, 1, 20), Decimal("0.0370")),
    (date(2022, 8, 22), Decimal("0.0365")),
    (date(2023, 6, 20), Decimal("0.0355")),
    (date(2023, 8, 21), Decimal("0.0345")),
    (date(2024, 7, 22), Decimal("0.0335")),
    (date(2024, 10, 21), Decimal("0.0310")),
    (date(2025, 5, 20), Decimal("0.0300")),
)


def lpr_on(on_date, lpr_table=DEFAULT_LPR_1Y):
    """The LPR in force on ``on_date`` in a table of ``(effective_date, rate)``."""
    check_date(on_date, "on_date")
    current = None
    latest = None
    for effective, value in lpr_table:
        check_date(effective, "lpr_table")
        value = number(value, "lpr_table")
        if value < 0:
            raise EngineError("lpr_table", "rates must not be negative")
        if effective <= on_date and (latest is None or effective > latest):
            latest, current = effective, value
    if current is None:
        raise EngineError("on_date", "no LPR in force on that date")
    return current


# The judicial protection ceiling is this multiple of the 1-year LPR
# (docs/domain.md §3.5).
LPR_MULTIPLE = 4


def lpr_cap(lpr, lpr_multiple=LPR_MULTIPLE):
    """The rate ceiling of ``lpr_multiple`` × the 1-year LPR ``lpr`` (any unit:
    a percentage gives a percentage).

    >>> lpr_cap(Decimal("3.0"))
    Decimal('12.0')
    """
    with decimal_context():
        lpr = number(lpr, "lpr")
        multiple = number(lpr_multiple, "lpr_multiple")
        if lpr < 0:
            raise EngineError("lpr", "must not be negative")
        if multiple <= 0:
            raise EngineError("lpr_multiple", "must be positive")
        return lpr * multiple


@dataclass(frozen=True)
class RateCapCheck:
    """Result of :func:`check_rate_caps` (rates as fractions)."""

    annual_rate: Decimal
    lpr: Decimal
    lpr_cap: Decimal
    cap: Decimal
    above_24pct: bool
    above_4x_lpr: bool


def check_rate_caps(
    annual_rate,
    on_date,
    lpr_table=DEFAULT_LPR_1Y,
    cap=Decimal("0.24"),
    lpr_multiple=LPR_MULTIPLE,
):
    """Flag an annualized rate above the 24% ceiling and above 4 × the 1-year LPR in
    force on ``on_date`` (the contract date), docs/domain.md §3.5. A rate equal to a
    limit is not above it.

    >>> check = check_rate_caps(Decimal("0.18"), date(2025, 6, 1))
    >>> check.lpr_cap, check.above_24pct, check.above_4x_lpr
    (Decimal('0.1200'), False, True)
    """
    with decimal_context():
        annual_rate = number(annual_rate, "annual_rate")
        cap = number(cap, "cap")
        multiple = number(lpr_multiple, "lpr_multiple")
        if cap <= 0:
            raise EngineError("cap", "must be positive")
        if multiple <= 0:
            raise EngineError("lpr_multiple", "must be positive")
        lpr = lpr_on(on_date, lpr_table)
        ceiling = lpr_cap(lpr, multiple)
        return RateCapCheck(
            annual_rate=annual_rate,
            lpr=lpr,
            lpr_cap=ceiling,
            cap=cap,
            above_24pct=annual_rate > cap,
            above_4x_lpr=annual_rate > ceiling,
        )
