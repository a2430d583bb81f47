"""Money helpers: conversion to ``Decimal`` and every rounding rule of the engine.

All rounding of the engine goes through this module. The public functions work on
``Decimal``; the schedule builder works on integers counted in the smallest currency
unit (fen, cent) and uses :func:`round_div` so that rounding is exact and fast.

>>> quantize(Decimal("15.625"), 2, "half_even")
Decimal('15.62')
>>> quantize(Decimal("15.625"))
Decimal('15.63')
>>> round_to_multiple(Decimal("304.91"), Decimal("1"), "half_even")
Decimal('305')
>>> round_to_multiple(Decimal("8884.88"), Decimal("10"), "ceiling")
Decimal('8890')
>>> quantize(Decimal("15.621"), 2, "ceiling"), quantize(Decimal("15.629"), 2, "floor")
(Decimal('15.63'), Decimal('15.62'))

Rounding modes: "half_up" (四舍五入, ties away from zero), "half_even" (banker's),
"ceiling" (向上取整, towards +∞) and "floor" (向下取整, towards −∞). On the positive
amounts of a schedule "ceiling" rounds up and "floor" rounds down.
"""

from decimal import (
    ROUND_CEILING,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    InvalidOperation,
)

from .errors import EngineError

ROUNDINGS = ("half_up", "half_even", "ceiling", "floor")
_DECIMAL_ROUNDING = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "ceiling": ROUND_CEILING,
    "floor": ROUND_FLOOR,
}
# Wide enough for any amount and rate a loan can carry; quantize never overflows it.
_CONTEXT = Context(prec=60)
_QUANTA = {d: Decimal(1).scaleb(-d) for d in range(0, 13)}


def to_decimal(value, field="amount"):
    """Return ``value`` as a finite ``Decimal``.

    Floats go through their shortest ``repr`` (``0.1`` becomes ``Decimal("0.1")``,
    not the binary expansion). Anything else that is not a number raises
    :class:`EngineError` for ``field``.
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise EngineError(field, "must be a number, not a boolean")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise EngineError(field, "is not a number") from None
    else:
        raise EngineError(field, "must be a number")
    if not result.is_finite():
        raise EngineError(field, "must be a finite number")
    return result


def check_rounding(rounding, field="rounding"):
    """Raise :class:`EngineError` unless ``rounding`` is a supported mode."""
    if rounding not in _DECIMAL_ROUNDING:
        raise EngineError(
            field, code="one_of", params={"choices": ", ".join(ROUNDINGS)}
        )


def check_decimals(decimals, field="decimals"):
    """Raise :class:`EngineError` unless ``decimals`` is an int in 0..12."""
    if isinstance(decimals, bool) or not isinstance(decimals, int):
        raise EngineError(field, "must be an integer")
    if not 0 <= decimals <= 12:
        raise EngineError(field, "must be between 0 and 12")


def quantize(amount, decimals=2, rounding="half_up"):
    """Round ``amount`` to ``decimals`` places with ``rounding`` ("half_up" is
    四舍五入, "half_even" banker's rounding, "ceiling" 向上取整, "floor" 向下取整)."""
    check_rounding(rounding)
    check_decimals(decimals)
    return to_decimal(amount).quantize(
        _QUANTA[decimals], rounding=_DECIMAL_ROUNDING[rounding], context=_CONTEXT
    )


def round_to_multiple(amount, multiple, rounding="half_up"):
    """Round ``amount`` to a multiple of ``multiple`` (0.01, 1, 10, 0.05...): the
    nearest one for the half modes, the next one up or down for "ceiling" / "floor".

    The result carries the exponent of ``multiple``: ``round_to_multiple(304.91, 1)``
    is ``Decimal("305")``.
    """
    check_rounding(rounding)
    amount = to_decimal(amount)
    multiple = to_decimal(multiple, "multiple")
    if multiple <= 0:
        raise EngineError("multiple", "must be positive")
    count = _CONTEXT.divide(amount, multiple).quantize(
        _QUANTA[0], rounding=_DECIMAL_ROUNDING[rounding], context=_CONTEXT
    )
    return _CONTEXT.multiply(count, multiple)


def _div_half_up(numerator, denominator):
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator:
        return quotient + 1
    if twice < denominator:
        return quotient
    # Ties away from zero; divmod floors, so negatives tie downwards.
    return quotient + 1 if numerator >= 0 else quotient


def _div_half_even(numerator, denominator):
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator:
        return quotient + 1
    if twice < denominator:
        return quotient
    return quotient + (quotient & 1)


def _div_ceiling(numerator, denominator):
    return -(-numerator // denominator)


def _div_floor(numerator, denominator):
    return numerator // denominator


# Integer division of each rounding mode, for loops that round many times with
# one mode (the schedule builder picks its divider once).
DIVIDERS = {
    "half_up": _div_half_up,
    "half_even": _div_half_even,
    "ceiling": _div_ceiling,
    "floor": _div_floor,
}


def round_div(numerator, denominator, rounding="half_up"):
    """Integer quotient ``numerator / denominator`` rounded with ``rounding``.

    ``denominator`` must be positive. Exact for any size of integer, which is why
    the schedule builder counts money in integer minor units and keeps rates as
    integer ratios. An unknown mode rounds half-up (callers validate with
    :func:`check_rounding`).

    >>> round_div(15625, 10, "half_even"), round_div(15625, 10, "half_up")
    (1562, 1563)
    >>> round_div(25, 10, "half_even"), round_div(-25, 10, "half_up")
    (2, -3)
    >>> round_div(15621, 10, "ceiling"), round_div(15629, 10, "floor")
    (1563, 1562)
    >>> round_div(-15621, 10, "ceiling"), round_div(-15621, 10, "floor")
    (-1562, -1563)
    """
    return DIVIDERS.get(rounding, _div_half_up)(numerator, denominator)


def to_units(amount, decimals, field="amount"):
    """Exact integer count of minor units (``Decimal("12.34")`` -> ``1234`` at two
    decimals). Raises :class:`EngineError` if ``amount`` has more decimals."""
    scaled = to_decimal(amount, field).scaleb(decimals, _CONTEXT)
    units = int(scaled)
    if units != scaled:
        raise EngineError(
            field, code="too_many_decimal_places", params={"decimals": decimals}
        )
    return units


def from_units(units, decimals):
    """``Decimal`` for an integer count of minor units (``1234`` -> ``12.34``)."""
    return Decimal(units).scaleb(-decimals, _CONTEXT)
