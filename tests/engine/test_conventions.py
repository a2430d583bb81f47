"""Conventions lenders quote: rates per month or day, rounding up or down, a fixed
installment, a pro rata first period, a balanced last installment.

Expected figures are worked by hand in the comments and recomputed here by an
independent amortizer (``reference``: ``Fraction`` arithmetic, ``Decimal.quantize``
half-up), not read back from the engine.
"""

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

import pytest

from microloan_engine import EngineError, ScheduleTerms, build_schedule
from microloan_engine.dates import Frequency, period_fraction
from microloan_engine.money import quantize, round_div, round_to_multiple
from microloan_engine.rates import (
    annual_rate,
    daily_rate,
    monthly_rate,
    parse_rate,
    quoted_rate,
)
from microloan_engine.schedule import term_for_installment

D = Decimal
CENT = D("0.01")
TERMS = ScheduleTerms(D(100000), D("0.12"), 12, date(2025, 1, 15))


def half_up(value):
    """A ``Fraction`` rounded half-up to the fen, through ``decimal`` only."""
    exact = Context(prec=80).divide(D(value.numerator), D(value.denominator))
    return Fraction(exact.quantize(CENT, rounding=ROUND_HALF_UP))


def reference(principal, rates, level):
    """Rows ``(principal, interest)`` of an annuity paying ``level`` a period (the
    last pays the balance); ``rates`` are the period rates."""
    balance = Fraction(principal)
    rows = []
    for k, rate in enumerate(rates):
        interest = half_up(balance * rate)
        part = balance if k == len(rates) - 1 else Fraction(level) - interest
        balance -= part
        rows.append((part, interest))
    return rows


def annuity(principal, rate, n):
    """Exact level payment ``P·i / (1 − (1+i)^−n)``."""
    return Fraction(principal) * rate / (1 - (1 + rate) ** -n)


def totals(schedule):
    return [
        (Fraction(i.principal), Fraction(i.interest)) for i in schedule.installments
    ]


# --- rates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote, unit, basis, annual",
    [
        ("8‰", "month", 360, "0.096"),  # 月利率 8‰ × 12 = 9.6%
        ("1%", "month", 360, "0.12"),
        ("0.01", "month", 360, "0.12"),
        ("5‱", "day", 360, "0.18"),  # 日利率 5‱ × 360 = 18%
        ("5‱", "day", 365, "0.1825"),  # × 365 = 18.25%
        ("0.0003", "day", 365, "0.1095"),
        ("12%", "year", 360, "0.12"),
    ],
)
def test_quoted_rates_convert_to_annual(quote, unit, basis, annual):
    rate = parse_rate(quote)
    multiplier = {"year": 1, "month": 12, "day": basis}[unit]
    scale = {"‰": 1000, "‱": 10000, "%": 100}.get(quote[-1], 1)
    expected = Fraction(quote.rstrip("‰‱%")) / scale * multiplier
    assert Fraction(annual_rate(rate, unit, basis)) == expected == Fraction(annual)
    assert Fraction(quoted_rate(D(annual), unit, basis)) == Fraction(rate)


def test_rate_helpers_and_errors():
    assert monthly_rate(D("0.096")) == D("0.008")
    assert daily_rate(D("0.18")) == D("0.0005")
    assert daily_rate(D("0.1825"), 365) == D("0.0005")
    # 12% / 360 does not terminate: 60 significant digits.
    assert daily_rate(D("0.12")) == Context(prec=60).divide(D("0.12"), 360)
    with pytest.raises(EngineError) as caught:
        annual_rate(D("0.01"), "week")
    assert (caught.value.field, caught.value.code) == ("rate_unit", "one_of")
    with pytest.raises(EngineError) as caught:
        annual_rate(D("0.01"), "day", 364)
    assert (caught.value.field, caught.value.code) == ("day_basis", "one_of")
    with pytest.raises(EngineError) as caught:
        parse_rate("-1‰")
    assert caught.value.message == "must not be negative"
    with pytest.raises(EngineError) as caught:
        parse_rate("8 per mille")
    assert caught.value.message == "is not a number"


def test_monthly_quote_gives_the_domain_schedule():
    """月利率 1% on 100,000 over 12 months is docs/domain.md §1.1: 8,884.88."""
    terms = replace(TERMS, annual_rate=annual_rate(parse_rate("1%"), "month"))
    assert build_schedule(terms).installments[0].total == D("8884.88")


