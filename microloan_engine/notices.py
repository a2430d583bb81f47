"""Figures of the documents sent to a borrower (催收通知书): what is overdue on a
day, penalty and compound interest included, and its total.

The figures are the engine's own: :func:`microloan_engine.overdue.overdue_status`
for the overdue principal, interest and charges (accrued to the day, as if
settled on it) and the unpaid fees of the installments already due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .allocation import LoanPosition, settle_to, validate_position
from .overdue import overdue_status

ZERO = Decimal(0)


@dataclass(frozen=True)
class OverdueNotice:
    """What a borrower owes for the installments past due on ``as_of``."""

    as_of: date
    days_past_due: int
    overdue_installments: int
    principal: Decimal
    interest: Decimal
    penalty: Decimal
    compound: Decimal
    fees: Decimal
    total: Decimal


def overdue_notice(position: LoanPosition, as_of: date) -> OverdueNotice:
    """The amounts due on ``as_of`` for the installments due before it: overdue
    principal and interest, penalty and compound interest (accrued to
    ``as_of`` and charged as if settled on it), unpaid fees of those
    installments, and their total."""
    validate_position(position)
    status = overdue_status(position, as_of)
    settled = settle_to(position, as_of)
    fees = sum(
        (
            inst.fee - inst.fee_paid
            for inst in settled.installments
            if inst.due_date < as_of
        ),
        ZERO,
    )
    total = (
        status.overdue_principal
        + status.overdue_interest
        + status.penalty
        + status.compound
        + fees
    )
    return OverdueNotice(
        as_of=as_of,
        days_past_due=status.days_past_due,
        overdue_installments=status.overdue_installments,
        principal=status.overdue_principal,
        interest=status.overdue_interest,
        penalty=status.penalty,
        compound=status.compound,
        fees=fees,
        total=total,
    )
