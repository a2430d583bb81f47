"""Schedules against the worked numbers of docs/domain.md §1; every builder option."""

import doctest
from dataclasses import FrozenInstanceError, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest

from microloan_engine import (
    EngineError,
    Frequency,
    ScheduleTerms,
    build_schedule,
    daycount,
    money,
    quantize,
)
from microloan_engine import dates as dates_module
from microloan_engine import rates as rates_module
from microloan_engine import schedule as schedule_module
from microloan_engine.dates import add_months, due_dates
from microloan_engine.daycount import (
    day_count_days,
    interest_for_days,
    year_fraction,
)
from microloan_engine.money import round_to_multiple, to_decimal
from microloan_engine.schedule import annuity_payment

D = Decimal
LOAN = ScheduleTerms(
    principal=D("100000"),
    annual_rate=D("0.12"),
    periods=12,
    disbursement_date=date(2025, 1, 10),
)


def build(**changes):
    return build_schedule(replace(LOAN, **changes))


def rows(schedule):
    return [
        (i.n, i.due_date, i.days, i.principal, i.interest, i.total, i.balance)
        for i in schedule.installments
    ]


def column(schedule, name):
    return [getattr(i, name) for i in schedule.installments]


def fraction_pmt(principal, rate, periods):
    """Independent exact annuity payment (docs/domain.md §1.1) for cross-checks."""
    if rate == 0:
        return Fraction(principal) / periods
    growth = (1 + rate) ** periods
    return Fraction(principal) * rate * growth / (growth - 1)


