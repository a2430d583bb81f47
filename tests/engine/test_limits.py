"""Regulatory limits: the limit from the net assets, the exposure with the
guarantees given, the headroom and the breach (docs/domain.md §3.4)."""

import doctest
from decimal import Decimal

import pytest

from microloan_engine import limits
from microloan_engine.errors import EngineError
from microloan_engine.limits import guaranteed_exposure, limit_usage, percent_limit

D = Decimal


def test_doctests():
    assert doctest.testmod(limits).failed == 0


def test_single_and_related_limits_of_net_assets():
    # Net assets 80,000,000 at the end of last year: 10% and 15%.
    assert percent_limit(D("80000000"), D("10")) == D("8000000.00")
    assert percent_limit(D("80000000"), D("15")) == D("12000000.00")


@pytest.mark.parametrize(
    "exposures, amount, breached, headroom",
    [
        ([D("7000000")], D("1000000"), False, D("1000000")),  # exactly at the limit
        ([D("7000000")], D("1000000.01"), True, D("1000000")),
        ([D("8500000")], D("1"), True, D("-500000")),  # already above
        ([], D("0"), False, D("8000000")),
    ],
)
def test_breach_and_headroom(exposures, amount, breached, headroom):
    usage = limit_usage(exposures, amount, D("8000000"))
    assert usage.breached is breached
    assert usage.headroom == headroom
    assert usage.total == sum(exposures, D(0)) + amount


def test_usage_percent():
    usage = limit_usage([D("250000")], D("50000"), D("400000"))
    assert usage.usage == D("75.00")
    assert limit_usage([D("1")], D("0"), D("0")).usage == 0


def test_guarantee_counts_up_to_the_loan_outstanding():
    assert guaranteed_exposure(D("100000"), D("40000")) == D("40000")
    assert guaranteed_exposure(D("20000"), D("40000")) == D("20000")


@pytest.mark.parametrize(
    "call",
    [
        lambda: percent_limit(D("-1"), D("10")),
        lambda: percent_limit(D("1"), D("-10")),
        lambda: limit_usage([D("-1")], D("0"), D("10")),
        lambda: limit_usage([], D("-1"), D("10")),
        lambda: limit_usage([], D("1"), D("-10")),
        lambda: limit_usage([], "x", D("10")),
        lambda: guaranteed_exposure(D("-1"), D("1")),
    ],
)
def test_bad_input(call):
    with pytest.raises(EngineError):
        call()
