"""Days past due, penalty interest (罚息) and compound interest (复利).

Rules (docs/domain.md §2):

* Day 1 past due is the day after the due date. The DPD of a loan is the DPD of
  its oldest installment with principal or interest unpaid.
* Penalty interest runs on overdue **principal** at the penalty rate (contract
  rate × ``multiplier``, 1.5 by default) from the due date until paid.
* Compound interest runs on overdue **scheduled interest** at the penalty rate
  (or its own rate), and can be switched off.
* Within ``grace_days`` after the due date nothing is charged; once the grace
  is over, penalty and compound run from the original due date.
* Daily rate = annual rate / ``day_basis`` (360 by default).

No double charge: the interest of installment k is computed on the scheduled
balance B(k-1), which already excludes the principal of earlier installments.
Once installment j is overdue its principal C(j) is no longer part of any later
scheduled balance, so it earns penalty interest only, never contract interest
for the same days. After maturity the whole unpaid principal is overdue
principal of the last installments and earns penalty interest.

Incremental accrual: each installment carries the accumulated products (积数)
of overdue principal × days and overdue interest × days that are not yet
charged. :func:`accrue` adds to them in O(overdue installments), however many
days pass, because balances only change at payments. The product becomes a
rounded charge only when it is settled (:func:`crystallize`, done before every
allocation) so ten days of penalty cost the same whether accrued nightly or in
one go: 7,884.88 × 18%/360 × 10 = 39.42.

>>> from decimal import Decimal as D
>>> penalty_interest(D("7884.88"), D("0.12"), 10)
Decimal('39.42')
>>> compound_interest(D("1000.00"), D("0.12"), 30)
Decimal('15.00')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .errors import EngineError
from .money import quantize, to_decimal

ZERO = Decimal("0")
DEFAULT_MULTIPLIER = Decimal("1.5")


@dataclass(frozen=True)
class PenaltyTerms:
    """Overdue charging rules of a loan.

    ``penalty_rate`` overrides ``contract rate × multiplier`` when given;
    ``compound_rate`` defaults to the penalty rate.
    """

    multiplier: Decimal = DEFAULT_MULTIPLIER
    penalty_rate: Decimal | None = None
    compound: bool = True
    compound_rate: Decimal | None = None
    grace_days: int = 0
    day_basis: int = 360
    decimals: int = 2
    rounding: str = "half_up"

    def __post_init__(self):
        for name in ("multiplier", "penalty_rate", "compound_rate"):
            value = getattr(self, name)
            if value is None:
                continue
            value = to_decimal(value)
            if value < 0:
                raise EngineError(name, "must not be negative")
            object.__setattr__(self, name, value)
        if not isinstance(self.grace_days, int) or self.grace_days < 0:
            raise EngineError("grace_days", "must be a whole number of days >= 0")
        if self.day_basis not in (360, 364, 365, 366):
            raise EngineError("day_basis", "must be 360, 364, 365 or 366")

    def annual_penalty_rate(self, annual_rate: Decimal) -> Decimal:
        if self.penalty_rate is not None:
            return self.penalty_rate
        return annual_rate * self.multiplier

    def annual_compound_rate(self, annual_rate: Decimal) -> Decimal:
        if self.compound_rate is not None:
            return self.compound_rate
        return self.annual_penalty_rate(annual_rate)


DEFAULT_PENALTY_TERMS = PenaltyTerms()

# Days in the year of the daily penalty rate for each interest day count
# (docs/domain.md §2.1: annual penalty rate / 360 by default): the year of
# the loan's own day count; ACT/365 and ACT/ACT use 365.
PENALTY_DAY_BASIS = {
    "ACT/360": 360,
    "30/360": 360,
    "ACT/364": 364,
    "ACT/365": 365,
    "ACT/ACT": 365,
}


def penalty_day_basis(day_count: str) -> int:
    """The :attr:`PenaltyTerms.day_basis` of a loan with ``day_count`` (365
    for a day count not in :data:`PENALTY_DAY_BASIS`)."""
    return PENALTY_DAY_BASIS.get(day_count, 365)


def days_past_due(due_date: date, as_of: date) -> int:
    """DPD of one unpaid installment: 0 on the due date, 1 the day after."""
    return max((as_of - due_date).days, 0)


def penalty_interest(
    overdue_principal: Decimal,
    annual_rate: Decimal,
    days: int,
    terms: PenaltyTerms = DEFAULT_PENALTY_TERMS,
) -> Decimal:
    """Penalty on ``overdue_principal`` for ``days`` days, rounded to money.

    ``annual_rate`` is the contract rate; ``days`` within the grace period
    cost nothing, past it every day from the due date counts.
    """
    if days <= terms.grace_days:
        return quantize(ZERO, terms.decimals, terms.rounding)
    rate = terms.annual_penalty_rate(to_decimal(annual_rate))
    amount = to_decimal(overdue_principal) * days * rate / terms.day_basis
    return quantize(amount, terms.decimals, terms.rounding)


def compound_interest(
    overdue_interest: Decimal,
    annual_rate: Decimal,
    days: int,
    terms: PenaltyTerms = DEFAULT_PENALTY_TERMS,
) -> Decimal:
    """Compound interest on unpaid ``overdue_interest`` for ``days`` days."""
    if not terms.compound or days <= terms.grace_days:
        return quantize(ZERO, terms.decimals, terms.rounding)
    rate = terms.annual_compound_rate(to_decimal(annual_rate))
    amount = to_decimal(overdue_interest) * days * rate / terms.day_basis
    return quantize(amount, terms.decimals, terms.rounding)


# --- operations on a loan position (microloan_engine.allocation.LoanPosition) ---
# They only read the fields listed in LoanPosition / InstallmentPosition and
# build new values with :func:`evolve`, so this module does not import
# allocation (which imports it). Installments before ``position.open_from`` are
# cleared and never change, so every loop starts there: a nightly close of a
# loan late in its life does not walk its paid history.


def evolve(obj, **changes):
    """``dataclasses.replace`` for the position dataclasses, without its
    per-call field introspection (they have no ``__post_init__``): the
    nightly close builds a few of these per loan, and ``replace`` was most
    of its cost."""
    new = object.__new__(type(obj))
    values = obj.__dict__.copy()
    values.update(changes)
    object.__setattr__(new, "__dict__", values)
    return new


def is_cleared(inst) -> bool:
    """Nothing owed on the installment, and no pending overdue product."""
    return (
        inst.principal_paid == inst.principal
        and inst.interest_paid == inst.interest
        and inst.fee_paid == inst.fee
        and inst.penalty_paid == inst.penalty
        and inst.compound_paid == inst.compound
        and not inst.penalty_product
        and not inst.compound_product
    )


def loan_days_past_due(position, as_of: date) -> int:
    """DPD of the loan: that of the oldest installment with principal or interest
    unpaid and due before ``as_of``; 0 when nothing is overdue."""
    installments = position.installments
    for index in range(position.open_from, len(installments)):
        inst = installments[index]
        if inst.due_date >= as_of:
            return 0
        if inst.principal_paid < inst.principal or inst.interest_paid < inst.interest:
            return (as_of - inst.due_date).days
    return 0


def accrue(position, to: date):
    """Accrue penalty and compound products for every day before ``to``.

    Returns a new position with ``accrued_to == to``. ``to`` earlier than the
    position's ``accrued_to`` is refused: back-dated events go through
    :func:`microloan_engine.allocation.replay`.
    """
    start = position.accrued_to
    if to == start:
        return position
    if to < start:
        raise EngineError("to", "the position is already accrued beyond that date")
    compound_on = position.penalty_terms.compound
    installments = position.installments
    changed = None
    for index in range(position.open_from, len(installments)):
        inst = installments[index]
        due = inst.due_date
        if due >= to:
            break
        principal_out = inst.principal - inst.principal_paid
        interest_out = inst.interest - inst.interest_paid if compound_on else ZERO
        if not principal_out and not interest_out:
            continue
        days = (to - (due if due > start else start)).days
        if changed is None:
            changed = list(installments)
        changed[index] = evolve(
            inst,
            penalty_product=inst.penalty_product + principal_out * days,
            compound_product=inst.compound_product + interest_out * days,
        )
    return evolve(
        position,
        installments=installments if changed is None else tuple(changed),
        accrued_to=to,
    )


def _charges(position, inst):
    """Unrounded penalty and compound amounts of an installment's pending products."""
    terms = position.penalty_terms
    rate = position.annual_rate
    penalty = inst.penalty_product * terms.annual_penalty_rate(rate) / terms.day_basis
    compound = (
        inst.compound_product * terms.annual_compound_rate(rate) / terms.day_basis
    )
    return penalty, compound


