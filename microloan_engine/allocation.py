"""Loan position, repayment allocation (冲还顺序), prepayment, payoff and replay.

A :class:`LoanPosition` is what is due and what is paid, installment by
installment and component by component (principal, interest, fee, penalty,
compound interest), plus the overdue products not yet charged (see
:mod:`microloan_engine.overdue`).

Buckets, for a payment on date P (docs/domain.md §1.5):

* overdue installments: due date < P;
* the current installment: the first scheduled installment due on or after P.
  A payment before its due date pays it as scheduled (auto-debit collected a
  few days early); it is not a prepayment;
* installments after the current one are only touched by :func:`prepay`.

The default order is fees → penalty → compound → overdue interest → overdue
principal → current interest → current principal (docs/domain.md §1.5), where "fees"
are those of overdue installments; the current installment's fee, not yet
due, comes just before its interest (``current_fee``). Within a bucket the oldest
installment comes first. With ``by_installment=True`` the order is applied
installment by installment instead (clear the oldest installment fully first).

Money is never created or lost: the allocated lines plus ``excess`` always sum
to the amount paid, and nothing is allocated beyond what is outstanding.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from . import overdue
from .daycount import YEAR_DAYS, interest_for_days
from .errors import EngineError
from .money import quantize, to_decimal
from .overdue import DEFAULT_PENALTY_TERMS, PenaltyTerms

ZERO = Decimal("0")
SCHEDULED = "scheduled"
PREPAYMENT = "prepayment"

FEE = "fee"
CURRENT_FEE = "current_fee"
PENALTY = "penalty"
COMPOUND = "compound"
OVERDUE_INTEREST = "overdue_interest"
OVERDUE_PRINCIPAL = "overdue_principal"
CURRENT_INTEREST = "current_interest"
CURRENT_PRINCIPAL = "current_principal"
DEFAULT_ORDER = (
    FEE,
    PENALTY,
    COMPOUND,
    OVERDUE_INTEREST,
    OVERDUE_PRINCIPAL,
    CURRENT_FEE,
    CURRENT_INTEREST,
    CURRENT_PRINCIPAL,
)
# bucket -> (component, which installments: "due" = overdue + current,
# "overdue", "current")
BUCKETS = {
    FEE: ("fee", "overdue"),
    CURRENT_FEE: ("fee", "current"),
    PENALTY: ("penalty", "due"),
    COMPOUND: ("compound", "due"),
    OVERDUE_INTEREST: ("interest", "overdue"),
    OVERDUE_PRINCIPAL: ("principal", "overdue"),
    CURRENT_INTEREST: ("interest", "current"),
    CURRENT_PRINCIPAL: ("principal", "current"),
}
COMPONENTS = ("principal", "interest", "fee", "penalty", "compound")


@dataclass(frozen=True)
class InstallmentPosition:
    """One installment: amounts due, amounts paid, and pending overdue products.

    ``penalty``/``compound`` are the charges already settled (rounded);
    ``penalty_product``/``compound_product`` are the 积数 (amount × days) of
    overdue principal/interest not yet charged. ``start_date`` is the start of
    the installment's interest period.
    """

    n: int
    due_date: date
    start_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal = ZERO
    penalty: Decimal = ZERO
    compound: Decimal = ZERO
    principal_paid: Decimal = ZERO
    interest_paid: Decimal = ZERO
    fee_paid: Decimal = ZERO
    penalty_paid: Decimal = ZERO
    compound_paid: Decimal = ZERO
    penalty_product: Decimal = ZERO
    compound_product: Decimal = ZERO
    kind: str = SCHEDULED

    def outstanding(self, component: str) -> Decimal:
        """Due and unpaid amount of ``component``."""
        return getattr(self, component) - getattr(self, component + "_paid")

    @property
    def is_settled(self) -> bool:
        """Principal, interest and fee fully paid (charges may still be owed)."""
        return (
            self.principal_paid >= self.principal
            and self.interest_paid >= self.interest
            and self.fee_paid >= self.fee
        )

    @property
    def is_cleared(self) -> bool:
        """Nothing at all outstanding, pending products included."""
        return (
            self.is_settled
            and self.penalty_paid >= self.penalty
            and self.compound_paid >= self.compound
            and not self.penalty_product
            and not self.compound_product
        )


@dataclass(frozen=True)
class LoanPosition:
    """A loan's servicing state. ``accrued_to``: overdue products cover the
    days before this date. ``day_count`` prices interest for actual days
    (payoff and prepayment); ``penalty_terms`` the overdue charges.

    ``open_from`` is an index before which every installment is cleared
    (nothing owed, no pending product); the engine keeps it up to date so
    that work on a long loan skips its paid history. 0 is always correct;
    :func:`validate_position` rejects a value that is too high.
    """

    installments: tuple[InstallmentPosition, ...]
    disbursement_date: date
    annual_rate: Decimal
    accrued_to: date
    day_count: str = "ACT/360"
    penalty_terms: PenaltyTerms = DEFAULT_PENALTY_TERMS
    decimals: int = 2
    rounding: str = "half_up"
    open_from: int = 0

    @property
    def outstanding_principal(self) -> Decimal:
        return sum((i.principal - i.principal_paid for i in self.installments), ZERO)

    def total(self, component: str, paid: bool = False) -> Decimal:
        """Sum of ``component`` due (or paid) over all installments."""
        name = component + "_paid" if paid else component
        return sum((getattr(i, name) for i in self.installments), ZERO)


def _check_installment(inst) -> None:
    for component in COMPONENTS:
        due = getattr(inst, component)
        paid = getattr(inst, component + "_paid")
        if due < 0 or paid < 0:
            raise EngineError(component, "amounts must not be negative")
        if paid > due:
            raise EngineError(component, "paid more than due")
    if inst.penalty_product < 0 or inst.compound_product < 0:
        raise EngineError("penalty_product", "products must not be negative")


def validate_position(position: LoanPosition) -> None:
    """Raise :class:`EngineError` unless the position is consistent."""
    if not isinstance(position, LoanPosition):
        raise EngineError("position", "expected a LoanPosition")
    previous = None
    for inst in position.installments:
        if previous is not None and inst.due_date < previous:
            raise EngineError("installments", "installments must be in due-date order")
        previous = inst.due_date
        _check_installment(inst)
    open_from = position.open_from
    if not 0 <= open_from <= len(position.installments):
        raise EngineError("open_from", "out of range")
    if not all(overdue.is_cleared(i) for i in position.installments[:open_from]):
        raise EngineError("open_from", "an installment before it is not cleared")


def is_settled(position: LoanPosition) -> bool:
    """The loan owes nothing: it has installments and every one is cleared
    (principal, interest, fees and charges paid, no pending product)."""
    installments = position.installments
    return bool(installments) and all(
        overdue.is_cleared(inst) for inst in installments[position.open_from :]
    )


def refresh_open_from(position: LoanPosition) -> LoanPosition:
    """The position with ``open_from`` moved past its leading cleared
    installments (for positions built or edited outside the engine)."""
    installments = position.installments
    index = position.open_from
    while index < len(installments) and overdue.is_cleared(installments[index]):
        index += 1
    if index == position.open_from:
        return position
    return replace(position, open_from=index)


def position_from_schedule(
    schedule,
    disbursement_date: date,
    annual_rate: Decimal,
    *,
    day_count: str = "ACT/360",
    penalty_terms: PenaltyTerms = DEFAULT_PENALTY_TERMS,
    fees: Iterable[Decimal] = (),
    decimals: int = 2,
    rounding: str = "half_up",
) -> LoanPosition:
    """A fresh position (nothing paid) for a :class:`schedule.Schedule`.

    ``fees`` optionally gives a fee per installment, in installment order.
    """
    fees = [to_decimal(f, "fees") for f in fees]
    for fee in fees:
        if fee < 0 or quantize(fee, decimals, rounding) != fee:
            raise EngineError("fees", "fees must be amounts of money >= 0")
    if fees and len(fees) != len(schedule.installments):
        raise EngineError("fees", "give one fee per installment")
    installments = []
    start = disbursement_date
    for index, inst in enumerate(schedule.installments):
        installments.append(
            InstallmentPosition(
                n=inst.n,
                due_date=inst.due_date,
                start_date=start,
                principal=inst.principal,
                interest=inst.interest,
                fee=fees[index] if fees else ZERO,
            )
        )
        start = inst.due_date
    position = LoanPosition(
        installments=tuple(installments),
        disbursement_date=disbursement_date,
        annual_rate=to_decimal(annual_rate, "annual_rate"),
        accrued_to=disbursement_date,
        day_count=day_count,
        penalty_terms=penalty_terms,
        decimals=decimals,
        rounding=rounding,
    )
    validate_position(position)
    return position


@dataclass(frozen=True)
class AllocationLine:
    """``amount`` of ``component`` of installment ``n`` paid from ``bucket``."""

    n: int
    due_date: date
    bucket: str
    component: str
    amount: Decimal


@dataclass(frozen=True)
class AllocationResult:
    """A payment split over the position. ``excess`` is what found nothing to pay."""

    payment_date: date
    amount: Decimal
    lines: tuple[AllocationLine, ...]
    excess: Decimal
    position: LoanPosition
    by_component: tuple[tuple[str, Decimal], ...] = ()

    def paid(self, component: str) -> Decimal:
        """Total allocated to ``component`` (principal, interest, fee...)."""
        return sum(
            (line.amount for line in self.lines if line.component == component),
            ZERO,
        )


def check_order(order) -> tuple[str, ...]:
    """Validate an allocation order: known buckets, each at most once."""
    order = tuple(order)
    unknown = [key for key in order if key not in BUCKETS]
    if unknown:
        raise EngineError(
            "order", code="unknown_bucket", params={"buckets": ", ".join(unknown)}
        )
    if len(set(order)) != len(order):
        raise EngineError("order", "a bucket appears twice")
    return order


def _check_money(amount, position, field_name):
    amount = to_decimal(amount, field_name)
    if amount < 0:
        raise EngineError(field_name, "must not be negative")
    if quantize(amount, position.decimals, position.rounding) != amount:
        raise EngineError(field_name, "has more decimals than the currency")
    return amount


def _classify(installments, on, start=0):
    """Indexes of overdue installments still open, and of the current one
    (or None). Cleared installments have nothing to allocate and are left out."""
    overdue_idx = []
    current = None
    is_cleared = overdue.is_cleared
    for index in range(start, len(installments)):
        inst = installments[index]
        if inst.due_date < on:
            if not is_cleared(inst):
                overdue_idx.append(index)
        elif inst.kind == SCHEDULED:
            current = index
            break
    return overdue_idx, current


def settle_to(position: LoanPosition, on: date) -> LoanPosition:
    """Accrue overdue products to ``on`` and charge those past grace."""
    return overdue.crystallize(overdue.accrue(position, on), on)


def allocate(
    position: LoanPosition,
    amount: Decimal,
    payment_date: date,
    order: Iterable[str] = DEFAULT_ORDER,
    *,
    by_installment: bool = False,
) -> AllocationResult:
    """Split ``amount`` paid on ``payment_date`` over the position.

    The position is first accrued to ``payment_date`` and its penalty and
    compound products charged (:func:`settle_to`). A payment dated before the
    position's ``accrued_to`` is refused: use :func:`replay` for back-dated
    payments.
    """
    if not isinstance(position, LoanPosition):
        raise EngineError("position", "expected a LoanPosition")
    order = check_order(order)
    amount = _check_money(amount, position, "amount")
    if payment_date < position.accrued_to:
        raise EngineError(
            "payment_date", "the position is already accrued beyond that date"
        )
    position = settle_to(position, payment_date)
    installments = list(position.installments)
    overdue_idx, current = _classify(installments, payment_date, position.open_from)
    due_idx = overdue_idx + ([current] if current is not None else [])
    # Only these installments are read or written; checking just them keeps a
    # payment on a long loan cheap (validate_position checks the whole loan).
    previous = None
    for index in due_idx:
        inst = installments[index]
        if previous is not None and inst.due_date < previous:
            raise EngineError("installments", "installments must be in due-date order")
        previous = inst.due_date
        _check_installment(inst)
    targets = {
        "due": due_idx,
        "overdue": overdue_idx,
        "current": [current] if current is not None else [],
    }
    if by_installment:
        plan = [
            (index, key)
            for index in due_idx
            for key in order
            if index in targets[BUCKETS[key][1]]
        ]
    else:
        plan = [(index, key) for key in order for index in targets[BUCKETS[key][1]]]
    remaining = amount
    lines = []
    by_component = dict.fromkeys(COMPONENTS, ZERO)
    for index, key in plan:
        if not remaining:
            break
        component = BUCKETS[key][0]
        inst = installments[index]
        open_amount = inst.outstanding(component)
        if open_amount <= 0:
            continue
        paid = min(open_amount, remaining)
        remaining -= paid
        installments[index] = overdue.evolve(
            inst, **{component + "_paid": getattr(inst, component + "_paid") + paid}
        )
        by_component[component] += paid
        lines.append(AllocationLine(inst.n, inst.due_date, key, component, paid))
    position = overdue.evolve(position, installments=tuple(installments))
    position = refresh_open_from(overdue.waive_within_grace(position, payment_date))
    return AllocationResult(
        payment_date=payment_date,
        amount=amount,
        lines=tuple(lines),
        excess=remaining,
        position=position,
        by_component=tuple(by_component.items()),
    )


@dataclass(frozen=True)
class PayoffQuote:
    """What closes the loan on ``on`` (docs/domain.md §1.0, 民法典 第677条)."""

    on: date
    principal: Decimal
    interest: Decimal
    penalty: Decimal
    compound: Decimal
    fees: Decimal
    prepayment_fee: Decimal
    total: Decimal


def current_period_interest(position: LoanPosition, on: date) -> Decimal:
    """Interest the current period owes if the loan is repaid on ``on``.

    The current period is that of the first scheduled installment due on or
    after ``on``. On its due date it owes its scheduled interest; before, the
    actual days since the period start on the principal not yet due (overdue
    principal earns penalty instead, docs/domain.md §2.1), at most its
    scheduled interest (民法典 第677条, docs/domain.md §1.0). What is already
    paid of that interest is deducted; 0 when no installment is current.
    """
    return _current_period_interest(position, position.installments, on)[0]


def _current_period_interest(position, installments, on):
    """Interest the current period owes on ``on``: its scheduled interest when
    ``on`` is its due date, else actual days since the period start on the
    principal not yet due (overdue principal earns penalty instead), at most
    the scheduled interest."""
    _, current = _classify(installments, on, position.open_from)
    if current is None:
        return ZERO, None
    inst = installments[current]
    if inst.due_date == on:
        return inst.interest - inst.interest_paid, current
    not_yet_due = sum(
        (i.principal - i.principal_paid for i in installments[current:]), ZERO
    )
    start = max(inst.start_date, position.disbursement_date)
    if on <= start:
        return ZERO, current
    accrued = quantize(
        interest_for_days(
            not_yet_due, position.annual_rate, start, on, position.day_count
        ),
        position.decimals,
        position.rounding,
    )
    # Paying early never costs more than the installment's scheduled interest
    # (a 30-day stretch at /360 would exceed a whole month at 1/12).
    accrued = min(accrued, inst.interest)
    return max(accrued - inst.interest_paid, ZERO), current


def payoff_quote(
    position: LoanPosition, on: date, prepayment_fee_rate: Decimal = ZERO
) -> PayoffQuote:
    """Amount to repay the whole loan on ``on``.

    Outstanding principal + overdue interest + the current period's interest
    (actual days since its start, capped at its scheduled interest; on its due
    date the scheduled interest) +
    penalty and compound (charged as if settled on ``on``) + fees of
    installments due on or before ``on`` + ``prepayment_fee_rate`` × the
    principal not yet due. Later interest and fees are not owed.
    """
    validate_position(position)
    rate = to_decimal(prepayment_fee_rate, "prepayment_fee_rate")
    if rate < 0:
        raise EngineError("prepayment_fee_rate", "must not be negative")
    position = settle_to(position, on)
    installments = position.installments
    principal = interest = penalty = compound = fees = not_due = ZERO
    current_interest, _ = _current_period_interest(position, installments, on)
    for inst in installments:
        principal += inst.principal - inst.principal_paid
        penalty += inst.penalty - inst.penalty_paid
        compound += inst.compound - inst.compound_paid
        if inst.due_date <= on:
            fees += inst.fee - inst.fee_paid
        if inst.due_date < on:
            interest += inst.interest - inst.interest_paid
        elif inst.due_date > on:
            not_due += inst.principal - inst.principal_paid
    # Products of installments still within grace are not charged: paying off
    # now clears them in time (crystallize left them pending).
    interest += current_interest
    prepayment_fee = quantize(not_due * rate, position.decimals, position.rounding)
    total = principal + interest + penalty + compound + fees + prepayment_fee
    return PayoffQuote(
        on=on,
        principal=principal,
        interest=interest,
        penalty=penalty,
        compound=compound,
        fees=fees,
        prepayment_fee=prepayment_fee,
        total=total,
    )


@dataclass(frozen=True)
class PrepaymentResult:
    """A partial prepayment: cash owed today and the re-amortized remainder."""

    payment_date: date
    principal: Decimal
    interest: Decimal
    fee: Decimal
    total: Decimal
    position: LoanPosition
    schedule: object  # schedule.Schedule of the remaining principal
    terms: object  # schedule.ScheduleTerms used for it


REDUCE_INSTALLMENT = "reduce_installment"
SHORTEN_TERM = "shorten_term"


def _regular_payment(remaining):
    """The regular installment of the remaining schedule (not the last, which
    absorbs rounding, nor a broken first one)."""
    if len(remaining) >= 3:
        return remaining[-2].principal + remaining[-2].interest
    return remaining[0].principal + remaining[0].interest


def _period_rate(terms):
    """Nominal rate per period used by the annuity formula (float, estimate only)."""
    rate = float(terms.annual_rate)
    if terms.frequency.unit == "month":
        return rate * terms.frequency.every / 12
    return rate * terms.frequency.every / YEAR_DAYS[terms.day_count]


def prepay(
    position: LoanPosition,
    terms,
    principal: Decimal,
    payment_date: date,
    mode: str = REDUCE_INSTALLMENT,
    fee_rate: Decimal = ZERO,
) -> PrepaymentResult:
    """Prepay ``principal`` on ``payment_date`` and re-amortize the rest.

    ``terms`` are the loan's :class:`schedule.ScheduleTerms`. Everything due on
    or before ``payment_date`` must be paid first. The borrower pays the
    interest accrued for the actual days of the current period on the
    principal not yet due (民法典 第677条), ``fee_rate`` × ``principal``, and the
    principal. The remaining principal is re-amortized by
    :func:`schedule.build_schedule` over the remaining due dates:

    * ``reduce_installment``: same number of installments, lower installment;
    * ``shorten_term``: same installment (annuity) or same principal per
      installment (equal principal), fewer installments.

    The prepayment appears in the new position as a settled installment of
    kind ``"prepayment"`` due on ``payment_date``.
    """
    from .schedule import build_schedule

    validate_position(position)
    if mode not in (REDUCE_INSTALLMENT, SHORTEN_TERM):
        raise EngineError("mode", "use reduce_installment or shorten_term")
    principal = _check_money(principal, position, "principal")
    if principal <= 0:
        raise EngineError("principal", "must be positive")
    fee_rate = to_decimal(fee_rate, "fee_rate")
    if fee_rate < 0:
        raise EngineError("fee_rate", "must not be negative")
    position = settle_to(position, payment_date)
    installments = position.installments
    first_future = None
    for index, inst in enumerate(installments):
        if inst.due_date <= payment_date:
            if not inst.is_cleared:
                raise EngineError(
                    "payment_date",
                    "pay everything due on or before the prepayment date first",
                )
        elif first_future is None:
            first_future = index
    if first_future is None:
        raise EngineError("payment_date", "no installment falls due after that date")
    remaining = [i for i in installments[first_future:] if i.kind == SCHEDULED]
    current = remaining[0]
    if any(getattr(i, c + "_paid") for i in remaining for c in COMPONENTS) or any(
        i.penalty_product or i.compound_product for i in remaining
    ):
        raise EngineError(
            "position", "installments not yet due must be unpaid to prepay"
        )
    outstanding = sum((i.principal for i in remaining), ZERO)
    if principal > outstanding:
        raise EngineError("principal", "exceeds the outstanding principal")
    interest, _ = _current_period_interest(position, installments, payment_date)
    fee = quantize(principal * fee_rate, position.decimals, position.rounding)
    left = outstanding - principal
    record = InstallmentPosition(
        n=current.n,
        due_date=payment_date,
        start_date=current.start_date,
        principal=principal,
        interest=interest,
        fee=fee,
        principal_paid=principal,
        interest_paid=interest,
        fee_paid=fee,
        kind=PREPAYMENT,
    )
    kept = list(installments[:first_future]) + [record]
    new_terms = None
    schedule = None
    if left:
        new_terms = _remaining_terms(
            terms, left, payment_date, current, remaining, mode, first_future
        )
        schedule = build_schedule(new_terms)
        start = payment_date
        for inst in schedule.installments:
            kept.append(
                InstallmentPosition(
                    n=current.n + inst.n - 1,
                    due_date=inst.due_date,
                    start_date=start,
                    principal=inst.principal,
                    interest=inst.interest,
                )
            )
            start = inst.due_date
    new_position = refresh_open_from(replace(position, installments=tuple(kept)))
    return PrepaymentResult(
        payment_date=payment_date,
        principal=principal,
        interest=interest,
        fee=fee,
        total=principal + interest + fee,
        position=new_position,
        schedule=schedule,
        terms=new_terms,
    )


@dataclass(frozen=True)
class PayoffSettlement:
    """How a payoff on ``on`` is booked (see :func:`settle_payoff`).

    ``allocation`` pays everything due by ``on`` (charges included);
    ``prepayment`` the principal not yet due with the current period's
    interest and the prepayment fee (``None`` when nothing is left to prepay).
    ``total`` is what the borrower pays, always ``quote.total``; ``position``
    is the loan afterwards (cleared).
    """

    on: date
    quote: PayoffQuote
    allocation: AllocationResult
    prepayment: PrepaymentResult | None
    total: Decimal
    position: LoanPosition


@dataclass(frozen=True)
class CreditUse:
    """The borrower's credit against an amount ``owed``: ``used`` of it pays
    first, the borrower pays ``due``."""

    owed: Decimal
    used: Decimal
    due: Decimal


def use_credit(owed: Decimal, credit: Decimal) -> CreditUse:
    """Apply the ``credit`` held for the borrower (money received and not
    allocated) to ``owed`` (a payoff or a prepayment): it pays first, up to
    what is owed.

    >>> use_credit(Decimal("8884.88"), Decimal("100.00"))
    CreditUse(owed=Decimal('8884.88'), used=Decimal('100.00'), due=Decimal('8784.88'))
    >>> use_credit(Decimal("50.00"), Decimal("100.00")).due
    Decimal('0.00')
    """
    owed = to_decimal(owed, "owed")
    used = min(to_decimal(credit, "credit"), owed)
    return CreditUse(owed=owed, used=used, due=owed - used)


def allocate_with_credit(
    position: LoanPosition,
    amount: Decimal,
    credit: Decimal,
    payment_date: date,
    order: Iterable[str] = DEFAULT_ORDER,
    *,
    by_installment: bool = False,
) -> AllocationResult:
    """:func:`allocate` the ``amount`` paid on ``payment_date`` together with
    the ``credit`` held for the borrower (money received and not allocated):
    the credit pays with it. The result's ``excess`` is the credit left
    afterwards; :func:`credit_added` is what the payment changes it by."""
    amount = to_decimal(amount, "amount")
    credit = to_decimal(credit, "credit")
    return allocate(
        position, amount + credit, payment_date, order, by_installment=by_installment
    )


def credit_added(result: AllocationResult, credit: Decimal) -> Decimal:
    """What an :func:`allocate_with_credit` ``result`` adds to the ``credit``
    held before it (negative when the credit paid part of the position).

    >>> from types import SimpleNamespace
    >>> credit_added(SimpleNamespace(excess=Decimal("30.00")), Decimal("100.00"))
    Decimal('-70.00')
    """
    return result.excess - to_decimal(credit, "credit")


def _due_by(position, on):
    """Outstanding charges of every installment, plus principal, interest and
    fee of those due on or before ``on``."""
    due = ZERO
    for inst in position.installments[position.open_from :]:
        due += inst.outstanding("penalty") + inst.outstanding("compound")
        if inst.due_date <= on:
            due += (
                inst.outstanding("principal")
                + inst.outstanding("interest")
                + inst.outstanding("fee")
            )
    return due


def _not_yet_due_principal(position, on):
    return sum(
        (
            inst.principal - inst.principal_paid
            for inst in position.installments
            if inst.due_date > on
        ),
        ZERO,
    )


def settle_payoff(
    position: LoanPosition,
    terms,
    on: date,
    order: Iterable[str] = DEFAULT_ORDER,
    *,
    by_installment: bool = False,
    prepayment_fee_rate: Decimal = ZERO,
) -> PayoffSettlement:
    """Repay the whole loan on ``on`` at its :func:`payoff_quote`.

    What is due by ``on`` (charges as settled on ``on``, then principal,
    interest and fees of the installments due on or before it) is allocated
    in ``order``; the principal not yet due is prepaid (:func:`prepay`, which
    charges the current period's interest for its actual days and
    ``prepayment_fee_rate`` × that principal). The two add up to the quote's
    total; a difference raises :class:`EngineError`.
    """
    quote = payoff_quote(position, on, prepayment_fee_rate)
    due_now = _due_by(settle_to(position, on), on)
    result = allocate(position, due_now, on, order, by_installment=by_installment)
    not_due = _not_yet_due_principal(result.position, on)
    prepaid = None
    if not_due:
        prepaid = prepay(
            result.position, terms, not_due, on, fee_rate=prepayment_fee_rate
        )
    total = due_now + (prepaid.total if prepaid else ZERO)
    if total != quote.total:
        raise EngineError("position", "the payoff does not match its quote")
    return PayoffSettlement(
        on=on,
        quote=quote,
        allocation=result,
        prepayment=prepaid,
        total=total,
        position=prepaid.position if prepaid else result.position,
    )


@dataclass(frozen=True)
class Tranche:
    """A further tranche disbursed on ``on`` (see :func:`tranche`).

    The installments from index ``first`` of the position (all due after
    ``on``) are replaced by ``schedule``, which re-amortizes the principal not
    yet due plus the tranche over the remaining due dates (``terms``).
    ``broken_interest`` is the interest the current period earned before
    ``on`` on the former principal: it is added to the first new installment.
    """

    on: date
    first: int
    broken_interest: Decimal
    schedule: object  # schedule.Schedule
    terms: object  # schedule.ScheduleTerms


def tranche(position: LoanPosition, terms, amount: Decimal, on: date) -> Tranche:
    """Disburse a further tranche of ``amount`` on ``on``.

    ``terms`` are the loan's :class:`schedule.ScheduleTerms`. Everything due
    on or before ``on`` must be cleared and the installments not yet due must
    be scheduled and unpaid. The principal not yet due plus ``amount`` is
    re-amortized from ``on`` to the last due date
    (:func:`microloan_engine.restructure.remaining_terms`); the current period
    keeps the interest of its days before ``on`` on the former principal
    (:func:`current_period_interest`).
    """
    from .restructure import remaining_terms
    from .schedule import build_schedule

    amount = _check_money(amount, position, "amount")
    if amount <= 0:
        raise EngineError("amount", "must be positive")
    position = settle_to(position, on)
    installments = position.installments
    later = [i for i, inst in enumerate(installments) if inst.due_date > on]
    if not later:
        raise EngineError("on", "no installment falls due after that date")
    first = later[0]
    if not all(inst.is_cleared for inst in installments[:first]):
        raise EngineError("on", "settle what is owed before a further tranche")
    remaining = installments[first:]
    if any(
        inst.kind != SCHEDULED
        or inst.principal_paid
        or inst.interest_paid
        or inst.fee_paid
        for inst in remaining
    ):
        raise EngineError(
            "position", "installments not yet due are already partly repaid"
        )
    not_due = sum((inst.principal for inst in remaining), ZERO)
    broken = current_period_interest(position, on)
    new_terms = remaining_terms(terms, not_due + amount, on, remaining[-1].due_date)
    return Tranche(
        on=on,
        first=first,
        broken_interest=broken,
        schedule=build_schedule(new_terms),
        terms=new_terms,
    )


def _anchor_day(terms):
    """Day of month the original due dates are anchored on."""
    if terms.frequency.unit != "month":
        return None
    if terms.repayment_day:
        return terms.repayment_day
    if terms.first_due_date is not None:
        return terms.first_due_date.day
    return terms.disbursement_date.day


def _remaining_terms(terms, left, payment_date, current, remaining, mode, elapsed):
    """ScheduleTerms for re-amortizing ``left`` from ``payment_date``."""
    from .schedule import build_schedule

    broken = payment_date != current.start_date
    count = len(remaining)
    base = replace(
        terms,
        principal=left,
        disbursement_date=payment_date,
        first_due_date=current.due_date,
        repayment_day=_anchor_day(terms),
        first_period="actual_days" if broken else "full",
        periods=count,
        grace_principal_periods=max(terms.grace_principal_periods - elapsed, 0),
        grace_interest_periods=max(terms.grace_interest_periods - elapsed, 0),
        interest_free_periods=max(terms.interest_free_periods - elapsed, 0),
    )
    if terms.method == "balloon" and terms.amortization_periods:
        base = replace(
            base, amortization_periods=max(terms.amortization_periods - elapsed, count)
        )
    if mode == REDUCE_INSTALLMENT:
        return base
    if terms.method == "annuity":
        payment = _regular_payment(remaining)
        i = _period_rate(terms)
        ratio = float(left) * i / float(payment) if payment else 1.0
        if i == 0:
            estimate = math.ceil(float(left) / float(payment))
        elif ratio >= 1:
            estimate = count
        else:
            estimate = math.ceil(-math.log(1 - ratio) / math.log(1 + i) - 1e-9)
        periods = min(max(estimate, 1), count)
        # The float estimate can be one off; settle it with the exact schedule.
        while periods > 1:
            shorter = build_schedule(replace(base, periods=periods - 1))
            if _regular_payment(shorter.installments) <= payment:
                periods -= 1
            else:
                break
        while periods < count:
            trial = build_schedule(replace(base, periods=periods))
            if _regular_payment(trial.installments) <= payment:
                break
            periods += 1
        return replace(base, periods=periods)
    if terms.method == "equal_principal":
        per_period = remaining[-2].principal if count >= 2 else remaining[0].principal
        periods = min(max(math.ceil(left / per_period), 1), count)
        # Rounding: 66,666.67 / 8,333.33 is a hair above 8, yet 8 equal parts
        # of 8,333.33 (the last absorbing 0.03) keep the principal per period.
        while (
            periods > 1
            and quantize(left / (periods - 1), terms.decimals, terms.rounding)
            <= per_period
        ):
            periods -= 1
        return replace(base, periods=periods)
    raise EngineError("mode", "shorten_term needs an annuity or equal-principal loan")


@dataclass(frozen=True)
class Payment:
    """A payment received on ``on``.

    ``sequence`` then ``amount`` then ``reference`` order same-day payments
    (see :func:`replay`); a ledger passes its posting order as ``sequence``.
    """

    on: date
    amount: Decimal
    reference: str = ""
    sequence: int = 0


@dataclass(frozen=True)
class Charge:
    """The charge (结息) of the pending penalty and compound products at the
    close of the day ``on`` (month end): the position is accrued through
    ``on`` and the products past grace become charges."""

    on: date
    sequence: int = 0


@dataclass(frozen=True)
class Refund:
    """``amount`` of the borrower's credit paid back on ``on``."""

    on: date
    amount: Decimal
    sequence: int = 0