def cents(value):
    """Round a Fraction half-up to a Decimal with 2 places."""
    value = Fraction(value)
    return D(int((value * 100 + Fraction(1, 2)) // 1)) / 100


def check_invariants(schedule, principal):
    assert sum(column(schedule, "principal")) == principal
    assert schedule.total_principal == principal
    assert schedule.installments[-1].balance == 0
    assert schedule.total_interest == sum(column(schedule, "interest"))
    assert schedule.total_payment == sum(column(schedule, "total"))
    balance = principal
    for item in schedule.installments:
        balance -= item.principal
        assert item.balance == balance
        assert item.total == item.principal + item.interest
        assert min(item.principal, item.interest, item.balance) >= 0


# docs/domain.md §1.1 等额本息 ---


def test_domain_1_1_annuity_table():
    schedule = build()
    table = {
        i.n: (i.total, i.principal, i.interest, i.balance)
        for i in schedule.installments
    }
    assert table[1] == (D("8884.88"), D("7884.88"), D("1000.00"), D("92115.12"))
    assert table[2] == (D("8884.88"), D("7963.73"), D("921.15"), D("84151.39"))
    assert table[3] == (D("8884.88"), D("8043.37"), D("841.51"), D("76108.02"))
    assert table[11] == (D("8884.88"), D("8709.81"), D("175.07"), D("8796.88"))
    assert table[12] == (D("8884.85"), D("8796.88"), D("87.97"), D("0.00"))
    assert set(column(schedule, "total")[:-1]) == {D("8884.88")}
    assert schedule.total_interest == D("6618.53")
    # The residual rule: 12 x 8,884.88 - 100,000 = 6,618.56, 0.03 more.
    assert 12 * D("8884.88") - LOAN.principal - schedule.total_interest == D("0.03")
    assert schedule.total_payment == D("106618.53")
    check_invariants(schedule, LOAN.principal)


def test_domain_1_1_payment_formula():
    assert quantize(annuity_payment(D(100000), D("0.01"), 12)) == D("8884.88")
    exact = fraction_pmt(100000, Fraction(1, 100), 12)
    assert abs(Fraction(annuity_payment(D(100000), D("0.01"), 12)) - exact) < 1e-40


def test_due_dates_default_to_one_period_after_disbursement():
    schedule = build()
    assert column(schedule, "due_date")[:3] == [
        date(2025, 2, 10),
        date(2025, 3, 10),
        date(2025, 4, 10),
    ]
    assert column(schedule, "due_date")[-1] == date(2026, 1, 10)
    assert column(schedule, "days")[:3] == [31, 28, 31]


# docs/domain.md §1.2 等额本金 ---


def test_domain_1_2_equal_principal():
    schedule = build(method="equal_principal")
    principal = column(schedule, "principal")
    assert principal[:-1] == [D("8333.33")] * 11
    assert principal[-1] == D("8333.37")
    totals = column(schedule, "total")
    assert totals[:2] == [D("9333.33"), D("9250.00")]
    assert totals[-1] == D("8416.70")
    assert schedule.installments[-1].interest == D("83.33")
    assert schedule.total_interest == D("6500.00")
    check_invariants(schedule, LOAN.principal)


# docs/domain.md §1.3 先息后本 ---


def test_domain_1_3a_interest_only_month_basis():
    schedule = build(method="interest_only")
    assert column(schedule, "interest") == [D("1000.00")] * 12
    assert column(schedule, "principal") == [D("0.00")] * 11 + [D("100000.00")]
    assert schedule.installments[-1].total == D("101000.00")
    assert schedule.total_interest == D("12000.00")
    check_invariants(schedule, LOAN.principal)


def test_domain_1_3b_interest_only_actual_days():
    schedule = build(
        method="interest_only",
        disbursement_date=date(2025, 1, 15),
        interest_basis="daily",
        day_count="ACT/360",
    )
    interest = column(schedule, "interest")
    assert interest[:4] == [D("1033.33"), D("933.33"), D("1033.33"), D("1000.00")]
    assert column(schedule, "days")[:4] == [31, 28, 31, 30]
    assert sum(column(schedule, "days")) == 365
    assert schedule.total_interest == D("12166.64")
    assert quantize(D(100000) * D("0.12") * 365 / 360) == D("12166.67")
    check_invariants(schedule, LOAN.principal)


def test_quarterly_interest_is_the_same_with_a_three_month_period():
    schedule = build(method="interest_only", periods=4, frequency=Frequency("month", 3))
    assert column(schedule, "interest") == [D("3000.00")] * 4
    assert column(schedule, "due_date")[0] == date(2025, 4, 10)


# docs/domain.md §1.4 到期一次还本付息 ---


@pytest.mark.parametrize(
    "periods, basis, day_count, interest",
    [
        (12, "daily", "ACT/360", D("12166.67")),
        (12, "daily", "ACT/365", D("12000.00")),
        (12, "period", "ACT/360", D("12000.00")),
        (6, "daily", "ACT/360", D("6033.33")),
        (6, "period", "ACT/360", D("6000.00")),
    ],
)
def test_domain_1_4_bullet(periods, basis, day_count, interest):
    schedule = build(
        method="bullet",
        periods=periods,
        disbursement_date=date(2025, 1, 15),
        interest_basis=basis,
        day_count=day_count,
    )
    (only,) = schedule.installments
    assert only.due_date == add_months(date(2025, 1, 15), periods)
    assert only.days == (365 if periods == 12 else 181)
    assert only.interest == interest
    assert only.principal == D("100000.00")
    assert only.total == D("100000.00") + interest
    check_invariants(schedule, LOAN.principal)


# docs/domain.md §1.6 气球贷 ---


def test_domain_1_6_balloon():
    schedule = build(method="balloon", amortization_periods=36)
    totals = column(schedule, "total")
    assert totals[:-1] == [D("3321.43")] * 11
    assert totals[-1] == D("73879.89")
    assert totals[-1] - D("3321.43") == D("70558.46")
    assert schedule.total_interest == D("10415.62")
    check_invariants(schedule, LOAN.principal)


def test_balloon_over_its_own_term_is_an_annuity():
    assert rows(build(method="balloon", amortization_periods=12)) == rows(build())


# docs/domain.md §1.7 broken first period ---


def test_domain_1_7_a_actual_day_first_period():
    schedule = build(repayment_day=20, first_period="actual_days")
    first = schedule.installments[0]
    assert (first.due_date, first.days) == (date(2025, 2, 20), 41)
    assert first.interest == D("1366.67")
    assert first.principal == D("7884.88")
    assert first.total == D("9251.55")
    regular = build()
    # Installments 2..12 are those of §1.1 (M = 8,884.88, last 8,884.85).
    assert [r[3:] for r in rows(schedule)[1:]] == [r[3:] for r in rows(regular)[1:]]
    assert column(schedule, "due_date")[1:3] == [date(2025, 3, 20), date(2025, 4, 20)]
    check_invariants(schedule, LOAN.principal)


def test_domain_1_7_b_stub_period():
    schedule = build(repayment_day=20, first_period="stub")
    assert len(schedule.installments) == 13
    stub = schedule.installments[0]
    assert (stub.due_date, stub.days) == (date(2025, 1, 20), 10)
    assert (stub.principal, stub.interest, stub.balance) == (
        D("0.00"),
        D("333.33"),
        D("100000.00"),
    )
    regular = build()
    assert [r[3:] for r in rows(schedule)[1:]] == [r[3:] for r in rows(regular)]
    assert column(schedule, "due_date")[1] == date(2025, 2, 20)
    assert column(schedule, "due_date")[-1] == date(2026, 1, 20)
    check_invariants(schedule, LOAN.principal)


def test_domain_1_7_c_full_first_period_ignores_the_extra_days():
    schedule = build(repayment_day=20, first_period="full")
    assert schedule.installments[0].due_date == date(2025, 2, 20)
    assert [r[3:] for r in rows(schedule)] == [r[3:] for r in rows(build())]


def test_stub_with_an_explicit_first_due_date():
    schedule = build(first_due_date=date(2025, 1, 25), first_period="stub")
    assert schedule.installments[0].interest == D("500.00")  # 15 days
    assert column(schedule, "due_date")[1:3] == [date(2025, 2, 25), date(2025, 3, 25)]


def test_no_stub_when_the_first_period_is_whole():
    schedule = build(
        disbursement_date=date(2025, 1, 20), repayment_day=20, first_period="stub"
    )
    assert len(schedule.installments) == 12
    assert schedule.installments[0].due_date == date(2025, 2, 20)


def test_short_first_period_with_actual_days():
    schedule = build(first_due_date=date(2025, 2, 1), first_period="actual_days")
    first = schedule.installments[0]
    assert first.days == 22
    assert first.interest == D("733.33")
    assert first.principal == D("7884.88")


# docs/domain.md §1.8 等本等息 ---


def test_domain_1_8_flat():
    schedule = build(method="flat")
    assert column(schedule, "interest") == [D("1000.00")] * 12
    assert column(schedule, "total")[:-1] == [D("9333.33")] * 11
    assert schedule.installments[-1].principal == D("8333.37")
    assert schedule.total_interest == D("12000.00")
    check_invariants(schedule, LOAN.principal)


def test_flat_interest_residual_goes_to_the_last_installment():
    schedule = build(
        principal=D("1000"), periods=7, annual_rate=D("0.10"), method="flat"
    )
    # 1000 x 10%/12 x 7 = 58.333... -> 58.33, 8.33 a period, last 8.35
    assert column(schedule, "interest") == [D("8.33")] * 6 + [D("8.35")]
    assert schedule.total_interest == D("58.33")


# Frequencies ---


@pytest.mark.parametrize(
    "frequency, day_count, rate",
    [
        ("weekly", "ACT/364", Fraction(26, 100) * 7 / 364),
        ("biweekly", "ACT/364", Fraction(26, 100) * 14 / 364),
        ("daily", "ACT/360", Fraction(26, 100) / 360),
        ("daily", "ACT/365", Fraction(26, 100) / 365),
        ({"days": 10}, "ACT/360", Fraction(26, 100) * 10 / 360),
        ("monthly", "ACT/360", Fraction(26, 100) / 12),
        ({"months": 2}, "ACT/360", Fraction(26, 100) * 2 / 12),
        ("quarterly", "ACT/365", Fraction(26, 100) / 4),
        ("semiannual", "ACT/360", Fraction(26, 100) / 2),
        ("yearly", "ACT/360", Fraction(26, 100)),
    ],
)
def test_frequencies_and_period_rates(frequency, day_count, rate):
    frequency = Frequency.from_spec(frequency)
    schedule = build(
        principal=D("10000"),
        annual_rate=D("0.26"),
        periods=26,
        frequency=frequency,
        day_count=day_count,
    )
    payment = cents(fraction_pmt(10000, rate, 26))
    assert column(schedule, "total")[:-1] == [payment] * 25
    assert schedule.installments[0].interest == cents(10000 * rate)
    due = column(schedule, "due_date")
    start = date(2025, 1, 10)
    if frequency.unit == "day":
        assert due == [
            start + timedelta(days=frequency.every * k) for k in range(1, 27)
        ]
    else:
        assert due == [add_months(start, frequency.every * k) for k in range(1, 27)]
    check_invariants(schedule, D("10000"))


def test_weekly_act_364_is_annual_over_52():
    schedule = build(
        periods=52, frequency=Frequency.from_spec("weekly"), day_count="ACT/364"
    )
    assert schedule.installments[0].interest == quantize(D(100000) * D("0.12") / 52)


def test_daily_basis_with_day_frequency_uses_actual_days():
    schedule = build(
        method="interest_only",
        periods=3,
        frequency=Frequency("day", 30),
        interest_basis="daily",
        day_count="ACT/365",
    )
    assert (
        column(schedule, "interest") == [quantize(D(100000) * D("0.12") * 30 / 365)] * 3
    )


def test_daily_basis_annuity_keeps_the_payment_and_varies_the_interest():
    schedule = build(disbursement_date=date(2025, 1, 15), interest_basis="daily")
    assert schedule.installments[0].interest == D("1033.33")  # 31 days / 360
    assert column(schedule, "total")[:-1] == [D("8884.88")] * 11
    check_invariants(schedule, LOAN.principal)


# Month ends ---


def test_month_end_last_day():
    schedule = build(disbursement_date=date(2025, 1, 31), periods=4)
    assert column(schedule, "due_date") == [
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
    ]


def test_month_end_next_month_first():
    schedule = build(
        disbursement_date=date(2024, 12, 31),
        periods=5,
        month_end_rule="next_month_first",
    )
    assert column(schedule, "due_date") == [
        date(2025, 1, 31),
        date(2025, 3, 1),
        date(2025, 3, 31),
        date(2025, 5, 1),
        date(2025, 5, 31),
    ]


def test_repayment_day_31_keeps_its_anchor():
    schedule = build(disbursement_date=date(2025, 1, 5), repayment_day=31, periods=3)
    assert column(schedule, "due_date") == [
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
    ]


def test_leap_february():
    due = due_dates(date(2024, 1, 30), 2, Frequency())
    assert due.dates == (date(2024, 2, 29), date(2024, 3, 30))


# Rounding and multiples ---


def test_half_even_and_half_up_differ_on_ties():
    terms = dict(principal=D("1250"), annual_rate=D("0.15"), periods=4)
    assert build(rounding="half_even", **terms).installments[0].interest == D("15.62")
    assert build(rounding="half_up", **terms).installments[0].interest == D("15.63")


@pytest.mark.parametrize("multiple", [D("1"), D("10"), D("0.05"), D("100")])
def test_installment_multiple(multiple):
    schedule = build(installment_multiple=multiple)
    totals = column(schedule, "total")
    assert len(set(totals[:-1])) == 1
    assert totals[0] % multiple == 0
    assert totals[0] == round_to_multiple(D("8884.878867"), multiple)
    check_invariants(schedule, LOAN.principal)


def test_zero_decimals():
    # The default multiple 0.01 is finer than the currency unit: installments are
    # still whole units.
    schedule = build(principal=D("1000000"), decimals=0)
    assert schedule.installments[0].total == D("88849")
    assert schedule.installments[0].interest == D("10000")
    assert schedule.installments[0].interest.as_tuple().exponent == 0
    check_invariants(schedule, D("1000000"))
    assert rows(
        build(principal=D("1000000"), decimals=0, installment_multiple=D(1))
    ) == rows(schedule)


def test_amounts_carry_the_currency_decimals():
    schedule = build()
    for item in schedule.installments:
        for value in (item.principal, item.interest, item.total, item.balance):
            assert value.as_tuple().exponent == -2


# Grace, interest-free, zero rate ---------------------------------------------------


def test_grace_on_principal():
    schedule = build(grace_principal_periods=3)
    assert column(schedule, "principal")[:3] == [D("0.00")] * 3
    assert column(schedule, "interest")[:3] == [D("1000.00")] * 3
    payment = cents(fraction_pmt(100000, Fraction(1, 100), 9))
    assert column(schedule, "total")[3:-1] == [payment] * 8
    check_invariants(schedule, LOAN.principal)


def test_grace_on_principal_for_equal_principal():
    schedule = build(method="equal_principal", grace_principal_periods=2)
    assert column(schedule, "principal")[2:-1] == [D("10000.00")] * 9


def test_grace_on_interest_defers_to_the_next_installment():
    regular = build()
    schedule = build(grace_interest_periods=2)
    interest = column(regular, "interest")
    assert column(schedule, "interest")[:3] == [D("0.00"), D("0.00"), sum(interest[:3])]
    assert column(schedule, "principal") == column(regular, "principal")
    assert schedule.total_interest == regular.total_interest
    check_invariants(schedule, LOAN.principal)


def test_grace_on_principal_and_interest_means_no_payment():
    schedule = build(grace_principal_periods=2, grace_interest_periods=2)
    assert column(schedule, "total")[:2] == [D("0.00")] * 2
    assert schedule.installments[2].interest == D("3000.00")


def test_stub_interest_is_deferred_with_grace_on_interest():
    schedule = build(repayment_day=20, first_period="stub", grace_interest_periods=1)
    assert column(schedule, "interest")[:3] == [
        D("0.00"),
        D("0.00"),
        D("333.33") + D("1000.00") + D("921.15"),
    ]


def test_interest_free_periods():
    schedule = build(interest_free_periods=3)
    assert column(schedule, "interest")[:3] == [D("0.00")] * 3
    # Level payment P / (3 + a(9)) keeps the installments equal.
    v = Fraction(100, 101)
    factor = 3 + sum(v**k for k in range(1, 10))
    payment = cents(Fraction(100000) / factor)
    assert column(schedule, "total")[:-1] == [payment] * 11
    assert abs(schedule.installments[-1].total - payment) < D("0.10")
    check_invariants(schedule, LOAN.principal)


def test_all_periods_interest_free_is_zero_rate():
    assert rows(build(interest_free_periods=12)) == rows(build(annual_rate=D(0)))


def test_zero_rate():
    schedule = build(annual_rate=D("0"))
    assert column(schedule, "principal") == [D("8333.33")] * 11 + [D("8333.37")]
    assert schedule.total_interest == 0
    check_invariants(schedule, LOAN.principal)


# Payment in advance ---


def test_payment_in_advance():
    schedule = build_schedule(
        replace(
            LOAN,
            principal=D("10000"),
            annual_rate=D("0.01"),
            periods=24,
            payment_timing="begin",
        )
    )
    first = schedule.installments[0]
    assert (first.due_date, first.days, first.interest) == (
        LOAN.disbursement_date,
        0,
        0,
    )
    assert column(schedule, "total")[:-1] == [D("420.67")] * 23
    # Installment k pays the interest accrued on the balance left after k-1.
    for before, item in zip(
        schedule.installments, schedule.installments[1:], strict=False
    ):
        assert item.interest == quantize(before.balance * D("0.01") / 12)
    assert column(schedule, "due_date")[-1] == date(2026, 12, 10)
    check_invariants(schedule, D("10000"))


def test_payment_in_advance_equal_principal():
    schedule = build(method="equal_principal", payment_timing="begin")
    assert schedule.installments[0].total == D("8333.33")
    assert schedule.installments[1].interest == quantize(D("91666.67") * D("0.01"))


# Fixed principal percentage, custom plans ---


def test_fixed_principal_percentage():
    schedule = build(
        method="fixed_principal_percentage", principal_percentage=D("0.08")
    )
    assert column(schedule, "principal") == [D("8000.00")] * 11 + [D("12000.00")]
    assert schedule.installments[1].interest == D("920.00")
    check_invariants(schedule, LOAN.principal)


def test_fixed_principal_percentage_whole_loan_in_one_period():
    schedule = build(
        method="fixed_principal_percentage", principal_percentage=D("1"), periods=1
    )
    assert column(schedule, "principal") == [D("100000.00")]


def test_custom_plan():
    plan = (D("0"), D("0"), D("50000"), D("0"), D("25000"), D("25000"))
    schedule = build(method="custom", periods=6, principal_plan=plan)
    assert column(schedule, "principal") == list(plan)
    assert column(schedule, "interest") == [D("1000.00")] * 3 + [D("500.00")] * 2 + [
        D("250.00")
    ]
    check_invariants(schedule, LOAN.principal)


# Validation ---


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"principal": D("0")}, "principal"),
        ({"principal": D("-5")}, "principal"),
        ({"principal": D("100.001")}, "principal"),
        ({"principal": "abc"}, "principal"),
        ({"principal": D("NaN")}, "principal"),
        ({"periods": 0}, "periods"),
        ({"periods": 1.5}, "periods"),
        ({"periods": True}, "periods"),
        ({"annual_rate": D("-0.01")}, "annual_rate"),
        ({"annual_rate": D("10.01")}, "annual_rate"),
        ({"method": "rule_of_78"}, "method"),
        ({"frequency": "fortnightly"}, "frequency"),
        ({"day_count": "ACT/366"}, "day_count"),
        ({"rounding": "down"}, "rounding"),
        ({"decimals": -1}, "decimals"),
        ({"interest_basis": "weekly"}, "interest_basis"),
        ({"payment_timing": "middle"}, "payment_timing"),
        ({"first_period": "odd"}, "first_period"),
        ({"month_end_rule": "previous"}, "month_end_rule"),
        ({"first_due_date": date(2025, 1, 10)}, "first_due_date"),
        ({"first_due_date": date(2024, 12, 1)}, "first_due_date"),
        ({"disbursement_date": "2025-01-10"}, "disbursement_date"),
        ({"repayment_day": 0}, "repayment_day"),
        ({"repayment_day": 32}, "repayment_day"),
        ({"repayment_day": 5, "frequency": Frequency("day", 7)}, "repayment_day"),
        ({"installment_multiple": D("0")}, "installment_multiple"),
        ({"installment_multiple": D("0.015")}, "installment_multiple"),
        ({"installment_multiple": D("-1")}, "installment_multiple"),
        ({"grace_principal_periods": 12}, "grace_principal_periods"),
        ({"grace_interest_periods": -1}, "grace_interest_periods"),
        ({"interest_free_periods": 13}, "interest_free_periods"),
        ({"method": "balloon"}, "amortization_periods"),
        ({"method": "balloon", "amortization_periods": 11}, "amortization_periods"),
        ({"amortization_periods": 24}, "amortization_periods"),
        ({"method": "fixed_principal_percentage"}, "principal_percentage"),
        (
            {"method": "fixed_principal_percentage", "principal_percentage": D("0")},
            "principal_percentage",
        ),
        (
            {"method": "fixed_principal_percentage", "principal_percentage": D("1.1")},
            "principal_percentage",
        ),
        (
            {"method": "fixed_principal_percentage", "principal_percentage": D("0.1")},
            "principal_percentage",
        ),
        (
            {
                "method": "fixed_principal_percentage",
                "principal_percentage": D("0.00001"),
                "principal": D("100"),
            },
            "principal_percentage",
        ),
        ({"principal_percentage": D("0.1")}, "principal_percentage"),
        ({"method": "custom"}, "principal_plan"),
        ({"method": "custom", "principal_plan": (D("50000"),) * 12}, "principal_plan"),
        (
            {
                "method": "custom",
                "periods": 2,
                "principal_plan": (D("100001"), D("-1")),
            },
            "principal_plan",
        ),
        (
            {
                "method": "custom",
                "periods": 2,
                "principal_plan": (D("60000"), D("30000")),
            },
            "principal_plan",
        ),
        ({"principal_plan": (D("100000"),)}, "principal_plan"),
        ({"method": "bullet", "grace_interest_periods": 1}, "grace_interest_periods"),
        (
            {"method": "bullet", "repayment_day": 20, "first_period": "stub"},
            "first_period",
        ),
        (
            {
                "method": "custom",
                "periods": 1,
                "principal_plan": (D("100000"),),
                "grace_principal_periods": 0,
                "interest_free_periods": 2,
            },
            "interest_free_periods",
        ),
        ({"payment_timing": "begin", "method": "flat"}, "payment_timing"),
        (
            {"payment_timing": "begin", "grace_principal_periods": 1},
            "grace_principal_periods",
        ),
        ({"payment_timing": "begin", "repayment_day": 20}, "payment_timing"),
    ],
)
def test_invalid_terms_name_the_field(changes, field):
    with pytest.raises(EngineError) as caught:
        build(**changes)
    assert caught.value.field == field
    assert caught.value.message
    assert isinstance(caught.value, ValueError)


