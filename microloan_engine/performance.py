"""Portfolio performance ratios and the bands of the regulatory return.

The reports add money up (to the fen, in SQL); the ratios of those sums, and the
bands a loan falls in, are computed here:

* yield: the income of a period over the average balance, a year long. The
  average balance is the balance accumulation (余额积数, the sum over the days of
  the principal balance at the end of each day) over the days of a year, so the
  yield is ``income × days_in_year ÷ accumulation``;
* collection rate: what was collected over what fell due;
* PAR_x and the non-performing ratio (不良率, 次级 + 可疑 + 损失 over the book):
  a part of the balance over the balance (docs/domain.md §3.3, §8);
* the average approval turnaround: days over approvals;
* term and rate bands of the monthly return of a 小额贷款公司;
* the leverage of the funding against the limits of 金规〔2024〕26号 (docs/domain.md
  §3.4): borrowing from banks and shareholders at most once the net assets, bonds
  and asset-backed securities at most four times.

Ratios are unrounded ``Decimal`` fractions (0.05 is 5%), 0 when the denominator
is 0, like :func:`microloan_engine.classification.portfolio_at_risk`.

>>> portfolio_yield(Decimal("1000"), Decimal("3100000"))
Decimal('0.1177419354838709677419354839')
>>> rate_band(Decimal("24")), rate_band(Decimal("24.0001"))
('18_24', 'over_24')
>>> term_band(date(2025, 1, 10), date(2026, 1, 10))
'6_12m'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .dates import add_months
from .errors import EngineError
from .money import quantize, to_decimal

ZERO = Decimal("0")
DAYS_IN_YEAR = 365

# Upper bounds (included) of the annual rate bands, in percent; the last band
# has none. A rate equal to a bound is in the lower band (docs/domain.md §3.5).
RATE_BANDS = (
    ("up_to_12", Decimal("12")),
    ("12_18", Decimal("18")),
    ("18_24", Decimal("24")),
    ("over_24", None),
)
# Upper bounds (included) of the contract term bands, in months from the first
# disbursement to the maturity.
TERM_BANDS = (
    ("up_to_3m", 3),
    ("3_6m", 6),
    ("6_12m", 12),
    ("over_12m", None),
)
# Funding limits as multiples of the net assets (金规〔2024〕26号).
BANK_AND_SHAREHOLDER_MULTIPLE = Decimal("1")
BONDS_AND_ABS_MULTIPLE = Decimal("4")


def _amount(value, field):
    value = to_decimal(value, field)
    if value < 0:
        raise EngineError(field, "must not be negative")
    return value


def share(part, whole) -> Decimal:
    """``part ÷ whole``; 0 for an empty whole.

    >>> share(Decimal("700000"), Decimal("10000000"))
    Decimal('0.07')
    """
    part = to_decimal(part, "part")
    whole = to_decimal(whole, "whole")
    return part / whole if whole else ZERO


def portfolio_yield(income, accumulation, days_in_year=DAYS_IN_YEAR) -> Decimal:
    """Yield of a year: ``income`` over the average balance, the balance
    ``accumulation`` (balance × days) over ``days_in_year``."""
    income = to_decimal(income, "income")
    accumulation = _amount(accumulation, "accumulation")
    if days_in_year not in (360, 365):
        raise EngineError("days_in_year", code="one_of", params={"choices": "360, 365"})
    if not accumulation:
        return ZERO
    return income * days_in_year / accumulation


def collection_rate(collected, due) -> Decimal:
    """What was collected over what fell due (may exceed 1 when arrears or
    prepayments are collected)."""
    return share(_amount(collected, "collected"), _amount(due, "due"))


def npl_ratio(npl_balance, balance) -> Decimal:
    """Non-performing balance (次级 + 可疑 + 损失) over the balance."""
    return share(_amount(npl_balance, "npl_balance"), _amount(balance, "balance"))


def par_ratio(at_risk, balance) -> Decimal:
    """PAR_x: the balance of the loans more than x days past due over the
    balance."""
    return share(_amount(at_risk, "at_risk"), _amount(balance, "balance"))


def average_days(total_days, count) -> Decimal:
    """The average of ``count`` durations adding up to ``total_days``, to the
    hundredth of a day; 0 for none."""
    total_days = _amount(total_days, "total_days")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise EngineError("count", "must be a whole number >= 0")
    return quantize(total_days / count, 2) if count else ZERO


@dataclass(frozen=True)
class PerformanceRatios:
    yield_rate: Decimal
    collection_rate: Decimal
    par1: Decimal
    par30: Decimal
    par90: Decimal
    npl_ratio: Decimal
    average_turnaround: Decimal


def performance_ratios(figures: dict) -> PerformanceRatios:
    """The ratios of a group of loans from the sums of the reports: ``income``,
    ``accumulation``, ``collected``, ``due``, ``balance``, ``par1_balance``,
    ``par30_balance``, ``par90_balance``, ``npl_balance``, ``turnaround_days``
    and ``approved_count`` (missing sums count as 0)."""

    def get(name):
        return figures.get(name) or ZERO

    balance = get("balance")
    return PerformanceRatios(
        yield_rate=portfolio_yield(get("income"), get("accumulation")),
        collection_rate=collection_rate(get("collected"), get("due")),
        par1=par_ratio(get("par1_balance"), balance),
        par30=par_ratio(get("par30_balance"), balance),
        par90=par_ratio(get("par90_balance"), balance),
        npl_ratio=npl_ratio(get("npl_balance"), balance),
        average_turnaround=average_days(
            get("turnaround_days"), int(figures.get("approved_count") or 0)
        ),
    )


def rate_band(annual_rate) -> str:
    """The band of an annual rate in percent (a bound belongs to the band
    below it)."""
    rate = _amount(annual_rate, "annual_rate")
    for band, bound in RATE_BANDS:
        if bound is None or rate <= bound:
            return band
    raise AssertionError("unreachable")  # pragma: no cover


def term_band(start: date, maturity: date) -> str:
    """The band of a contract from ``start`` to ``maturity``: a maturity on
    or before ``start`` plus a band's months is in that band."""
    if not isinstance(start, date) or not isinstance(maturity, date):
        raise EngineError("maturity", "must be a date")
    if maturity < start:
        raise EngineError("maturity", "must not be before the start date")
    for band, months in TERM_BANDS:
        if months is None or maturity <= add_months(start, months):
            return band
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class FundingLimit:
    """One funding limit: the borrowing it counts, the limit (a multiple of
    the net assets), the usage (borrowing over limit) and the breach."""

    borrowing: Decimal
    limit: Decimal
    usage: Decimal
    breached: bool


