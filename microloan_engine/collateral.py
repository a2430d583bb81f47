"""Collateral cover and joint-guarantee group limits (docs/domain.md §6).

Loan-to-value caps are internal practice, set per collateral type as a
percentage. A loan's LTV is its amount over the value of its collateral; its
cap is the collateral's maximum LTV weighted by value, and it is exceeded when
the LTV, at :data:`LTV_DECIMALS` places of a percent, is above the cap.

A joint-guarantee group (联保小组) may set a limit on what its members owe
together: the principal outstanding of its other loans plus the new loan.

>>> cover = loan_to_value(
...     Decimal("70000"),
...     [Pledge(Decimal("60000"), Decimal("70")),
...      Pledge(Decimal("40000"), Decimal("50"))],
... )
>>> cover.collateral_value, cover.ltv, cover.max_ltv, cover.exceeded
(Decimal('100000'), Decimal('70'), Decimal('62'), True)
>>> group_exposure([Decimal("30000"), Decimal("25000")], Decimal("45000"),
...                Decimal("100000")).exceeded
False
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .errors import EngineError
from .money import quantize, to_decimal

ZERO = Decimal("0")
# LTVs are compared at a hundredth of a percent.
LTV_DECIMALS = 2


@dataclass(frozen=True)
class Pledge:
    """One collateral: its ``value`` (in the loan's currency) and the maximum
    LTV of its type, in percent (70 is 70%)."""

    value: Decimal
    max_ltv: Decimal


@dataclass(frozen=True)
class LoanToValue:
    """A loan's cover: ``ltv`` and ``max_ltv`` in percent, unrounded; both 0
    without collateral value, which is never exceeded."""

    collateral_value: Decimal
    ltv: Decimal
    max_ltv: Decimal
    exceeded: bool


@dataclass(frozen=True)
class GroupExposure:
    """What a joint-guarantee group's members would owe with a new loan."""

    lent: Decimal
    total: Decimal
    limit: Decimal
    exceeded: bool


def loan_to_value(amount: Decimal, collateral: Iterable[Pledge]) -> LoanToValue:
    """The LTV of ``amount`` against ``collateral`` and its value-weighted cap.

    >>> cover = loan_to_value(Decimal("50000"), [])
    >>> cover.collateral_value, cover.ltv, cover.max_ltv, cover.exceeded
    (Decimal('0'), Decimal('0'), Decimal('0'), False)
    >>> loan_to_value(Decimal("70000.40"),
    ...               [Pledge(Decimal("100000"), Decimal("70"))]).exceeded
    False
    """
    amount = to_decimal(amount)
    value = weighted = ZERO
    for pledge in collateral:
        pledge_value = to_decimal(pledge.value, "value")
        value += pledge_value
        weighted += pledge_value * to_decimal(pledge.max_ltv, "max_ltv")
    if not value:
        return LoanToValue(value, ZERO, ZERO, False)
    ltv = amount * 100 / value
    max_ltv = weighted / value
    exceeded = quantize(ltv, LTV_DECIMALS) > quantize(max_ltv, LTV_DECIMALS)
    return LoanToValue(value, ltv, max_ltv, exceeded)


def group_exposure(
    outstanding: Iterable[Decimal], amount: Decimal, limit: Decimal
) -> GroupExposure:
    """The principal ``outstanding`` on a group's other loans plus the new
    ``amount``, against the group's ``limit`` (0: no limit).

    >>> exposure = group_exposure(
    ...     [Decimal("60000")], Decimal("40000.01"), Decimal("100000")
    ... )
    >>> exposure.total, exposure.exceeded
    (Decimal('100000.01'), True)
    >>> group_exposure([Decimal("60000")], Decimal("90000"), Decimal("0")).exceeded
    False
    """
    lent = sum((to_decimal(o, "outstanding") for o in outstanding), ZERO)
    total = lent + to_decimal(amount)
    limit = to_decimal(limit, "limit")
    if limit < 0:
        raise EngineError("limit", "must not be negative")
    return GroupExposure(lent, total, limit, bool(limit) and total > limit)
