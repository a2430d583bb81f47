"""Product fees: their amount on a loan and their totals by timing.

A fee is a fixed amount or a percentage of the amount lent, rounded to the
currency (half-up by default, like every posted amount, docs/domain.md §1.0).
It is due (its ``timing``):

- ``deducted``: at the first disbursement, deducted from the amount paid out
  (the borrower receives the amount lent less the fee and repays the whole
  amount lent);
- ``upfront``: at the first disbursement, paid by the borrower besides the
  amount paid out (the amount lent is paid out whole);
- ``installment``: with each installment, in the schedule.

The annualized rate counts all three (§3.6): fees due at disbursement are borne
at the start (the principal in use is the amount lent less them).
:func:`disbursement` splits the first disbursement; :func:`loan_cost` gives the
loan's totals (every fee, total repayment, total cost of credit).

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
DEDUCTED = "deducted"
INSTALLMENT = "installment"
TIMINGS = (DEDUCTED, UPFRONT, INSTALLMENT)
# Timings of the fees due at the first disbursement.
AT_DISBURSEMENT = (DEDUCTED, UPFRONT)


@dataclass(frozen=True)
class Fee:
    """A product fee: ``amount`` when ``calculation`` is ``fixed``, else
    ``percentage`` (in percent: 1.5 is 1.5%) of the amount lent. ``timing`` is
    ``deducted`` (from the amount paid out), ``upfront`` (paid at the
    disbursement) or ``installment`` (with each one)."""

    calculation: str
    timing: str
    amount: Decimal = ZERO
    percentage: Decimal = ZERO


@dataclass(frozen=True)
class FeeTotals:
    """The fees charged at disbursement and with each installment.

    ``upfront`` is every fee due at the first disbursement (the fees borne at
    the start of the annualized rate), of which ``deducted`` are deducted from
    the amount paid out; :attr:`paid_at_disbursement` is the rest, which the
    borrower pays at the disbursement."""

    upfront: Decimal
    per_installment: Decimal
    deducted: Decimal = ZERO

    @property
    def paid_at_disbursement(self) -> Decimal:
        """Fees the borrower pays at the disbursement (not deducted)."""
        return self.upfront - self.deducted


@dataclass(frozen=True)
class Disbursement:
    """A first disbursement with its fees: ``principal`` lent (what the
    borrower owes), ``fees_deducted`` from it, ``paid_out`` (what the borrower
    receives: principal less the fees deducted) and ``fees_paid`` (what the
    borrower pays at the disbursement besides)."""

    principal: Decimal
    fees_deducted: Decimal
    paid_out: Decimal
    fees_paid: Decimal

    @property
    def fees(self) -> Decimal:
        """Every fee charged at the disbursement."""
        return self.fees_deducted + self.fees_paid

    @property
    def principal_in_use(self) -> Decimal:
        """The principal the borrower has the use of: the principal less every
        fee charged at the disbursement (the annualized rate's advance)."""
        return self.principal - self.fees


@dataclass(frozen=True)
class LoanCost:
    """A loan's totals: ``fees`` (at disbursement and with every installment),
    ``total_payment`` (还款总额: the installments, their fees included, and
    the fees due at disbursement) and ``total_cost`` (the cost of credit:
    interest and every fee)."""

    fees: Decimal
    total_payment: Decimal
    total_cost: Decimal


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
    upfront = per_installment = deducted = quantize(ZERO, decimals, rounding)
    for fee in fees:
        check_timing(fee.timing)
        amount = fee_amount(fee, principal, decimals, rounding)
        if fee.timing in AT_DISBURSEMENT:
            upfront += amount
            if fee.timing == DEDUCTED:
                deducted += amount
        else:
            per_installment += amount
    return FeeTotals(
        upfront=upfront, per_installment=per_installment, deducted=deducted
    )


def check_timing(timing: str) -> str:
    """Return ``timing`` if it is one of :data:`TIMINGS`, else raise."""
    if timing not in TIMINGS:
        raise EngineError(
            "timing", code="one_of", params={"choices": ", ".join(TIMINGS)}
        )
    return timing


def disbursement(principal: Decimal, totals: FeeTotals) -> Disbursement:
    """The first disbursement of ``principal`` with the fees due at it
    (``totals``, :func:`fee_totals`): the fees deducted are taken from the
    amount paid out, the others are paid by the borrower. The fees deducted
    must leave something to pay out.

    >>> totals = FeeTotals(Decimal("1500.00"), Decimal("0.00"), Decimal("1000.00"))
    >>> d = disbursement(Decimal("100000.00"), totals)
    >>> d.paid_out, d.fees_deducted, d.fees_paid, d.fees
    (Decimal('99000.00'), Decimal('1000.00'), Decimal('500.00'), Decimal('1500.00'))
    """
    principal = to_decimal(principal, "principal")
    if principal <= 0:
        raise EngineError("principal", "must be positive")
    deducted = to_decimal(totals.deducted, "fees_deducted")
    paid = to_decimal(totals.paid_at_disbursement, "fees_paid")
    if deducted < 0 or paid < 0:
        raise EngineError("fees", "must not be negative")
    if deducted >= principal:
        raise EngineError("fees_deducted", "must be less than the principal")
    return Disbursement(
        principal=principal,
        fees_deducted=deducted,
        paid_out=principal - deducted,
        fees_paid=paid,
    )


def loan_cost(
    installments: Iterable[tuple[Decimal, Decimal, Decimal]],
    at_disbursement: Decimal,
) -> LoanCost:
    """The totals of a loan from its ``installments`` (``(amount, interest,
    fee)`` each: what is due, of which interest and fee) and the fees due
    at disbursement (``FeeTotals.upfront``).

    >>> loan_cost([(Decimal("50600.00"), Decimal("500.00"), Decimal("100.00")),
    ...            (Decimal("50350.00"), Decimal("250.00"), Decimal("100.00"))],
    ...           Decimal("1000.00"))
    LoanCost(fees=Decimal('1200.00'), total_payment=Decimal('101950.00'), \
total_cost=Decimal('1950.00'))
    """
    at_disbursement = to_decimal(at_disbursement, "at_disbursement")
    if at_disbursement < 0:
        raise EngineError("at_disbursement", "must not be negative")
    total = interest = fees = ZERO
    for amount, due_interest, fee in installments:
        total += to_decimal(amount, "amount")
        interest += to_decimal(due_interest, "interest")
        fees += to_decimal(fee, "fee")
    fees += at_disbursement
    return LoanCost(
        fees=fees,
        total_payment=total + at_disbursement,
        total_cost=interest + fees,
    )


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
