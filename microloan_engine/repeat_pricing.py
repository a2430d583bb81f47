"""Repeat-borrower pricing: a borrower with at least ``min_settled`` loans
settled, none of which ever went more than ``max_days_past_due`` days past
due, earns a rate reduction (percentage points) and/or a higher maximum
amount (a percentage of the maximum and/or a fixed amount on top).

Rules are tried by ``sequence`` (then by their position); the first whose
conditions the borrower meets applies.

>>> rules = [RepeatRule(1, 3, 0, rate_reduction=Decimal("1.5")),
...          RepeatRule(2, 1, 30, max_increase_percent=Decimal("20"))]
>>> applicable_rule(rules, settled_loans=2, worst_days_past_due=10)
1
>>> repeat_terms(rules[1], Decimal("18"), Decimal("50000"))
RepeatTerms(rate=Decimal('18'), max_amount=Decimal('60000.00'))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import EngineError
from .money import quantize, to_decimal

ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class RepeatRule:
    """One rule of the table: the conditions and what they earn."""

    sequence: int
    min_settled: int
    max_days_past_due: int
    rate_reduction: Decimal = ZERO
    max_increase_percent: Decimal = ZERO
    max_increase_amount: Decimal = ZERO


@dataclass(frozen=True)
class RepeatTerms:
    rate: Decimal
    max_amount: Decimal | None


def check_rule(rule: RepeatRule) -> None:
    """Refuse a rule that cannot be applied (``EngineError``)."""
    for field in ("sequence", "min_settled", "max_days_past_due"):
        value = getattr(rule, field)
        if isinstance(value, bool) or not isinstance(value, int):
            raise EngineError(field, "must be an integer")
    if rule.min_settled < 1:
        raise EngineError("min_settled", "must be a positive integer")
    if rule.max_days_past_due < 0:
        raise EngineError("max_days_past_due", "must not be negative")
    reduction = to_decimal(rule.rate_reduction, "rate_reduction")
    percent = to_decimal(rule.max_increase_percent, "max_increase_percent")
    amount = to_decimal(rule.max_increase_amount, "max_increase_amount")
    for field, value in (
        ("rate_reduction", reduction),
        ("max_increase_percent", percent),
        ("max_increase_amount", amount),
    ):
        if value < ZERO:
            raise EngineError(field, "must not be negative")
    if not (reduction or percent or amount):
        raise EngineError("rate_reduction", "must not be empty")


def applicable_rule(
    rules: Sequence[RepeatRule], settled_loans: int, worst_days_past_due: int
) -> int | None:
    """The index in ``rules`` of the rule that applies to a borrower with
    ``settled_loans`` loans settled whose worst days past due over them was
    ``worst_days_past_due``; ``None`` when none does."""
    if settled_loans < 0 or worst_days_past_due < 0:
        raise EngineError("settled_loans", "must not be negative")
    order = sorted(range(len(rules)), key=lambda index: (rules[index].sequence, index))
    for index in order:
        rule = rules[index]
        check_rule(rule)
        if (
            settled_loans >= rule.min_settled
            and worst_days_past_due <= rule.max_days_past_due
        ):
            return index
    return None


def repeat_terms(rule: RepeatRule | None, rate, max_amount=None) -> RepeatTerms:
    """``rate`` (percent) lowered by the rule's reduction (never below 0) and
    ``max_amount`` (``None``: no maximum) raised by its percentage, then its
    amount, rounded to the cent."""
    rate = to_decimal(rate, "rate")
    if max_amount is not None:
        max_amount = to_decimal(max_amount, "max_amount")
    if rule is None:
        return RepeatTerms(rate, max_amount)
    check_rule(rule)
    rate = max(rate - to_decimal(rule.rate_reduction), ZERO)
    if max_amount is not None:
        raised = max_amount * (HUNDRED + to_decimal(rule.max_increase_percent))
        max_amount = quantize(
            raised / HUNDRED + to_decimal(rule.max_increase_amount), 2
        )
    return RepeatTerms(rate, max_amount)
