"""Loan extension (展期) and mid-life rate changes (docs/domain.md §4).

Extension rules (贷款通则 第12条):

* the borrower applies on or before the current maturity date;
* cumulative extension ≤ the original term for short-term loans (≤ 1 year),
  ≤ half of it for medium-term loans (1-5 years), ≤ 3 years beyond 5 years;
* ``max_extensions`` extensions at most (1 by default, common 小贷 practice);
* guarantor, mortgagor or pledgor consent when the loan needs it;
* for personal loans over a year, optionally: original term plus extensions
  within the product's maximum term.

Spans are measured in whole calendar months plus remaining days, a day
counting as 1/30 of a month when halving an odd number of months, so a
12-month loan can be extended by exactly 12 months whatever the leap years.

An extension granted because of financial difficulty, or of a loan already
overdue, is a restructuring (重组资产): ``is_restructured`` is set and the
classification must be at least 关注 (see :mod:`classification`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from .dates import Frequency, add_months, check_date
from .errors import EngineError
from .money import to_decimal
from .schedule import Schedule, ScheduleTerms, build_schedule

SHORT = "short"
MEDIUM = "medium"
LONG = "long"


def months_between(start: date, end: date) -> tuple[int, int]:
    """Whole months and remaining days from ``start`` to ``end`` (end ≥ start).

    >>> months_between(date(2025, 1, 31), date(2025, 2, 28))
    (1, 0)
    >>> months_between(date(2025, 1, 15), date(2025, 4, 20))
    (3, 5)
    """
    if end < start:
        raise EngineError("end", "must not be before the start date")
    months = (end.year - start.year) * 12 + end.month - start.month
    while months > 0 and add_months(start, months) > end:
        months -= 1
    return months, (end - add_months(start, months)).days


def _as_months(span: tuple[int, int]) -> Fraction:
    months, days = span
    return Fraction(months) + Fraction(days, 30)


def term_class(original_months: Fraction) -> str:
    """short (≤ 1 year), medium (≤ 5 years) or long."""
    if original_months <= 12:
        return SHORT
    if original_months <= 60:
        return MEDIUM
    return LONG


def extension_limit_months(original_months: Fraction) -> Fraction:
    """Maximum cumulative extension, in months, for a loan of that term."""
    kind = term_class(original_months)
    if kind == SHORT:
        return original_months
    if kind == MEDIUM:
        return original_months / 2
    return Fraction(36)


@dataclass(frozen=True)
class ExtensionPolicy:
    """Company settings for extensions."""

    max_extensions: int = 1
    product_max_term_months: int | None = None

    def __post_init__(self):
        if isinstance(self.max_extensions, bool) or self.max_extensions < 0:
            raise EngineError("max_extensions", "must be a whole number >= 0")
        if (
            self.product_max_term_months is not None
            and self.product_max_term_months < 1
        ):
            raise EngineError("product_max_term_months", "must be positive")


@dataclass(frozen=True)
class ExtensionHistory:
    """The contract's original dates and what was extended so far."""

    original_disbursement: date
    original_maturity: date
    current_maturity: date
    extensions: int = 0


@dataclass(frozen=True)
class ExtensionRequest:
    """An application for extension.

    ``effective_date``: the new schedule runs from it (interest before it is
    settled under the current schedule); usually the current maturity or the
    last due date paid. ``outstanding_principal``: principal
    re-scheduled. ``new_rate``: the rate from ``effective_date`` (None keeps
    the current rate, e.g. when the total term stays in the same rate band).
    """

    request_date: date
    effective_date: date
    new_maturity: date
    outstanding_principal: Decimal
    new_rate: Decimal | None = None
    method: str | None = None
    financial_difficulty: bool = False
    days_past_due: int = 0
    requires_guarantor_consent: bool = False
    guarantor_consent: bool = False


@dataclass(frozen=True)
class ExtensionResult:
    """Accepted extension: the new schedule and the figures behind the checks."""

    terms: ScheduleTerms
    schedule: Schedule
    extension_number: int
    term_class: str
    original_term: tuple[int, int]
    cumulative_extension: tuple[int, int]
    limit_months: Fraction
    total_term: tuple[int, int]
    is_restructured: bool


DEFAULT_POLICY = ExtensionPolicy()


def observation_period(after: date, due_dates) -> tuple[date, date]:
    """Observation period of a loan restructured (or missing a payment while
    observed) on ``after``, as ``(start, end)`` (docs/domain.md §4): from the
    first due date after ``after`` (``after`` itself when none is left), for
    at least one year and two repayment periods, i.e. to the later of one
    year after the start and the third due date after ``after``."""
    later = sorted(d for d in due_dates if d > after)
    start = later[0] if later else after
    end = add_months(start, 12)
    if len(later) > 2:
        end = max(end, later[2])
    return start, end


