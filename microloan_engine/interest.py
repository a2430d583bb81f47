"""Segmented interest (分段计息) and the 积数 method for draw-and-repay credit lines.

Two tools for interest that does not follow a regular installment schedule
(docs/domain.md §1.0 and §1.5):

* :func:`interest_between` charges interest over a balance history with rate
  changes. Every stretch of days on which both the balance and the rate are
  constant is one segment: ``days × balance × rate / year basis``.
* :class:`CreditLine` is a 随借随还 ledger. It keeps the accumulated product
  (积数 = Σ balance × days between balance changes) and charges
  ``积数 × annual rate / year basis``, rounded once at settlement. A
  repayment (:meth:`CreditLine.repayment`) settles the interest to its date
  and pays interest first, then principal; :func:`credit_line_totals` sums the
  repayments posted.

Days follow 算头不算尾: the start day counts, the end day does not.

>>> from datetime import date
>>> from decimal import Decimal
>>> line = CreditLine(limit=Decimal("100000"), annual_rate=Decimal("0.12"))
>>> line = line.draw(date(2025, 1, 1), Decimal("50000"))
>>> line = line.repay(date(2025, 1, 11), Decimal("20000"))
>>> line.accumulated_product(date(2025, 1, 31))
Decimal('1100000')
>>> line.accrued_interest(date(2025, 1, 31))
Decimal('366.67')
>>> line, paid = line.repayment(date(2025, 1, 31), Decimal("10000"))
>>> paid.interest_paid, paid.principal, line.balance_on(date(2025, 1, 31))
(Decimal('366.67'), Decimal('9633.33'), Decimal('20366.67'))
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from .daycount import day_count_days, interest_for_days
from .errors import EngineError
from .money import quantize, to_decimal

ZERO = Decimal("0")

# Day counts whose year basis is a fixed number of days. For these the 积数 is
# multiplied by rate / basis once, which is exact; ACT/ACT has no single basis
# and is charged segment by segment instead.
FIXED_YEAR_BASIS = {"ACT/360": 360, "ACT/365": 365, "ACT/364": 364, "30/360": 360}


@dataclass(frozen=True)
class BalanceEvent:
    """The balance that applies from ``on`` (inclusive) until the next event."""

    on: date
    balance: Decimal


@dataclass(frozen=True)
class RateChange:
    """The annual rate that applies from ``on`` (inclusive) until the next change."""

    on: date
    annual_rate: Decimal


@dataclass(frozen=True)
class InterestSegment:
    """One stretch with constant balance and rate.

    ``interest`` is unrounded unless the segments were rounded one by one.
    """

    start: date
    end: date
    days: int
    balance: Decimal
    annual_rate: Decimal
    interest: Decimal


@dataclass(frozen=True)
class InterestResult:
    """Total interest (rounded) and the per-segment breakdown."""

    start: date
    end: date
    total: Decimal
    unrounded_total: Decimal
    segments: tuple[InterestSegment, ...]


def _as_events(items, cls, value_field, field):
    """Accept dataclass instances or ``(date, value)`` pairs; return sorted events."""
    events = []
    for item in items:
        if isinstance(item, cls):
            events.append(item)
            continue
        try:
            on, value = item
        except (TypeError, ValueError) as err:
            raise EngineError(field, "expected (date, value) pairs") from err
        if not isinstance(on, date):
            raise EngineError(field, "event dates must be dates")
        events.append(cls(on, to_decimal(value)))
    for event in events:
        if getattr(event, value_field) < 0:
            raise EngineError(field, "values must not be negative")
    # Stable sort: among events on one date the last one given wins.
    events.sort(key=lambda e: e.on)
    return events


def _value_on(events, dates, day):
    """Index of the event in force on ``day`` (the last one with on <= day)."""
    return bisect.bisect_right(dates, day) - 1


def interest_between(
    start: date,
    end: date,
    balance_events: Iterable[BalanceEvent | tuple[date, Decimal]],
    rate_changes: Iterable[RateChange | tuple[date, Decimal]],
    day_count: str = "ACT/360",
    *,
    round_per_segment: bool = False,
    decimals: int = 2,
    rounding: str = "half_up",
) -> InterestResult:
    """Interest from ``start`` (inclusive) to ``end`` (exclusive), segmented.

    ``balance_events`` and ``rate_changes`` give the balance and the annual rate
    from their dates on; each needs an entry on or before ``start``. Several
    entries on one date: the last one given applies. A segment boundary is every
    date where either changes. The total is rounded once at the end, or each
    segment is rounded first when ``round_per_segment`` is true.

    >>> from datetime import date
    >>> from decimal import Decimal as D
    >>> r = interest_between(
    ...     date(2025, 1, 1), date(2025, 1, 31),
    ...     [(date(2025, 1, 1), D("50000")), (date(2025, 1, 11), D("30000"))],
    ...     [(date(2025, 1, 1), D("0.12"))],
    ... )
    >>> r.total, [s.days for s in r.segments]
    (Decimal('366.67'), [10, 20])
    """
    if not isinstance(start, date) or not isinstance(end, date):
        raise EngineError("start", "start and end must be dates")
    if end < start:
        raise EngineError("end", "end must not be before start")
    balances = _as_events(balance_events, BalanceEvent, "balance", "balance_events")
    rates = _as_events(rate_changes, RateChange, "annual_rate", "rate_changes")
    if not balances or balances[0].on > start:
        raise EngineError("balance_events", "no balance known on the start date")
    if not rates or rates[0].on > start:
        raise EngineError("rate_changes", "no rate known on the start date")
    balance_dates = [e.on for e in balances]
    rate_dates = [e.on for e in rates]
    cuts = {start, end}
    cuts.update(d for d in balance_dates if start < d < end)
    cuts.update(d for d in rate_dates if start < d < end)
    bounds = sorted(cuts)
    segments = []
    unrounded = ZERO
    for seg_start, seg_end in zip(bounds, bounds[1:], strict=False):
        balance = balances[_value_on(balances, balance_dates, seg_start)].balance
        rate = rates[_value_on(rates, rate_dates, seg_start)].annual_rate
        interest = interest_for_days(balance, rate, seg_start, seg_end, day_count)
        if round_per_segment:
            interest = quantize(interest, decimals, rounding)
        unrounded += interest
        segments.append(
            InterestSegment(
                start=seg_start,
                end=seg_end,
                days=day_count_days(seg_start, seg_end, day_count),
                balance=balance,
                annual_rate=rate,
                interest=interest,
            )
        )
    return InterestResult(
        start=start,
        end=end,
        total=quantize(unrounded, decimals, rounding),
        unrounded_total=unrounded,
        segments=tuple(segments),
    )


DRAW = "draw"
REPAY = "repay"


@dataclass(frozen=True)
class CreditLineEntry:
    """A draw or a principal repayment on a credit line."""

    on: date
    kind: str  # "draw" | "repay"
    amount: Decimal


@dataclass(frozen=True)
class CreditLinePayoff:
    """What settles the line on a date: principal, the interest settled and
    unpaid (``interest_due``) and the interest accrued since (``interest``)."""

    on: date
    principal: Decimal
    interest: Decimal
    total: Decimal
    accumulated_product: Decimal
    interest_due: Decimal = ZERO


@dataclass(frozen=True)
class CreditLineRepayment:
    """A repayment of ``amount`` on ``on``: it settled ``interest_accrued``
    (积数 ``accumulated_product`` from ``interest_from``) and paid
    ``interest_paid`` of interest, then ``principal``."""

    on: date
    amount: Decimal
    interest_from: date
    interest_accrued: Decimal
    accumulated_product: Decimal
    interest_paid: Decimal
    principal: Decimal


@dataclass(frozen=True)
class CreditLineTotals:
    """The totals of a credit line's posted draws and repayments."""

    drawn: Decimal
    principal_outstanding: Decimal
    interest_paid: Decimal
    interest_due: Decimal
    accumulated_product: Decimal


