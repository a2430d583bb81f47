"""Regulatory lending limits (docs/domain.md §3.4): what one borrower, or a
borrower and his related parties, may owe the company.

A limit is an amount, or a percentage of the company's net assets at the end
of the previous year (上年末净资产): 10% for one borrower and 15% with his
related parties under 金规〔2024〕26号. The exposure is the principal
outstanding on every loan and credit line, plus the guarantees given, each
counted up to what the guaranteed loan still owes. A new amount breaches the
limit when the exposure plus the amount exceeds it; the headroom is what is
left before the new amount (negative when the limit is already exceeded).

>>> usage = limit_usage([Decimal("300000"), Decimal("150000")], Decimal("60000"),
...                     percent_limit(Decimal("5000000"), Decimal("10")))
>>> usage.limit, usage.exposure, usage.headroom, usage.breached
(Decimal('500000.00'), Decimal('450000'), Decimal('50000.00'), True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .errors import EngineError
from .money import quantize, to_decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class LimitUsage:
    """A limit and its use: ``exposure`` before the new amount, ``total``
    with it, the ``headroom`` before it, whether the ``total`` breaches the
    limit, and the ``usage`` of the limit in percent after the new amount."""

    limit: Decimal
    exposure: Decimal
    new_amount: Decimal
    total: Decimal
    headroom: Decimal
    breached: bool
    usage: Decimal


def _not_negative(value, field):
    value = to_decimal(value, field)
    if value < 0:
        raise EngineError(field, "must not be negative")
    return value


def percent_limit(base, percent, decimals=2) -> Decimal:
    """``percent`` (10 is 10%) of the ``base`` (the net assets), rounded to
    money.

    >>> percent_limit(Decimal("12345678.91"), Decimal("15"))
    Decimal('1851851.84')
    """
    base = _not_negative(base, "base")
    percent = _not_negative(percent, "percent")
    return quantize(base * percent / 100, decimals)


def guaranteed_exposure(guaranteed, outstanding) -> Decimal:
    """What a guarantee given exposes: the guaranteed amount, at most what the
    guaranteed loan still owes (the whole of it when no amount is set).

    >>> guaranteed_exposure(Decimal("50000"), Decimal("30000"))
    Decimal('30000')
    >>> guaranteed_exposure(Decimal("0"), Decimal("30000"))
    Decimal('30000')
    """
    guaranteed = _not_negative(guaranteed, "guaranteed")
    outstanding = _not_negative(outstanding, "outstanding")
    if not guaranteed:
        return outstanding
    return min(guaranteed, outstanding)


def limit_usage(exposures: Iterable, new_amount, limit) -> LimitUsage:
    """The use of ``limit`` by the ``exposures`` and a ``new_amount``."""
    exposure = sum((_not_negative(part, "exposure") for part in exposures), start=ZERO)
    new_amount = _not_negative(new_amount, "amount")
    limit = _not_negative(limit, "limit")
    total = exposure + new_amount
    usage = quantize(total * 100 / limit, 2) if limit else ZERO
    return LimitUsage(
        limit=limit,
        exposure=exposure,
        new_amount=new_amount,
        total=total,
        headroom=limit - exposure,
        breached=total > limit,
        usage=usage,
    )
