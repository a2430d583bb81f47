"""Performance ratios, return bands and funding leverage (engine.performance)."""

import doctest
from datetime import date
from decimal import Decimal

import pytest

from microloan_engine import performance
from microloan_engine.errors import EngineError
from microloan_engine.performance import (
    average_days,
    collection_rate,
    funding_leverage,
    npl_ratio,
    par_ratio,
    performance_ratios,
    portfolio_yield,
    rate_band,
    term_band,
)

D = Decimal


def test_doctests():
    assert doctest.testmod(performance).failed == 0


def test_yield_of_a_month_of_the_domain_loan():
    # docs/domain.md §1.1: 100,000 held 31 days earns 1,000.00 of interest: the
    # accumulation is 3,100,000, the yield 1,000 × 365 / 3,100,000.
    assert portfolio_yield(D("1000.00"), D("3100000")) == D(1000 * 365) / D(3100000)
    assert portfolio_yield(D("1000.00"), D("3000000"), 360) == D("0.12")
    assert portfolio_yield(D("5"), D("0")) == 0


def test_domain_book_npl_ratio():
    # docs/domain.md §3.3: 700,000 non-performing in a book of 10,000,000.
    assert npl_ratio(D("700000"), D("10000000")) == D("0.07")
    assert npl_ratio(D("0"), D("0")) == 0


def test_par_and_collection_and_turnaround():
    assert par_ratio(D("25000"), D("100000")) == D("0.25")
    assert collection_rate(D("8884.88"), D("8884.88")) == 1
    assert collection_rate(D("4442.44"), D("8884.88")) == D("0.5")
    assert collection_rate(D("10"), D("0")) == 0
    assert average_days(D("7.5"), 3) == D("2.50")
    assert average_days(D("1"), 3) == D("0.33")
    assert average_days(D("0"), 0) == 0


def test_ratios_of_a_group():
    ratios = performance_ratios(
        {
            "income": D("1000"),
            "accumulation": D("3000000"),
            "collected": D("8000"),
            "due": D("10000"),
            "balance": D("200000"),
            "par1_balance": D("50000"),
            "par30_balance": D("20000"),
            "par90_balance": D("10000"),
            "npl_balance": D("10000"),
            "turnaround_days": D("9"),
            "approved_count": 4,
        }
    )
    assert ratios.yield_rate == D(365000) / D(3000000)
    assert ratios.collection_rate == D("0.8")
    assert (ratios.par1, ratios.par30, ratios.par90) == (
        D("0.25"),
        D("0.1"),
        D("0.05"),
    )
    assert ratios.npl_ratio == D("0.05")
    assert ratios.average_turnaround == D("2.25")
    empty = performance_ratios({})
    assert empty.yield_rate == empty.par1 == empty.average_turnaround == 0


@pytest.mark.parametrize(
    "rate, band",
    [
        ("0", "up_to_12"),
        ("12", "up_to_12"),
        ("12.0001", "12_18"),
        ("18", "12_18"),
        ("23.99", "18_24"),
        ("24", "18_24"),
        ("24.01", "over_24"),
    ],
)
def test_rate_bands(rate, band):
    assert rate_band(D(rate)) == band


@pytest.mark.parametrize(
    "start, maturity, band",
    [
        (date(2025, 1, 10), date(2025, 4, 10), "up_to_3m"),
        (date(2025, 1, 10), date(2025, 4, 11), "3_6m"),
        (date(2025, 1, 10), date(2025, 7, 10), "3_6m"),
        (date(2025, 1, 10), date(2026, 1, 10), "6_12m"),
        (date(2025, 1, 10), date(2026, 1, 11), "over_12m"),
        # a month's end: 30 November plus three months is 28 February
        (date(2024, 11, 30), date(2025, 2, 28), "up_to_3m"),
        (date(2024, 11, 30), date(2025, 3, 1), "3_6m"),
    ],
)
def test_term_bands(start, maturity, band):
    assert term_band(start, maturity) == band


def test_funding_limits():
    lev = funding_leverage(
        D("50000000"), D("30000000"), D("20000000.01"), D("150000000"), D("50000000")
    )
    assert lev.bank_and_shareholder.limit == D("50000000.00")
    assert lev.bank_and_shareholder.borrowing == D("50000000.01")
    assert lev.bank_and_shareholder.breached
    assert lev.bonds_and_abs.limit == D("200000000.00")
    assert not lev.bonds_and_abs.breached  # equal to the limit is within it
    assert lev.bonds_and_abs.usage == 1
    assert lev.total_funding == D("250000000.01")
    assert lev.leverage == D("250000000.01") / D("50000000")
    # negative net assets: any borrowing breaches
    broke = funding_leverage(D("-1"), D("1"), D("0"), D("0"), D("0"))
    assert broke.bank_and_shareholder.breached
    assert broke.leverage == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda: portfolio_yield(D("1"), D("-1")),
        lambda: portfolio_yield(D("1"), D("1"), 364),
        lambda: collection_rate(D("-1"), D("1")),
        lambda: npl_ratio("abc", D("1")),
        lambda: par_ratio(D("NaN"), D("1")),
        lambda: average_days(D("1"), -1),
        lambda: average_days(D("1"), 1.5),
        lambda: rate_band(D("-0.01")),
        lambda: term_band(date(2025, 2, 1), date(2025, 1, 1)),
        lambda: term_band("2025-01-01", date(2025, 1, 1)),
        lambda: funding_leverage(D("1"), D("-1"), 0, 0, 0),
    ],
)
def test_bad_input(call):
    with pytest.raises(EngineError):
        call()
