"""Loan-to-value and joint-guarantee group limits (docs/domain.md §6)."""

import doctest
from decimal import Decimal

import pytest

from microloan_engine import collateral
from microloan_engine.collateral import Pledge, group_exposure, loan_to_value
from microloan_engine.errors import EngineError

D = Decimal


def test_ltv_of_one_collateral():
    cover = loan_to_value(D("60000"), [Pledge(D("100000"), D("70"))])
    assert cover.collateral_value == D("100000")
    assert cover.ltv == D("60")
    assert cover.max_ltv == D("70")
    assert not cover.exceeded


def test_max_ltv_is_weighted_by_value():
    # A flat (800,000 at 70%) and a car (200,000 at 50%): cap
    # (800,000 × 70 + 200,000 × 50) / 1,000,000 = 66%; 680,000 lent is 68%.
    cover = loan_to_value(
        D("680000"), [Pledge(D("800000"), D("70")), Pledge(D("200000"), D("50"))]
    )
    assert (cover.collateral_value, cover.ltv, cover.max_ltv) == (
        D("1000000"),
        D("68"),
        D("66"),
    )
    assert cover.exceeded


@pytest.mark.parametrize(
    "amount, exceeded",
    [
        (D("70000"), False),  # 70.00%: at the cap, not above it
        (D("70004.99"), False),  # 70.00499%: 70.00% at two places
        (D("70005"), True),  # 70.005%: 70.01% half-up
    ],
)
def test_ltv_is_compared_at_a_hundredth_of_a_percent(amount, exceeded):
    cover = loan_to_value(amount, [Pledge(D("100000"), D("70"))])
    assert cover.exceeded is exceeded


def test_no_collateral_value_gives_zero_and_is_never_exceeded():
    for pledges in ([], [Pledge(D("0"), D("70"))]):
        cover = loan_to_value(D("50000"), pledges)
        assert (cover.collateral_value, cover.ltv, cover.max_ltv) == (0, 0, 0)
        assert not cover.exceeded


def test_unrounded_ratios():
    # 100,000 against 300,000 at 60% and 70%: LTV 33.33…%, cap 65%.
    cover = loan_to_value(
        D("100000"), [Pledge(D("150000"), D("60")), Pledge(D("150000"), D("70"))]
    )
    assert cover.ltv.quantize(D("0.000001")) == D("33.333333")
    assert cover.max_ltv == D("65")


@pytest.mark.parametrize(
    "outstanding, amount, limit, total, exceeded",
    [
        ([D("30000"), D("25000")], D("45000"), D("100000"), D("100000"), False),
        ([D("30000"), D("25000")], D("45000.01"), D("100000"), D("100000.01"), True),
        ([], D("100000.01"), D("100000"), D("100000.01"), True),
        # 0 is no limit.
        ([D("900000")], D("500000"), D("0"), D("1400000"), False),
    ],
)
def test_group_exposure(outstanding, amount, limit, total, exceeded):
    exposure = group_exposure(outstanding, amount, limit)
    assert exposure.lent == sum(outstanding, D("0"))
    assert exposure.total == total
    assert exposure.exceeded is exceeded


def test_negative_group_limit_is_refused():
    with pytest.raises(EngineError) as error:
        group_exposure([], D("1"), D("-1"))
    assert error.value.field == "limit"


def test_doctests():
    result = doctest.testmod(collateral)
    assert result.attempted > 0
    assert result.failed == 0
