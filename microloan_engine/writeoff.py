"""Write-off (核销) and recovery after write-off (docs/domain.md §5.1 items 8, 9).

A write-off on a day takes off the books the principal outstanding of every
installment and the interest, fees, penalty and compound interest owed by
then (interest and fees of installments not yet due are not owed). Component
by component in :data:`WRITE_OFF_COMPONENTS` order, oldest installment first.

A recovery pays back what was written off in that same order (principal
first); what is left once everything is recovered is the borrower's credit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import EngineError
from .money import to_decimal

ZERO = Decimal("0")
WRITE_OFF_COMPONENTS = ("principal", "interest", "fee", "penalty", "compound")


@dataclass(frozen=True)
class WriteOffLine:
    """``amount`` of ``component`` of installment ``n`` written off or recovered."""

    n: int
    component: str
    amount: Decimal


def write_off_lines(position, on: date) -> tuple[WriteOffLine, ...]:
    """What a write-off of ``position`` (a
    :class:`microloan_engine.allocation.LoanPosition`) on ``on`` takes off the
    books, as lines in write-off order."""
    lines = []
    for component in WRITE_OFF_COMPONENTS:
        for inst in position.installments:
            if component in ("interest", "fee") and inst.due_date > on:
                continue
            amount = inst.outstanding(component)
            if amount > 0:
                lines.append(WriteOffLine(inst.n, component, amount))
    return tuple(lines)


def allocate_recovery(
    recoverable: Iterable[WriteOffLine], amount: Decimal
) -> tuple[tuple[WriteOffLine, ...], Decimal]:
    """Split ``amount`` recovered over ``recoverable`` (written off and not yet
    recovered, in write-off order); return ``(lines, excess)``."""
    remaining = to_decimal(amount, "amount")
    if remaining < 0:
        raise EngineError("amount", "must not be negative")
    lines = []
    for item in recoverable:
        if not remaining:
            break
        paid = min(item.amount, remaining)
        if paid > 0:
            remaining -= paid
            lines.append(WriteOffLine(item.n, item.component, paid))
    return tuple(lines), remaining
