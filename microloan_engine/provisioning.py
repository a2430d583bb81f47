"""Loan-loss provisioning (贷款损失准备) and its ratios (docs/domain.md §3.3).

* Specific provision (专项准备): balance of each tier × its rate
  (defaults 0 / 2 / 25 / 50 / 100 %, 银发〔2002〕98号), configurable.
* General provision (一般准备): ``general_rate`` × total loans (default 1%).
* Ratios: NPL ratio = NPL / loans; 拨备覆盖率 (coverage) = allowance / NPL;
  贷款拨备率 = allowance / loans.
* 财金〔2012〕20号 standard method: potential-risk estimate with rates
  1.5 / 3 / 30 / 60 / 100 %; 一般准备 = estimate − impairment allowance (if
  positive), and its balance must reach 1.5% of risk assets.

Amounts are rounded to money once per tier; ratios are unrounded ``Decimal``.

>>> from decimal import Decimal as D
>>> report = provision({"normal": D("8500000"), "special_mention": D("800000"),
...                     "substandard": D("400000"), "doubtful": D("200000"),
...                     "loss": D("100000")})
>>> report.specific, report.total_allowance, report.npl
(Decimal('316000.00'), Decimal('416000.00'), Decimal('700000'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .classification import NPL_TIERS, TIERS, tier_rank
from .errors import EngineError
from .money import quantize, to_decimal

ZERO = Decimal("0")


@dataclass(frozen=True)
class ProvisionRates:
    """Specific rate per tier and the general rate (fractions: 0.02 = 2%)."""

    normal: Decimal = Decimal("0")
    special_mention: Decimal = Decimal("0.02")
    substandard: Decimal = Decimal("0.25")
    doubtful: Decimal = Decimal("0.50")
    loss: Decimal = Decimal("1.00")
    general_rate: Decimal = Decimal("0.01")

    def __post_init__(self):
        for name in TIERS + ("general_rate",):
            value = to_decimal(getattr(self, name), name)
            if not 0 <= value <= 1:
                raise EngineError(name, "must be between 0 and 1")
            object.__setattr__(self, name, value)

    def rate(self, tier: str) -> Decimal:
        tier_rank(tier)
        return getattr(self, tier)


DEFAULT_RATES = ProvisionRates()
# 财金〔2012〕20号 标准法 potential-risk rates; the general rate is the 1.5%
# balance floor on risk assets.
STANDARD_METHOD_2012 = ProvisionRates(
    normal=Decimal("0.015"),
    special_mention=Decimal("0.03"),
    substandard=Decimal("0.30"),
    doubtful=Decimal("0.60"),
    loss=Decimal("1.00"),
    general_rate=Decimal("0.015"),
)


def _balances(balances) -> dict:
    """Normalize ``{tier: balance}`` (missing tiers are 0)."""
    result = dict.fromkeys(TIERS, ZERO)
    for tier, balance in balances.items():
        tier_rank(tier)
        amount = to_decimal(balance, tier)
        if amount < 0:
            raise EngineError(tier, "balances must not be negative")
        result[tier] = amount
    return result


def balances_by_tier(loans: Iterable[tuple[str, Decimal]]) -> dict:
    """Sum loan balances per tier from ``(tier, outstanding principal)`` pairs."""
    result = dict.fromkeys(TIERS, ZERO)
    for tier, balance in loans:
        tier_rank(tier)
        amount = to_decimal(balance, "balance")
        if amount < 0:
            raise EngineError("balance", "balances must not be negative")
        result[tier] += amount
    return result


@dataclass(frozen=True)
class ProvisionReport:
    """Required allowance and the regulatory ratios of a loan book.

    ``coverage_ratio`` is ``None`` when there is no NPL (division by zero).
    """

    balances: tuple[tuple[str, Decimal], ...]
    specific_by_tier: tuple[tuple[str, Decimal], ...]
    specific: Decimal
    general: Decimal
    total_allowance: Decimal
    total_loans: Decimal
    npl: Decimal
    npl_ratio: Decimal
    coverage_ratio: Decimal | None
    loan_provision_ratio: Decimal


def provision(
    balances: Mapping[str, Decimal],
    rates: ProvisionRates = DEFAULT_RATES,
    decimals: int = 2,
    rounding: str = "half_up",
) -> ProvisionReport:
    """Specific + general provision of a book given as ``{tier: balance}``."""
    book = _balances(balances)
    specific_by_tier = tuple(
        (tier, quantize(book[tier] * rates.rate(tier), decimals, rounding))
        for tier in TIERS
    )
    specific = sum((amount for _, amount in specific_by_tier), ZERO)
    total = sum(book.values(), ZERO)
    general = quantize(total * rates.general_rate, decimals, rounding)
    allowance = specific + general
    npl = sum((book[tier] for tier in NPL_TIERS), ZERO)
    return ProvisionReport(
        balances=tuple(book.items()),
        specific_by_tier=specific_by_tier,
        specific=specific,
        general=general,
        total_allowance=allowance,
        total_loans=total,
        npl=npl,
        npl_ratio=npl / total if total else ZERO,
        coverage_ratio=allowance / npl if npl else None,
        loan_provision_ratio=allowance / total if total else ZERO,
    )


def required_allowance_for_coverage(
    npl: Decimal,
    coverage: Decimal = Decimal("1.5"),
    decimals: int = 2,
    rounding: str = "half_up",
) -> Decimal:
    """Allowance needed for 拨备覆盖率 ``coverage`` (150% by default)."""
    npl = to_decimal(npl, "npl")
    coverage = to_decimal(coverage, "coverage")
    if npl < 0 or coverage < 0:
        raise EngineError("coverage", "must not be negative")
    return quantize(npl * coverage, decimals, rounding)


def coverage_shortfall(
    report: ProvisionReport, coverage: Decimal = Decimal("1.5")
) -> Decimal:
    """How much allowance is missing to reach ``coverage`` (0 if none)."""
    required = required_allowance_for_coverage(report.npl, coverage)
    return max(required - report.total_allowance, ZERO)


@dataclass(frozen=True)
class GeneralReserve2012:
    """财金〔2012〕20号 一般准备 by the standard method.

    ``from_estimate`` = potential-risk estimate − impairment allowance (not
    below 0); ``floor`` = 1.5% × risk assets; ``required`` the larger.
    """

    potential_risk: Decimal
    potential_by_tier: tuple[tuple[str, Decimal], ...]
    impairment_allowance: Decimal
    from_estimate: Decimal
    floor: Decimal
    required: Decimal


def general_reserve_2012(
    balances: Mapping[str, Decimal],
    impairment_allowance: Decimal = ZERO,
    risk_assets: Decimal | None = None,
    rates: ProvisionRates = STANDARD_METHOD_2012,
    decimals: int = 2,
    rounding: str = "half_up",
) -> GeneralReserve2012:
    """一般准备 under 财金〔2012〕20号. ``risk_assets`` defaults to the loan book."""
    book = _balances(balances)
    by_tier = tuple(
        (tier, quantize(book[tier] * rates.rate(tier), decimals, rounding))
        for tier in TIERS
    )
    potential = sum((amount for _, amount in by_tier), ZERO)
    allowance = to_decimal(impairment_allowance, "impairment_allowance")
    if allowance < 0:
        raise EngineError("impairment_allowance", "must not be negative")
    assets = sum(book.values(), ZERO) if risk_assets is None else risk_assets
    assets = to_decimal(assets, "risk_assets")
    if assets < 0:
        raise EngineError("risk_assets", "must not be negative")
    from_estimate = max(potential - allowance, ZERO)
    floor = quantize(assets * rates.general_rate, decimals, rounding)
    return GeneralReserve2012(
        potential_risk=potential,
        potential_by_tier=by_tier,
        impairment_allowance=allowance,
        from_estimate=from_estimate,
        floor=floor,
        required=max(from_estimate, floor),
    )
