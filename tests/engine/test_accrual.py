"""Interest accrual pro rata by days (docs/domain.md §5.1 items 2 and 5)."""

from datetime import date, timedelta
from decimal import Decimal

from microloan_engine.accrual import (
    AccrualPeriod,
    accrual_target,
    accrued_interest,
    accrued_share,
)
from microloan_engine.schedule import ScheduleTerms, build_schedule

D = Decimal
START = date(2025, 1, 10)


def test_domain_example_31_january():
    # §5.1 item 2: 1,000 × 21 / 31 = 677.42 on 31 January, the rest on 10 February.
    due = date(2025, 2, 10)
    assert accrued_share(D("1000"), START, due, date(2025, 1, 31)) == D("677.42")
    assert accrued_share(D("1000"), START, due, due) == D("1000")
    assert accrued_share(D("1000"), START, due, START) == 0
    assert accrued_share(D("1000"), START, due, date(2025, 3, 1)) == D("1000")


def test_accruals_add_up_to_the_billed_interest():
    schedule = build_schedule(
        ScheduleTerms(
            principal=D("100000"),
            annual_rate=D("0.12"),
            periods=12,
            disbursement_date=START,
        )
    )
    periods = [AccrualPeriod(i.due_date, i.interest) for i in schedule.installments]
    previous = D(0)
    day = START
    while day <= schedule.installments[-1].due_date:
        accrued = accrued_interest(periods, START, day)
        assert accrued >= previous
        previous = accrued
        day += timedelta(days=1)
    assert previous == D("6618.53")


def test_paid_interest_is_deducted_never_below_zero():
    periods = [AccrualPeriod(date(2025, 2, 10), D("1000"), D("1000"))]
    assert accrued_interest(periods, START, date(2025, 1, 31)) == 0


def test_targets_of_an_accruing_loan():
    periods = [AccrualPeriod(date(2025, 2, 10), D("1000"))]
    target = accrual_target(
        periods, START, date(2025, 1, 31), penalty_due=D("5"), compound_due=D("1")
    )
    assert (target.interest, target.penalty, target.compound) == (
        D("677.42"),
        D("5"),
        D("1"),
    )
    assert target.receivable("penalty") == D("5")
    assert not target.non_accrual
    assert target.memo_interest == target.memo_written_off == 0


def test_non_accrual_keeps_everything_off_balance():
    periods = [AccrualPeriod(date(2025, 2, 10), D("1000"))]
    target = accrual_target(
        periods, START, date(2025, 1, 31), penalty_due=D("5"), non_accrual=True
    )
    assert target.non_accrual
    assert target.interest == target.penalty == target.compound == 0
    assert target.memo_interest == D("682.42")


def test_written_off_loan_keeps_its_memo_only():
    periods = [AccrualPeriod(date(2025, 2, 10), D("1000"))]
    target = accrual_target(
        periods,
        START,
        date(2025, 1, 31),
        non_accrual=True,
        written_off=True,
        written_off_balance=D("-3"),
    )
    assert not target.non_accrual
    assert target.interest == target.memo_interest == target.memo_written_off == 0
    target = accrual_target(
        periods, START, date(2025, 1, 31), written_off=True, written_off_balance=D("7")
    )
    assert target.memo_written_off == D("7")


def test_periods_with_their_starts_may_be_left_out():
    """Given their starts, only the periods due and unpaid and the period
    running on the day count: leaving the others out changes nothing (the
    month-end run reads only those, whatever the term)."""
    schedule = build_schedule(
        ScheduleTerms(
            principal=D("100000"),
            annual_rate=D("0.12"),
            periods=36,
            disbursement_date=START,
        )
    )
    rows = schedule.installments
    starts = [START, *(i.due_date for i in rows[:-1])]
    for day in (date(2025, 1, 31), date(2025, 6, 30), date(2026, 2, 10)):
        # The first five installments paid, the sixth half.
        paid = [i.interest if n < 5 else D(0) for n, i in enumerate(rows)]
        paid[5] = rows[5].interest / 2
        full = [
            AccrualPeriod(i.due_date, i.interest, p)
            for i, p in zip(rows, paid, strict=True)
        ]
        kept = [
            AccrualPeriod(i.due_date, i.interest, p, start=s)
            for i, p, s in zip(rows, paid, starts, strict=True)
            if (i.due_date <= day and p < i.interest) or s < day < i.due_date
        ]
        assert len(kept) < len(full)
        assert accrued_interest(kept, START, day) == accrued_interest(full, START, day)
    # A start given overrides the previous due date.
    period = AccrualPeriod(date(2025, 3, 10), D("900"), start=date(2025, 2, 10))
    assert accrued_interest([period], START, date(2025, 2, 24)) == D("450.00")
