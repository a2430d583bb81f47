"""Interest rates as lenders quote them: per year (年利率), per month (月利率, usually
in per mille ‰) or per day (日利率, usually in per myriad ‱).

The engine works with annual rates as fractions (``Decimal("0.12")`` is 12%). The
conversion rule is the contract wording of docs/domain.md §1.0, made explicit:

- 年利率 = 月利率 × 12;
- 年利率 = 日利率 × ``day_basis``, 360 (the Chinese default, 日利率 = 年利率 ÷ 360) or
  365.

Converting to an annual rate is a multiplication, so it is exact; converting back
divides and keeps 60 significant digits. A daily quote only means what it says when
the day count's year has the same number of days as ``day_basis`` (ACT/360 for 360,
ACT/365 for 365): then every day of interest costs exactly the quoted daily rate.

>>> annual_rate(parse_rate("8‰"), "month")
Decimal('0.096')
>>> annual_rate(parse_rate("5‱"), "day"), annual_rate(parse_rate("5‱"), "day", 365)
(Decimal('0.1800'), Decimal('0.1825'))
>>> quoted_rate(Decimal("0.096"), "month")
Decimal('0.008')
"""

from decimal import Context, Decimal

from .errors import EngineError
from .money import to_decimal

RATE_UNITS = ("year", "month", "day")
DAY_BASES = (360, 365)
# Suffixes a quoted rate may carry, and what they divide by.
RATE_SUFFIXES = {"%": 100, "‰": 1000, "‱": 10000}
_CONTEXT = Context(prec=60)
_ZERO = Decimal(0)


def check_rate_unit(unit, field="rate_unit"):
    """Raise :class:`EngineError` unless ``unit`` is year, month or day."""
    if unit not in RATE_UNITS:
        raise EngineError(
            field, code="one_of", params={"choices": ", ".join(RATE_UNITS)}
        )


def check_day_basis(day_basis, field="day_basis"):
    """Raise :class:`EngineError` unless ``day_basis`` is 360 or 365."""
    if isinstance(day_basis, bool) or day_basis not in DAY_BASES:
        raise EngineError(field, code="one_of", params={"choices": "360, 365"})


def parse_rate(value, field="rate"):
    """A quoted rate as a fraction: ``"0.008"``, ``"0.8%"``, ``"8‰"`` and ``Decimal
    ("0.008")`` are all ``Decimal("0.008")``; ``"5‱"`` is ``Decimal("0.0005")``.

    >>> parse_rate("8‰"), parse_rate("0.8%"), parse_rate("5‱"), parse_rate("0.12")
    (Decimal('0.008'), Decimal('0.008'), Decimal('0.0005'), Decimal('0.12'))
    """
    divisor = 1
    if isinstance(value, str):
        text = value.strip()
        if text and text[-1] in RATE_SUFFIXES:
            divisor = RATE_SUFFIXES[text[-1]]
            text = text[:-1]
        value = text
    rate = to_decimal(value, field)
    if divisor != 1:
        # Exact: a power of ten only moves the exponent.
        rate = rate.scaleb(-len(str(divisor)) + 1, _CONTEXT)
    if rate < _ZERO:
        raise EngineError(field, "must not be negative")
    return rate


def annual_rate(rate, unit="year", day_basis=360):
    """The annual rate of ``rate`` quoted per ``unit``: ``rate`` (year), ``rate × 12``
    (month) or ``rate × day_basis`` (day). Exact.

    >>> annual_rate(Decimal("0.01"), "month")
    Decimal('0.12')
    """
    check_rate_unit(unit)
    check_day_basis(day_basis)
    rate = to_decimal(rate, "rate")
    if unit == "year":
        return rate
    return _CONTEXT.multiply(rate, 12 if unit == "month" else day_basis)


def quoted_rate(annual, unit="year", day_basis=360):
    """``annual`` expressed per ``unit`` (the inverse of :func:`annual_rate`):
    ``annual / 12`` or ``annual / day_basis``, to 60 significant digits.

    >>> quoted_rate(Decimal("0.18"), "day")
    Decimal('0.0005')
    """
    check_rate_unit(unit)
    check_day_basis(day_basis)
    annual = to_decimal(annual, "annual_rate")
    if unit == "year":
        return annual
    divisor = 12 if unit == "month" else day_basis
    return _CONTEXT.divide(annual, divisor).normalize(_CONTEXT)


def monthly_rate(annual):
    """月利率 of an annual rate: ``annual / 12``."""
    return quoted_rate(annual, "month")


def daily_rate(annual, day_basis=360):
    """日利率 of an annual rate: ``annual / day_basis``."""
    return quoted_rate(annual, "day", day_basis)