@dataclass(frozen=True)
class ReplayStep:
    """One event of a replay: ``event`` (a :class:`Payment`, :class:`Charge`
    or :class:`Refund`, or ``None`` for held credit applied on a due date)
    took the loan from ``before`` to ``position``. ``allocation`` is set for
    payments and applied credit; ``credit_before``/``credit`` are the credit
    held before and after the step. The charges of a step are the increase of
    the installments' ``penalty``/``compound`` from ``before`` to
    ``position``."""

    on: date
    event: object
    before: LoanPosition
    position: LoanPosition
    allocation: AllocationResult | None
    credit_before: Decimal
    credit: Decimal


@dataclass(frozen=True)
class ReplayResult:
    """Position as of ``as_of`` after replaying the events in order.

    ``credit`` is money received and not allocated: with ``apply_credit`` it is
    held for the next payment (and, with ``credit_on_due_dates``, applied to
    the installments on their due dates); otherwise it is the sum of the
    payments' excesses. Refunds take from it. ``steps`` lists every event.
    """

    as_of: date
    position: LoanPosition
    allocations: tuple[AllocationResult, ...]
    credit: Decimal
    steps: tuple[ReplayStep, ...] = ()


# Same-day rank of each event (see replay).
_DUE_DATE, _PAYMENT, _CHARGE, _REFUND = range(4)


