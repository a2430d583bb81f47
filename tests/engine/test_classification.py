"""Five-tier classification, PAR and IFRS 9 stages (docs/domain.md §3.2, §4, §8)."""

from decimal import Decimal

import pytest

from microloan_engine.classification import (
    DOUBTFUL,
    LOSS,
    NORMAL,
    PRESETS,
    SPECIAL_MENTION,
    SUBSTANDARD,
    TIER_LABELS_ZH,
    TIERS,
    ClassificationRules,
    LoanRisk,
    PortfolioLoan,
    classify,
    classify_dpd,
    ifrs9_stage,
    is_npl,
    portfolio_at_risk,
    worst,
)
from microloan_engine.errors import EngineError

D = Decimal


def test_labels():
    assert [TIER_LABELS_ZH[t] for t in TIERS] == [
        "正常",
        "关注",
        "次级",
        "可疑",
        "损失",
    ]
    assert [is_npl(t) for t in TIERS] == [False, False, True, True, True]
    assert worst(NORMAL, None, DOUBTFUL, SUBSTANDARD) == DOUBTFUL


@pytest.mark.parametrize(
    "dpd, rule_2023, legacy",
    [
        (0, NORMAL, NORMAL),
        (1, SPECIAL_MENTION, SPECIAL_MENTION),
        (90, SPECIAL_MENTION, SPECIAL_MENTION),
        (91, SUBSTANDARD, SUBSTANDARD),
        (180, SUBSTANDARD, SUBSTANDARD),
        (181, SUBSTANDARD, DOUBTFUL),
        (270, SUBSTANDARD, DOUBTFUL),
        (271, DOUBTFUL, DOUBTFUL),
        (360, DOUBTFUL, DOUBTFUL),
        (361, LOSS, LOSS),
        (2000, LOSS, LOSS),
    ],
)
def test_presets(dpd, rule_2023, legacy):
    assert classify_dpd(dpd, PRESETS["2023"]) == rule_2023
    assert classify_dpd(dpd, PRESETS["legacy_retail"]) == legacy


def test_operational_delay_exception():
    assert classify_dpd(7, PRESETS["2023"], operational_delay=True) == NORMAL
    assert classify_dpd(8, PRESETS["2023"], operational_delay=True) == SPECIAL_MENTION
    assert classify_dpd(7, PRESETS["2023"]) == SPECIAL_MENTION
    strict = ClassificationRules(operational_delay_days=0)
    assert classify_dpd(1, strict, operational_delay=True) == SPECIAL_MENTION


def test_custom_thresholds_and_validation():
    rules = ClassificationRules("mine", 30, 60, 120, 240)
    assert [classify_dpd(d, rules) for d in (30, 31, 61, 121, 241)] == [
        NORMAL,
        SPECIAL_MENTION,
        SUBSTANDARD,
        DOUBTFUL,
        LOSS,
    ]
    with pytest.raises(EngineError, match="must increase") as error:
        ClassificationRules("bad", 0, 200, 100, 360)
    assert error.value.field == "thresholds"
    with pytest.raises(EngineError, match="whole numbers") as error:
        ClassificationRules("bad", -1, 90, 270, 360)
    assert error.value.field == "thresholds"
    with pytest.raises(EngineError, match="must not be negative") as error:
        classify_dpd(-1)
    assert error.value.field == "days_past_due"


def test_restructured_is_at_least_special_mention():
    result = classify(LoanRisk(days_past_due=0, restructured=True))
    assert result.tier == SPECIAL_MENTION and "restructured" in result.reasons
    assert classify(LoanRisk(days_past_due=100, restructured=True)).tier == SUBSTANDARD
    again = classify(LoanRisk(restructured=True, restructured_while_nonperforming=True))
    assert again.tier == SUBSTANDARD


