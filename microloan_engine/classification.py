"""Five-tier loan classification (五级分类), PAR buckets and IFRS 9 stages.

docs/domain.md §3.1-§3.2, §4 (restructured loans) and §8 (PAR, IFRS 9).

Tiers, best to worst: normal 正常, special_mention 关注, substandard 次级,
doubtful 可疑, loss 损失; the last three are non-performing (不良, NPL).

The tier is the worst of:

* the DPD floor of the preset (a DPD above a threshold gives at least that
  tier; delays of up to ``operational_delay_days`` flagged as operational or
  technical stay normal);
* 关注 for a restructured loan; 次级 for a loan restructured again while not
  performing;
* during the observation period of a restructuring, the tier the loan had
  before it if that was NPL (no upgrade while observed);
* the previous tier, if NPL, until the upgrade conditions hold: overdue
  amounts cleared, plus ``upgrade_periods`` consecutive periods or
  ``upgrade_months`` months of normal payment;
* a manual tier, which can only make it worse: a manual tier better than the
  floor is ignored (``override_ignored`` says so).

>>> classify_dpd(91, PRESETS["2023"])
'substandard'
>>> TIER_LABELS_ZH[classify_dpd(181, PRESETS["legacy_retail"])]
'可疑'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .errors import EngineError

NORMAL = "normal"
SPECIAL_MENTION = "special_mention"
SUBSTANDARD = "substandard"
DOUBTFUL = "doubtful"
LOSS = "loss"
TIERS = (NORMAL, SPECIAL_MENTION, SUBSTANDARD, DOUBTFUL, LOSS)
TIER_LABELS_ZH = {
    NORMAL: "正常",
    SPECIAL_MENTION: "关注",
    SUBSTANDARD: "次级",
    DOUBTFUL: "可疑",
    LOSS: "损失",
}
NPL_TIERS = (SUBSTANDARD, DOUBTFUL, LOSS)
_RANK = {tier: rank for rank, tier in enumerate(TIERS)}
ZERO = Decimal("0")


def tier_rank(tier: str) -> int:
    """0 for normal ... 4 for loss; EngineError for an unknown tier."""
    try:
        return _RANK[tier]
    except (KeyError, TypeError):
        raise EngineError("tier", "unknown classification tier") from None


def worst(*tiers: str) -> str:
    """The worst of the given tiers (``None`` values are skipped)."""
    return TIERS[max(tier_rank(t) for t in tiers if t is not None)]


def is_npl(tier: str) -> bool:
    """True for 次级, 可疑 and 损失."""
    return tier_rank(tier) >= _RANK[SUBSTANDARD]


@dataclass(frozen=True)
class ClassificationRules:
    """DPD thresholds and upgrade rules.

    A DPD strictly above ``special_mention`` (0) gives at least 关注, above
    ``substandard`` at least 次级, and so on.
    """

    name: str = "custom"
    special_mention: int = 0
    substandard: int = 90
    doubtful: int = 270
    loss: int = 360
    operational_delay_days: int = 7
    upgrade_periods: int = 2
    upgrade_months: int = 6

    def __post_init__(self):
        values = (self.special_mention, self.substandard, self.doubtful, self.loss)
        for value in values + (
            self.operational_delay_days,
            self.upgrade_periods,
            self.upgrade_months,
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise EngineError("thresholds", "must be whole numbers >= 0")
        if list(values) != sorted(values):
            raise EngineError("thresholds", "must increase from 关注 to 损失")

    @property
    def thresholds(self) -> tuple[tuple[int, str], ...]:
        return (
            (self.loss, LOSS),
            (self.doubtful, DOUBTFUL),
            (self.substandard, SUBSTANDARD),
            (self.special_mention, SPECIAL_MENTION),
        )


PRESETS = {
    # 银保监会/人民银行令〔2023〕第1号 minimum floors.
    "2023": ClassificationRules("2023", 0, 90, 270, 360),
    # Old 零售/农信 batch standard, used by several 小贷 manuals.
    "legacy_retail": ClassificationRules("legacy_retail", 0, 90, 180, 360),
    # Credit-card style, reference only.
    "credit_card": ClassificationRules("credit_card", 0, 90, 120, 180),
}


def classify_dpd(
    days_past_due: int,
    rules: ClassificationRules = PRESETS["2023"],
    operational_delay: bool = False,
) -> str:
    """Minimum tier for ``days_past_due``. ``operational_delay`` marks a delay
    due to operational or technical reasons: up to the rules'
    ``operational_delay_days`` it is ignored."""
    if days_past_due < 0:
        raise EngineError("days_past_due", "must not be negative")
    if operational_delay and days_past_due <= rules.operational_delay_days:
        return NORMAL
    for threshold, tier in rules.thresholds:
        if days_past_due > threshold:
            return tier
    return NORMAL


@dataclass(frozen=True)
class LoanRisk:
    """What classification needs to know about one loan.

    ``previous_tier``: the tier from the last run (None for a new loan).
    ``overdue_cleared``: no principal, interest or charge overdue.
    ``consecutive_normal_periods`` / ``months_normal_payment``: the track
    record since the arrears were cleared. ``tier_before_restructure`` and
    ``in_observation_period`` describe a restructuring (docs/domain.md §4).
    """

    days_past_due: int = 0
    operational_delay: bool = False
    restructured: bool = False
    restructured_while_nonperforming: bool = False
    in_observation_period: bool = False
    tier_before_restructure: str | None = None
    previous_tier: str | None = None
    overdue_cleared: bool = True
    consecutive_normal_periods: int = 0
    months_normal_payment: int = 0
    manual_tier: str | None = None


@dataclass(frozen=True)
class Classification:
    """Result: ``tier`` (final), ``floor`` (before the manual tier), reasons."""

    tier: str
    floor: str
    dpd_tier: str
    reasons: tuple[str, ...]
    override_applied: bool
    override_ignored: bool

    @property
    def label_zh(self) -> str:
        return TIER_LABELS_ZH[self.tier]

    @property
    def is_npl(self) -> bool:
        return is_npl(self.tier)


def upgrade_allowed(risk: LoanRisk, rules: ClassificationRules) -> bool:
    """NPL upgrade conditions: arrears cleared plus a normal-payment record."""
    return risk.overdue_cleared and (
        risk.consecutive_normal_periods >= rules.upgrade_periods
        or risk.months_normal_payment >= rules.upgrade_months
    )


def classify(
    risk: LoanRisk, rules: ClassificationRules = PRESETS["2023"]
) -> Classification:
    """Classify one loan (see the module docstring for the rules)."""
    for name in ("previous_tier", "tier_before_restructure", "manual_tier"):
        value = getattr(risk, name)
        if value is not None and value not in _RANK:
            raise EngineError(name, "unknown classification tier")
    dpd_tier = classify_dpd(risk.days_past_due, rules, risk.operational_delay)
    floor = dpd_tier
    reasons = ["dpd"]
    if risk.restructured and tier_rank(floor) < _RANK[SPECIAL_MENTION]:
        floor = SPECIAL_MENTION
        reasons.append("restructured")
    if risk.restructured_while_nonperforming and tier_rank(floor) < _RANK[SUBSTANDARD]:
        floor = SUBSTANDARD
        reasons.append("restructured_again")
    before = risk.tier_before_restructure
    if (
        risk.in_observation_period
        and before is not None
        and is_npl(before)
        and tier_rank(floor) < tier_rank(before)
    ):
        floor = before
        reasons.append("observation_period")
    previous = risk.previous_tier
    if (
        previous is not None
        and is_npl(previous)
        and tier_rank(floor) < tier_rank(previous)
        and not upgrade_allowed(risk, rules)
    ):
        floor = previous
        reasons.append("upgrade_not_allowed")
    tier = floor
    applied = ignored = False
    if risk.manual_tier is not None:
        if tier_rank(risk.manual_tier) > tier_rank(floor):
            tier = risk.manual_tier
            applied = True
            reasons.append("manual")
        elif risk.manual_tier != floor:
            ignored = True
    return Classification(
        tier=tier,
        floor=floor,
        dpd_tier=dpd_tier,
        reasons=tuple(reasons),
        override_applied=applied,
        override_ignored=ignored,
    )


@dataclass(frozen=True)
class PortfolioLoan:
    """A loan as seen by portfolio metrics."""

    outstanding_principal: Decimal
    days_past_due: int = 0


@dataclass(frozen=True)
class ParBucket:
    """PAR_x: principal of loans more than ``days`` past due and its share."""

    days: int
    at_risk: Decimal
    ratio: Decimal


@dataclass(frozen=True)
class ParReport:
    gross_portfolio: Decimal
    buckets: tuple[ParBucket, ...]

    def ratio(self, days: int) -> Decimal:
        for bucket in self.buckets:
            if bucket.days == days:
                return bucket.ratio
        raise EngineError("days", "no such PAR bucket")


def portfolio_at_risk(
    loans: Iterable[PortfolioLoan], thresholds: Iterable[int] = (1, 30, 60, 90)
) -> ParReport:
    """PAR_x = outstanding principal of loans with DPD > x ÷ gross portfolio.

    The whole outstanding principal of a loan counts, not only its arrears
    (docs/domain.md §8). Ratios are unrounded ``Decimal``; 0 for an empty portfolio.
    """
    thresholds = tuple(sorted(set(thresholds)))
    if any(t < 0 for t in thresholds):
        raise EngineError("thresholds", "must not be negative")
    gross = ZERO
    at_risk = [ZERO] * len(thresholds)
    for loan in loans:
        principal = loan.outstanding_principal
        if principal < 0:
            raise EngineError("outstanding_principal", "must not be negative")
        gross += principal
        for index, threshold in enumerate(thresholds):
            if loan.days_past_due > threshold:
                at_risk[index] += principal
    buckets = tuple(
        ParBucket(t, amount, amount / gross if gross else ZERO)
        for t, amount in zip(thresholds, at_risk, strict=True)
    )
    return ParReport(gross_portfolio=gross, buckets=buckets)


def ifrs9_stage(
    days_past_due: int,
    tier: str = NORMAL,
    restructured: bool = False,
    stage2_days: int = 30,
    stage3_days: int = 90,
) -> int:
    """IFRS 9 stage: 3 if DPD > 90 or NPL; 2 if DPD > 30, 关注 or restructured;
    else 1 (the rebuttable presumptions, docs/domain.md §8)."""
    if days_past_due < 0:
        raise EngineError("days_past_due", "must not be negative")
    if days_past_due > stage3_days or is_npl(tier):
        return 3
    if days_past_due > stage2_days or tier == SPECIAL_MENTION or restructured:
        return 2
    return 1