def test_not_terms():
    with pytest.raises(EngineError) as caught:
        build_schedule({"principal": 1})
    assert caught.value.field == "terms"


def test_results_are_frozen():
    schedule = build()
    with pytest.raises(FrozenInstanceError):
        schedule.installments[0].principal = D(0)
    with pytest.raises(FrozenInstanceError):
        schedule.total_interest = D(0)
    assert schedule.installments[0] == replace(schedule.installments[0])
    assert build() == schedule


def test_int_and_string_inputs_are_accepted():
    schedule = build(principal=100000, annual_rate="0.12")
    assert rows(schedule) == rows(build())


# Building blocks ---


def test_money_helpers():
    assert quantize(D("2.675"), 2) == D("2.68")
    assert quantize(D("2.665"), 2, "half_even") == D("2.66")
    assert quantize(1.005, 2) == D(
        "1.01"
    )  # from the float's repr, not its binary value
    assert round_to_multiple(D("1234.5"), D("10")) == D("1230")
    assert round_to_multiple(D("1235"), D("10"), "half_even") == D("1240")
    assert round_to_multiple(D("0.125"), D("0.05")) == D("0.15")
    assert to_decimal(0.1) == D("0.1")
    assert money.round_div(-7, 2, "half_even") == -4
    assert money.round_div(-5, 2, "half_up") == -3
    assert money.to_units(D("12.30"), 2) == 1230
    assert money.from_units(1230, 2) == D("12.30")
    for bad, message in (
        (True, "must be a number, not a boolean"),
        (None, "must be a number"),
        ("x", "is not a number"),
        (D("Infinity"), "must be a finite number"),
    ):
        with pytest.raises(EngineError) as caught:
            to_decimal(bad)
        assert (caught.value.field, caught.value.message) == ("amount", message)
    # "ceiling" and "floor" are modes now (向上/向下取整); "up" is not one.
    with pytest.raises(EngineError) as caught:
        quantize(D(1), 2, "up")
    assert caught.value.field == "rounding"
    assert caught.value.code == "one_of"
    assert caught.value.params == {"choices": "half_up, half_even, ceiling, floor"}
    with pytest.raises(EngineError) as caught:
        round_to_multiple(D(1), D(0))
    assert (caught.value.field, caught.value.message) == (
        "multiple",
        "must be positive",
    )


