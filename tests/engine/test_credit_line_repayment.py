"""A credit line repayment pays the interest settled first, then principal
(docs/domain.md §1.5); the line's totals and payoff; the borrower's credit
used by a loan payoff or prepayment."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from microloan_engine.allocation import use_credit
from microloan_engine.errors import EngineError
from microloan_engine.interest import (
    CreditLine,
    credit_line_owed,
    credit_line_totals,
)

D = Decimal
D0 = date(2025, 1, 1)


def day(n):
    return D0 + timedelta(days=n)


def drawn(amount="50000"):
    return CreditLine(D("100000"), D("0.12")).draw(day(0), D(amount))


def test_repayment_pays_interest_first():
    # 50,000 for 10 days at 12% / 360: 166.67 settled, 19,833.33 of principal.
    line, paid = drawn().repayment(day(10), D("20000"))
    assert paid.interest_from == day(0)
    assert paid.accumulated_product == D("500000")
    assert (paid.interest_accrued, paid.interest_paid) == (D("166.67"), D("166.67"))
    assert paid.principal == D("19833.33")
    assert line.balance_on(day(10)) == D("30166.67")
    assert line.interest_due == 0
    assert line.interest_paid_to == day(10)


def test_interest_left_unpaid_stays_due_and_is_paid_next():
    line, paid = drawn().repayment(day(10), D("100"))
    assert (paid.interest_paid, paid.principal) == (D("100"), D("0"))
    assert line.interest_due == D("66.67")
    # 20 more days on 50,000: 333.33, plus the 66.67 still due.
    line, paid = line.repayment(day(30), D("1000"))
    assert paid.interest_from == day(10)
    assert paid.interest_accrued == D("333.33")
    assert (paid.interest_paid, paid.principal) == (D("400.00"), D("600.00"))
    assert line.balance_on(day(30)) == D("49400.00")


def test_payoff_includes_the_interest_due():
    line, _paid = drawn().repayment(day(10), D("100"))
    payoff = line.payoff(day(30))
    assert (payoff.principal, payoff.interest_due, payoff.interest) == (
        D("50000"),
        D("66.67"),
        D("333.33"),
    )
    assert payoff.total == D("50400.00")
    # The payoff closes the line.
    line, paid = line.repayment(day(30), payoff.total)
    assert paid.principal == D("50000")
    assert line.balance_on(day(30)) == 0 and line.interest_due == 0


def test_more_than_the_payoff_is_refused():
    with pytest.raises(EngineError) as error:
        drawn().repayment(day(10), D("50166.68"))
    assert error.value.code == "repayment_exceeds_payoff"
    line, paid = drawn().repayment(day(10), D("50166.67"))
    assert paid.principal == D("50000")


@pytest.mark.parametrize("amount", [D("0"), D("-1"), D("0.001")])
def test_bad_repayment_amounts_are_refused(amount):
    with pytest.raises(EngineError) as error:
        drawn().repayment(day(10), amount)
    assert error.value.field == "amount"


def test_repayment_before_the_settlement_is_refused():
    line, _paid = drawn().repayment(day(10), D("1000"))
    with pytest.raises(EngineError) as error:
        line.repayment(day(5), D("1000"))
    assert error.value.field == "on"


def test_settled_interest_becomes_due():
    line, amount = drawn().settle_interest(day(10))
    assert amount == line.interest_due == D("166.67")


def test_negative_interest_due_is_refused():
    with pytest.raises(EngineError) as error:
        CreditLine(D("1000"), D("0.12"), interest_due=D("-0.01"))
    assert error.value.field == "interest_due"


def test_available_is_never_negative():
    line = CreditLine(D("60000"), D("0.12")).draw(day(0), D("60000"))
    assert line.available(day(0)) == 0


def test_totals_of_the_posted_entries():
    line, first = drawn().repayment(day(10), D("100"))
    line = line.draw(day(20), D("10000"))
    line, second = line.repayment(day(30), D("1000"))
    totals = credit_line_totals([D("50000"), D("10000")], [first, second])
    assert totals.drawn == D("60000")
    # Settled: 166.67 to day 10 (积数 500,000), then 50,000 × 10 + 60,000 × 10
    # = 1,100,000 of 积数 at 12% / 360 = 366.67 to day 30. Paid: 100 of
    # interest, then 66.67 + 366.67 = 433.34 of interest and 566.66 of
    # principal.
    assert totals.accumulated_product == D("1600000")
    assert totals.interest_paid == D("533.34")
    assert totals.interest_due == 0
    assert totals.principal_outstanding == D("59433.34")
    assert totals.principal_outstanding == line.balance_on(day(30))


def test_owed():
    assert credit_line_owed(D("30000"), D("66.67")) == D("30066.67")
    assert credit_line_owed(D("30000"), D("66.67"), D("100")) == D("30166.67")


@pytest.mark.parametrize(
    "owed, credit, used, due",
    [
        (D("8884.88"), D("100.00"), D("100.00"), D("8784.88")),
        (D("50.00"), D("100.00"), D("50.00"), D("0.00")),
        (D("50.00"), D("0"), D("0"), D("50.00")),
    ],
)
def test_credit_used_first(owed, credit, used, due):
    result = use_credit(owed, credit)
    assert (result.owed, result.used, result.due) == (owed, used, due)