@dataclass(frozen=True)
class FundingLeverage:
    net_assets: Decimal
    bank_and_shareholder: FundingLimit
    bonds_and_abs: FundingLimit
    total_funding: Decimal
    leverage: Decimal


def _funding_limit(borrowing, net_assets, multiple) -> FundingLimit:
    limit = quantize(net_assets * multiple, 2)
    return FundingLimit(
        borrowing=borrowing,
        limit=limit,
        usage=share(borrowing, limit),
        breached=borrowing > limit,
    )


def funding_leverage(
    net_assets,
    bank,
    shareholder,
    bonds,
    abs_,
    bank_multiple=BANK_AND_SHAREHOLDER_MULTIPLE,
    bond_multiple=BONDS_AND_ABS_MULTIPLE,
) -> FundingLeverage:
    """The funding of a 小额贷款公司 against its limits (docs/domain.md §3.4):
    bank and shareholder borrowing against ``bank_multiple`` × the net assets
    at the end of the previous year, bonds and ABS against ``bond_multiple``
    ×; ``leverage`` is the whole funding over the net assets. A borrowing
    equal to its limit is within it.

    >>> lev = funding_leverage(Decimal("100000000"), Decimal("60000000"),
    ...                        Decimal("40000000"), Decimal("0"), Decimal("0"))
    >>> lev.bank_and_shareholder.limit, lev.bank_and_shareholder.breached
    (Decimal('100000000.00'), False)
    >>> lev.leverage
    Decimal('1')
    """
    net_assets = to_decimal(net_assets, "net_assets")
    bank = _amount(bank, "bank")
    shareholder = _amount(shareholder, "shareholder")
    bonds = _amount(bonds, "bonds")
    abs_ = _amount(abs_, "abs")
    bank_multiple = _amount(bank_multiple, "bank_multiple")
    bond_multiple = _amount(bond_multiple, "bond_multiple")
    # Negative net assets leave no room to borrow at all.
    base = max(net_assets, ZERO)
    total = bank + shareholder + bonds + abs_
    return FundingLeverage(
        net_assets=net_assets,
        bank_and_shareholder=_funding_limit(bank + shareholder, base, bank_multiple),
        bonds_and_abs=_funding_limit(bonds + abs_, base, bond_multiple),
        total_funding=total,
        leverage=share(total, base),
    )
