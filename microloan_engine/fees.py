"""Product fees: their amount on a loan and their totals by timing.

A fee is a fixed amount or a percentage of the amount lent, rounded to the
currency (half-up by default, like every posted amount, docs/domain.md §1.0).
It is charged once at disbursement (``upfront``) or with each installment
(``installment``); the annualized rate counts both (§3.6).

>>> fees = [
...     Fee("percent", "upfront", percentage=Decimal("1.5")),
...     Fee("fixed", "installment", amount=Decimal("20")),
...     Fee("percent", "installment", percentage=Decimal("0.0333")),
... ]
>>> fee_amount(fees[0], Decimal("100000"))
Decimal('1500.00')
>>> totals = fee_totals(fees, Decimal("100000"))
>>> totals.upfront, totals.per_installment
(Decimal('1500.00'), Decimal('53.30'))
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .errors import EngineError
from .money import quantize, to_decimal

ZERO = Decimal("0")
FIXED = "fixed"
PERCENT = "percent"
UPFRONT = "upfront"
INSTALLMENT = "installment"


@dataclass(frozen=True)
class Fee:
    """A product fee: ``amount`` when ``calculation`` is ``fixed``, else
    ``percentage`` (in percent: 1.5 is 1.5%) of the amount lent. ``timing`` is
    ``upfront`` (at disbursement) or ``installment`` (with each one)."""

    calculation: str
    timing: str
    amount: Decimal = ZERO
    percentage: Decimal = ZERO


@dataclass(frozen=True)
class FeeTotals:
    """The fees charged at disbursement and with each installment."""

    upfront: Decimal
    per_installment: Decimal


def fee_amount(
    fee: Fee, principal: Decimal, decimals: int = 2, rounding: str = "half_up"
) -> Decimal:
    """The fee charged once on ``principal`` (at disbursement or with each
    installment, depending on its timing), rounded to ``decimals``.

    >>> fee_amount(Fee("percent", "upfront", percentage=Decimal("0.125")),
    ...            Decimal("33333.33"))
    Decimal('41.67')
    >>> fee_amount(Fee("fixed", "installment", amount=Decimal("15")), Decimal("1"))
    Decimal('15.00')
    """
    if fee.calculation == FIXED:
        amount = to_decimal(fee.amount)
    elif fee.calculation == PERCENT:
        percentage = to_decimal(fee.percentage, "percentage")
        if percentage < 0:
            raise EngineError("percentage", "must not be negative")
        amount = to_decimal(principal, "principal") * percentage / 100
    else:
        raise EngineError(
            "calculation", code="one_of", params={"choices": f"{FIXED}, {PERCENT}"}
        )
    if amount < 0:
        raise EngineError("amount", "must not be negative")
    return quantize(amount, decimals, rounding)


def fee_totals(
    fees: Iterable[Fee],
    principal: Decimal,
    decimals: int = 2,
    rounding: str = "half_up",
) -> FeeTotals:
    """The sums of :func:`fee_amount` over ``fees`` at disbursement and with
    each installment."""
    upfront = per_installment = quantize(ZERO, decimals, rounding)
    for fee in fees:
        amount = fee_amount(fee, principal, decimals, rounding)
        if fee.timing == UPFRONT:
            upfront += amount
        elif fee.timing == INSTALLMENT:
            per_installment += amount
        else:
            raise EngineError(
                "timing",
                code="one_of",
                params={"choices": f"{UPFRONT}, {INSTALLMENT}"},
            )
    return FeeTotals(upfront=upfront, per_installment=per_installment)


def installment_amount(total: Decimal, fee: Decimal) -> Decimal:
    """What the borrower pays for an installment: its ``total`` (principal and
    interest) plus the ``fee`` charged with each installment
    (``FeeTotals.per_installment``).

    >>> installment_amount(Decimal("8884.88"), Decimal("53.30"))
    Decimal('8938.18')
    """
    fee = to_decimal(fee, "fee")
    if fee < 0:
        raise EngineError("fee", "must not be negative")
    return to_decimal(total, "total") + fee