@pytest.mark.parametrize(
    "start, end, day_count, days, fraction",
    [
        (date(2025, 1, 10), date(2025, 2, 20), "ACT/360", 41, Fraction(41, 360)),
        (date(2025, 1, 10), date(2025, 2, 20), "ACT/365", 41, Fraction(41, 365)),
        (date(2025, 1, 10), date(2025, 2, 20), "ACT/364", 41, Fraction(41, 364)),
        (date(2025, 1, 31), date(2025, 3, 31), "30/360", 60, Fraction(60, 360)),
        (date(2025, 1, 30), date(2025, 2, 28), "30/360", 28, Fraction(28, 360)),
        (date(2025, 1, 15), date(2025, 3, 15), "30/360", 60, Fraction(60, 360)),
        (
            date(2024, 7, 1),
            date(2025, 7, 1),
            "ACT/ACT",
            365,
            Fraction(184, 366) + Fraction(181, 365),
        ),
        (date(2023, 12, 1), date(2026, 1, 1), "ACT/ACT", 762, Fraction(31, 365) + 2),
        (date(2024, 3, 1), date(2024, 4, 1), "ACT/ACT", 31, Fraction(31, 366)),
    ],
)
def test_day_counts(start, end, day_count, days, fraction):
    assert day_count_days(start, end, day_count) == days
    numerator, denominator = daycount.year_fraction_ratio(start, end, day_count)
    assert Fraction(numerator, denominator) == fraction
    assert abs(Fraction(year_fraction(start, end, day_count)) - fraction) < 1e-50


