"""Tables and rules the modules read from the engine (issue 11): penalty day
basis, classification tiers, the restructuring observation period."""

from datetime import date

from microloan_engine.classification import NPL_TIERS, TIERS
from microloan_engine.daycount import DAY_COUNTS
from microloan_engine.overdue import PenaltyTerms, penalty_day_basis
from microloan_engine.restructure import observation_period


def test_penalty_day_basis_per_day_count():
    assert penalty_day_basis("ACT/360") == 360
    assert penalty_day_basis("30/360") == 360
    assert penalty_day_basis("ACT/364") == 364
    assert penalty_day_basis("ACT/365") == 365
    assert penalty_day_basis("ACT/ACT") == 365
    for day_count in DAY_COUNTS:
        PenaltyTerms(day_basis=penalty_day_basis(day_count))


def test_tiers_order_and_non_performing():
    assert TIERS == ("normal", "special_mention", "substandard", "doubtful", "loss")
    assert NPL_TIERS == TIERS[2:]


def test_observation_period_two_periods_and_one_year():
    monthly = [date(2025, m, 10) for m in range(1, 13)]
    # From the first due date after the change, one year (longer than two periods).
    assert observation_period(date(2025, 3, 1), monthly) == (
        date(2025, 3, 10),
        date(2026, 3, 10),
    )
    # Yearly periods: the third due date after the change is later than a year.
    yearly = [date(2026, 1, 1), date(2027, 1, 1), date(2028, 1, 1)]
    assert observation_period(date(2025, 6, 1), yearly) == (
        date(2026, 1, 1),
        date(2028, 1, 1),
    )
    # Nothing left to fall due: from the change itself.
    assert observation_period(date(2027, 2, 28), []) == (
        date(2027, 2, 28),
        date(2028, 2, 28),
    )
    # A leap day start ends on the last day of February.
    assert observation_period(date(2024, 2, 1), [date(2024, 2, 29)])[1] == date(
        2025, 2, 28
    )
