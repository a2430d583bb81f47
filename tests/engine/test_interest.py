"""Segmented interest and the 积数 credit line (docs/domain.md §1.5)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microloan_engine.errors import EngineError
from microloan_engine.interest import (
    BalanceEvent,
    CreditLine,
    RateChange,
    interest_between,
)

D = Decimal
D0 = date(2025, 1, 1)


def day(n):
    return D0 + timedelta(days=n)


def test_domain_credit_line_example():
    line = CreditLine(limit=D("100000"), annual_rate=D("0.12"))
    line = line.draw(day(0), D("50000")).repay(day(10), D("20000"))
    assert line.accumulated_product(day(30)) == D("1100000")
    assert line.accrued_interest(day(30)) == D("366.67")
    payoff = line.payoff(day(30))
    assert payoff.principal == D("30000")
    assert payoff.interest == D("366.67")
    assert payoff.total == D("30366.67")
    line = line.repay(day(30), D("30000"))
    assert line.balance_on(day(30)) == 0
    # Nothing accrues once the line is repaid.
    assert line.accrued_interest(day(60)) == D("366.67")


@pytest.mark.parametrize(
    "day_count, expected",
    [("ACT/360", D("283.33")), ("ACT/365", D("279.45"))],
)
def test_domain_single_draw_17_days(day_count, expected):
    line = CreditLine(D("50000"), D("0.12"), day_count=day_count)
    line = line.draw(day(0), D("50000"))
    assert line.accrued_interest(day(17)) == expected


def test_act_act_credit_line_charges_each_year_by_its_length():
    line = CreditLine(D("100000"), D("0.10"), day_count="ACT/ACT")
    line = line.draw(date(2023, 12, 1), D("36600"))
    # 31 days of 2023 at /365 and 29 days of 2024 at /366.
    expected = D("36600") * D("0.10") * (D(31) / 365 + D(29) / 366)
    assert line.accrued_interest(date(2024, 1, 30)) == expected.quantize(D("0.01"))


def test_back_dated_entry_is_sorted_in():
    line = CreditLine(D("100000"), D("0.12"))
    line = line.draw(day(0), D("50000")).repay(day(30), D("30000"))
    line = line.repay(day(10), D("20000"))  # entered late
    assert [e.on for e in line.entries] == [day(0), day(10), day(30)]
    assert line.accumulated_product(day(30)) == D("1100000")


def test_draw_beyond_limit_is_refused():
    line = CreditLine(D("60000"), D("0.12")).draw(day(0), D("50000"))
    with pytest.raises(EngineError) as err:
        line.draw(day(5), D("10000.01"))
    assert err.value.field == "amount"
    assert line.draw(day(5), D("10000")).balance_on(day(5)) == D("60000")


def test_back_dated_draw_checked_against_later_history():
    line = CreditLine(D("60000"), D("0.12")).draw(day(0), D("50000"))
    line = line.repay(day(10), D("40000")).draw(day(20), D("40000"))
    assert line.available(day(5)) == D("10000")
    # On day 5 only 10,000 is free: 50,000 drawn until day 10.
    with pytest.raises(EngineError):
        line.draw(day(5), D("20000"))
    # Back-dating into day 12 is fine until the day-20 draw would break the limit.
    with pytest.raises(EngineError):
        line.draw(day(12), D("15000"))
    assert line.draw(day(12), D("10000")).balance_on(day(20)) == D("60000")


def test_over_repayment_and_bad_amounts_are_refused():
    line = CreditLine(D("60000"), D("0.12")).draw(day(0), D("1000"))
    for bad in (D("1000.01"), D("0"), D("-5"), D("0.001")):
        with pytest.raises(EngineError):
            line.repay(day(1), bad)
    with pytest.raises(EngineError):
        CreditLine(D("-1"), D("0.12"))
    with pytest.raises(EngineError):
        CreditLine(D("1"), D("0.12"), day_count="ACT/366")


def test_settlement_resets_the_product_and_blocks_back_dating():
    line = CreditLine(D("100000"), D("0.12")).draw(day(0), D("50000"))
    line, paid = line.settle_interest(day(10))
    assert paid == D("166.67")
    assert line.accumulated_product(day(10)) == 0
    assert line.accrued_interest(day(20)) == D("166.67")
    with pytest.raises(EngineError):
        line.repay(day(5), D("1000"))


def test_payoff_ignores_later_entries():
    line = CreditLine(D("100000"), D("0.12")).draw(day(0), D("50000"))
    line = line.draw(day(20), D("10000"))
    assert line.payoff(day(10)).principal == D("50000")
    assert line.payoff(day(10)).interest == D("166.67")


def test_interest_between_with_rate_and_balance_changes():
    result = interest_between(
        day(0),
        day(30),
        [BalanceEvent(day(0), D("50000")), BalanceEvent(day(10), D("30000"))],
        [RateChange(day(0), D("0.12")), RateChange(day(20), D("0.06"))],
    )
    assert [(s.days, s.balance, s.annual_rate) for s in result.segments] == [
        (10, D("50000"), D("0.12")),
        (10, D("30000"), D("0.12")),
        (10, D("30000"), D("0.06")),
    ]
    # 50,000×12%×10/360 + 30,000×12%×10/360 + 30,000×6%×10/360 = 166.67+100+50
    assert result.total == D("316.67")
    assert sum(s.interest for s in result.segments) == result.unrounded_total


def test_interest_between_rounds_once_or_per_segment():
    events = [(day(0), D("1000")), (day(1), D("1001")), (day(2), D("1002"))]
    rates = [(day(0), D("0.125"))]
    once = interest_between(day(0), day(3), events, rates)
    each = interest_between(day(0), day(3), events, rates, round_per_segment=True)
    # 1000×0.125/360 = 0.3472.. per day: rounding each day over-counts.
    assert once.total == D("1.04")
    assert each.total == D("1.05")
    assert [s.interest for s in each.segments] == [D("0.35")] * 3


def test_interest_between_needs_a_value_at_start():
    with pytest.raises(EngineError) as err:
        interest_between(day(0), day(5), [(day(1), D("1"))], [(day(0), D("0.1"))])
    assert err.value.field == "balance_events"
    with pytest.raises(EngineError) as err:
        interest_between(day(0), day(5), [(day(0), D("1"))], [(day(1), D("0.1"))])
    assert err.value.field == "rate_changes"
    with pytest.raises(EngineError):
        interest_between(day(5), day(0), [(day(0), D("1"))], [(day(0), D("0.1"))])


amounts = st.integers(min_value=1, max_value=10_000_000).map(lambda c: D(c) / 100)


@given(
    st.lists(st.tuples(st.integers(0, 400), amounts), min_size=1, max_size=12),
    st.integers(1, 500),
)
def test_product_method_equals_segmented_interest(draws, horizon):
    line = CreditLine(D("1000000000"), D("0.12"))
    for offset, amount in draws:
        line = line.draw(day(offset), amount)
    end = day(horizon)
    balance_events = []
    running = D(0)
    for offset, amount in sorted(draws, key=lambda x: x[0]):
        running += amount
        balance_events.append((day(offset), running))
    first = min(offset for offset, _ in draws)
    if horizon <= first:
        assert line.accrued_interest(end) == 0
        return
    segmented = interest_between(
        day(first), end, balance_events, [(day(first), D("0.12"))]
    )
    assert line.accrued_interest(end) == segmented.total
