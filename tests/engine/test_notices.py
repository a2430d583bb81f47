"""The overdue notice's figures (逾期催收通知书): the engine's overdue status on
the day, plus the unpaid fees of the installments already due, and their total."""

from datetime import date
from decimal import Decimal

import pytest

from microloan_engine.allocation import allocate, position_from_schedule
from microloan_engine.errors import EngineError
from microloan_engine.notices import overdue_notice
from microloan_engine.overdue import overdue_status
from microloan_engine.schedule import ScheduleTerms, build_schedule

D = Decimal
DISBURSED = date(2025, 1, 10)


def loan(fees=()):
    """The §1.1 loan: 100,000 at 12% over 12 months, due on the 10th."""
    terms = ScheduleTerms(
        principal=D("100000"),
        annual_rate=D("0.12"),
        periods=12,
        disbursement_date=DISBURSED,
    )
    return position_from_schedule(
        build_schedule(terms), DISBURSED, D("0.12"), fees=fees
    )


def test_nothing_overdue_before_the_first_due_date():
    notice = overdue_notice(loan(), date(2025, 2, 10))
    assert notice.total == D("0.00")
    assert notice.days_past_due == 0
    assert notice.overdue_installments == 0


def test_ten_days_late_penalty_included():
    # Installment 1 (7,884.88 + 1,000.00) is 10 days late on 2025-02-20: penalty
    # 7,884.88 × 0.05% × 10 = 39.42 and compound 1,000.00 × 0.05% × 10 = 5.00
    # (docs/domain.md §2.1).
    notice = overdue_notice(loan(), date(2025, 2, 20))
    assert notice.days_past_due == 10
    assert notice.overdue_installments == 1
    assert (notice.principal, notice.interest) == (D("7884.88"), D("1000.00"))
    assert (notice.penalty, notice.compound) == (D("39.42"), D("5.00"))
    assert notice.fees == D("0")
    assert notice.total == D("8929.30")


def test_fees_of_installments_due_before_the_day_only():
    fees = [D("50.00")] * 12
    notice = overdue_notice(loan(fees), date(2025, 3, 10))
    # installment 2 is due on the day: neither its amounts nor its fee are overdue
    assert notice.overdue_installments == 1
    assert notice.fees == D("50.00")
    status = overdue_status(loan(fees), date(2025, 3, 10))
    assert notice.total == (
        status.overdue_principal
        + status.overdue_interest
        + status.penalty
        + status.compound
        + D("50.00")
    )


def test_a_partly_paid_installment_owes_the_rest():
    position = loan()
    paid = allocate(position, D("5000.00"), date(2025, 2, 10)).position
    notice = overdue_notice(paid, date(2025, 2, 20))
    assert notice.interest == D("0.00")
    assert notice.principal == D("3884.88")
    assert notice.penalty == D("19.42")  # 3,884.88 × 0.05% × 10
    assert notice.total == notice.principal + notice.penalty + notice.compound


def test_refuses_a_day_before_the_accrual():
    position = loan()
    with pytest.raises(EngineError):
        overdue_notice(position, date(2024, 12, 31))
