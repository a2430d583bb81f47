"""Day-count conventions.

``ACT/360`` is the Chinese default (日利率 = 年利率 / 360); ``ACT/365`` and ``ACT/ACT``
(ISDA: each day weighs 1/365 or 1/366 according to its calendar year) are the usual
alternatives, ``ACT/364`` suits weekly products (52 weeks of 7 days) and ``30/360`` is
the ISDA bond basis. Day counting follows 算头不算尾: the start day counts, the end day
does not, so ``days = (end - start).days``.

>>> from datetime import date
>>> day_count_days(date(2025, 1, 10), date(2025, 2, 20), "ACT/360")
41
>>> year_fraction(date(2025, 1, 15), date(2026, 1, 15), "ACT/365")
Decimal('1')
>>> interest = interest_for_days(100000, "0.12", date(2025, 1, 10), date(2025, 2, 20),
...                              "ACT/360")
>>> interest.quantize(Decimal("0.00001"))
Decimal('1366.66667')
"""

from datetime import date, datetime
from decimal import Context, Decimal

from .errors import EngineError
from .money import to_decimal

DAY_COUNTS = ("ACT/360", "ACT/365", "ACT/ACT", "30/360", "ACT/364")
# Days in the year used to turn a period of N days into a rate when the period's
# rate is nominal ("period" interest basis). ACT/ACT uses 365.
YEAR_DAYS = {
    "ACT/360": 360,
    "ACT/365": 365,
    "ACT/ACT": 365,
    "30/360": 360,
    "ACT/364": 364,
}
_CONTEXT = Context(prec=60)


def check_day_count(day_count, field="day_count"):
    """Raise :class:`EngineError` unless ``day_count`` is supported."""
    if day_count not in YEAR_DAYS:
        raise EngineError(
            field, code="one_of", params={"choices": ", ".join(DAY_COUNTS)}
        )


def _check_dates(start, end):
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise EngineError(name, "must be a date")
    if end < start:
        raise EngineError("end", "must not be before the start date")


def _days_30_360(start, end):
    d1 = min(start.day, 30)
    d2 = end.day
    if d1 == 30 and d2 == 31:
        d2 = 30
    return (end.year - start.year) * 360 + (end.month - start.month) * 30 + d2 - d1


def day_count_days(start, end, day_count):
    """Number of days between ``start`` (counted) and ``end`` (not counted) under
    ``day_count``: actual days, or 30/360 days."""
    check_day_count(day_count)
    _check_dates(start, end)
    if day_count == "30/360":
        return _days_30_360(start, end)
    return (end - start).days


def year_fraction_ratio(start, end, day_count):
    """Exact year fraction as a ``(numerator, denominator)`` pair of integers."""
    check_day_count(day_count)
    _check_dates(start, end)
    if day_count == "30/360":
        return _days_30_360(start, end), 360
    if day_count != "ACT/ACT":
        return (end - start).days, YEAR_DAYS[day_count]
    if start.year == end.year:
        return (end - start).days, _year_length(start.year)
    # Whole years in between count one each; the two broken years by their length.
    first = date(start.year + 1, 1, 1) - start
    last = end - date(end.year, 1, 1)
    len_first = _year_length(start.year)
    len_last = _year_length(end.year)
    whole = end.year - start.year - 1
    numerator = (
        first.days * len_last + last.days * len_first + whole * len_first * len_last
    )
    return numerator, len_first * len_last


def _year_length(year):
    return 366 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 365


def year_fraction(start, end, day_count):
    """Year fraction between two dates under ``day_count`` (``Decimal``, 60 digits)."""
    numerator, denominator = year_fraction_ratio(start, end, day_count)
    return _CONTEXT.divide(Decimal(numerator), Decimal(denominator))


def interest_for_days(balance, annual_rate, start, end, day_count):
    """Simple interest on ``balance`` at ``annual_rate`` from ``start`` to ``end``,
    unrounded (round it with :func:`microloan_engine.money.quantize`)."""
    balance = to_decimal(balance, "balance")
    annual_rate = to_decimal(annual_rate, "annual_rate")
    numerator, denominator = year_fraction_ratio(start, end, day_count)
    product = _CONTEXT.multiply(_CONTEXT.multiply(balance, annual_rate), numerator)
    return _CONTEXT.divide(product, Decimal(denominator))