def crystallize(position, on: date):
    """Turn pending products into rounded penalty/compound charges.

    Only installments past their grace on ``on`` are charged; products of
    installments still within grace stay pending (they are waived if the
    installment is cleared in time, see :func:`waive_within_grace`).
    """
    terms = position.penalty_terms
    grace = terms.grace_days
    changed = None
    installments = position.installments
    for index in range(position.open_from, len(installments)):
        inst = installments[index]
        if inst.due_date >= on:
            break
        if not inst.penalty_product and not inst.compound_product:
            continue
        if (on - inst.due_date).days <= grace:
            continue
        penalty, compound = _charges(position, inst)
        if changed is None:
            changed = list(position.installments)
        changed[index] = evolve(
            inst,
            penalty=inst.penalty + quantize(penalty, terms.decimals, terms.rounding),
            compound=inst.compound + quantize(compound, terms.decimals, terms.rounding),
            penalty_product=ZERO,
            compound_product=ZERO,
        )
    if changed is None:
        return position
    return evolve(position, installments=tuple(changed))


def waive_within_grace(position, on: date):
    """Drop pending products of installments cleared within their grace days."""
    grace = position.penalty_terms.grace_days
    changed = None
    installments = position.installments
    for index in range(position.open_from, len(installments)):
        inst = installments[index]
        if inst.due_date >= on:
            break
        if not inst.penalty_product and not inst.compound_product:
            continue
        if (on - inst.due_date).days > grace:
            continue
        if inst.principal_paid < inst.principal or inst.interest_paid < inst.interest:
            continue
        if changed is None:
            changed = list(position.installments)
        changed[index] = evolve(inst, penalty_product=ZERO, compound_product=ZERO)
    if changed is None:
        return position
    return evolve(position, installments=tuple(changed))


