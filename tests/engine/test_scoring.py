"""Scorecards, grades and the back-test figures (Gini, KS), and the debt
service ratio of an investigation."""

import doctest
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microloan_engine import credit, scoring
from microloan_engine.credit import debt_service, largest_installment, net_worth
from microloan_engine.errors import EngineError
from microloan_engine.schedule import ScheduleTerms, build_schedule
from microloan_engine.scoring import (
    Bin,
    Characteristic,
    Cutoff,
    ScoredLoan,
    backtest,
    check_bins,
    grade,
    score,
    separation,
)

D = Decimal

INCOME = Characteristic(
    "monthly_income",
    (
        Bin(points=D(0), upper=D(5000)),
        Bin(points=D(15), lower=D(5000), upper=D(20000)),
        Bin(points=D(30), lower=D(20000)),
    ),
)
TYPE = Characteristic(
    "borrower_type",
    (
        Bin(points=D(20), values=("farmer", "individual")),
        Bin(points=D(5), values=("enterprise",)),
    ),
    default_points=D(-10),
)
CUTOFFS = (
    Cutoff(D(60), "A", "approve", D(500000), D(-1)),
    Cutoff(D(45), "B", "approve", D(200000), D(0)),
    Cutoff(D(30), "C", "refer", D(100000), D(1)),
    Cutoff(D(15), "D", "refer", D(50000), D(2)),
    Cutoff(D(-100), "E", "decline"),
)


def test_doctests():
    assert doctest.testmod(scoring).failed == 0
    assert doctest.testmod(credit).failed == 0


@pytest.mark.parametrize(
    "income, kind, total, grade_",
    [
        (D(4999.99), "farmer", D(20), "D"),
        (D(5000), "farmer", D(35), "C"),  # the lower bound belongs to the bin
        (D(19999), "enterprise", D(20), "D"),
        (D(20000), "individual", D(50), "B"),
        (D(20000), "other", D(20), "D"),  # no bin: the default points
        (None, None, D(-10), "E"),  # nothing known: no numeric bin matches
    ],
)
def test_points_and_grade(income, kind, total, grade_):
    result = score((INCOME, TYPE), {"monthly_income": income, "borrower_type": kind})
    assert result.total == total
    assert grade(result.total, CUTOFFS).grade == grade_
    assert [line.name for line in result.lines] == ["monthly_income", "borrower_type"]
    assert sum(line.points for line in result.lines) == total


def test_lines_say_which_bin():
    result = score((INCOME, TYPE), {"monthly_income": 6000, "borrower_type": "x"})
    assert [(line.points, line.bin_index) for line in result.lines] == [
        (D(15), 1),
        (D(-10), None),
    ]


def test_grade_carries_decision_cap_and_rate():
    cutoff = grade(D(60), CUTOFFS)
    assert (cutoff.grade, cutoff.decision, cutoff.max_amount) == (
        "A",
        "approve",
        D(500000),
    )
    assert cutoff.rate_adjustment == D(-1)
    # Below every cut-off: the lowest grade.
    assert grade(D(-500), CUTOFFS).grade == "E"


@pytest.mark.parametrize(
    "cutoffs",
    [(), (Cutoff(D(0), "F", "approve"),), (Cutoff(D(0), "A", "maybe"),)],
)
def test_bad_cutoffs(cutoffs):
    with pytest.raises(EngineError):
        grade(D(10), cutoffs)


def test_bins_overlapping_or_empty_are_refused():
    check_bins(INCOME.bins)
    with pytest.raises(EngineError, match="appears twice"):
        check_bins((Bin(D(1), upper=D(10)), Bin(D(2), lower=D(5))))
    with pytest.raises(EngineError, match="must not be empty"):
        check_bins((Bin(D(1), lower=D(10), upper=D(10)),))
    with pytest.raises(EngineError, match="appears twice"):
        check_bins((Bin(D(1)), Bin(D(2), lower=D(5))))


def test_separation_known_values():
    # Scores of goods 3, 4, 5 and bads 1, 3: pairs good > bad: (3>1, 4>1, 4>3,
    # 5>1, 5>3) = 5, tie (3,3) = 0.5 -> AUC = 5.5 / 6, Gini = 2 * 5.5/6 - 1.
    pairs = [(D(3), False), (D(4), False), (D(5), False), (D(1), True), (D(3), True)]
    result = separation(pairs)
    assert result.gini == D(11) / D(6) - 1
    # Cumulative below or at score: 1 -> bads 1/2, goods 0; 3 -> 1, 1/3.
    assert result.ks == D(2) / D(3)
    assert (result.goods, result.bads) == (3, 2)


def test_separation_inverted_scorecard_is_negative():
    result = separation([(D(1), False), (D(2), True)])
    assert result.gini == D(-1)


