"""Days past due, penalty and compound interest (docs/domain.md §2)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from microloan_engine.allocation import allocate, position_from_schedule
from microloan_engine.errors import EngineError
from microloan_engine.overdue import (
    DEFAULT_PENALTY_TERMS,
    PenaltyTerms,
    accrue,
    accrue_charges,
    close_day,
    compound_interest,
    crystallize,
    days_past_due,
    loan_days_past_due,
    overdue_status,
    penalty_interest,
)
from microloan_engine.schedule import ScheduleTerms, build_schedule

D = Decimal
DISBURSED = date(2025, 1, 10)
DUE_1 = date(2025, 2, 10)


def loan(penalty_terms=DEFAULT_PENALTY_TERMS, method="annuity"):
    """The §1.1 loan: 100,000 at 12% over 12 months, due on the 10th."""
    terms = ScheduleTerms(
        principal=D("100000"),
        annual_rate=D("0.12"),
        periods=12,
        disbursement_date=DISBURSED,
        method=method,
    )
    return position_from_schedule(
        build_schedule(terms), DISBURSED, D("0.12"), penalty_terms=penalty_terms
    )


def test_domain_penalty_and_compound_numbers():
    assert penalty_interest(D("7884.88"), D("0.12"), 10) == D("39.42")
    assert compound_interest(D("1000.00"), D("0.12"), 10) == D("5.00")
    assert compound_interest(D("1000"), D("0.12"), 30) == D("15.00")
    no_compound = PenaltyTerms(compound=False)
    assert compound_interest(D("1000"), D("0.12"), 30, no_compound) == D("0.00")
    # Explicit penalty rate and a 1.3 multiplier.
    assert penalty_interest(
        D("1000"), D("0.12"), 30, PenaltyTerms(penalty_rate=D("0.24"))
    ) == D("20.00")
    assert penalty_interest(
        D("1000"), D("0.12"), 30, PenaltyTerms(multiplier=D("1.3"))
    ) == D("13.00")
    assert penalty_interest(D("1000"), D("0.12"), 30, PenaltyTerms(day_basis=365)) == D(
        "14.79"
    )


def test_days_past_due_counts_from_the_day_after():
    assert days_past_due(DUE_1, DUE_1) == 0
    assert days_past_due(DUE_1, DUE_1 - timedelta(days=3)) == 0
    assert days_past_due(DUE_1, DUE_1 + timedelta(days=1)) == 1
    position = loan()
    assert loan_days_past_due(position, DUE_1) == 0
    assert loan_days_past_due(position, date(2025, 2, 11)) == 1
    # Two installments unpaid: DPD is the oldest one's.
    assert loan_days_past_due(position, date(2025, 3, 15)) == 33


def test_domain_worked_example_on_the_position():
    status = overdue_status(loan(), date(2025, 2, 20))
    assert status.days_past_due == 10
    assert status.overdue_principal == D("7884.88")
    assert status.overdue_interest == D("1000.00")
    assert status.penalty == D("39.42")
    assert status.compound == D("5.00")
    result = allocate(loan(), D("8929.30"), date(2025, 2, 20))
    assert result.excess == 0
    first = result.position.installments[0]
    assert first.is_cleared
    # The next installment is unchanged.
    assert result.position.installments[1].interest == D("921.15")


def test_nightly_accrual_equals_one_shot():
    position = loan()
    day = DISBURSED
    total_penalty = D(0)
    total_compound = D(0)
    while day < date(2025, 2, 20):
        position, closed = close_day(position, day)
        total_penalty += closed.penalty_accrued
        total_compound += closed.compound_accrued
        day += timedelta(days=1)
    assert closed.days_past_due == 9  # closing 2025-02-19
    assert total_penalty == D("39.42")
    assert total_compound == D("5.00")
    settled = crystallize(position, date(2025, 2, 20))
    assert settled.installments[0].penalty == D("39.42")
    assert settled.installments[0].compound == D("5.00")
    one_shot = crystallize(accrue(loan(), date(2025, 2, 20)), date(2025, 2, 20))
    assert one_shot == settled
    # Between any two dates, in one call.
    position, charges = accrue_charges(loan(), date(2025, 2, 20))
    assert (charges.start, charges.end) == (DISBURSED, date(2025, 2, 20))
    assert (charges.penalty, charges.compound) == (D("39.42"), D("5.00"))
    _, more = accrue_charges(position, date(2025, 3, 2))
    # 10 more days on installment 1 (20 days: 78.85 total, 10.00 compound).
    assert (more.penalty, more.compound) == (D("39.43"), D("5.00"))


def test_grace_days_waive_then_charge_from_due_date():
    terms = PenaltyTerms(grace_days=3)
    # Paid on day 3 after the due date: inside grace, no penalty.
    paid = allocate(loan(terms), D("8884.88"), DUE_1 + timedelta(days=3))
    assert paid.excess == 0
    first = paid.position.installments[0]
    assert first.is_cleared and first.penalty == 0
    # Paid on day 4: past grace, charged from the original due date (4 days).
    status = overdue_status(loan(terms), DUE_1 + timedelta(days=4))
    assert status.penalty == penalty_interest(D("7884.88"), D("0.12"), 4)
    assert status.penalty == D("15.77")
    assert penalty_interest(D("7884.88"), D("0.12"), 3, terms) == 0
    assert overdue_status(loan(terms), DUE_1 + timedelta(days=3)).penalty == 0


def test_grace_in_nightly_close_recognizes_the_grace_days_at_once():
    position = loan(PenaltyTerms(grace_days=2))
    position = accrue(position, DUE_1)
    recognized = []
    for offset in range(4):
        position, closed = close_day(position, DUE_1 + timedelta(days=offset))
        recognized.append(closed.penalty_accrued)
    # Closing D, D+1: still within grace on D+1 and D+2 mornings; D+2 closes into
    # D+3 when three days become due at once.
    assert recognized[0] == 0 and recognized[1] == 0
    assert recognized[2] == D("11.83")  # 7,884.88 × 0.05% × 3
    assert recognized[3] == D("3.94")


def test_partial_principal_payment_changes_the_penalty_base():
    position = loan()
    # 10 days late pay interest + half the principal; 10 more days on the rest.
    result = allocate(
        position, D("39.42") + D("5.00") + D("1000") + D("3942.44"), date(2025, 2, 20)
    )
    assert result.position.installments[0].outstanding("principal") == D("3942.44")
    status = overdue_status(result.position, date(2025, 3, 2))
    assert status.penalty == D("19.71")  # 3,942.44 × 0.05% × 10
    assert status.compound == 0


def test_no_compound_when_switched_off():
    status = overdue_status(loan(PenaltyTerms(compound=False)), date(2025, 2, 20))
    assert status.penalty == D("39.42") and status.compound == 0


def test_bullet_after_maturity_whole_principal_earns_penalty():
    position = loan(method="bullet")
    maturity = position.installments[-1].due_date
    status = overdue_status(position, maturity + timedelta(days=30))
    assert status.overdue_principal == D("100000.00")
    assert status.penalty == D("1500.00")  # 100,000 × 18%/360 × 30


def test_accrue_refuses_going_back():
    position = accrue(loan(), date(2025, 3, 1))
    with pytest.raises(EngineError, match="already accrued beyond") as error:
        accrue(position, date(2025, 2, 1))
    assert error.value.field == "to"
    assert accrue(position, date(2025, 3, 1)) is position


def test_penalty_terms_validation():
    for kwargs, field in (
        ({"grace_days": -1}, "grace_days"),
        ({"multiplier": D("-1")}, "multiplier"),
        ({"day_basis": 100}, "day_basis"),
    ):
        with pytest.raises(EngineError) as error:
            PenaltyTerms(**kwargs)
        assert error.value.field == field