def test_interest_for_days():
    value = interest_for_days(
        D(100000), D("0.12"), date(2025, 1, 10), date(2025, 2, 20), "ACT/360"
    )
    assert quantize(value) == D("1366.67")
    assert value > D("1366.666666")
    with pytest.raises(EngineError) as caught:
        interest_for_days(D(1), D("0.1"), date(2025, 2, 1), date(2025, 1, 1), "ACT/360")
    assert caught.value.field == "end"
    with pytest.raises(EngineError) as caught:
        day_count_days(date(2025, 1, 1), date(2025, 2, 1), "BUS/252")
    assert (caught.value.field, caught.value.code) == ("day_count", "one_of")


def test_frequency_specs():
    assert Frequency.from_spec("daily") == Frequency("day", 1)
    assert Frequency.from_spec("weekly") == Frequency("day", 7)
    assert Frequency.from_spec("biweekly") == Frequency("day", 14)
    assert Frequency.from_spec("monthly") == Frequency()
    assert Frequency.from_spec("semiannual") == Frequency("month", 6)
    assert Frequency.from_spec("yearly") == Frequency("month", 12)
    assert Frequency.from_spec({"days": 5}) == Frequency("day", 5)
    assert Frequency.from_spec({"months": 4}).months == 4
    assert Frequency.from_spec(Frequency("day", 3)).days == 3
    for bad in ("hourly", {"weeks": 2}, {"days": 0}, {"months": "2"}, None):
        with pytest.raises(EngineError) as caught:
            Frequency.from_spec(bad)
        assert caught.value.field == "frequency"


