"""Repayment frequencies and due-date generation.

>>> add_months(date(2025, 1, 31), 1)
datetime.date(2025, 2, 28)
>>> add_months(date(2025, 1, 31), 1, "next_month_first")
datetime.date(2025, 3, 1)
>>> Frequency.from_spec("quarterly")
Frequency(unit='month', every=3)
>>> due = due_dates(date(2025, 1, 10), 12, Frequency("month", 1), repayment_day=20,
...                 first_period="stub")
>>> due.stub_date, due.broken
(datetime.date(2025, 1, 20), True)
>>> due.dates[0], due.dates[-1]
(datetime.date(2025, 2, 20), datetime.date(2026, 1, 20))
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .errors import EngineError

MONTH_END_RULES = ("last_day", "next_month_first")
FIRST_PERIODS = ("full", "actual_days", "stub", "pro_rata")
_NAMED = {
    "daily": ("day", 1),
    "weekly": ("day", 7),
    "biweekly": ("day", 14),
    "monthly": ("month", 1),
    "quarterly": ("month", 3),
    "semiannual": ("month", 6),
    "yearly": ("month", 12),
}
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class Frequency:
    """A repayment frequency: every ``every`` days or every ``every`` months."""

    unit: str = "month"
    every: int = 1

    def __post_init__(self):
        if self.unit not in ("day", "month"):
            raise EngineError("frequency", "unit must be 'day' or 'month'")
        if (
            isinstance(self.every, bool)
            or not isinstance(self.every, int)
            or self.every < 1
        ):
            raise EngineError("frequency", "every must be a positive integer")

    @classmethod
    def from_spec(cls, spec):
        """Build a frequency from a name ("daily", "weekly", "biweekly", "monthly",
        "quarterly", "semiannual", "yearly"), ``{"days": N}`` or ``{"months": N}``.
        A :class:`Frequency` is returned unchanged."""
        if isinstance(spec, Frequency):
            return spec
        if isinstance(spec, str) and spec in _NAMED:
            return cls(*_NAMED[spec])
        if isinstance(spec, dict) and len(spec) == 1:
            ((key, every),) = spec.items()
            if key in ("days", "months"):
                return cls(key[:-1], every)
        raise EngineError(
            "frequency",
            code="unknown_frequency",
            params={"spec": repr(spec), "choices": ", ".join(_NAMED)},
        )

    @property
    def months(self):
        """Months per period (0 for day-based frequencies)."""
        return self.every if self.unit == "month" else 0

    @property
    def days(self):
        """Days per period (0 for month-based frequencies)."""
        return self.every if self.unit == "day" else 0


def check_month_end_rule(rule, field="month_end_rule"):
    """Raise :class:`EngineError` unless ``rule`` is a supported month-end rule."""
    if rule not in MONTH_END_RULES:
        raise EngineError(
            field, code="one_of", params={"choices": ", ".join(MONTH_END_RULES)}
        )


def check_date(value, field):
    """Raise :class:`EngineError` unless ``value`` is a ``date`` (not a datetime)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise EngineError(field, "must be a date")


def days_in_month(year, month):
    """Number of days of ``month`` in ``year``."""
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month - 1]


def month_date(year, month, day, month_end_rule="last_day"):
    """The date ``day`` of ``month`` (which may run past 12 or below 1: months are
    counted from ``year``). A day the month lacks becomes the month's last day
    ("last_day") or the 1st of the next month ("next_month_first")."""
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    last = days_in_month(year, month)
    if day <= last:
        return date(year, month, day)
    if month_end_rule == "last_day":
        return date(year, month, last)
    return date(year, month, last) + timedelta(days=1)


def add_months(d, n, month_end_rule="last_day", day=None):
    """``d`` moved by ``n`` months, keeping its day (or ``day`` if given) under
    ``month_end_rule``."""
    check_month_end_rule(month_end_rule)
    return month_date(d.year, d.month + n, day or d.day, month_end_rule)


def add_periods(d, n, frequency, month_end_rule="last_day", day=None):
    """``d`` moved by ``n`` periods of ``frequency``."""
    if frequency.unit == "day":
        return d + timedelta(days=n * frequency.every)
    return month_date(
        d.year, d.month + n * frequency.every, day or d.day, month_end_rule
    )


