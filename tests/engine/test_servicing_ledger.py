"""The servicing rules the Odoo ledger delegates to the engine (issue 11):
the replay of back-dated payments with the ledger's events and order, the
payoff settlement, further tranches, settlement and the current period's
interest. Rules: docs/domain.md §1.0, §1.5, §2.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from microloan_engine.allocation import (
    Charge,
    Payment,
    Refund,
    allocate,
    current_period_interest,
    is_settled,
    payoff_quote,
    position_from_schedule,
    replay,
    settle_payoff,
    settle_to,
    tranche,
)
from microloan_engine.errors import EngineError
from microloan_engine.overdue import accrue, crystallize
from microloan_engine.schedule import ScheduleTerms, build_schedule

D = Decimal
DISBURSED = date(2025, 1, 10)
TERMS = ScheduleTerms(
    principal=D("100000"),
    annual_rate=D("0.12"),
    periods=12,
    disbursement_date=DISBURSED,
)


def loan(terms=TERMS):
    return position_from_schedule(
        build_schedule(terms), terms.disbursement_date, terms.annual_rate
    )


def test_same_day_payments_follow_their_sequence_before_amount():
    # Posting order (sequence) decides, not the amount: the first payment
    # takes the penalty.
    payments = [
        Payment(date(2025, 2, 20), D("9000.00"), sequence=2),
        Payment(date(2025, 2, 20), D("100.00"), sequence=1),
    ]
    result = replay(loan(), payments, date(2025, 2, 20), apply_credit=False)
    first, second = result.allocations
    assert first.amount == D("100.00")
    # 10 days late on 8,884.88: 39.42 of penalty, 5.00 of compound (§2.2).
    assert (first.paid("penalty"), first.paid("compound")) == (D("39.42"), D("5.00"))
    assert second.amount == D("9000.00")
    # Without sequences (the CLI), amount then reference order them, as before.
    legacy = replay(
        loan(),
        [Payment(p.on, p.amount) for p in reversed(payments)],
        date(2025, 2, 20),
        apply_credit=False,
    )
    assert [a.amount for a in legacy.allocations] == [D("100.00"), D("9000.00")]


def test_charge_event_is_the_month_end_close():
    # Installment 1 (due 02-10) unpaid; the close of 02-28 charges 19 days
    # (02-10 to 02-28 included) of penalty and compound interest.
    result = replay(loan(), [Charge(date(2025, 2, 28))], date(2025, 3, 1))
    expected = crystallize(accrue(loan(), date(2025, 3, 1)), date(2025, 3, 1))
    assert result.position == expected
    inst = result.position.installments[0]
    assert inst.penalty == D("74.91")  # 7,884.88 × 18% / 360 × 19
    assert inst.compound == D("9.50")  # 1,000.00 × 18% / 360 × 19
    (step,) = result.steps
    assert step.before.installments[0].penalty == 0
    assert step.allocation is None


def test_payment_before_a_charge_of_the_same_day():
    day = date(2025, 2, 28)
    result = replay(
        loan(),
        [Charge(day, sequence=1), Payment(day, D("8884.88"), sequence=2)],
        day,
        apply_credit=False,
    )
    kinds = [type(step.event).__name__ for step in result.steps]
    assert kinds == ["Payment", "Charge"]


def test_credit_waits_for_the_next_payment_without_due_date_application():
    # 10,000 on the first due date: 1,115.12 of credit, held until the next
    # payment, not applied on 03-10.
    pays = [
        Payment(date(2025, 2, 10), D("10000.00"), sequence=1),
        Payment(date(2025, 3, 20), D("8000.00"), sequence=2),
    ]
    held = replay(loan(), pays, date(2025, 3, 20), credit_on_due_dates=False)
    assert held.steps[0].credit == D("1115.12")
    assert held.steps[1].credit_before == D("1115.12")
    assert held.steps[1].allocation.amount == D("9115.12")
    # Installment 2 was overdue 10 days: penalty and compound were charged.
    assert held.position.installments[1].penalty > 0
    applied = replay(loan(), pays, date(2025, 3, 20))
    assert applied.position.installments[1].penalty < (
        held.position.installments[1].penalty
    )
    assert len(applied.steps) == 3  # the credit applied on 03-10


def test_refund_takes_from_the_credit_and_initial_credit_is_used():
    result = replay(
        loan(),
        [
            Payment(date(2025, 2, 10), D("10000.00"), sequence=1),
            Refund(date(2025, 2, 10), D("115.12"), sequence=2),
        ],
        date(2025, 2, 10),
        credit=D("0.00"),
    )
    assert result.credit == D("1000.00")
    started = replay(
        loan(),
        [Payment(date(2025, 2, 10), D("8000.00"))],
        date(2025, 2, 10),
        credit=D("884.88"),
    )
    assert started.position.installments[0].principal_paid == D("7884.88")
    assert started.credit == 0
    assert started.steps[0].credit_before == D("884.88")


def test_replay_refuses_unknown_events():
    with pytest.raises(EngineError) as error:
        replay(loan(), [object()], date(2025, 2, 10))
    assert error.value.code == "expected_payments_charges_refunds"


def test_settle_payoff_pays_exactly_the_quote():
    position = settle_to(accrue(loan(), date(2025, 2, 25)), date(2025, 2, 25))
    for on in (date(2025, 2, 25), date(2025, 3, 10), date(2025, 4, 1)):
        settlement = settle_payoff(position, TERMS, on, prepayment_fee_rate=D("0.01"))
        quote = payoff_quote(position, on, D("0.01"))
        assert settlement.total == quote.total
        assert settlement.quote == quote
        assert is_settled(settlement.position)


def test_settle_payoff_without_principal_left_to_prepay():
    on = TERMS.disbursement_date + timedelta(days=400)
    position = accrue(loan(), on)
    settlement = settle_payoff(position, TERMS, on)
    assert settlement.prepayment is None
    assert settlement.total == payoff_quote(position, on).total
    assert is_settled(settlement.position)


def test_current_period_interest():
    position = loan()
    # 15 days of 100,000 at 12% / 360 into the first period.
    assert current_period_interest(position, date(2025, 1, 25)) == D("500.00")
    # On the due date: the scheduled interest.
    assert current_period_interest(position, date(2025, 2, 10)) == D("1000.00")
    # Capped at the scheduled interest.
    assert current_period_interest(position, date(2025, 2, 9)) <= D("1000.00")


def test_tranche_re_amortizes_what_is_not_yet_due():
    terms = TERMS
    position = loan()
    on = date(2025, 1, 25)
    added = tranche(position, terms, D("20000.00"), on)
    assert added.first == 0
    assert added.broken_interest == D("500.00")
    assert added.schedule.total_principal == D("120000.00")
    assert added.schedule.installments[-1].due_date == (
        position.installments[-1].due_date
    )


def test_tranche_refusals():
    position = loan()
    with pytest.raises(EngineError) as error:
        tranche(
            accrue(position, date(2025, 2, 20)), TERMS, D("1000"), date(2025, 2, 20)
        )
    assert error.value.code == "settle_before_tranche"
    paid = allocate(position, D("5000.00"), date(2025, 1, 20)).position
    with pytest.raises(EngineError) as error:
        tranche(paid, TERMS, D("1000"), date(2025, 1, 25))
    assert error.value.code == "installments_not_yet_due_partly_repaid"
    with pytest.raises(EngineError) as error:
        tranche(position, TERMS, D("1000"), date(2026, 2, 20))
    assert error.value.code == "no_installment_falls_due_after"
    with pytest.raises(EngineError):
        tranche(position, TERMS, D("0"), date(2025, 1, 20))


def test_is_settled():
    position = loan()
    assert not is_settled(position)
    assert not is_settled(
        position.__class__(
            installments=(),
            disbursement_date=DISBURSED,
            annual_rate=D("0.12"),
            accrued_to=DISBURSED,
        )
    )
    on = date(2025, 1, 10)
    done = settle_payoff(position, TERMS, on).position
    assert is_settled(done)