def test_error_pickles():
    import pickle

    error = pickle.loads(pickle.dumps(EngineError("principal", "must be positive")))
    assert (error.field, error.message) == ("principal", "must be positive")


@pytest.mark.parametrize(
    "module",
    [money, daycount, dates_module, schedule_module, rates_module],
    ids=lambda m: m.__name__,
)
def test_doctests(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0


def test_stub_moved_by_the_month_end_rule_keeps_the_anchor():
    due = due_dates(
        date(2025, 2, 10),
        3,
        Frequency(),
        repayment_day=31,
        first_period="stub",
        month_end_rule="next_month_first",
    )
    assert due.stub_date == date(2025, 3, 1)
    assert due.dates == (date(2025, 3, 31), date(2025, 5, 1), date(2025, 5, 31))


def test_quarterly_repayment_day_is_a_full_period_away():
    due = due_dates(date(2025, 1, 10), 2, Frequency("month", 3), repayment_day=5)
    assert due.dates == (date(2025, 5, 5), date(2025, 8, 5))
    assert due.broken


def test_day_frequency_stub():
    due = due_dates(
        date(2025, 1, 1),
        2,
        Frequency("day", 7),
        first_due_date=date(2025, 1, 4),
        first_period="stub",
    )
    assert due.stub_date == date(2025, 1, 4)
    assert due.dates == (date(2025, 1, 11), date(2025, 1, 18))


def test_due_dates_validates_its_arguments():
    assert due_dates(date(2025, 1, 1), 1, "weekly").dates == (date(2025, 1, 8),)
    for periods in (0, True, 2.0):
        with pytest.raises(EngineError) as caught:
            due_dates(date(2025, 1, 1), periods, Frequency())
        assert caught.value.field == "periods"
