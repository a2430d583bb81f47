"""What is owed on a day, for the repayment desk (microloan_engine.due).

Figures: docs/domain.md §1.1 and §2.2 (installment 1 of the 100,000 loan at
12% paid 10 days late).
"""

from datetime import date
from decimal import Decimal

import pytest

from microloan_engine.allocation import allocate, position_from_schedule
from microloan_engine.due import DueAmounts, due_amounts
from microloan_engine.errors import EngineError
from microloan_engine.schedule import ScheduleTerms, build_schedule

D = Decimal
TERMS = ScheduleTerms(
    principal=D("100000"),
    annual_rate=D("0.12"),
    periods=12,
    disbursement_date=date(2025, 1, 10),
)


def loan():
    return position_from_schedule(
        build_schedule(TERMS), TERMS.disbursement_date, TERMS.annual_rate
    )


def test_before_the_first_due_date_only_the_next_installment():
    due = due_amounts(loan(), date(2025, 1, 20))
    assert (due.overdue, due.due, due.charges) == (0, 0, 0)
    assert (due.next_amount, due.next_due_date) == (D("8884.88"), date(2025, 2, 10))
    assert due.suggested == D("8884.88")


def test_on_the_due_date_the_installment_is_due_not_overdue():
    due = due_amounts(loan(), date(2025, 2, 10))
    assert (due.overdue, due.due) == (D("0"), D("8884.88"))
    assert due.next_due_date == date(2025, 3, 10)
    assert due.suggested == D("8884.88")


def test_ten_days_late_with_penalty_and_compound_interest():
    # §2.2: 8,884.88 + 39.42 + 5.00 = 8,929.30; installment 2 not yet due.
    due = due_amounts(loan(), date(2025, 2, 20))
    assert due.charges == D("44.42")
    assert due.overdue == due.due == D("8929.30")
    assert due.next_amount == D("8884.88")
    # The amount suggested clears what is due, as the allocation shows.
    result = allocate(loan(), due.suggested, date(2025, 2, 20))
    assert result.excess == 0
    assert result.position.installments[0].is_cleared


def test_paid_installments_owe_nothing():
    paid = allocate(loan(), D("8929.30"), date(2025, 2, 20)).position
    due = due_amounts(paid, date(2025, 2, 20))
    assert (due.overdue, due.due) == (0, 0)
    assert due.suggested == D("8884.88")


def test_bad_input_is_refused():
    with pytest.raises(EngineError):
        due_amounts("position", date(2025, 2, 20))
    with pytest.raises(EngineError):
        due_amounts(loan(), "2025-02-20")
    accrued = allocate(loan(), D("0"), date(2025, 2, 20)).position
    with pytest.raises(EngineError):
        due_amounts(accrued, date(2025, 2, 19))


def test_suggested_is_the_next_installment_when_nothing_is_due():
    nothing = DueAmounts(date(2025, 1, 1), D(0), D(0), D(0), D("5"), None)
    assert nothing.suggested == D("5")
