"""Property tests of servicing: conservation, order, replay, monotonicity.

Also runs the doctests of the servicing modules.
"""

import doctest
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microloan_engine import (
    classification,
    interest,
    overdue,
    provisioning,
    restructure,
)
from microloan_engine.allocation import (
    BUCKETS,
    COMPONENTS,
    DEFAULT_ORDER,
    SCHEDULED,
    Payment,
    allocate,
    payoff_quote,
    position_from_schedule,
    prepay,
    replay,
    validate_position,
)
from microloan_engine.classification import (
    TIERS,
    ClassificationRules,
    LoanRisk,
    classify,
    classify_dpd,
    tier_rank,
)
from microloan_engine.overdue import PenaltyTerms, close_day, overdue_status
from microloan_engine.schedule import ScheduleTerms, build_schedule

D = Decimal
START = date(2025, 1, 10)
CENT = D("0.01")
money = st.integers(min_value=0, max_value=3_000_000).map(lambda c: D(c) * CENT)


@st.composite
def loans(draw):
    periods = draw(st.integers(1, 24))
    method = draw(st.sampled_from(["annuity", "equal_principal", "interest_only"]))
    terms = ScheduleTerms(
        principal=D(draw(st.integers(10_000, 50_000_000))) * CENT,
        annual_rate=D(draw(st.integers(0, 3600))) / 10000,
        periods=periods,
        disbursement_date=START,
        method=method,
    )
    fee = st.integers(0, 50_000).map(lambda c: D(c) * CENT)
    fees = draw(st.lists(fee, min_size=periods, max_size=periods) | st.just([]))
    penalty = PenaltyTerms(
        grace_days=draw(st.integers(0, 5)), compound=draw(st.booleans())
    )
    position = position_from_schedule(
        build_schedule(terms),
        START,
        terms.annual_rate,
        fees=fees,
        penalty_terms=penalty,
    )
    return terms, position


orders = st.lists(
    st.sampled_from(DEFAULT_ORDER), min_size=1, max_size=len(DEFAULT_ORDER), unique=True
)
payments = st.lists(
    st.builds(
        Payment,
        on=st.integers(0, 800).map(lambda d: START + timedelta(days=d)),
        amount=money,
        reference=st.sampled_from(["", "a", "b"]),
    ),
    max_size=8,
)


def buckets_of(position, on):
    """Targets of each bucket, by the spec: overdue = due before the payment
    date, current = first scheduled installment due on or after it."""
    overdue = [i for i, inst in enumerate(position.installments) if inst.due_date < on]
    current = [
        i
        for i, inst in enumerate(position.installments)
        if inst.due_date >= on and inst.kind == SCHEDULED
    ][:1]
    return {"due": overdue + current, "overdue": overdue, "current": current}


def outstanding(position, index, bucket):
    return position.installments[index].outstanding(BUCKETS[bucket][0])


@settings(max_examples=150, deadline=None)
@given(loans(), payments, orders, st.booleans())
def test_replay_never_creates_or_loses_a_fen(loan, pays, order, by_installment):
    _, position = loan
    as_of = START + timedelta(days=800)
    result = replay(position, pays, as_of, order, by_installment=by_installment)
    for allocation in result.allocations:
        assert sum(line.amount for line in allocation.lines) + allocation.excess == (
            allocation.amount
        )
        assert all(line.amount > 0 for line in allocation.lines)
        assert allocation.excess >= 0
    final = result.position
    validate_position(final)  # nothing negative, nothing paid beyond due
    paid = sum((final.total(c, paid=True) for c in COMPONENTS), D(0))
    assert paid + result.credit == sum((p.amount for p in pays), D(0))
    quote = payoff_quote(final, as_of)
    assert quote.principal == final.outstanding_principal
    assert min(quote.interest, quote.penalty, quote.compound, quote.fees) >= 0
    assert quote.total == (
        quote.principal
        + quote.interest
        + quote.penalty
        + quote.compound
        + quote.fees
        + quote.prepayment_fee
    )


@settings(max_examples=150, deadline=None)
@given(loans(), payments, st.randoms(use_true_random=False))
def test_replay_does_not_depend_on_input_order(loan, pays, rnd):
    _, position = loan
    as_of = START + timedelta(days=800)
    first = replay(position, pays, as_of)
    shuffled = list(pays)
    rnd.shuffle(shuffled)
    second = replay(position, shuffled, as_of)
    assert first.position == second.position
    assert first.credit == second.credit
    assert first.allocations == second.allocations


