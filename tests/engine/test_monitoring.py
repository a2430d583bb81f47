"""Post-loan inspections: the first after N days, then every M months, more
often for 关注 and worse."""

import doctest
from datetime import date

import pytest

from microloan_engine import monitoring
from microloan_engine.errors import EngineError
from microloan_engine.monitoring import InspectionRule, next_inspection


def test_doctests():
    assert doctest.testmod(monitoring).failed == 0


@pytest.mark.parametrize(
    "last_done, tier, expected",
    [
        (None, "normal", date(2025, 1, 25)),  # 15 days after 2025-01-10
        (None, "doubtful", date(2025, 1, 25)),  # the first one whatever the tier
        (date(2025, 1, 31), "normal", date(2025, 7, 31)),  # 6 months
        (date(2025, 8, 31), "normal", date(2026, 2, 28)),  # month end kept
        (date(2025, 1, 31), "special_mention", date(2025, 3, 31)),  # 2 months
        (date(2025, 1, 31), "loss", date(2025, 3, 31)),
    ],
)
def test_next_inspection(last_done, tier, expected):
    rule = InspectionRule(first_days=15, interval_months=6, watch_interval_months=2)
    assert next_inspection(date(2025, 1, 10), last_done, tier, rule) == expected


@pytest.mark.parametrize(
    "kwargs",
    [{"first_days": 0}, {"interval_months": -1}, {"watch_interval_months": 1.5}],
)
def test_bad_rule(kwargs):
    with pytest.raises(EngineError):
        InspectionRule(**kwargs)


def test_bad_input():
    with pytest.raises(EngineError):
        next_inspection("2025-01-10", None, "normal")
    with pytest.raises(EngineError):
        next_inspection(date(2025, 1, 10), date(2025, 2, 1), "unknown")