def credit_line_owed(
    principal: Decimal, interest_due: Decimal, accrued: Decimal = ZERO
) -> Decimal:
    """What closes a credit line: the principal outstanding, the interest
    settled and unpaid, and the interest ``accrued`` since the settlement."""
    return to_decimal(principal) + to_decimal(interest_due) + to_decimal(accrued)


def credit_line_totals(
    draws: Iterable[Decimal], repayments: Iterable[CreditLineRepayment]
) -> CreditLineTotals:
    """Totals of the posted ``draws`` (amounts) and ``repayments``: principal
    outstanding is drawn less principal repaid, interest due is interest
    settled less interest paid.

    >>> from datetime import date
    >>> D = Decimal
    >>> paid = CreditLineRepayment(
    ...     date(2025, 1, 11), D("20000"), date(2025, 1, 1), D("166.67"),
    ...     D("500000"), D("166.67"), D("19833.33"))
    >>> totals = credit_line_totals([D("50000")], [paid])
    >>> totals.principal_outstanding, totals.interest_due
    (Decimal('30166.67'), Decimal('0.00'))
    """
    drawn = sum((to_decimal(amount) for amount in draws), ZERO)
    principal = interest_paid = interest_accrued = product = ZERO
    for repayment in repayments:
        principal += repayment.principal
        interest_paid += repayment.interest_paid
        interest_accrued += repayment.interest_accrued
        product += repayment.accumulated_product
    return CreditLineTotals(
        drawn=drawn,
        principal_outstanding=drawn - principal,
        interest_paid=interest_paid,
        interest_due=interest_accrued - interest_paid,
        accumulated_product=product,
    )