def _replay_agenda(position, events, as_of, credit_on_due_dates):
    """The events of :func:`replay` in replay order, as (key, event) pairs."""
    agenda = []
    for event in events:
        if isinstance(event, Payment):
            key = (
                event.on,
                _PAYMENT,
                event.sequence,
                to_decimal(event.amount),
                event.reference,
            )
        elif isinstance(event, Charge):
            key = (event.on, _CHARGE, event.sequence, ZERO, "")
        elif isinstance(event, Refund):
            key = (event.on, _REFUND, event.sequence, ZERO, "")
        else:
            raise EngineError("payments", "expected payments, charges or refunds")
        agenda.append((key, event))
    agenda.sort(key=lambda item: item[0])
    if agenda and agenda[-1][0][0] > as_of:
        raise EngineError("payments", "a payment is dated after the as-of date")
    if agenda and agenda[0][0][0] < position.accrued_to:
        raise EngineError("payments", "a payment is dated before the loan starts")
    if credit_on_due_dates:
        due_dates = {
            i.due_date
            for i in position.installments
            if position.accrued_to < i.due_date <= as_of
        }
        agenda += [((d, _DUE_DATE, 0, ZERO, ""), None) for d in due_dates]
        agenda.sort(key=lambda item: item[0])
    return agenda


