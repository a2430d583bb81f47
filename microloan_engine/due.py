"""What a borrower owes on a day, for the repayment desk (docs/domain.md §1.5).

Three figures guide a repayment: what is **overdue** (installments due before
the day, with the penalty and compound interest charged to it), what is
**due** by the day (the overdue amount plus the installments falling due on
it) and the **next** installment a payment would pay after those (the current
one of :mod:`microloan_engine.allocation`, with its due date). The payoff is
:func:`microloan_engine.allocation.payoff_quote`; the split of an amount is
:func:`microloan_engine.allocation.allocate`. Nothing here is written back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .allocation import SCHEDULED, LoanPosition, settle_to
from .errors import EngineError

ZERO = Decimal("0")
CHARGES = ("penalty", "compound")
SCHEDULED_COMPONENTS = ("principal", "interest", "fee")


@dataclass(frozen=True)
class DueAmounts:
    """What is owed on ``on`` (see the module's docstring). ``next_amount`` is
    the outstanding of the first scheduled installment due after ``on``
    (``next_due_date``, ``None`` when there is none)."""

    on: date
    overdue: Decimal
    due: Decimal
    charges: Decimal
    next_amount: Decimal
    next_due_date: date | None

    @property
    def suggested(self) -> Decimal:
        """The amount a repayment on ``on`` is expected to bring: what is due,
        else the next installment.

        >>> DueAmounts(date(2025, 2, 10), ZERO, ZERO, ZERO, Decimal("8884.88"),
        ...            date(2025, 3, 10)).suggested
        Decimal('8884.88')
        """
        return self.due if self.due > 0 else self.next_amount


def due_amounts(position: LoanPosition, on: date) -> DueAmounts:
    """What ``position`` owes on ``on``, charges accrued and charged to that
    day (:func:`microloan_engine.allocation.settle_to`).

    Every outstanding penalty and compound interest counts as overdue (they
    are owed at once); principal, interest and fee count as overdue for the
    installments due before ``on`` and as due for those due on or before it.
    """
    if not isinstance(position, LoanPosition):
        raise EngineError("position", "expected a LoanPosition")
    if not isinstance(on, date):
        raise EngineError("on", "must be a date")
    if on < position.accrued_to:
        raise EngineError("on", "the position is already accrued beyond that date")
    settled = settle_to(position, on)
    overdue = due = charges = next_amount = ZERO
    next_due_date = None
    for inst in settled.installments[settled.open_from :]:
        charge = sum((inst.outstanding(c) for c in CHARGES), ZERO)
        scheduled = sum((inst.outstanding(c) for c in SCHEDULED_COMPONENTS), ZERO)
        charges += charge
        if inst.due_date < on:
            overdue += charge + scheduled
            due += charge + scheduled
        elif inst.due_date == on:
            overdue += charge
            due += charge + scheduled
        else:
            overdue += charge
            due += charge
            if next_due_date is None and inst.kind == SCHEDULED and scheduled > 0:
                next_amount = scheduled
                next_due_date = inst.due_date
    return DueAmounts(
        on=on,
        overdue=overdue,
        due=due,
        charges=charges,
        next_amount=next_amount,
        next_due_date=next_due_date,
    )