# --- rounding up and down -----------------------------------------------------------


def test_round_div_and_quantize_directed_modes():
    assert round_div(888487, 100, "ceiling") == 8885
    assert round_div(888487, 100, "floor") == 8884
    assert round_div(888400, 100, "ceiling") == 8884  # exact: no step up
    assert quantize(D("2.001"), 2, "ceiling") == D("2.01")
    assert quantize(D("2.009"), 2, "floor") == D("2.00")
    assert round_to_multiple(D("8884.88"), D("10"), "ceiling") == D("8890")
    assert round_to_multiple(D("8884.88"), D("10"), "floor") == D("8880")


@pytest.mark.parametrize(
    "mode, multiple, level",
    [
        # M = 8,884.878867...: up to the fen 8,884.88, up to 10 8,890, down 8,880.
        ("ceiling", "0.01", "8884.88"),
        ("floor", "0.01", "8884.87"),
        ("ceiling", "10", "8890"),
        ("floor", "10", "8880"),
        ("ceiling", "1", "8885"),
        ("floor", "1", "8884"),
    ],
)
def test_installment_rounded_up_or_down(mode, multiple, level):
    exact = annuity(100000, Fraction(1, 100), 12)
    step = Fraction(multiple)
    count = exact / step
    rounded = (-(-count.numerator // count.denominator) if mode == "ceiling" else
               count.numerator // count.denominator) * step  # fmt: skip
    assert rounded == Fraction(level)
    terms = replace(TERMS, installment_rounding=mode, installment_multiple=D(multiple))
    schedule = build_schedule(terms)
    assert schedule.installments[0].total == D(level)
    # Interest stays half-up to the fen: the rows are the reference's.
    assert totals(schedule) == reference(100000, [Fraction(1, 100)] * 12, rounded)
    last = schedule.installments[-1].total
    assert (last <= D(level)) if mode == "ceiling" else (last >= D(level))


def test_rounding_ceiling_applies_everywhere():
    """``rounding="ceiling"`` rounds the interest up too: 1,000.00 exactly, then
    92,115.12 × 1% = 921.1512 → 921.16 (half-up gives 921.15)."""
    schedule = build_schedule(replace(TERMS, rounding="ceiling"))
    assert schedule.installments[0].interest == D("1000.00")
    assert schedule.installments[1].interest == D("921.16")
    with pytest.raises(EngineError) as caught:
        build_schedule(replace(TERMS, installment_rounding="up"))
    assert (caught.value.field, caught.value.code) == ("installment_rounding", "one_of")


# --- fixed installment amount -------------------------------------------------------


def test_term_for_installment():
    """10,000 a month on 100,000 at 1%: n = ⌈−ln(1 − 0.1) / ln 1.01⌉ = ⌈10.59⌉ = 11;
    ten payments of 10,000 then the remainder."""
    assert term_for_installment(TERMS, D("10000")) == 11
    assert term_for_installment(TERMS, D("8884.88")) == 12
    assert term_for_installment(TERMS, D("8884.84")) == 13  # 12 would end above it
    schedule = build_schedule(replace(TERMS, periods=11, installment_amount=D("10000")))
    expected = reference(100000, [Fraction(1, 100)] * 11, 10000)
    assert totals(schedule) == expected
    assert {i.total for i in schedule.installments[:-1]} == {D("10000.00")}
    assert schedule.installments[-1].total == D(str(float(sum(expected[-1]))))
    assert Fraction(schedule.installments[-1].total) < 10000


def test_fixed_installment_errors():
    with pytest.raises(EngineError) as caught:
        term_for_installment(TERMS, D("1000"))  # only the 1,000.00 of interest
    assert caught.value.field == "installment_amount"
    assert caught.value.message == "does not cover the interest of a period"
    with pytest.raises(EngineError) as caught:
        build_schedule(replace(TERMS, periods=20, installment_amount=D("10000")))
    assert (caught.value.field, caught.value.code) == (
        "periods",
        "repays_loan_before_last_installment",
    )
    with pytest.raises(EngineError) as caught:
        build_schedule(
            replace(TERMS, method="equal_principal", installment_amount=D("10000"))
        )
    assert caught.value.message == "applies to the annuity method only"


# --- pro rata first period ----------------------------------------------------------


def test_period_fraction():
    month = Frequency("month", 1)
    # 01-10 → 02-20: one month back to 01-20, then 10 odd days of the 31-day
    # period 2024-12-20 → 2025-01-20.
    assert period_fraction(date(2025, 1, 10), date(2025, 2, 20), month) == (41, 31)
    # 01-25 → 03-05: back to 02-05, 11 odd days of 01-05 → 02-05 (31 days).
    assert period_fraction(date(2025, 1, 25), date(2025, 3, 5), month) == (42, 31)
    # 02-10 → 03-20: back to 02-20, 10 odd days of 01-20 → 02-20 (31 days).
    assert period_fraction(date(2025, 2, 10), date(2025, 3, 20), month) == (41, 31)
    # 02-15 → 03-05 (short): 18 days of 02-05 → 03-05 (28 days).
    assert period_fraction(date(2025, 2, 15), date(2025, 3, 5), month) == (18, 28)
    assert period_fraction(
        date(2025, 1, 1), date(2025, 1, 11), Frequency("day", 7)
    ) == (
        10,
        7,
    )


def test_pro_rata_first_period():
    """Disbursed 2025-01-10, repayment day 20: the first period is 41/31 of a month.
    Interest 100,000 × 1% × 41/31 = 1,322.58; the level payment is solved over it:
    M = P·(1 + f·i)·i·(1+i)^11 / ((1+i)^12 − 1) = 8,884.878867 / 1.01 × 1.0132258
    = 8,913.26."""
    terms = replace(
        TERMS,
        disbursement_date=date(2025, 1, 10),
        repayment_day=20,
        first_period="pro_rata",
    )
    i = Fraction(1, 100)
    f = Fraction(41, 31)
    exact = 100000 * (1 + f * i) * i * (1 + i) ** 11 / ((1 + i) ** 12 - 1)
    level = half_up(exact)
    assert level == Fraction("8913.26")
    schedule = build_schedule(terms)
    first = schedule.installments[0]
    assert (first.due_date, first.days) == (date(2025, 2, 20), 41)
    assert first.interest == D("1322.58")
    assert totals(schedule) == reference(100000, [f * i] + [i] * 11, level)
    last = schedule.installments[-1].total
    assert abs(last - D("8913.26")) <= D("0.05")  # solved over the broken period
    # Not broken: the same as "full".
    plain = build_schedule(replace(TERMS, first_period="pro_rata"))
    assert plain == build_schedule(TERMS)
    with pytest.raises(EngineError) as caught:
        build_schedule(replace(terms, interest_basis="daily"))
    assert caught.value.message == "pro_rata applies to the period basis only"


# --- minimize the last-installment difference ---------------------------------------


def test_minimize_last_difference():
    """120,000 at 月利率 8‰ over 12 months: M = 10,527.5958..., rounded 10,527.60,
    whose last installment is 10,527.53 (0.07 short); 10,527.59 leaves 10,527.64
    (0.05 over), the smaller difference."""
    terms = ScheduleTerms(D(120000), D("0.096"), 12, date(2025, 1, 15))
    i = Fraction(8, 1000)
    assert half_up(annuity(120000, i, 12)) == Fraction("10527.60")

    def gap(level):
        rows = reference(120000, [i] * 12, level)
        return sum(rows[-1]) - level

    assert gap(Fraction("10527.60")) == Fraction("-0.07")
    assert gap(Fraction("10527.59")) == Fraction("0.05")
    assert gap(Fraction("10527.58")) > Fraction("0.05")
    schedule = build_schedule(replace(terms, minimize_last_difference=True))
    assert schedule.installments[0].total == D("10527.59")
    assert schedule.installments[-1].total == D("10527.64")
    assert totals(schedule) == reference(120000, [i] * 12, Fraction("10527.59"))
    # §1.1 is already the best choice: unchanged.
    assert build_schedule(replace(TERMS, minimize_last_difference=True)) == (
        build_schedule(TERMS)
    )
    with pytest.raises(EngineError) as caught:
        build_schedule(replace(TERMS, method="flat", minimize_last_difference=True))
    assert caught.value.message == "applies to the annuity method only"
