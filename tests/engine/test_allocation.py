"""Repayment allocation, payoff, prepayment and replay.

Rules: docs/domain.md §1.0, §1.5 and §2.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from microloan_engine.allocation import (
    CURRENT_FEE,
    CURRENT_INTEREST,
    CURRENT_PRINCIPAL,
    DEFAULT_ORDER,
    FEE,
    OVERDUE_INTEREST,
    OVERDUE_PRINCIPAL,
    PENALTY,
    PREPAYMENT,
    Payment,
    allocate,
    allocate_with_credit,
    credit_added,
    payoff_quote,
    position_from_schedule,
    prepay,
    replay,
    validate_position,
)
from microloan_engine.errors import EngineError
from microloan_engine.overdue import DEFAULT_PENALTY_TERMS, PenaltyTerms
from microloan_engine.schedule import ScheduleTerms, build_schedule

D = Decimal
DISBURSED = date(2025, 1, 10)
TERMS = ScheduleTerms(
    principal=D("100000"),
    annual_rate=D("0.12"),
    periods=12,
    disbursement_date=DISBURSED,
)
SCHEDULE = build_schedule(TERMS)


def loan(fees=(), penalty_terms=DEFAULT_PENALTY_TERMS, terms=TERMS):
    return position_from_schedule(
        build_schedule(terms),
        terms.disbursement_date,
        terms.annual_rate,
        fees=fees,
        penalty_terms=penalty_terms,
    )


def lines(result):
    return [(line.n, line.bucket, line.amount) for line in result.lines]


def test_default_order_matches_domain():
    assert DEFAULT_ORDER == (
        "fee",
        "penalty",
        "compound",
        "overdue_interest",
        "overdue_principal",
        "current_fee",
        "current_interest",
        "current_principal",
    )


def test_partial_payment_follows_the_default_order():
    result = allocate(loan(), D("100"), date(2025, 2, 20))
    assert lines(result) == [
        (1, "penalty", D("39.42")),
        (1, "compound", D("5.00")),
        (1, "overdue_interest", D("55.58")),
    ]
    assert result.excess == 0
    assert result.paid("interest") == D("55.58")
    assert dict(result.by_component)["penalty"] == D("39.42")


def test_component_major_versus_installment_major():
    # Installments 1 and 2 overdue on 2025-03-11 (29 and 1 days).
    on = date(2025, 3, 11)
    pay = D("12000")
    by_component = allocate(loan(), pay, on)
    assert [(n, b) for n, b, _ in lines(by_component)] == [
        (1, "penalty"),
        (2, "penalty"),
        (1, "compound"),
        (2, "compound"),
        (1, "overdue_interest"),
        (2, "overdue_interest"),
        (1, "overdue_principal"),
        (2, "overdue_principal"),
    ]
    by_installment = allocate(loan(), pay, on, by_installment=True)
    assert [(n, b) for n, b, _ in lines(by_installment)] == [
        (1, "penalty"),
        (1, "compound"),
        (1, "overdue_interest"),
        (1, "overdue_principal"),
        (2, "penalty"),
        (2, "compound"),
        (2, "overdue_interest"),
        (2, "overdue_principal"),
    ]
    # Penalty of installment 1: 7,884.88 × 0.05% × 29; of installment 2: 1 day.
    assert lines(by_component)[0][2] == D("114.33")
    assert lines(by_component)[1][2] == D("3.98")
    assert by_component.excess == by_installment.excess == 0


def test_fees_come_first_and_custom_order_is_honoured():
    fees = [D("50")] * 12
    result = allocate(loan(fees=fees), D("60"), date(2025, 2, 20))
    assert lines(result) == [(1, FEE, D("50")), (1, PENALTY, D("10"))]
    # The current installment's fee comes with it, after the overdue amounts.
    result = allocate(loan(fees=fees), D("9100"), date(2025, 2, 20))
    assert lines(result)[-2:] == [
        (2, CURRENT_FEE, D("50")),
        (2, CURRENT_INTEREST, D("70.70")),
    ]
    order = (OVERDUE_PRINCIPAL, OVERDUE_INTEREST, FEE, PENALTY)
    result = allocate(loan(fees=fees), D("8000"), date(2025, 2, 20), order)
    assert lines(result) == [
        (1, OVERDUE_PRINCIPAL, D("7884.88")),
        (1, OVERDUE_INTEREST, D("115.12")),
    ]
    with pytest.raises(EngineError) as err:
        allocate(loan(), D("1"), date(2025, 2, 20), ("fee", "tip"))
    assert err.value.field == "order"
    with pytest.raises(EngineError):
        allocate(loan(), D("1"), date(2025, 2, 20), ("fee", "fee"))


def test_current_installment_paid_early_and_excess_returned():
    result = allocate(loan(), D("10000"), date(2025, 2, 5))
    assert lines(result) == [
        (1, CURRENT_INTEREST, D("1000.00")),
        (1, CURRENT_PRINCIPAL, D("7884.88")),
    ]
    assert result.excess == D("1115.12")
    # Installment 2 is not touched: future principal only via prepay().
    assert result.position.installments[1].principal_paid == 0
    # On the due date the installment is still current, not overdue.
    on_due = allocate(loan(), D("8884.88"), date(2025, 2, 10))
    assert [b for _, b, _ in lines(on_due)] == [CURRENT_INTEREST, CURRENT_PRINCIPAL]


def test_allocation_refuses_bad_input():
    for bad in (D("-1"), D("1.001"), "abc"):
        with pytest.raises(EngineError) as err:
            allocate(loan(), bad, date(2025, 2, 20))
        assert err.value.field == "amount"
    paid = allocate(loan(), D("100"), date(2025, 2, 20)).position
    with pytest.raises(EngineError) as err:
        allocate(paid, D("100"), date(2025, 2, 19))
    assert err.value.field == "payment_date"
    broken = replace(
        paid,
        installments=(replace(paid.installments[0], principal_paid=D("-1")),)
        + paid.installments[1:],
    )
    with pytest.raises(EngineError):
        validate_position(broken)
    with pytest.raises(EngineError):
        allocate(broken, D("1"), date(2025, 2, 21))


def test_zero_payment_changes_nothing_but_charges():
    result = allocate(loan(), D("0"), date(2025, 2, 20))
    assert result.lines == () and result.excess == 0
    assert result.position.installments[0].penalty == D("39.42")


def test_payoff_quote_mid_period_with_overdue():
    quote = payoff_quote(loan(), date(2025, 2, 20))
    # Principal 100,000; overdue interest 1,000; 10 days on 92,115.12 = 307.05.
    assert quote.principal == D("100000.00")
    assert quote.interest == D("1307.05")
    assert (quote.penalty, quote.compound) == (D("39.42"), D("5.00"))
    assert quote.total == D("101351.47")


def test_payoff_quote_after_first_installment_with_fee():
    paid = allocate(loan(), D("8929.30"), date(2025, 2, 20)).position
    quote = payoff_quote(paid, date(2025, 3, 1), prepayment_fee_rate=D("0.01"))
    # 19 actual days (2025-02-10 -> 03-01) on 92,115.12 at 12%/360 = 583.40.
    assert quote.interest == D("583.40")
    assert quote.prepayment_fee == D("921.15")
    assert quote.total == D("92115.12") + D("583.40") + D("921.15")
    # On a due date the scheduled interest of that installment is owed.
    on_due = payoff_quote(paid, date(2025, 3, 10))
    assert on_due.interest == D("921.15")
    assert on_due.total == D("92115.12") + D("921.15")


def test_payoff_quote_pays_off_exactly():
    paid = allocate(loan(), D("8929.30"), date(2025, 2, 20)).position
    quote = payoff_quote(paid, date(2025, 3, 1))
    result = prepay(paid, TERMS, quote.principal, date(2025, 3, 1))
    assert result.total == quote.total
    assert result.schedule is None
    assert result.position.outstanding_principal == 0


def test_prepay_reduce_installment():
    paid = allocate(loan(), D("8929.30"), date(2025, 2, 20)).position
    result = prepay(paid, TERMS, D("20000"), date(2025, 3, 1))
    assert (result.interest, result.fee, result.total) == (
        D("583.40"),
        D("0.00"),
        D("20583.40"),
    )
    new = result.schedule.installments
    # Installments 2..12 remain: same count, same due dates.
    assert len(new) == 11
    assert new[0].due_date == date(2025, 3, 10)
    assert new[-1].due_date == date(2026, 1, 10)
    # Broken first period at actual days: 72,115.12 × 12%/360 × 9.
    assert new[0].interest == D("216.35")
    assert new[1].total == D("6955.80") < D("8884.88")
    position = result.position
    assert position.total("principal") == D("100000.00")
    kinds = [i.kind for i in position.installments]
    assert kinds.count(PREPAYMENT) == 1
    assert position.outstanding_principal == D("72115.12")
    validate_position(position)


def test_prepay_shorten_term_keeps_the_installment():
    paid = allocate(loan(), D("8929.30"), date(2025, 2, 20)).position
    result = prepay(paid, TERMS, D("20000"), date(2025, 3, 1), mode="shorten_term")
    new = result.schedule.installments
    assert len(new) == 9
    assert new[-1].due_date == date(2025, 11, 10)
    assert new[1].total <= D("8884.88")
    eight = build_schedule(replace(result.terms, periods=8))
    assert eight.installments[1].total > D("8884.88")


def test_prepay_on_a_due_date_is_a_full_period():
    paid = allocate(loan(), D("8884.88"), date(2025, 2, 10)).position
    result = prepay(paid, TERMS, D("10000"), date(2025, 2, 10), fee_rate=D("0.02"))
    assert result.interest == 0 and result.fee == D("200.00")
    # 82,115.12 re-amortized over 11 months at 1%.
    assert result.schedule.installments[0].interest == D("821.15")


def test_prepay_equal_principal_shorten():
    terms = replace(TERMS, method="equal_principal")
    paid = allocate(loan(terms=terms), D("9333.33"), date(2025, 2, 10)).position
    result = prepay(paid, terms, D("25000"), date(2025, 2, 10), mode="shorten_term")
    # 66,666.67 left at 8,333.33 a month: 8 installments.
    assert len(result.schedule.installments) == 8
    assert result.schedule.installments[0].principal == D("8333.33")


def test_prepay_refusals():
    position = loan()
    with pytest.raises(EngineError) as err:
        prepay(position, TERMS, D("1000"), date(2025, 2, 20))
    assert err.value.field == "payment_date"
    paid = allocate(position, D("8884.88"), date(2025, 2, 10)).position
    with pytest.raises(EngineError) as err:
        prepay(paid, TERMS, D("100000"), date(2025, 2, 15))
    assert err.value.field == "principal"
    with pytest.raises(EngineError):
        prepay(paid, TERMS, D("1000"), date(2025, 2, 15), mode="skip")
    bullet = replace(TERMS, method="bullet", periods=1)
    with pytest.raises(EngineError) as err:
        prepay(loan(terms=bullet), bullet, D("1000"), date(2025, 1, 20), "shorten_term")
    assert err.value.field == "mode"


def test_replay_back_dated_payment_recomputes_penalties():
    late = [Payment(date(2025, 2, 20), D("8929.30"))]
    result = replay(
        SCHEDULE,
        late,
        date(2025, 3, 1),
        disbursement_date=DISBURSED,
        annual_rate=D("0.12"),
    )
    assert result.position.installments[0].is_cleared
    # A payment found later, dated on the due date: no penalty any more.
    fixed = replay(
        loan(),
        late + [Payment(date(2025, 2, 10), D("8884.88"))],
        date(2025, 3, 1),
    )
    first = fixed.position.installments[0]
    assert first.penalty == 0 and first.is_cleared
    # The 2025-02-20 payment now pays installment 2 (current) early.
    assert fixed.position.installments[1].is_cleared
    assert fixed.credit == D("8929.30") - D("8884.88")
    # Held credit pays installment 3 on its due date.
    later = replay(
        loan(),
        late + [Payment(date(2025, 2, 10), D("8884.88"))],
        date(2025, 4, 10),
    )
    assert later.position.installments[2].interest_paid == D("44.42")
    assert later.credit == 0


def test_replay_without_credit_keeps_excess_aside():
    result = replay(
        loan(),
        [Payment(date(2025, 2, 10), D("10000"))],
        date(2025, 3, 11),
        apply_credit=False,
    )
    assert result.credit == D("1115.12")
    assert result.position.installments[1].principal_paid == 0


def test_replay_refuses_future_payments_and_mixed_options():
    with pytest.raises(EngineError, match="dated after the as-of date") as error:
        replay(loan(), [Payment(date(2025, 4, 1), D("1"))], date(2025, 3, 1))
    assert error.value.field == "payments"
    with pytest.raises(EngineError, match="only apply when replaying") as error:
        replay(loan(), [], date(2025, 3, 1), annual_rate=D("0.1"))
    assert error.value.field == "start"


def test_grace_waiver_through_allocation():
    position = loan(penalty_terms=PenaltyTerms(grace_days=2))
    result = allocate(position, D("8884.88"), date(2025, 2, 12))
    assert result.excess == 0 and result.position.installments[0].is_cleared
    # Partly paid within grace, rest paid after: penalty from the due date on
    # what was actually outstanding each day.
    part = allocate(position, D("4884.88"), date(2025, 2, 11)).position
    assert part.installments[0].outstanding("principal") == D("4000.00")
    status = allocate(part, D("0"), date(2025, 2, 15)).position.installments[0]
    # 7,884.88 for 1 day + 4,000 for 4 days = 23,884.88 × 0.05% = 11.94
    assert status.penalty == D("11.94")
    assert date(2025, 2, 15) - timedelta(days=5) == date(2025, 2, 10)


def test_payoff_interest_never_exceeds_the_scheduled_interest():
    # First period 2025-01-10 -> 02-20 (41 days) charged as one month: 1,000.
    terms = replace(TERMS, repayment_day=20)
    position = loan(terms=terms)
    assert position.installments[0].interest == D("1000.00")
    # 40 actual days would be 1,333.33; the early payoff owes at most 1,000.
    assert payoff_quote(position, date(2025, 2, 19)).interest == D("1000.00")
    # 20 days: 666.67, below the cap.
    assert payoff_quote(position, date(2025, 1, 30)).interest == D("666.67")


def test_allocate_with_credit_pays_the_credit_with_the_payment():
    on = date(2025, 2, 20)
    with_credit = allocate_with_credit(loan(), D("60"), D("40"), on)
    assert with_credit == allocate(loan(), D("100"), on)
    # All of it paid the position: the credit held is used up.
    assert with_credit.excess == D("0")
    assert credit_added(with_credit, D("40")) == D("-40")


def test_credit_added_is_the_excess_left_over_the_credit_held():
    on = date(2025, 2, 10)
    owed = allocate(loan(), D("1000000"), on)
    result = allocate_with_credit(loan(), D("1000000"), D("25.00"), on)
    assert result.excess == owed.excess + D("25.00")
    assert credit_added(result, D("25.00")) == owed.excess