def _index_date(index, day, month_end_rule):
    return month_date(index // 12, index % 12 + 1, day, month_end_rule)


@dataclass(frozen=True)
class DueDates:
    """Due dates of a schedule.

    ``dates`` are the regular installments' due dates. ``stub_date`` is the due date
    of an extra interest-only installment before them (first-period mode "stub"),
    else ``None``. ``broken`` says that the first period (from disbursement to
    ``stub_date`` or ``dates[0]``) is not exactly one period long.
    """

    dates: tuple
    stub_date: date | None = None
    broken: bool = False


def _check_due_inputs(
    disbursement_date, periods, repayment_day, first_due_date, first_period, frequency
):
    if isinstance(periods, bool) or not isinstance(periods, int) or periods < 1:
        raise EngineError("periods", "must be a positive integer")
    if first_period not in FIRST_PERIODS:
        raise EngineError(
            "first_period", code="one_of", params={"choices": ", ".join(FIRST_PERIODS)}
        )
    if repayment_day is not None:
        if isinstance(repayment_day, bool) or not isinstance(repayment_day, int):
            raise EngineError("repayment_day", "must be an integer")
        if not 1 <= repayment_day <= 31:
            raise EngineError("repayment_day", "must be between 1 and 31")
        if frequency.unit != "month":
            raise EngineError(
                "repayment_day", "only applies to month-based frequencies"
            )
    if first_due_date is not None:
        check_date(first_due_date, "first_due_date")
        if first_due_date <= disbursement_date:
            raise EngineError("first_due_date", "must be after the disbursement date")


def _day_due_dates(periods, every, first, one_period, first_period):
    broken = first != one_period
    stub_date = None
    if broken and first_period == "stub":
        stub_date = first
        first += timedelta(days=every)
    step = timedelta(days=every)
    dates = [first]
    for _ in range(periods - 1):
        dates.append(dates[-1] + step)
    return DueDates(dates=tuple(dates), stub_date=stub_date, broken=broken)


def _first_monthly(disbursed, every, repayment_day, first_period, rule, one_period):
    """``(day, month index, first due date)`` of a month-based schedule with a
    ``repayment_day`` and no first due date."""
    day = repayment_day
    if first_period == "stub":
        index = disbursed.year * 12 + disbursed.month - 1
        first = _index_date(index, day, rule)
        if first <= disbursed:
            index += 1
            first = _index_date(index, day, rule)
        return day, index, first
    index = disbursed.year * 12 + disbursed.month - 1 + every
    first = _index_date(index, day, rule)
    while first < one_period:
        index += 1
        first = _index_date(index, day, rule)
    return day, index, first


def due_dates(
    disbursement_date,
    periods,
    frequency,
    first_due_date=None,
    repayment_day=None,
    first_period="full",
    month_end_rule="last_day",
):
    """Due dates of ``periods`` regular installments (docs/domain.md §1.7).

    - Neither ``first_due_date`` nor ``repayment_day``: one period after the
      disbursement, then every period (C: no broken period).
    - ``first_due_date``: it is the first due date (or, in mode "stub", the due date of
      the interest-only stub installment when it is not exactly one period away), then
      every period on its day of month, or on ``repayment_day`` if given.
    - ``repayment_day`` alone (monthly frequencies only): in modes "full",
      "actual_days" and "pro_rata" the first due date is the first ``repayment_day``
      at least one full period after the disbursement (2025-01-10, day 20 ->
      2025-02-20), so no first period is shorter than a period; in mode "stub" the
      first ``repayment_day`` strictly after the disbursement ends an interest-only
      stub (2025-01-20), and the regular installments follow one period apart
      (2025-02-20...).
    """
    check_date(disbursement_date, "disbursement_date")
    check_month_end_rule(month_end_rule)
    frequency = Frequency.from_spec(frequency)
    _check_due_inputs(
        disbursement_date,
        periods,
        repayment_day,
        first_due_date,
        first_period,
        frequency,
    )
    one_period = add_periods(disbursement_date, 1, frequency, month_end_rule)
    every = frequency.every
    if frequency.unit == "day":
        first = first_due_date or one_period
        return _day_due_dates(periods, every, first, one_period, first_period)

    # Month-based: months are counted as indexes (year * 12 + month - 1) so that a
    # date moved by the month-end rule does not shift the following ones.
    if first_due_date is not None:
        day = repayment_day or first_due_date.day
        index = first_due_date.year * 12 + first_due_date.month - 1
        first = first_due_date
    elif repayment_day is not None:
        day, index, first = _first_monthly(
            disbursement_date,
            every,
            repayment_day,
            first_period,
            month_end_rule,
            one_period,
        )
    else:
        day = disbursement_date.day
        index = disbursement_date.year * 12 + disbursement_date.month - 1 + every
        first = one_period
    broken = first != one_period
    stub_date = None
    if broken and first_period == "stub":
        stub_date = first
        index += every
        first = _index_date(index, day, month_end_rule)
    dates = [first]
    append = dates.append
    for k in range(1, periods):
        y, m = divmod(index + k * every, 12)
        if day <= 28:
            append(date(y, m + 1, day))
        else:
            append(month_date(y, m + 1, day, month_end_rule))
    return DueDates(dates=tuple(dates), stub_date=stub_date, broken=broken)


def period_fraction(start, end, frequency, day=None, month_end_rule="last_day"):
    """Length of the period from ``start`` to ``end`` in periods of ``frequency``,
    as an exact ``(numerator, denominator)`` pair: the whole periods counted back
    from ``end`` (on ``day`` of the month, default ``end``'s day), plus the odd days
    left at the start over the days of the period that holds them (pro rata of the
    month, docs/domain.md §1.7). Day-based frequencies count days / period days.

    >>> period_fraction(date(2025, 1, 10), date(2025, 2, 20), Frequency("month", 1))
    (41, 31)
    >>> period_fraction(date(2025, 1, 10), date(2025, 2, 5), Frequency("month", 1))
    (26, 31)
    >>> period_fraction(date(2025, 1, 10), date(2025, 2, 10), Frequency("month", 1))
    (1, 1)
    """
    frequency = Frequency.from_spec(frequency)
    if frequency.unit == "day":
        return (end - start).days, frequency.every
    day = day or end.day
    every = frequency.every
    index = end.year * 12 + end.month - 1
    whole = 0
    boundary = end
    previous = _index_date(index - every, day, month_end_rule)
    while previous >= start:
        whole += 1
        boundary = previous
        previous = _index_date(index - (whole + 1) * every, day, month_end_rule)
    odd = (boundary - start).days
    length = (boundary - previous).days
    if odd == 0:
        return whole, 1
    return whole * length + odd, length