def _replay_charge(position, on):
    """The close of the day ``on``: accrue through it, charge what is past grace."""
    horizon = max(on + timedelta(days=1), position.accrued_to)
    return overdue.crystallize(overdue.accrue(position, horizon), horizon)


def replay(
    start,
    payments: Iterable[Payment | Charge | Refund],
    as_of: date,
    order: Iterable[str] = DEFAULT_ORDER,
    *,
    by_installment: bool = False,
    apply_credit: bool = True,
    credit_on_due_dates: bool = True,
    credit: Decimal = ZERO,
    **position_options,
) -> ReplayResult:
    """Recompute penalties and allocations from ``start``, in a fixed order.

    ``start`` is a :class:`LoanPosition` (fresh, or a loan's position at a
    point where nothing is overdue), or a :class:`schedule.Schedule` together
    with the keyword arguments of :func:`position_from_schedule`
    (``disbursement_date``, ``annual_rate``...). ``payments`` are
    :class:`Payment`, :class:`Charge` and :class:`Refund` events; ``credit``
    is the borrower's credit held at the start.

    The order does not depend on the order the events are given in: by date,
    and on one date

    1. with ``apply_credit`` and ``credit_on_due_dates``, the held credit is
       applied to the installments falling due that day;
    2. the payments, by ``sequence``, then amount, then reference; each is
       allocated (:func:`allocate`, which first charges the penalty and
       compound due by then) with the held credit added when ``apply_credit``;
    3. the charges (:class:`Charge`: the day's close);
    4. the refunds, which take from the credit held.

    Events after ``as_of`` or before ``start``'s ``accrued_to`` are refused.
    The position is accrued to ``as_of`` (or beyond, when a charge closed a
    later day). A ledger replaying back-dated payments passes its posting
    order as ``sequence``, ``credit_on_due_dates=False`` (credit waits for the
    next payment) and posts each step's charges and allocation.
    """
    order = check_order(order)
    if isinstance(start, LoanPosition):
        if position_options:
            raise EngineError("start", "options only apply when replaying a schedule")
        position = start
    else:
        position = position_from_schedule(start, **position_options)
    credit = to_decimal(credit, "credit")
    agenda = _replay_agenda(
        position, payments, as_of, apply_credit and credit_on_due_dates
    )
    steps = []
    for (on, rank, *_rest), event in agenda:
        before, held = position, credit
        result = None
        if rank == _CHARGE:
            position = _replay_charge(position, on)
        elif rank == _REFUND:
            credit -= _check_money(event.amount, position, "amount")
        elif rank == _DUE_DATE and credit <= 0:
            continue
        else:
            amount = (
                ZERO
                if event is None
                else _check_money(event.amount, position, "amount")
            )
            if apply_credit:
                amount += held
            result = allocate(
                position, amount, on, order, by_installment=by_installment
            )
            credit = result.excess if apply_credit else credit + result.excess
            position = result.position
        steps.append(ReplayStep(on, event, before, position, result, held, credit))
    position = overdue.accrue(position, max(as_of, position.accrued_to))
    return ReplayResult(
        as_of=as_of,
        position=position,
        allocations=tuple(s.allocation for s in steps if s.allocation),
        credit=credit,
        steps=tuple(steps),
    )