def _periods_to(effective: date, maturity: date, frequency: Frequency, rule: str):
    """Number of periods and first due date so that the last due date is
    ``maturity`` and the first falls after ``effective`` (the first period
    may be short)."""
    n = 1
    if frequency.unit == "day":
        step = timedelta(days=frequency.every)
        while maturity - step * n > effective:
            n += 1
        return n, maturity - step * (n - 1)
    while add_months(maturity, -frequency.every * n, rule) > effective:
        n += 1
    return n, add_months(maturity, -frequency.every * (n - 1), rule)


def remaining_terms(
    terms: ScheduleTerms,
    principal: Decimal,
    start: date,
    maturity: date,
    annual_rate: Decimal | None = None,
    method: str | None = None,
) -> ScheduleTerms:
    """Terms that amortize ``principal`` from ``start`` to ``maturity`` at the
    loan's frequency, due dates anchored on the maturity's day. A short first
    period is charged for its actual days."""
    frequency = terms.frequency
    if not isinstance(frequency, Frequency):
        frequency = Frequency.from_spec(frequency)
    periods, first_due = _periods_to(start, maturity, frequency, terms.month_end_rule)
    new = replace(
        terms,
        principal=principal,
        annual_rate=terms.annual_rate if annual_rate is None else annual_rate,
        method=method or terms.method,
        periods=periods,
        disbursement_date=start,
        first_due_date=first_due,
        repayment_day=maturity.day if frequency.unit == "month" else None,
        first_period="actual_days",
        grace_principal_periods=0,
        grace_interest_periods=0,
        interest_free_periods=0,
        payment_timing="end",
    )
    if new.method == "balloon":
        new = replace(
            new, amortization_periods=max(terms.amortization_periods or 0, periods)
        )
    else:
        new = replace(new, amortization_periods=None)
    if new.method != "fixed_principal_percentage":
        new = replace(new, principal_percentage=None)
    if new.method == "custom":
        raise EngineError(
            "method", "a custom plan cannot be re-scheduled automatically"
        )
    return new


def extend(
    terms: ScheduleTerms,
    request: ExtensionRequest,
    history: ExtensionHistory,
    policy: ExtensionPolicy = DEFAULT_POLICY,
) -> ExtensionResult:
    """Validate an extension and build the schedule of the remaining principal.

    ``terms`` is the current schedule's terms (method, frequency, day count and
    rounding are kept). Raises :class:`EngineError` naming the rule broken.
    """
    for name in ("request_date", "effective_date", "new_maturity"):
        check_date(getattr(request, name), name)
    for name in ("original_disbursement", "original_maturity", "current_maturity"):
        check_date(getattr(history, name), name)
    if history.original_maturity <= history.original_disbursement:
        raise EngineError("original_maturity", "must be after the disbursement")
    if history.current_maturity < history.original_maturity:
        raise EngineError(
            "current_maturity", "must not be before the original maturity"
        )
    if request.request_date > history.current_maturity:
        raise EngineError(
            "request_date", "an extension must be applied for before maturity"
        )
    if request.new_maturity <= history.current_maturity:
        raise EngineError("new_maturity", "must be after the current maturity")
    if not (
        history.original_disbursement <= request.effective_date < request.new_maturity
    ):
        raise EngineError(
            "effective_date", "must fall between the disbursement and the new maturity"
        )
    number = history.extensions + 1
    if number > policy.max_extensions:
        raise EngineError(
            "extensions", "the maximum number of extensions has been reached"
        )
    if request.requires_guarantor_consent and not request.guarantor_consent:
        raise EngineError(
            "guarantor_consent", "the guarantor's written consent is required"
        )
    principal = to_decimal(request.outstanding_principal, "outstanding_principal")
    if principal <= 0:
        raise EngineError("outstanding_principal", "must be positive")
    rate = None
    if request.new_rate is not None:
        rate = to_decimal(request.new_rate, "new_rate")
        if rate < 0:
            raise EngineError("new_rate", "must not be negative")
    original = months_between(history.original_disbursement, history.original_maturity)
    original_months = _as_months(original)
    cumulative = months_between(history.original_maturity, request.new_maturity)
    limit = extension_limit_months(original_months)
    if _as_months(cumulative) > limit:
        raise EngineError(
            "new_maturity", "the cumulative extension exceeds the limit for this term"
        )
    total = months_between(history.original_disbursement, request.new_maturity)
    if (
        policy.product_max_term_months is not None
        and term_class(original_months) != SHORT
        and _as_months(total) > policy.product_max_term_months
    ):
        raise EngineError(
            "new_maturity", "the total term exceeds the product's maximum term"
        )
    new_terms = remaining_terms(
        terms,
        principal,
        request.effective_date,
        request.new_maturity,
        rate,
        request.method,
    )
    return ExtensionResult(
        terms=new_terms,
        schedule=build_schedule(new_terms),
        extension_number=number,
        term_class=term_class(original_months),
        original_term=original,
        cumulative_extension=cumulative,
        limit_months=limit,
        total_term=total,
        is_restructured=request.financial_difficulty or request.days_past_due > 0,
    )