@dataclass(frozen=True)
class CreditLine:
    """A 随借随还 credit line ledger using the 积数 method (docs/domain.md §1.5).

    Immutable: :meth:`draw`, :meth:`repay` and :meth:`settle_interest` return a
    new ledger. Entries are kept in date order; a back-dated entry is slotted in
    at its date (after the entries already on that date) and the whole history
    is checked again: the balance must never exceed ``limit`` nor go below 0.

    ``interest_paid_to`` is the date up to which interest has been settled;
    entries before it are refused because they would change settled interest.
    ``interest_due`` is the interest settled and not yet paid.
    """

    limit: Decimal
    annual_rate: Decimal
    day_count: str = "ACT/360"
    entries: tuple[CreditLineEntry, ...] = ()
    interest_paid_to: date | None = None
    decimals: int = 2
    rounding: str = "half_up"
    interest_due: Decimal = ZERO

    def __post_init__(self):
        limit = to_decimal(self.limit)
        rate = to_decimal(self.annual_rate)
        interest_due = to_decimal(self.interest_due, "interest_due")
        if limit < 0:
            raise EngineError("limit", "the credit limit must not be negative")
        if rate < 0:
            raise EngineError("annual_rate", "the rate must not be negative")
        if interest_due < 0:
            raise EngineError("interest_due", "must not be negative")
        object.__setattr__(self, "interest_due", interest_due)
        if self.day_count not in FIXED_YEAR_BASIS and self.day_count != "ACT/ACT":
            raise EngineError("day_count", "unknown day count")
        object.__setattr__(self, "limit", limit)
        object.__setattr__(self, "annual_rate", rate)
        self._check(self.entries)

    def _check(self, entries):
        balance = ZERO
        for entry in entries:
            if entry.kind == DRAW:
                balance += entry.amount
                if balance > self.limit:
                    raise EngineError(
                        "amount", "the draw would exceed the credit limit"
                    )
            elif entry.kind == REPAY:
                balance -= entry.amount
                if balance < 0:
                    raise EngineError(
                        "amount", "the repayment exceeds the outstanding principal"
                    )
            else:
                raise EngineError("kind", "an entry is either a draw or a repayment")

    def _add(self, on, kind, amount):
        if not isinstance(on, date):
            raise EngineError("on", "the entry date must be a date")
        amount = to_decimal(amount)
        if amount <= 0:
            raise EngineError("amount", "the amount must be positive")
        if quantize(amount, self.decimals, self.rounding) != amount:
            raise EngineError("amount", "the amount has more decimals than money")
        if self.interest_paid_to is not None and on < self.interest_paid_to:
            raise EngineError("on", "interest is already settled for that date")
        entries = list(self.entries)
        index = bisect.bisect_right([e.on for e in entries], on)
        entries.insert(index, CreditLineEntry(on, kind, amount))
        return replace(self, entries=tuple(entries))

    def draw(self, on: date, amount: Decimal) -> CreditLine:
        """Draw ``amount`` on ``on``; refused when the balance would pass the limit."""
        return self._add(on, DRAW, amount)

    def repay(self, on: date, amount: Decimal) -> CreditLine:
        """Repay ``amount`` of principal on ``on`` (interest is settled separately)."""
        return self._add(on, REPAY, amount)

    def balance_on(self, day: date) -> Decimal:
        """Outstanding principal at the end of ``day`` (entries on it included)."""
        balance = ZERO
        for entry in self.entries:
            if entry.on > day:
                break
            balance += entry.amount if entry.kind == DRAW else -entry.amount
        return balance

    def available(self, day: date) -> Decimal:
        """What can be drawn on ``day`` without breaking the limit later on
        (never below 0)."""
        balance = self.balance_on(day)
        peak = balance
        for entry in self.entries:
            if entry.on > day:
                balance += entry.amount if entry.kind == DRAW else -entry.amount
                peak = max(peak, balance)
        return max(self.limit - peak, ZERO)

    def _balance_steps(self, start, end):
        """(from, to, balance) stretches with constant balance inside [start, end)."""
        balance = ZERO
        cursor = start
        for entry in self.entries:
            if entry.on > cursor:
                if entry.on >= end:
                    break
                if balance:
                    yield cursor, entry.on, balance
                cursor = entry.on
            balance += entry.amount if entry.kind == DRAW else -entry.amount
        if balance and cursor < end:
            yield cursor, end, balance

    def _start(self):
        if self.interest_paid_to is not None:
            return self.interest_paid_to
        return self.entries[0].on if self.entries else None

    def accumulated_product(self, to: date) -> Decimal:
        """积数: Σ balance × days from the last settlement (or first draw) to ``to``."""
        start = self._start()
        if start is None or to <= start:
            return ZERO
        return sum(
            (
                balance * day_count_days(a, b, self.day_count)
                for a, b, balance in self._balance_steps(start, to)
            ),
            ZERO,
        )

    def _unrounded_interest(self, to):
        start = self._start()
        if start is None or to <= start:
            return ZERO
        basis = FIXED_YEAR_BASIS.get(self.day_count)
        if basis is not None:
            return self.accumulated_product(to) * self.annual_rate / basis
        return sum(
            (
                interest_for_days(balance, self.annual_rate, a, b, self.day_count)
                for a, b, balance in self._balance_steps(start, to)
            ),
            ZERO,
        )

    def accrued_interest(self, to: date) -> Decimal:
        """Interest accrued and unsettled up to ``to`` (exclusive), rounded once."""
        return quantize(self._unrounded_interest(to), self.decimals, self.rounding)

    def payoff(self, on: date) -> CreditLinePayoff:
        """Amount that closes the line on ``on``: principal + interest due +
        accrued interest.

        Entries dated after ``on`` are ignored for the quote.
        """
        ledger = replace(self, entries=tuple(e for e in self.entries if e.on <= on))
        principal = ledger.balance_on(on)
        interest = ledger.accrued_interest(on)
        return CreditLinePayoff(
            on=on,
            principal=principal,
            interest=interest,
            total=credit_line_owed(principal, self.interest_due, interest),
            accumulated_product=ledger.accumulated_product(on),
            interest_due=self.interest_due,
        )

    def settle_interest(self, on: date) -> tuple[CreditLine, Decimal]:
        """Settle (结息) interest up to ``on``: the new ledger (the amount is
        added to its ``interest_due``) and the amount settled."""
        if self.interest_paid_to is not None and on < self.interest_paid_to:
            raise EngineError("on", "interest is already settled beyond that date")
        amount = self.accrued_interest(on)
        return (
            replace(self, interest_paid_to=on, interest_due=self.interest_due + amount),
            amount,
        )

    def repayment(
        self, on: date, amount: Decimal
    ) -> tuple[CreditLine, CreditLineRepayment]:
        """Repay ``amount`` on ``on``: settle the interest accrued to ``on``,
        pay the interest due first and the principal with the rest. More than
        the payoff of ``on`` is refused. Return the new ledger and the
        repayment."""
        amount = to_decimal(amount)
        if amount <= 0:
            raise EngineError("amount", "the amount must be positive")
        if quantize(amount, self.decimals, self.rounding) != amount:
            raise EngineError("amount", "the amount has more decimals than money")
        interest_from = self._start() or on
        settled, accrued = self.settle_interest(on)
        interest_paid = min(amount, settled.interest_due)
        principal = amount - interest_paid
        if principal > self.balance_on(on):
            raise EngineError("amount", "the repayment exceeds the payoff")
        ledger = replace(settled, interest_due=settled.interest_due - interest_paid)
        if principal:
            ledger = ledger.repay(on, principal)
        return ledger, CreditLineRepayment(
            on=on,
            amount=amount,
            interest_from=interest_from,
            interest_accrued=accrued,
            accumulated_product=self.accumulated_product(on),
            interest_paid=interest_paid,
            principal=principal,
        )
