"""Annualized rates (PBOC 2021), IRR/XIRR, EU APRC, Reg Z APR and rate caps."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microloan_engine import apr, tvm
from microloan_engine.dates import Frequency, add_months
from microloan_engine.errors import EngineError
from microloan_engine.schedule import ScheduleTerms, build_schedule


def pct(rate, places=2):
    """A rate as the percentage a borrower is shown (四舍五入)."""
    return (rate * 100).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def monthly(start, amount, count):
    return [
        apr.CashFlow(add_months(start, k), Decimal(amount)) for k in range(1, count + 1)
    ]


DOMAIN_LOAN = ScheduleTerms(
    principal=Decimal(100000),
    annual_rate=Decimal("0.12"),
    periods=12,
    disbursement_date=date(2025, 1, 15),
)


# --- PBOC 公告〔2021〕第3号 -----------------------------------------------------------


def test_pboc_official_example():
    """Loan 100,000, fee 1,000, 12 monthly payments of 8,833.3 (docs/domain.md §3.6)."""
    start = date(2021, 3, 12)
    result = apr.annualized_rate(
        [apr.CashFlow(start, Decimal(100000))],
        monthly(start, "8833.3", 12),
        fees_at_start=Decimal(1000),
    )
    assert result.method == "irr"
    assert pct(result.period_rate, 4) == Decimal("1.0670")
    assert pct(result.simple) == Decimal("12.80")
    assert pct(result.compound) == Decimal("13.58")
    with tvm.decimal_context():
        assert result.simple == result.period_rate * 12
        assert result.compound == (1 + result.period_rate) ** 12 - 1


def test_pboc_domain_loan_without_and_with_fee():
    schedule = build_schedule(DOMAIN_LOAN)
    plain = apr.annualized_rate_for_schedule(schedule, DOMAIN_LOAN.principal)
    assert (pct(plain.simple), pct(plain.compound)) == (
        Decimal("12.00"),
        Decimal("12.68"),
    )
    assert pct(plain.period_rate, 4) == Decimal("1.0000")
    fee = apr.annualized_rate_for_schedule(schedule, DOMAIN_LOAN.principal, 1000)
    assert (pct(fee.simple), pct(fee.compound)) == (Decimal("13.91"), Decimal("14.84"))


def test_pboc_periodic_rate_is_the_irr_of_the_installments():
    schedule = build_schedule(DOMAIN_LOAN)
    flows = [-DOMAIN_LOAN.principal] + [i.total for i in schedule.installments]
    result = apr.annualized_rate_for_schedule(schedule, DOMAIN_LOAN.principal)
    assert abs(result.period_rate - tvm.irr(flows)) < Decimal("1e-30")


@pytest.mark.parametrize(
    "periods, shown",
    [(12, Decimal("21.5")), (24, Decimal("21.6")), (36, Decimal("21.2"))],
)
def test_flat_rate_true_cost(periods, shown):
    """docs/domain.md §1.8: 12% flat costs about 1.8 times as much (IRR × 12)."""
    terms = ScheduleTerms(
        principal=Decimal(100000),
        annual_rate=Decimal("0.12"),
        periods=periods,
        disbursement_date=date(2025, 1, 15),
        method="flat",
    )
    result = apr.annualized_rate_for_schedule(build_schedule(terms), terms.principal)
    assert pct(result.simple, 1) == shown


def test_pboc_irregular_first_period_uses_xirr():
    """A 41-day first period (docs/domain.md §1.7 A) is not on the monthly grid."""
    terms = ScheduleTerms(
        principal=Decimal(100000),
        annual_rate=Decimal("0.12"),
        periods=12,
        disbursement_date=date(2025, 1, 10),
        repayment_day=20,
        first_period="actual_days",
    )
    schedule = build_schedule(terms)
    assert schedule.installments[0].total == Decimal("9251.55")
    result = apr.annualized_rate_for_schedule(schedule, terms.principal)
    assert result.method == "xirr"
    flows = [(terms.disbursement_date, -terms.principal)] + [
        (i.due_date, i.total) for i in schedule.installments
    ]
    assert result.compound == tvm.xirr(flows)
    with tvm.decimal_context():
        assert result.simple == 12 * ((1 + result.compound) ** (Decimal(1) / 12) - 1)
    # The long first period costs a little more than the regular loan.
    assert Decimal("0.12") < result.simple < Decimal("0.125")


def test_pboc_annuity_due_and_weekly_schedules():
    begin = ScheduleTerms(
        principal=Decimal(100000),
        annual_rate=Decimal("0.12"),
        periods=12,
        disbursement_date=date(2025, 1, 15),
        payment_timing="begin",
    )
    result = apr.annualized_rate_for_schedule(build_schedule(begin), begin.principal)
    assert result.method == "irr"
    assert pct(result.simple) == Decimal("12.00")
    weekly = ScheduleTerms(
        principal=Decimal(52000),
        annual_rate=Decimal("0.12"),
        periods=52,
        disbursement_date=date(2025, 1, 15),
        frequency=Frequency("day", 7),
        day_count="ACT/365",
    )
    ppy = apr.periods_per_year(weekly.frequency)
    result = apr.annualized_rate_for_schedule(
        build_schedule(weekly), weekly.principal, periods_per_year=ppy
    )
    assert result.method == "irr"
    assert pct(result.simple) == Decimal("12.00")


def test_periods_per_year():
    assert apr.periods_per_year("monthly") == 12
    assert apr.periods_per_year("quarterly") == 4
    assert apr.periods_per_year("daily") == 365
    assert apr.periods_per_year({"days": 7}) * 7 == 365


def test_annualized_rate_rejects_bad_flows():
    start = date(2025, 1, 1)
    advance = [apr.CashFlow(start, Decimal(1000))]
    with pytest.raises(EngineError) as error:
        apr.annualized_rate(advance, [apr.CashFlow(start, Decimal(-5))])
    assert error.value.field == "payments"
    with pytest.raises(EngineError) as error:
        apr.annualized_rate(advance, monthly(start, 100, 12), fees_at_start=1000)
    assert error.value.field == "fees_at_start"
    with pytest.raises(EngineError) as error:
        apr.annualized_rate(advance, [])
    assert error.value.field == "payments"
    with pytest.raises(EngineError) as error:
        apr.annualized_rate([], monthly(start, 100, 12))
    assert error.value.field == "advances"
    with pytest.raises(EngineError) as error:
        apr.annualized_rate(advance, [apr.CashFlow(date(2024, 12, 1), Decimal(1100))])
    assert error.value.field == "payments"


# --- IRR and XIRR -----------------------------------------------------------------


def test_xirr_spreadsheet_example():
    """The XIRR example of the spreadsheet documentation: 0.373362535."""
    flows = [
        (date(2008, 1, 1), -10000),
        (date(2008, 3, 1), 2750),
        (date(2008, 10, 30), 4250),
        (date(2009, 2, 15), 3250),
        (date(2009, 4, 1), 2750),
    ]
    result = tvm.xirr(flows)
    # Excel iterates to 1e-8 (0.000001%): its ninth digit is not exact.
    assert abs(result - Decimal("0.373362535")) < Decimal("1e-8")
    assert result.quantize(Decimal("1e-6")) == Decimal("0.373363")
    assert abs(tvm.xnpv(result, flows)) < Decimal("1e-25")


def test_xirr_on_whole_years_is_the_periodic_irr():
    start = date(2021, 1, 1)
    flows = [
        (start + timedelta(days=365 * k), a) for k, a in enumerate([-1000, 0, 1210])
    ]
    assert abs(tvm.xirr(flows) - Decimal("0.1")) < Decimal("1e-28")
    assert abs(tvm.irr([-1000, 0, 1210]) - Decimal("0.1")) < Decimal("1e-28")


def test_xirr_order_of_flows_does_not_matter():
    flows = [
        (date(2025, 1, 1), -1000),
        (date(2025, 7, 1), 520),
        (date(2026, 1, 1), 540),
    ]
    assert tvm.xirr(flows) == tvm.xirr(list(reversed(flows)))


def test_xirr_far_from_guess():
    flows = [(date(2025, 1, 1), -100), (date(2025, 2, 1), 400)]
    result = tvm.xirr(flows)
    assert result > 1000
    assert abs(tvm.xnpv(result, flows)) < Decimal("1e-20")
    losing = [(date(2025, 1, 1), -100), (date(2026, 1, 1), 1)]
    assert abs(tvm.xirr(losing) + Decimal("0.99")) < Decimal("1e-25")


def test_no_sign_change_is_an_error():
    with pytest.raises(EngineError) as error:
        tvm.irr([100, 50, 60])
    assert error.value.field == "values"
    with pytest.raises(EngineError) as error:
        tvm.xirr([(date(2025, 1, 1), -100), (date(2025, 6, 1), -5)])
    assert error.value.field == "flows"
    with pytest.raises(EngineError) as error:
        tvm.irr([0, 0])
    assert (error.value.field, error.value.code) == (
        "values",
        "need_both_outflow_inflow",
    )


def test_irr_with_several_roots_takes_the_one_nearest_the_guess():
    flows = [-5, Decimal("10.5"), 1, -8, 1]
    assert abs(tvm.irr(flows, guess=Decimal("0.7")) - Decimal("0.70955952768618")) < (
        Decimal("1e-12")
    )
    assert abs(tvm.irr(flows, guess=-Decimal("0.8")) + Decimal("0.87020124748474")) < (
        Decimal("1e-12")
    )
    for guess in (Decimal("0.7"), Decimal("-0.8"), None):
        assert abs(tvm.npv(tvm.irr(flows, guess), flows)) < Decimal("1e-20")


def test_irr_converges_to_full_precision():
    """Newton is polished far below the 1e-12 the contract asks for."""
    flows = [-DOMAIN_LOAN.principal] + [Decimal("8884.88")] * 12
    result = tvm.irr(flows)
    assert abs(tvm.npv(result, flows)) < Decimal("1e-20")
    assert abs(tvm.npv(result + Decimal("1e-12"), flows)) > Decimal("1e-7")


@settings(max_examples=60, deadline=None)
@given(
    rate=st.decimals(min_value="0.0001", max_value="0.08", places=6),
    nper=st.integers(min_value=1, max_value=360),
    pv=st.decimals(min_value="100", max_value="10000000", places=2),
    when=st.sampled_from(["end", "begin"]),
)
def test_rate_inverts_pmt(rate, nper, pv, when):
    payment = tvm.pmt(rate, nper, pv, 0, when)
    if nper > 1 or when == "end":  # one payment in advance leaves no rate to find
        assert abs(tvm.rate(nper, payment, pv, 0, when) - rate) < Decimal("1e-20")
    assert abs(tvm.fv(rate, nper, payment, pv, when)) < pv * Decimal("1e-20")
    assert abs(tvm.pv(rate, nper, payment, 0, when) - pv) < pv * Decimal("1e-20")
    if rate * nper < 5:
        assert abs(tvm.nper(rate, payment, pv, 0, when) - nper) < Decimal("1e-20")
    total = tvm.cumprinc(rate, nper, pv, 1, nper, when)
    assert abs(total + pv) < pv * Decimal("1e-20")


def test_tvm_argument_errors():
    with pytest.raises(EngineError) as error:
        tvm.pmt("x", 12, 1000)
    assert error.value.field == "rate"
    with pytest.raises(EngineError) as error:
        tvm.pmt(Decimal("0.01"), 12, 1000, when="middle")
    assert error.value.field == "when"
    with pytest.raises(EngineError) as error:
        tvm.pmt(-1, 12, 1000)
    assert error.value.field == "rate"
    with pytest.raises(EngineError) as error:
        tvm.rate(Decimal("12.5"), -100, 1000)
    assert error.value.field == "nper"
    with pytest.raises(EngineError) as error:
        tvm.cumipmt(Decimal("0.01"), 12, 1000, 5, 3)
    assert error.value.field == "end_period"


# --- EU APRC ------------------------------------------------------------------------


def test_eu_aprc_single_repayment():
    start = date(2023, 3, 1)
    advance = [(start, Decimal(1000))]
    repay = [(date(2024, 3, 1), Decimal(1100))]
    assert abs(apr.eu_aprc(advance, repay) - Decimal("0.1")) < Decimal("1e-28")
    # 366 days over 365.25: a little more than a year.
    by_days = apr.eu_aprc(advance, repay, time_basis="days")
    with tvm.decimal_context():
        exact = Decimal("1.1") ** (Decimal("365.25") / 366) - 1
    assert abs(by_days - exact) < Decimal("1e-28")


def test_eu_aprc_months_and_odd_days():
    start = date(2024, 1, 31)
    # Feb 29 is one month after Jan 31; Mar 15 is 1 month and 15 days.
    repay = [(date(2024, 3, 15), Decimal(1050))]
    result = apr.eu_aprc([(start, Decimal(1000))], repay)
    with tvm.decimal_context():
        t = Decimal(1) / 12 + Decimal(15) / Decimal("365.25")
        exact = Decimal("1.05") ** (1 / t) - 1
    assert abs(result - exact) < Decimal("1e-26")


def test_eu_aprc_errors():
    with pytest.raises(EngineError) as error:
        apr.eu_aprc(
            [(date(2024, 1, 1), 100)], [(date(2024, 2, 1), 110)], time_basis="x"
        )
    assert error.value.field == "time_basis"
    with pytest.raises(EngineError) as error:
        apr.eu_aprc_from_times([(0, 100)], [(-1, 110)])
    assert error.value.field == "payments"


# --- Reg Z Appendix J ---------------------------------------------------------------


def test_us_actuarial_odd_fraction_is_simple_interest():
    # 1000 = 1050 / (1 + 0.5 i)  ->  i = 10% a month, APR 120%.
    result = apr.us_actuarial_apr(
        [apr.UnitPeriodFlow(Decimal(1000), 0)],
        [apr.UnitPeriodFlow(Decimal(1050), 0, Decimal("0.5"))],
        12,
    )
    assert abs(result.unit_period_rate - Decimal("0.1")) < Decimal("1e-28")
    assert abs(result.apr - Decimal("1.2")) < Decimal("1e-27")


def test_us_actuarial_regular_loan_matches_rate():
    payment = -tvm.pmt(Decimal("0.01"), 24, 5000)
    result = apr.us_actuarial_apr(
        [apr.UnitPeriodFlow(Decimal(5000), 0)],
        [apr.UnitPeriodFlow(payment, k) for k in range(1, 25)],
        12,
    )
    assert abs(result.apr - Decimal("0.12")) < Decimal("1e-25")


@pytest.mark.parametrize(
    "start, when, unit, expected",
    [
        (date(1978, 1, 10), date(1978, 2, 10), "month", (1, Decimal(0))),
        (date(1978, 1, 10), date(1978, 2, 25), "month", (1, Decimal("0.5"))),
        (date(2025, 1, 10), date(2025, 1, 20), "month", (0, Decimal(10) / 30)),
        (date(2025, 1, 31), date(2025, 3, 31), "month", (2, Decimal(0))),
        (date(2025, 1, 31), date(2025, 2, 28), "month", (1, Decimal(0))),
        (date(2025, 2, 28), date(2025, 3, 31), "month", (1, Decimal(0))),
        (date(2025, 1, 15), date(2025, 2, 28), "month", (1, Decimal(13) / 30)),
        (date(2025, 1, 30), date(2025, 2, 28), "month", (0, Decimal(29) / 30)),
        (date(2025, 1, 1), date(2025, 1, 18), "week", (2, Decimal(3) / 7)),
        (date(2025, 1, 1), date(2025, 2, 11), "semimonth", (2, Decimal(10) / 15)),
        (date(2025, 1, 1), date(2025, 5, 11), "quarter", (1, Decimal(40) / 90)),
        (date(2024, 3, 1), date(2025, 3, 11), "year", (1, Decimal(10) / 365)),
        (date(2025, 1, 1), date(2025, 1, 11), "day", (10, Decimal(0))),
    ],
)
def test_unit_period_position(start, when, unit, expected):
    t, f = apr.unit_period_position(start, when, unit)
    assert t == expected[0]
    assert abs(f - expected[1]) < Decimal("1e-27")


def test_unit_periods_per_year():
    assert apr.unit_periods_per_year("month") == 12
    assert apr.unit_periods_per_year("semimonth") == 24
    assert apr.unit_periods_per_year("week") == 52
    assert apr.unit_periods_per_year({"weeks": 2}) == 26
    assert apr.unit_periods_per_year("quarter") == 4
    assert apr.unit_periods_per_year("day") == 365
    with pytest.raises(EngineError) as error:
        apr.unit_periods_per_year("fortnightish")
    assert error.value.field == "unit_period"


def test_us_actuarial_errors():
    advance = [apr.UnitPeriodFlow(Decimal(1000), 0)]
    with pytest.raises(EngineError) as error:
        apr.us_actuarial_apr(
            advance, [apr.UnitPeriodFlow(Decimal(10), 1, Decimal(1))], 12
        )
    assert error.value.field == "payments"
    with pytest.raises(EngineError) as error:
        apr.us_actuarial_apr(advance, [], 12)
    assert error.value.field == "payments"
    with pytest.raises(EngineError) as error:
        apr.us_actuarial_apr(advance, [apr.UnitPeriodFlow(Decimal(1100), 1)], 0)
    assert error.value.field == "unit_periods_per_year"


# --- rate caps ------------------------------------------------------------------------


def test_rate_cap_at_the_4x_lpr_limit_is_not_above_it():
    """docs/domain.md §2.2: LPR 3.00% from 2025-05-20; 12% is at the limit, 18% over."""
    at_limit = apr.check_rate_caps(Decimal("0.12"), date(2025, 6, 1))
    assert at_limit.lpr == Decimal("0.0300")
    assert at_limit.lpr_cap == Decimal("0.12")
    assert not at_limit.above_4x_lpr and not at_limit.above_24pct
    penalty = apr.check_rate_caps(Decimal("0.18"), date(2025, 6, 1))
    assert penalty.above_4x_lpr and not penalty.above_24pct
    high = apr.check_rate_caps(Decimal("0.2401"), date(2025, 6, 1))
    assert high.above_4x_lpr and high.above_24pct
    assert not apr.check_rate_caps(Decimal("0.24"), date(2025, 6, 1)).above_24pct


def test_rate_cap_uses_the_lpr_in_force_on_the_date():
    assert apr.lpr_on(date(2025, 5, 20)) == Decimal("0.0300")
    assert apr.lpr_on(date(2025, 5, 19)) == Decimal("0.0310")
    assert apr.lpr_on(date(2024, 10, 21)) == Decimal("0.0310")
    check = apr.check_rate_caps(Decimal("0.123"), date(2025, 1, 1))
    assert check.lpr_cap == Decimal("0.124") and not check.above_4x_lpr
    assert apr.check_rate_caps(Decimal("0.123"), date(2025, 6, 1)).above_4x_lpr
    with pytest.raises(EngineError) as error:
        apr.check_rate_caps(Decimal("0.1"), date(2019, 8, 19))
    assert error.value.field == "on_date"


def test_rate_cap_with_own_table_and_limits():
    table = ((date(2030, 1, 1), Decimal("0.05")), (date(2020, 1, 1), Decimal("0.04")))
    check = apr.check_rate_caps(
        Decimal("0.17"), date(2031, 1, 1), table, cap=Decimal("0.18"), lpr_multiple=3
    )
    assert (check.lpr, check.lpr_cap) == (Decimal("0.05"), Decimal("0.15"))
    assert check.above_4x_lpr and not check.above_24pct
    assert apr.lpr_on(date(2025, 1, 1), table) == Decimal("0.04")
    with pytest.raises(EngineError) as error:
        apr.check_rate_caps(Decimal("0.1"), date(2025, 1, 1), table, cap=0)
    assert error.value.field == "cap"


@pytest.mark.parametrize(
    "lpr, multiple, expected",
    [
        # The 3.0% LPR of 2025 gives the 12% ceiling (docs/domain.md §3.5).
        (Decimal("3.0"), 4, Decimal("12.0")),
        (Decimal("0.0345"), 4, Decimal("0.1380")),
        (Decimal("3.1"), 2, Decimal("6.2")),
        (Decimal("0"), 4, Decimal("0")),
    ],
)
def test_lpr_cap_is_the_multiple_of_the_lpr(lpr, multiple, expected):
    assert apr.lpr_cap(lpr, multiple) == expected


def test_lpr_cap_agrees_with_check_rate_caps():
    check = apr.check_rate_caps(Decimal("0.18"), date(2025, 6, 1))
    assert apr.lpr_cap(check.lpr) == check.lpr_cap


@pytest.mark.parametrize("lpr, multiple", [(Decimal("-1"), 4), (Decimal("3"), 0)])
def test_lpr_cap_refuses_bad_input(lpr, multiple):
    with pytest.raises(EngineError):
        apr.lpr_cap(lpr, multiple)
