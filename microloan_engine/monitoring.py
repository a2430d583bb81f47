"""Post-loan monitoring (贷后管理): when a loan is next inspected.

The first inspection falls ``first_days`` days after the first disbursement;
the next ones ``interval_months`` after the last inspection done, or
``watch_interval_months`` when the loan is classified 关注 (special mention)
or worse.

>>> from datetime import date
>>> next_inspection(date(2025, 1, 10), None, "normal")
datetime.date(2025, 2, 9)
>>> next_inspection(date(2025, 1, 10), date(2025, 2, 12), "normal")
datetime.date(2025, 5, 12)
>>> next_inspection(date(2025, 1, 10), date(2025, 2, 12), "substandard")
datetime.date(2025, 3, 12)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .classification import SPECIAL_MENTION, tier_rank
from .dates import add_months, check_date
from .errors import EngineError


@dataclass(frozen=True)
class InspectionRule:
    """A product's inspection rule (see the module's docstring)."""

    first_days: int = 30
    interval_months: int = 3
    watch_interval_months: int = 1

    def __post_init__(self):
        for name in ("first_days", "interval_months", "watch_interval_months"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise EngineError(name, "must be a positive integer")


def next_inspection(
    disbursed_on: date,
    last_done: date | None,
    tier: str,
    rule: InspectionRule = InspectionRule(),  # noqa: B008 (frozen dataclass)
) -> date:
    """The date of the next inspection of a loan first disbursed on
    ``disbursed_on``, last inspected on ``last_done`` (``None``: never) and
    classified ``tier``."""
    check_date(disbursed_on, "disbursed_on")
    if last_done is None:
        return disbursed_on + timedelta(days=rule.first_days)
    check_date(last_done, "last_done")
    watched = tier_rank(tier) >= tier_rank(SPECIAL_MENTION)
    months = rule.watch_interval_months if watched else rule.interval_months
    return add_months(last_done, months)