@dataclass(frozen=True)
class OverdueStatus:
    """Overdue picture of a loan at the start of ``as_of`` (after accrual).

    ``penalty`` and ``compound`` are the amounts owed if settled on
    ``as_of``: charged and unpaid, plus pending products past grace, rounded.
    """

    as_of: date
    days_past_due: int
    overdue_principal: Decimal
    overdue_interest: Decimal
    penalty: Decimal
    compound: Decimal
    overdue_installments: int


def overdue_status(position, as_of: date) -> OverdueStatus:
    """Accrue to ``as_of`` and summarize what is overdue (read-only)."""
    position = accrue(position, as_of)
    terms = position.penalty_terms
    grace = terms.grace_days
    dpd = 0
    principal = interest = penalty = compound = ZERO
    count = 0
    for inst in position.installments[position.open_from :]:
        penalty += inst.penalty - inst.penalty_paid
        compound += inst.compound - inst.compound_paid
        if inst.due_date >= as_of:
            continue
        p_out = inst.principal - inst.principal_paid
        i_out = inst.interest - inst.interest_paid
        if p_out or i_out:
            count += 1
            principal += p_out
            interest += i_out
            if not dpd:
                dpd = (as_of - inst.due_date).days
        if (inst.penalty_product or inst.compound_product) and (
            as_of - inst.due_date
        ).days > grace:
            pending_penalty, pending_compound = _charges(position, inst)
            penalty += quantize(pending_penalty, terms.decimals, terms.rounding)
            compound += quantize(pending_compound, terms.decimals, terms.rounding)
    return OverdueStatus(
        as_of=as_of,
        days_past_due=dpd,
        overdue_principal=principal,
        overdue_interest=interest,
        penalty=penalty,
        compound=compound,
        overdue_installments=count,
    )


@dataclass(frozen=True)
class DayClose:
    """Result of closing one business day for a loan."""

    day: date
    days_past_due: int
    penalty_accrued: Decimal
    compound_accrued: Decimal


def _recognized(position, inst, as_of):
    """Penalty and compound recognized for an installment as of ``as_of``."""
    terms = position.penalty_terms
    penalty, compound = inst.penalty, inst.compound
    if (inst.penalty_product or inst.compound_product) and (
        as_of - inst.due_date
    ).days > terms.grace_days:
        pending_penalty, pending_compound = _charges(position, inst)
        penalty += quantize(pending_penalty, terms.decimals, terms.rounding)
        compound += quantize(pending_compound, terms.decimals, terms.rounding)
    return penalty, compound


@dataclass(frozen=True)
class ChargeAccrual:
    """Penalty and compound recognized from ``start`` to ``end`` (exclusive)."""

    start: date
    end: date
    penalty: Decimal
    compound: Decimal


def accrue_charges(position, to: date):
    """Accrue from the position's ``accrued_to`` to ``to``.

    Returns ``(position, ChargeAccrual)``. The amounts are the increase of the
    recognized (rounded) charges, ready for an accrual entry; consecutive
    calls add up to the recognized total, so nothing drifts. Cost is
    proportional to the overdue installments, not to the days elapsed.
    """
    before = position
    after = accrue(position, to)
    penalty_delta = compound_delta = ZERO
    if after is not before:
        old_list, new_list = before.installments, after.installments
        for index in range(before.open_from, len(new_list)):
            old, new = old_list[index], new_list[index]
            if new.due_date >= to:
                break
            if old is new:
                continue
            old_p, old_c = _recognized(before, old, before.accrued_to)
            new_p, new_c = _recognized(after, new, to)
            penalty_delta += new_p - old_p
            compound_delta += new_c - old_c
    return after, ChargeAccrual(
        start=before.accrued_to,
        end=to,
        penalty=penalty_delta,
        compound=compound_delta,
    )


def close_day(position, day: date):
    """Nightly close of ``day``: accrue through it, return (position, DayClose).

    ``days_past_due`` is the loan's DPD on ``day``; the penalty includes ``day``
    itself, so a payment the next morning owes exactly what was accrued.
    ``penalty_accrued``/``compound_accrued`` are as in :func:`accrue_charges`.
    """
    after, charges = accrue_charges(position, day + timedelta(days=1))
    return after, DayClose(
        day=day,
        days_past_due=loan_days_past_due(after, day),
        penalty_accrued=charges.penalty,
        compound_accrued=charges.compound,
    )
