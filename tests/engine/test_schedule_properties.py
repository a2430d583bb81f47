"""Properties every schedule must have, whatever the terms (hypothesis)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, localcontext

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from microloan_engine import EngineError, Frequency, ScheduleTerms, build_schedule

D = Decimal
FREQUENCIES = st.one_of(
    st.sampled_from(
        [
            Frequency.from_spec(name)
            for name in (
                "daily",
                "weekly",
                "biweekly",
                "monthly",
                "quarterly",
                "semiannual",
                "yearly",
            )
        ]
    ),
    st.builds(Frequency, st.just("day"), st.integers(1, 60)),
    st.builds(Frequency, st.just("month"), st.integers(1, 12)),
)
RATES = st.one_of(
    st.integers(0, 3600).map(lambda bp: D(bp) / 10000),  # up to 36%
    st.integers(0, 100000).map(lambda bp: D(bp) / 10000),  # up to 1000%
)
DATES = st.dates(date(2000, 1, 1), date(2060, 12, 31))


@st.composite
def terms(draw, method=None):
    method = method or draw(
        st.sampled_from(
            [
                "annuity",
                "equal_principal",
                "interest_only",
                "bullet",
                "balloon",
                "flat",
                "fixed_principal_percentage",
                "custom",
            ]
        )
    )
    decimals = draw(st.sampled_from([2, 2, 2, 0, 3]))
    units = draw(st.integers(1, 10**10))
    principal = D(units).scaleb(-decimals)
    periods = draw(st.integers(1, 120))
    frequency = draw(FREQUENCIES)
    timing = "end"
    if method in ("annuity", "equal_principal"):
        timing = draw(st.sampled_from(["end", "end", "begin"]))
    values = dict(
        principal=principal,
        annual_rate=draw(RATES),
        periods=periods,
        disbursement_date=draw(DATES),
        method=method,
        frequency=frequency,
        decimals=decimals,
        rounding=draw(st.sampled_from(["half_up", "half_even", "ceiling", "floor"])),
        installment_rounding=draw(
            st.sampled_from([None, None, "half_up", "half_even", "ceiling", "floor"])
        ),
        day_count=draw(
            st.sampled_from(["ACT/360", "ACT/365", "ACT/ACT", "30/360", "ACT/364"])
        ),
        interest_basis=draw(st.sampled_from(["period", "daily"])),
        month_end_rule=draw(st.sampled_from(["last_day", "next_month_first"])),
        installment_multiple=draw(st.sampled_from([D("0.01"), D("1"), D("10")])),
        payment_timing=timing,
    )
    if timing == "end":
        if method != "bullet":
            values["grace_principal_periods"] = draw(st.integers(0, periods - 1))
            values["grace_interest_periods"] = draw(st.integers(0, periods - 1))
            values["interest_free_periods"] = draw(st.integers(0, periods))
        first_period = draw(
            st.sampled_from(["full", "actual_days", "stub", "pro_rata"])
        )
        if method == "bullet" and first_period == "stub":
            first_period = "full"
        if first_period == "pro_rata" and values["interest_basis"] == "daily":
            first_period = "actual_days"
        values["first_period"] = first_period
        anchor = draw(st.sampled_from(["none", "first_due_date", "repayment_day"]))
        if anchor == "first_due_date":
            values["first_due_date"] = values["disbursement_date"] + timedelta(
                days=draw(st.integers(1, 120))
            )
        elif anchor == "repayment_day" and frequency.unit == "month":
            values["repayment_day"] = draw(st.integers(1, 31))
    if method == "custom":
        if "grace_principal_periods" in values:
            values["grace_principal_periods"] = 0
        cuts = sorted(
            draw(
                st.lists(
                    st.integers(0, units), min_size=periods - 1, max_size=periods - 1
                )
            )
        )
        parts = [b - a for a, b in zip([0] + cuts, cuts + [units], strict=True)]
        values["principal_plan"] = tuple(D(p).scaleb(-decimals) for p in parts)
    elif method == "balloon":
        values["amortization_periods"] = periods + draw(st.integers(0, 240))
    elif method == "fixed_principal_percentage":
        values["principal_percentage"] = D(draw(st.integers(1, 10000))) / 10000
    elif method == "annuity":
        values["minimize_last_difference"] = draw(st.booleans())
    return ScheduleTerms(**values)


def build_or_reject(schedule_terms):
    try:
        return build_schedule(schedule_terms)
    except EngineError as error:
        # The only valid-looking terms the engine refuses: a percentage that would
        # repay the loan before its last installment.
        assert error.field == "principal_percentage", error
        assume(False)


def check_schedule(schedule_terms, schedule):
    items = schedule.installments
    principal = schedule_terms.principal
    assert sum(i.principal for i in items) == principal
    assert schedule.total_principal == principal
    assert schedule.total_interest == sum(i.interest for i in items)
    assert schedule.total_payment == sum(i.total for i in items)
    balance = principal
    previous = schedule_terms.disbursement_date
    for item in items:
        balance -= item.principal
        assert item.balance == balance
        assert item.principal >= 0 and item.interest >= 0 and item.balance >= 0
        assert item.total == item.principal + item.interest
        assert item.due_date >= previous
        assert item.days == (item.due_date - previous).days
        previous = item.due_date
    assert items[-1].balance == 0
    assert [i.n for i in items] == list(range(1, len(items) + 1))
    begin = schedule_terms.payment_timing == "begin"
    assert (items[0].due_date == schedule_terms.disbursement_date) == begin
    assert all(i.days > 0 for i in items[1:])


@settings(max_examples=400, deadline=None)
@given(terms())
def test_every_schedule_is_consistent(schedule_terms):
    check_schedule(schedule_terms, build_or_reject(schedule_terms))


@settings(max_examples=50, deadline=None)
@given(terms())
def test_result_does_not_depend_on_the_callers_decimal_context(schedule_terms):
    expected = build_or_reject(schedule_terms)
    with localcontext() as context:
        context.prec = 4
        assert build_schedule(schedule_terms) == expected


@given(
    principal=st.integers(10**4, 10**10).map(lambda u: D(u).scaleb(-2)),
    rate=st.integers(0, 3600).map(lambda bp: D(bp) / 10000),
    periods=st.integers(1, 120),
    frequency=FREQUENCIES,
    multiple=st.sampled_from([D("0.01"), D("1")]),
    rounding=st.sampled_from(["half_up", "half_even"]),
)
def test_annuity_installments_are_equal_except_the_last(
    principal, rate, periods, frequency, multiple, rounding
):
    if frequency.unit == "month":
        i = float(rate) * frequency.every / 12
    else:
        i = float(rate) * frequency.every / 360
    growth = (1 + i) ** periods
    payment = float(principal) * (i * growth / (growth - 1) if i else 1 / periods)
    # Rounding the payment (half a multiple) and each interest (half a cent) leaves
    # a residual that compounds over the term; the last installment absorbs it.
    accumulated = (growth - 1) / i if i else periods
    bound = (float(multiple) / 2 + 0.005) * accumulated * (1 + i) + 0.01
    assume(bound < payment / 4)
    schedule_terms = ScheduleTerms(
        principal=principal,
        annual_rate=rate,
        periods=periods,
        disbursement_date=date(2025, 1, 31),
        frequency=frequency,
        installment_multiple=multiple,
        rounding=rounding,
    )
    schedule = build_schedule(schedule_terms)
    check_schedule(schedule_terms, schedule)
    totals = [i.total for i in schedule.installments]
    assert len(set(totals[:-1])) <= 1
    if periods > 1:
        assert totals[0] % multiple == 0
        assert abs(float(totals[0]) - payment) <= float(multiple) / 2 + 1e-9
    assert abs(float(totals[-1]) - payment) <= bound


@given(
    principal=st.integers(10**4, 10**10).map(lambda u: D(u).scaleb(-2)),
    rate=RATES,
    periods=st.integers(1, 120),
    grace=st.integers(0, 10),
)
def test_equal_principal_parts_are_equal_except_the_last(
    principal, rate, periods, grace
):
    grace = min(grace, periods - 1)
    schedule_terms = ScheduleTerms(
        principal=principal,
        annual_rate=rate,
        periods=periods,
        disbursement_date=date(2024, 2, 29),
        method="equal_principal",
        grace_principal_periods=grace,
    )
    schedule = build_schedule(schedule_terms)
    check_schedule(schedule_terms, schedule)
    parts = [i.principal for i in schedule.installments]
    assert set(parts[:grace]) <= {0}
    assert len(set(parts[grace:-1])) <= 1
    interest = [i.interest for i in schedule.installments[grace:]]
    assert interest == sorted(interest, reverse=True)
    totals = [i.total for i in schedule.installments[grace:-1]]
    assert totals == sorted(totals, reverse=True)


@given(terms(method="interest_only"))
def test_interest_only_repays_at_the_end(schedule_terms):
    schedule = build_schedule(schedule_terms)
    assert all(i.principal == 0 for i in schedule.installments[:-1])
    assert schedule.installments[-1].principal == schedule_terms.principal


@given(terms(method="bullet"))
def test_bullet_is_one_installment(schedule_terms):
    schedule = build_schedule(schedule_terms)
    (only,) = schedule.installments
    assert only.principal == schedule_terms.principal


@given(terms(method="flat"))
def test_flat_interest_is_even(schedule_terms):
    schedule_terms = replace(
        schedule_terms, grace_interest_periods=0, first_period="full"
    )
    schedule = build_schedule(schedule_terms)
    interest = [i.interest for i in schedule.installments]
    charged = interest[schedule_terms.interest_free_periods : -1]
    # Equal, except where the total ran out (each share rounded up, n-1 of them).
    assert len(set(charged)) <= 1 or charged == sorted(charged, reverse=True)