@dataclass(frozen=True)
class RateChangeResult:
    """Installments due on or before ``effective_date`` are kept (``kept``);
    ``schedule`` replaces the rest, built by ``terms`` with its first
    installment's interest split by days between the old and new rates."""

    effective_date: date
    kept: int
    terms: ScheduleTerms
    schedule: Schedule


def change_rate(
    terms: ScheduleTerms,
    schedule: Schedule,
    effective_date: date,
    new_rate: Decimal,
) -> RateChangeResult:
    """Re-amortize from ``effective_date`` at ``new_rate`` (e.g. LPR repricing).

    The balance after the last installment due on or before
    ``effective_date`` is re-amortized over the remaining due dates. The
    period running on ``effective_date`` owes the old rate for its days before
    that date and the new rate after (分段计息): its interest is
    ``I_new + (I_old - I_new) × days_before / period_days``, which is exact
    for actual-day interest and pro rata for whole-month interest. The first
    installment keeps the new schedule's principal part.
    """
    check_date(effective_date, "effective_date")
    new_rate = to_decimal(new_rate, "new_rate")
    if new_rate < 0:
        raise EngineError("new_rate", "must not be negative")
    installments = schedule.installments
    kept = sum(1 for inst in installments if inst.due_date <= effective_date)
    if kept == len(installments):
        raise EngineError("effective_date", "no installment is due after that date")
    if kept == 0:
        start = terms.disbursement_date
        new_terms = replace(terms, annual_rate=new_rate)
    else:
        previous = installments[kept - 1]
        start = previous.due_date
        rest = installments[kept:]
        new_terms = replace(
            terms,
            principal=previous.balance,
            annual_rate=new_rate,
            periods=len(rest),
            disbursement_date=start,
            first_due_date=rest[0].due_date,
            repayment_day=_anchor_day(terms),
            first_period="full",
            grace_principal_periods=max(terms.grace_principal_periods - kept, 0),
            grace_interest_periods=max(terms.grace_interest_periods - kept, 0),
            interest_free_periods=max(terms.interest_free_periods - kept, 0),
        )
        if terms.method == "balloon":
            new_terms = replace(
                new_terms,
                amortization_periods=max(terms.amortization_periods - kept, len(rest)),
            )
        if terms.method == "custom":
            new_terms = replace(new_terms, principal_plan=terms.principal_plan[kept:])
    rebuilt = build_schedule(new_terms)
    before = (effective_date - start).days
    period = (rebuilt.installments[0].due_date - start).days
    if 0 < before < period:
        # The first period at the day-weighted rate gives
        # B × f × (r_old × before + r_new × after) / period, rounded once.
        old_rate = to_decimal(terms.annual_rate, "annual_rate")
        blended = (old_rate * before + new_rate * (period - before)) / period
        first = build_schedule(replace(new_terms, annual_rate=blended))
        rebuilt = _with_first_interest(rebuilt, first.installments[0].interest)
    return RateChangeResult(
        effective_date=effective_date, kept=kept, terms=new_terms, schedule=rebuilt
    )


def _anchor_day(terms):
    frequency = terms.frequency
    if not isinstance(frequency, Frequency):
        frequency = Frequency.from_spec(frequency)
    if frequency.unit != "month":
        return None
    if terms.repayment_day:
        return terms.repayment_day
    if terms.first_due_date is not None:
        return terms.first_due_date.day
    return terms.disbursement_date.day


def _with_first_interest(schedule: Schedule, interest: Decimal) -> Schedule:
    first = schedule.installments[0]
    delta = interest - first.interest
    if not delta:
        return schedule
    first = replace(first, interest=interest, total=first.principal + interest)
    return Schedule(
        installments=(first,) + schedule.installments[1:],
        total_principal=schedule.total_principal,
        total_interest=schedule.total_interest + delta,
        total_payment=schedule.total_payment + delta,
    )


__all__ = [
    "ExtensionHistory",
    "ExtensionPolicy",
    "ExtensionRequest",
    "ExtensionResult",
    "RateChangeResult",
    "change_rate",
    "extend",
    "extension_limit_months",
    "months_between",
    "remaining_terms",
    "term_class",
]
