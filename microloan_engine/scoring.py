"""Credit scoring: scorecard points, grades, and how well a scorecard ranks.

A scorecard is a list of characteristics (a field of the application, the
borrower or the investigation); each has bins that give points, either a
numeric range ``[lower, upper)`` or one of a set of values. An application's
score is the sum of its points; cut-offs map the score to a grade (A to E)
with its decision, maximum amount and rate adjustment.

The back-test measures how the scorecard separates loans that went bad from
the others: the Gini coefficient (2 × AUC − 1, where AUC is the probability
that a good loan scores above a bad one, ties counting one half) and the
Kolmogorov-Smirnov statistic (the largest gap between the cumulative shares
of bad and good loans below a score).

>>> age = Characteristic("age", (Bin(points=Decimal(5), upper=Decimal(25)),
...                              Bin(points=Decimal(20), lower=Decimal(25))))
>>> result = score((age,), {"age": Decimal(30)})
>>> result.total, result.lines[0].points
(Decimal('20'), Decimal('20'))
>>> separation([(Decimal(1), True), (Decimal(2), False), (Decimal(3), False)])
Separation(gini=Decimal('1'), ks=Decimal('1'), goods=2, bads=1)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .errors import EngineError
from .money import to_decimal

ZERO = Decimal("0")
ONE = Decimal("1")
GRADES = ("A", "B", "C", "D", "E")
DECISIONS = ("approve", "refer", "decline")


@dataclass(frozen=True)
class Bin:
    """Points given when a value falls in ``[lower, upper)`` (an open end is
    ``None``) or, for a text value, when it is one of ``values``."""

    points: Decimal
    lower: Decimal | None = None
    upper: Decimal | None = None
    values: tuple = ()

    def matches(self, value):
        if self.values:
            return value is not None and str(value) in self.values
        if value is None or isinstance(value, bool | str):
            return False
        number = to_decimal(value, "value")
        if self.lower is not None and number < self.lower:
            return False
        return not (self.upper is not None and number >= self.upper)


@dataclass(frozen=True)
class Characteristic:
    """A scored input ``name`` and its bins; a value no bin takes scores
    ``default_points``."""

    name: str
    bins: tuple
    default_points: Decimal = ZERO


@dataclass(frozen=True)
class ScoreLine:
    """The points of one characteristic and the bin that gave them (its index
    in the characteristic's bins, ``None`` for the default points)."""

    name: str
    value: object
    points: Decimal
    bin_index: int | None


@dataclass(frozen=True)
class ScoreResult:
    total: Decimal
    lines: tuple


@dataclass(frozen=True)
class Cutoff:
    """From ``min_score`` up: ``grade``, ``decision``, the ``max_amount``
    (``None``: no cap) and the ``rate_adjustment`` in percentage points."""

    min_score: Decimal
    grade: str
    decision: str
    max_amount: Decimal | None = None
    rate_adjustment: Decimal = ZERO


@dataclass(frozen=True)
class Separation:
    """Gini and KS (fractions from 0 to 1) over ``goods`` and ``bads``."""

    gini: Decimal
    ks: Decimal
    goods: int
    bads: int


@dataclass(frozen=True)
class GradeBacktest:
    """Per grade: loans, how many ever reached 30+ and 90+ days past due, and
    those shares (fractions; 0 without loans)."""

    grade: str
    loans: int
    dpd30: int
    dpd90: int
    dpd30_share: Decimal
    dpd90_share: Decimal


@dataclass(frozen=True)
class Backtest:
    grades: tuple
    separation: Separation


@dataclass(frozen=True)
class ScoredLoan:
    """A loan of the back-test: its score and grade, and the worst days past
    due it ever reached."""

    score: Decimal
    grade: str
    max_days_past_due: int


def check_bins(bins: Iterable[Bin], field="bins"):
    """Refuse numeric bins that overlap or are empty (lower ≥ upper)."""
    ranges = []
    for item in bins:
        if item.values:
            continue
        lower, upper = item.lower, item.upper
        if lower is not None and upper is not None and lower >= upper:
            raise EngineError(field, "must not be empty")
        ranges.append((lower, upper))
    ranges.sort(key=lambda r: (r[0] is not None, r[0] if r[0] is not None else ZERO))
    for (_lo1, up1), (lo2, _up2) in zip(ranges, ranges[1:], strict=False):
        if up1 is None or lo2 is None or lo2 < up1:
            raise EngineError(field, "appears twice")


def score(
    characteristics: Iterable[Characteristic], values: Mapping[str, object]
) -> ScoreResult:
    """Score ``values`` (by characteristic name) on ``characteristics``: the
    first bin that matches gives the points."""
    total = ZERO
    lines = []
    for characteristic in characteristics:
        value = values.get(characteristic.name)
        points, index = to_decimal(characteristic.default_points, "points"), None
        for position, item in enumerate(characteristic.bins):
            if item.matches(value):
                points, index = to_decimal(item.points, "points"), position
                break
        total += points
        lines.append(ScoreLine(characteristic.name, value, points, index))
    return ScoreResult(total=total, lines=tuple(lines))


def grade(total: Decimal, cutoffs: Iterable[Cutoff]) -> Cutoff:
    """The cut-off of ``total``: the one with the highest ``min_score`` not
    above it. A score below every cut-off gets the lowest one.

    >>> cuts = [Cutoff(Decimal(60), "A", "approve"), Cutoff(ZERO, "C", "refer")]
    >>> grade(Decimal(59), cuts).grade, grade(Decimal(60), cuts).grade
    ('C', 'A')
    """
    total = to_decimal(total, "score")
    ordered = sorted(cutoffs, key=lambda c: c.min_score)
    if not ordered:
        raise EngineError("cutoffs", "must not be empty")
    for cutoff in ordered:
        if cutoff.grade not in GRADES:
            raise EngineError("grade", "out of range")
        if cutoff.decision not in DECISIONS:
            raise EngineError("decision", "out of range")
    chosen = ordered[0]
    for cutoff in ordered:
        if cutoff.min_score <= total:
            chosen = cutoff
    return chosen


def separation(scored: Iterable[tuple]) -> Separation:
    """Gini and KS of ``(score, is_bad)`` pairs, a higher score meaning a
    lower risk. Without both goods and bads, both are 0.

    >>> separation([(Decimal(1), False), (Decimal(1), True)]).gini
    Decimal('0')
    >>> s = separation([(Decimal(s), b) for s, b in
    ...                 [(1, True), (2, False), (3, True), (4, False)]])
    >>> s.gini, s.ks
    (Decimal('0.5'), Decimal('0.5'))
    """
    by_score = {}
    goods = bads = 0
    for value, is_bad in scored:
        value = to_decimal(value, "score")
        counts = by_score.setdefault(value, [0, 0])
        if is_bad:
            counts[1] += 1
            bads += 1
        else:
            counts[0] += 1
            goods += 1
    if not goods or not bads:
        return Separation(gini=ZERO, ks=ZERO, goods=goods, bads=bads)
    # Walk up the scores: bads below, and the largest gap of the cumulative
    # shares.
    wins = Decimal(0)  # good-bad pairs where the good scores higher (x2 for ties)
    bads_below = 0
    goods_below = 0
    ks = ZERO
    for value in sorted(by_score):
        good_here, bad_here = by_score[value]
        wins += Decimal(good_here * (2 * bads_below + bad_here))
        bads_below += bad_here
        goods_below += good_here
        gap = abs(Decimal(bads_below) / bads - Decimal(goods_below) / goods)
        ks = max(ks, gap)
    auc = wins / (2 * Decimal(goods) * Decimal(bads))
    # Both lie in [-1, 1]: normalize() only drops trailing zeros.
    return Separation(
        gini=(2 * auc - ONE).normalize(), ks=ks.normalize(), goods=goods, bads=bads
    )


def backtest(loans: Iterable[ScoredLoan], bad_days=90) -> Backtest:
    """Per grade A to E: loans, 30+ and 90+ days past due ever reached; and the
    scorecard's Gini and KS with "bad" meaning ``bad_days`` or more past due.

    >>> bt = backtest([ScoredLoan(Decimal(80), "A", 0),
    ...                ScoredLoan(Decimal(40), "D", 95)])
    >>> bt.grades[0].loans, bt.grades[3].dpd90_share, bt.separation.gini
    (1, Decimal('1'), Decimal('1'))
    """
    if isinstance(bad_days, bool) or not isinstance(bad_days, int) or bad_days < 1:
        raise EngineError("bad_days", "must be a positive integer")
    counts = {g: [0, 0, 0] for g in GRADES}
    pairs = []
    for loan in loans:
        if loan.grade not in counts:
            raise EngineError("grade", "out of range")
        dpd = loan.max_days_past_due
        if isinstance(dpd, bool) or not isinstance(dpd, int) or dpd < 0:
            raise EngineError("max_days_past_due", "must be a whole number >= 0")
        row = counts[loan.grade]
        row[0] += 1
        row[1] += dpd >= 30
        row[2] += dpd >= 90
        pairs.append((loan.score, dpd >= bad_days))
    grades = tuple(
        GradeBacktest(
            grade=g,
            loans=n,
            dpd30=d30,
            dpd90=d90,
            dpd30_share=Decimal(d30) / n if n else ZERO,
            dpd90_share=Decimal(d90) / n if n else ZERO,
        )
        for g, (n, d30, d90) in counts.items()
    )
    return Backtest(grades=grades, separation=separation(pairs))


def worst_days_past_due(installments: Iterable[tuple], as_of) -> int:
    """The most days past due a loan ever reached: over its ``(due_date,
    cleared_date)`` installments (``cleared_date`` ``None`` while unpaid), the
    days from each due date to its clearing, or to ``as_of`` when not cleared.

    >>> from datetime import date
    >>> worst_days_past_due([(date(2025, 1, 10), date(2025, 2, 20)),
    ...                      (date(2025, 2, 10), None)], date(2025, 3, 1))
    41
    """
    worst = 0
    for due_date, cleared in installments:
        if due_date >= as_of:
            continue
        end = cleared if cleared is not None else as_of
        worst = max(worst, (end - due_date).days)
    return worst


def adjusted_rate(rate, cutoff: Cutoff) -> Decimal:
    """``rate`` (percent) with the grade's ``rate_adjustment`` (percentage
    points), never below 0.

    >>> adjusted_rate(Decimal("12"), Cutoff(ZERO, "B", "approve",
    ...               rate_adjustment=Decimal("-0.5")))
    Decimal('11.5')
    """
    return max(to_decimal(rate, "rate") + to_decimal(cutoff.rate_adjustment), ZERO)
