"""Repeat-borrower pricing: which rule applies and the terms it gives."""

import doctest
from decimal import Decimal

import pytest

from microloan_engine import repeat_pricing
from microloan_engine.errors import EngineError
from microloan_engine.repeat_pricing import (
    RepeatRule,
    applicable_rule,
    check_rule,
    repeat_terms,
)

D = Decimal

GOLD = RepeatRule(1, 3, 0, rate_reduction=D("2"), max_increase_percent=D("50"))
SILVER = RepeatRule(2, 1, 30, rate_reduction=D("0.5"))
BIGGER = RepeatRule(3, 1, 89, max_increase_amount=D("10000"))
RULES = [BIGGER, SILVER, GOLD]


def test_doctests():
    assert doctest.testmod(repeat_pricing).failed == 0


@pytest.mark.parametrize(
    ("settled", "worst", "expected"),
    [
        (3, 0, GOLD),  # the first by sequence wins
        (5, 0, GOLD),
        (3, 1, SILVER),  # one day late: not gold
        (1, 30, SILVER),
        (2, 31, BIGGER),
        (4, 89, BIGGER),
        (4, 90, None),  # a 90-day delinquency: nothing
        (0, 0, None),  # a first loan: nothing
    ],
)
def test_applicable_rule(settled, worst, expected):
    index = applicable_rule(RULES, settled, worst)
    assert (None if index is None else RULES[index]) == expected


def test_same_sequence_keeps_table_order():
    first = RepeatRule(1, 1, 10, rate_reduction=D("1"))
    second = RepeatRule(1, 1, 10, rate_reduction=D("2"))
    assert applicable_rule([first, second], 1, 0) == 0
    assert applicable_rule([second, first], 1, 0) == 0


def test_terms():
    assert repeat_terms(GOLD, D("18"), D("50000")) == repeat_pricing.RepeatTerms(
        D("16"), D("75000.00")
    )
    assert repeat_terms(BIGGER, D("18"), D("50000")).max_amount == D("60000.00")
    # no maximum stays no maximum; the rate never goes below zero
    assert repeat_terms(GOLD, D("1.5"), None) == repeat_pricing.RepeatTerms(
        D("0"), None
    )
    # no rule: unchanged
    assert repeat_terms(None, D("12"), D("100")).rate == D("12")
    combined = RepeatRule(
        1, 1, 0, max_increase_percent=D("10"), max_increase_amount=D("0.005")
    )
    assert repeat_terms(combined, D("10"), D("100")).max_amount == D("110.01")


@pytest.mark.parametrize(
    "rule",
    [
        RepeatRule(1, 0, 0, rate_reduction=D("1")),
        RepeatRule(1, 1, -1, rate_reduction=D("1")),
        RepeatRule(1, 1, 0, rate_reduction=D("-1")),
        RepeatRule(1, 1, 0, max_increase_percent=D("-5")),
        RepeatRule(1, 1, 0),
        RepeatRule(1, 1.5, 0, rate_reduction=D("1")),
        RepeatRule(1, 1, 0, rate_reduction=D("NaN")),
    ],
)
def test_bad_rules_refused(rule):
    with pytest.raises(EngineError):
        check_rule(rule)
    with pytest.raises(EngineError):
        applicable_rule([rule], 5, 0)


def test_bad_counts_refused():
    with pytest.raises(EngineError):
        applicable_rule(RULES, -1, 0)
    with pytest.raises(EngineError):
        repeat_terms(GOLD, D("NaN"), None)
