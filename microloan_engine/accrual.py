"""Interest accrual (计提) in the books (docs/domain.md §5.1 items 2 and 5).

Interest is accrued at least monthly, also for bullet loans. The scheduled
interest of a period is spread pro rata by days, so that the accruals of a
period add up exactly to the interest billed on its due date: disbursed
2025-01-10 and due on the 10th, 1,000.00 of interest earns 1,000 × 21 / 31 =
677.42 by 31 January and the remaining 322.58 on 10 February.

The interest receivable (应收利息, 1132) of an accruing loan on a day is each
installment's accrued share less what was paid of its interest (never below
zero), plus the penalty and compound interest charged and unpaid. A loan in
non-accrual (§5.1 item 5) holds none on balance: what it owes is kept in the
off-balance memo; a written-off loan holds none either, its memo keeps what
was written off less what was recovered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .money import quantize, to_decimal

ZERO = Decimal("0")


def accrued_share(
    interest: Decimal,
    start: date,
    due: date,
    day: date,
    decimals: int = 2,
    rounding: str = "half_up",
) -> Decimal:
    """Part of the scheduled ``interest`` of the period ``start``–``due``
    earned by ``day``, pro rata by days and rounded: all of it from the due
    date on, nothing up to the start."""
    interest = to_decimal(interest, "interest")
    if day >= due or due <= start:
        return interest
    if day <= start:
        return ZERO
    return quantize(
        interest * (day - start).days / (due - start).days, decimals, rounding
    )


@dataclass(frozen=True)
class AccrualPeriod:
    """One installment for the accrual: due date, scheduled interest and the
    interest paid on it so far; ``start``, when given, the day its period
    begins (otherwise the previous period's due date).

    With their starts given, the periods that add nothing on a day may be
    left out: a period due by then whose interest is paid, and a period
    beginning on or after it (see :func:`accrued_interest`)."""

    due_date: date
    interest: Decimal
    interest_paid: Decimal = ZERO
    start: date | None = None


@dataclass(frozen=True)
class AccrualTarget:
    """What the books should hold for a loan on a day (``Decimal`` amounts).

    ``interest``/``penalty``/``compound``: the interest receivable per income
    component; ``memo_interest``: owed but kept off balance (non-accrual);
    ``memo_written_off``: written off and not yet recovered.
    """

    interest: Decimal
    penalty: Decimal
    compound: Decimal
    memo_interest: Decimal
    memo_written_off: Decimal
    non_accrual: bool

    def receivable(self, component: str) -> Decimal:
        """The receivable of ``component`` (interest, penalty or compound)."""
        return getattr(self, component)


def accrued_interest(
    periods: Iterable[AccrualPeriod],
    start: date,
    day: date,
    decimals: int = 2,
    rounding: str = "half_up",
) -> Decimal:
    """Interest accrued and unpaid on ``day`` over ``periods`` (in due-date
    order, the first starting on ``start``, each next one on the previous due
    date, unless a period gives its own ``start``): each period's
    :func:`accrued_share` less its interest paid, never below zero."""
    total = ZERO
    for period in periods:
        if period.start is not None:
            start = period.start
        share = accrued_share(
            period.interest, start, period.due_date, day, decimals, rounding
        )
        total += max(share - to_decimal(period.interest_paid), ZERO)
        start = period.due_date
    return total


def accrual_target(
    periods: Iterable[AccrualPeriod],
    start: date,
    day: date,
    *,
    penalty_due: Decimal = ZERO,
    compound_due: Decimal = ZERO,
    non_accrual: bool = False,
    written_off: bool = False,
    written_off_balance: Decimal = ZERO,
    decimals: int = 2,
    rounding: str = "half_up",
) -> AccrualTarget:
    """The :class:`AccrualTarget` of a loan on ``day``.

    ``penalty_due``/``compound_due`` are charged less paid by ``day``;
    ``written_off_balance`` is written off less recovered. A written-off
    loan is not in non-accrual (its memo is the written-off one).
    """
    receivable = {
        "interest": accrued_interest(periods, start, day, decimals, rounding),
        "penalty": to_decimal(penalty_due, "penalty_due"),
        "compound": to_decimal(compound_due, "compound_due"),
    }
    non_accrual = bool(non_accrual and not written_off)
    on_balance = not (non_accrual or written_off)
    return AccrualTarget(
        interest=receivable["interest"] if on_balance else ZERO,
        penalty=receivable["penalty"] if on_balance else ZERO,
        compound=receivable["compound"] if on_balance else ZERO,
        memo_interest=sum(receivable.values(), ZERO) if non_accrual else ZERO,
        memo_written_off=(
            max(to_decimal(written_off_balance), ZERO) if written_off else ZERO
        ),
        non_accrual=non_accrual,
    )