def test_npl_before_restructuring_not_upgraded_while_observed():
    risk = LoanRisk(
        days_past_due=0,
        restructured=True,
        in_observation_period=True,
        tier_before_restructure=DOUBTFUL,
        consecutive_normal_periods=5,
        months_normal_payment=12,
    )
    assert classify(risk).tier == DOUBTFUL
    after = LoanRisk(
        restructured=True, in_observation_period=False, tier_before_restructure=DOUBTFUL
    )
    assert classify(after).tier == SPECIAL_MENTION
    # Performing before restructuring: only the 关注 floor.
    performing = LoanRisk(
        restructured=True,
        in_observation_period=True,
        tier_before_restructure=SPECIAL_MENTION,
    )
    assert classify(performing).tier == SPECIAL_MENTION


@pytest.mark.parametrize(
    "cleared, periods, months, expected",
    [
        (False, 5, 12, SUBSTANDARD),
        (True, 0, 0, SUBSTANDARD),
        (True, 1, 5, SUBSTANDARD),
        (True, 2, 0, NORMAL),
        (True, 0, 6, NORMAL),
    ],
)
def test_upgrade_from_npl_needs_a_record(cleared, periods, months, expected):
    risk = LoanRisk(
        days_past_due=0,
        previous_tier=SUBSTANDARD,
        overdue_cleared=cleared,
        consecutive_normal_periods=periods,
        months_normal_payment=months,
    )
    assert classify(risk).tier == expected


def test_npl_not_upgraded_within_npl_without_a_record():
    # 300 DPD (可疑) paid down to 100 DPD: still 可疑 until cleared + record.
    risk = LoanRisk(days_past_due=100, previous_tier=DOUBTFUL, overdue_cleared=False)
    assert classify(risk).tier == DOUBTFUL
    # Worse DPD always wins.
    assert classify(LoanRisk(days_past_due=400, previous_tier=DOUBTFUL)).tier == LOSS
    # A performing previous tier does not hold the loan back.
    assert classify(LoanRisk(previous_tier=SPECIAL_MENTION)).tier == NORMAL


def test_manual_override_only_worse():
    worse = classify(LoanRisk(days_past_due=10, manual_tier=DOUBTFUL))
    assert (worse.tier, worse.floor, worse.override_applied) == (
        DOUBTFUL,
        SPECIAL_MENTION,
        True,
    )
    better = classify(LoanRisk(days_past_due=100, manual_tier=NORMAL))
    assert better.tier == SUBSTANDARD and better.override_ignored
    same = classify(LoanRisk(days_past_due=100, manual_tier=SUBSTANDARD))
    assert same.tier == SUBSTANDARD
    assert not same.override_applied and not same.override_ignored
    with pytest.raises(EngineError) as err:
        classify(LoanRisk(manual_tier="excellent"))
    assert err.value.field == "manual_tier"
    assert better.label_zh == "次级" and better.is_npl


def test_par_buckets():
    loans = [
        PortfolioLoan(D("1000"), 0),
        PortfolioLoan(D("2000"), 1),
        PortfolioLoan(D("3000"), 2),
        PortfolioLoan(D("4000"), 31),
        PortfolioLoan(D("5000"), 95),
        PortfolioLoan(D("5000"), 60),
    ]
    report = portfolio_at_risk(loans)
    assert report.gross_portfolio == D("20000")
    amounts = {b.days: b.at_risk for b in report.buckets}
    # DPD > x: the loan exactly 1 day late is not in PAR1, the 60-day one not in PAR60.
    assert amounts == {1: D("17000"), 30: D("14000"), 60: D("5000"), 90: D("5000")}
    assert report.ratio(30) == D("0.7")
    assert report.ratio(90) == D("0.25")
    empty = portfolio_at_risk([])
    assert empty.ratio(1) == 0
    with pytest.raises(EngineError):
        report.ratio(45)


@pytest.mark.parametrize(
    "dpd, tier, restructured, stage",
    [
        (0, NORMAL, False, 1),
        (30, NORMAL, False, 1),
        (31, NORMAL, False, 2),
        (0, SPECIAL_MENTION, False, 2),
        (0, NORMAL, True, 2),
        (90, SPECIAL_MENTION, False, 2),
        (91, SPECIAL_MENTION, False, 3),
        (0, SUBSTANDARD, True, 3),
        (0, LOSS, False, 3),
    ],
)
def test_ifrs9_stage(dpd, tier, restructured, stage):
    assert ifrs9_stage(dpd, tier, restructured) == stage