def _brute_force(pairs):
    goods = [s for s, bad in pairs if not bad]
    bads = [s for s, bad in pairs if bad]
    wins = sum(
        Fraction(1) if g > b else Fraction(1, 2) if g == b else Fraction(0)
        for g in goods
        for b in bads
    )
    auc = wins / (len(goods) * len(bads))
    ks = max(
        abs(
            Fraction(sum(b <= t for b in bads), len(bads))
            - Fraction(sum(g <= t for g in goods), len(goods))
        )
        for t, _bad in pairs
    )
    return 2 * auc - 1, ks


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=20), st.booleans()),
        min_size=2,
        max_size=40,
    )
)
def test_separation_matches_brute_force(raw):
    pairs = [(D(s), bad) for s, bad in raw]
    result = separation(pairs)
    if not any(bad for _s, bad in raw) or all(bad for _s, bad in raw):
        assert (result.gini, result.ks) == (0, 0)
        return
    gini, ks = _brute_force(pairs)
    assert Fraction(result.gini) == pytest.approx(gini, abs=Fraction(1, 10**20))
    assert Fraction(result.ks) == pytest.approx(ks, abs=Fraction(1, 10**20))
    assert -1 <= result.gini <= 1
    assert 0 <= result.ks <= 1


def test_backtest_per_grade():
    loans = [
        ScoredLoan(D(70), "A", 0),
        ScoredLoan(D(65), "A", 31),
        ScoredLoan(D(50), "B", 0),
        ScoredLoan(D(20), "D", 95),
        ScoredLoan(D(10), "E", 120),
    ]
    result = backtest(loans)
    rows = {row.grade: row for row in result.grades}
    assert [row.grade for row in result.grades] == ["A", "B", "C", "D", "E"]
    assert (rows["A"].loans, rows["A"].dpd30, rows["A"].dpd90) == (2, 1, 0)
    assert rows["A"].dpd30_share == D("0.5")
    assert (rows["C"].loans, rows["C"].dpd30_share) == (0, 0)
    assert rows["D"].dpd90_share == 1
    # Bads (90+): the two lowest scores. Perfect ranking.
    assert (result.separation.gini, result.separation.ks) == (1, 1)
    # With 30+ as bad, the 31-day loan scoring 65 sits above two goods.
    loose = backtest(loans, bad_days=30).separation
    assert loose.gini < 1


@pytest.mark.parametrize(
    "loan, bad_days",
    [
        (ScoredLoan(D(1), "F", 0), 90),
        (ScoredLoan(D(1), "A", -1), 90),
        (ScoredLoan(D(1), "A", 1.5), 90),
        (ScoredLoan(D(1), "A", 0), 0),
        (ScoredLoan(D(1), "A", 0), True),
    ],
)
def test_backtest_bad_input(loan, bad_days):
    with pytest.raises(EngineError):
        backtest([loan], bad_days=bad_days)


def test_debt_service_with_new_loan():
    schedule = build_schedule(
        ScheduleTerms(
            principal=D("100000"),
            annual_rate=D("0.12"),
            periods=12,
            disbursement_date=__import__("datetime").date(2025, 1, 10),
        )
    )
    installment = largest_installment(schedule)
    assert installment == D("8884.88")
    figures = debt_service(D("30000"), D("18000"), [D("2000")], installment)
    assert figures.net_cash_flow == D("12000")
    assert figures.debt_payments == D("10884.88")
    # 10,884.88 / 30,000 = 36.2829...%
    assert figures.ratio == D("36.28")


def test_debt_service_without_income_is_unknown():
    assert debt_service(D(0), D(0), [D(100)]).ratio is None


@pytest.mark.parametrize(
    "args",
    [
        (D(-1), D(0)),
        (D(1), D(-1)),
        (D(1), D(0), [D(-5)]),
        (D(1), D(0), [], D(-5)),
        ("abc", D(0)),
        (float("nan"), D(0)),
    ],
)
def test_debt_service_bad_input(args):
    with pytest.raises(EngineError):
        debt_service(*args)


def test_net_worth():
    assert net_worth(D(100), D(250)) == D(-150)
    with pytest.raises(EngineError):
        net_worth(D(-1), D(0))


def test_worst_days_past_due():
    from datetime import date

    from microloan_engine.scoring import worst_days_past_due

    as_of = date(2025, 6, 1)
    assert worst_days_past_due([], as_of) == 0
    # Paid on the due date, paid 95 days late, not yet due.
    installments = [
        (date(2025, 1, 10), date(2025, 1, 10)),
        (date(2025, 2, 10), date(2025, 5, 16)),
        (date(2025, 7, 10), None),
    ]
    assert worst_days_past_due(installments, as_of) == 95
    # Unpaid since 2025-03-10: 83 days on 2025-06-01.
    assert worst_days_past_due([(date(2025, 3, 10), None)], as_of) == 83


def test_adjusted_rate_never_negative():
    from microloan_engine.scoring import adjusted_rate

    assert adjusted_rate(D("12"), CUTOFFS[0]) == D("11")
    assert adjusted_rate(D("0.5"), CUTOFFS[0]) == D("0")
    assert adjusted_rate(D("12"), CUTOFFS[3]) == D("14")