@settings(max_examples=200, deadline=None)
@given(loans(), money, st.integers(0, 800), orders, st.booleans())
def test_allocation_respects_the_order(loan, amount, offset, order, by_installment):
    _, position = loan
    on = START + timedelta(days=offset)
    result = allocate(position, amount, on, order, by_installment=by_installment)
    after = result.position
    targets = buckets_of(after, on)
    if by_installment:
        plan = [
            (i, b) for i in targets["due"] for b in order if i in targets[BUCKETS[b][1]]
        ]
    else:
        plan = [(i, b) for b in order for i in targets[BUCKETS[b][1]]]
    index_of = {(inst.n, inst.due_date): i for i, inst in enumerate(after.installments)}
    for line in result.lines:
        pos = plan.index((index_of[(line.n, line.due_date)], line.bucket))
        # Everything planned before a paid line is fully paid.
        for i, bucket in plan[:pos]:
            assert outstanding(after, i, bucket) == 0
    if result.excess:
        for i, bucket in plan:
            assert outstanding(after, i, bucket) == 0
    # Buckets outside the order and installments outside the targets: untouched.
    touched = {(index_of[(ln.n, ln.due_date)], ln.bucket) for ln in result.lines}
    assert touched <= set(plan)


@settings(max_examples=100, deadline=None)
@given(loans(), st.integers(0, 400), st.integers(1, 100))
def test_prepayment_keeps_the_principal(loan, offset, share):
    terms, position = loan
    on = START + timedelta(days=offset)
    due = [i for i in position.installments if i.due_date <= on]
    if len(due) == len(position.installments):
        return
    # Everything due by then is paid; then prepay a share of the rest.
    settled = tuple(
        replace(x, principal_paid=x.principal, interest_paid=x.interest, fee_paid=x.fee)
        if x.due_date <= on
        else x
        for x in position.installments
    )
    position = replace(position, installments=settled)
    outstanding_principal = position.outstanding_principal
    amount = (outstanding_principal * share / 100).quantize(CENT)
    if amount <= 0:
        return
    for mode in ("reduce_installment", "shorten_term"):
        if mode == "shorten_term" and terms.method == "interest_only":
            continue
        result = prepay(position, terms, amount, on, mode)
        new = result.position
        validate_position(new)
        assert new.total("principal") == terms.principal
        assert new.outstanding_principal == outstanding_principal - amount
        if result.schedule is not None:
            assert result.schedule.installments[-1].balance == 0
            assert len(result.schedule.installments) <= len(
                [i for i in position.installments if i.due_date > on]
            )


@settings(max_examples=60, deadline=None)
@given(loans(), st.integers(1, 120))
def test_nightly_close_adds_up_to_the_settled_charges(loan, days):
    _, position = loan
    first_due = position.installments[0].due_date
    day = first_due - timedelta(days=3)
    position = replace(position, accrued_to=day)
    penalty = compound = D(0)
    for _ in range(days):
        position, closed = close_day(position, day)
        penalty += closed.penalty_accrued
        compound += closed.compound_accrued
        day += timedelta(days=1)
    status = overdue_status(position, day)
    assert (penalty, compound) == (status.penalty, status.compound)


thresholds = st.lists(st.integers(0, 500), min_size=4, max_size=4).map(sorted)


@given(thresholds, st.integers(0, 1000), st.integers(0, 1000), st.booleans())
def test_classify_dpd_is_monotone(values, a, b, operational):
    rules = ClassificationRules("p", *values)
    low, high = sorted((a, b))
    assert tier_rank(classify_dpd(low, rules, operational)) <= tier_rank(
        classify_dpd(high, rules, operational)
    )


@given(
    st.integers(0, 1000),
    st.integers(0, 1000),
    st.builds(
        LoanRisk,
        operational_delay=st.booleans(),
        restructured=st.booleans(),
        restructured_while_nonperforming=st.booleans(),
        in_observation_period=st.booleans(),
        tier_before_restructure=st.none() | st.sampled_from(TIERS),
        previous_tier=st.none() | st.sampled_from(TIERS),
        overdue_cleared=st.booleans(),
        consecutive_normal_periods=st.integers(0, 4),
        months_normal_payment=st.integers(0, 12),
        manual_tier=st.none() | st.sampled_from(TIERS),
    ),
)
def test_classification_is_monotone_and_never_better_than_floor(a, b, risk):
    low, high = sorted((a, b))
    low_result = classify(replace(risk, days_past_due=low))
    high_result = classify(replace(risk, days_past_due=high))
    assert tier_rank(low_result.tier) <= tier_rank(high_result.tier)
    for result in (low_result, high_result):
        assert tier_rank(result.tier) >= tier_rank(result.floor)
        assert tier_rank(result.floor) >= tier_rank(result.dpd_tier)


@pytest.mark.parametrize(
    "module",
    [interest, overdue, classification, provisioning, restructure],
    ids=lambda m: m.__name__,
)
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
