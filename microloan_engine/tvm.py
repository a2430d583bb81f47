"""Time value of money in Decimal, with spreadsheet / numpy-financial semantics.

Sign convention: money paid out is negative, money received is positive; a loan of
``pv=10000`` gives a negative ``pmt``. ``when`` is ``"end"`` (ordinary annuity, the
default) or ``"begin"`` (annuity-due); ``0`` and ``1`` are accepted too.

Every function computes in a local decimal context of 34 significant digits and
returns an unrounded ``Decimal``: rounding money is the caller's business
(``microloan_engine.money.quantize``). Input errors raise ``EngineError`` naming the
argument at fault.

Rate solvers (``rate``, ``irr``, ``xirr`` and the APR functions in
``microloan_engine.apr``) share one root finder: the discounted sum is bracketed on
(-1, +inf), then polished with Newton steps that fall back to bisection whenever a
step leaves the bracket or converges too slowly. Flows with one sign change have
exactly one root; with several sign changes the root closest to the guess is
returned (for ``irr`` numpy-financial's guess, inflows / outflows - 1).
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import (
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

from .errors import EngineError
from .money import to_decimal

PRECISION = 34
RATE_TOLERANCE = Decimal("1e-30")
_MAX_ITERATIONS = 400
_ZERO = Decimal(0)
_ONE = Decimal(1)


def decimal_context():
    """Return a context manager for the engine's rate arithmetic (34 digits)."""
    return localcontext(
        Context(
            prec=PRECISION,
            Emax=999_999,
            Emin=-999_999,
            traps=[InvalidOperation, DivisionByZero, Overflow],
        )
    )


@dataclass(frozen=True)
class CashFlow:
    """One dated cash flow; the sign says its direction."""

    date: date
    amount: Decimal


def number(value, field):
    """Return ``value`` as a finite Decimal or raise EngineError for ``field``."""
    return to_decimal(value, field)


def _when(when):
    if when in ("end", 0):
        return 0
    if when in ("begin", 1):
        return 1
    raise EngineError("when", "must be 'end' or 'begin'")


def _rate_arg(rate, field="rate"):
    rate = number(rate, field)
    if rate <= -1:
        raise EngineError(field, "must be greater than -1")
    return rate


def _annuity_factor(rate, nper, when):
    """Return the factor F with pv*(1+r)^n + pmt*F + fv = 0 (the TVM identity)."""
    if rate == 0:
        return nper
    return (1 + rate * when) * ((1 + rate) ** nper - 1) / rate


def _future_value(rate, nper, payment, present, w):
    return -(present * (1 + rate) ** nper + payment * _annuity_factor(rate, nper, w))


def fv(rate, nper, pmt, pv, when="end"):
    """Future value after ``nper`` periods (numpy-financial ``fv``)."""
    w = _when(when)
    with decimal_context():
        rate, nper = _rate_arg(rate), number(nper, "nper")
        pmt, pv = number(pmt, "pmt"), number(pv, "pv")
        return +_future_value(rate, nper, pmt, pv, w)


def pmt(rate, nper, pv, fv=0, when="end"):
    """Level payment per period (numpy-financial ``pmt``, spreadsheet PMT)."""
    w = _when(when)
    with decimal_context():
        rate, nper = _rate_arg(rate), number(nper, "nper")
        pv, fv = number(pv, "pv"), number(fv, "fv")
        if nper == 0:
            raise EngineError("nper", "must not be zero")
        return +(-(fv + pv * (1 + rate) ** nper) / _annuity_factor(rate, nper, w))


def pv(rate, nper, pmt, fv=0, when="end"):
    """Present value (numpy-financial ``pv``, spreadsheet PV)."""
    w = _when(when)
    with decimal_context():
        rate, nper = _rate_arg(rate), number(nper, "nper")
        pmt, fv = number(pmt, "pmt"), number(fv, "fv")
        return +(-(fv + pmt * _annuity_factor(rate, nper, w)) / (1 + rate) ** nper)


def nper(rate, pmt, pv, fv=0, when="end"):
    """Number of periods (numpy-financial ``nper``, spreadsheet NPER)."""
    w = _when(when)
    with decimal_context():
        rate = _rate_arg(rate)
        pmt, pv, fv = number(pmt, "pmt"), number(pv, "pv"), number(fv, "fv")
        if rate == 0:
            if pmt == 0:
                raise EngineError("pmt", "must not be zero when rate is zero")
            return +(-(fv + pv) / pmt)
        z = pmt * (1 + rate * w) / rate
        if pv + z == 0:
            raise EngineError("pv", "no number of periods solves these values")
        ratio = (z - fv) / (pv + z)
        if ratio <= 0:
            raise EngineError("pmt", "no number of periods solves these values")
        return +(ratio.ln() / (1 + rate).ln())


def _check_per(per, nper):
    if isinstance(per, bool) or not isinstance(per, int):
        raise EngineError("per", "must be a whole period number")
    if not 1 <= per <= nper:
        raise EngineError("per", "must lie between 1 and nper")


def ipmt(rate, per, nper, pv, fv=0, when="end"):
    """Interest part of payment ``per`` (numpy-financial ``ipmt``, IPMT).

    ``per`` outside 1..nper raises EngineError (numpy-financial returns NaN).
    """
    w = _when(when)
    _check_per(per, nper)
    with decimal_context():
        rate = _rate_arg(rate)
        total = pmt(rate, nper, pv, fv, when)
        if w == 1 and per == 1:
            return _ZERO
        balance = _future_value(rate, per - 1, total, number(pv, "pv"), w)
        interest = balance * rate
        if w == 1:
            interest = interest / (1 + rate)
        return +interest


def ppmt(rate, per, nper, pv, fv=0, when="end"):
    """Principal part of payment ``per`` (numpy-financial ``ppmt``, PPMT)."""
    with decimal_context():
        return +(pmt(rate, nper, pv, fv, when) - ipmt(rate, per, nper, pv, fv, when))


def cumipmt(rate, nper, pv, start_period, end_period, when="end"):
    """Interest paid from ``start_period`` to ``end_period`` inclusive (CUMIPMT)."""
    _check_per(start_period, nper)
    _check_per(end_period, nper)
    if end_period < start_period:
        raise EngineError("end_period", "must not precede start_period")
    with decimal_context():
        total = _ZERO
        for per in range(start_period, end_period + 1):
            total += ipmt(rate, per, nper, pv, 0, when)
        return +total


def cumprinc(rate, nper, pv, start_period, end_period, when="end"):
    """Principal repaid from ``start_period`` to ``end_period`` inclusive (CUMPRINC)."""
    _check_per(start_period, nper)
    _check_per(end_period, nper)
    if end_period < start_period:
        raise EngineError("end_period", "must not precede start_period")
    with decimal_context():
        total = _ZERO
        for per in range(start_period, end_period + 1):
            total += ppmt(rate, per, nper, pv, 0, when)
        return +total


def effect(nominal_rate, npery):
    """Effective annual rate of ``nominal_rate`` compounded ``npery`` times (EFFECT)."""
    with decimal_context():
        nominal_rate = number(nominal_rate, "nominal_rate")
        npery = number(npery, "npery")
        if npery <= 0:
            raise EngineError("npery", "must be positive")
        if nominal_rate / npery <= -1:
            raise EngineError("nominal_rate", "divided by npery must exceed -1")
        return +((1 + nominal_rate / npery) ** npery - 1)


def nominal(effect_rate, npery):
    """Nominal annual rate compounded ``npery`` times giving ``effect_rate``."""
    with decimal_context():
        effect_rate = number(effect_rate, "effect_rate")
        npery = number(npery, "npery")
        if npery <= 0:
            raise EngineError("npery", "must be positive")
        if effect_rate <= -1:
            raise EngineError("effect_rate", "must exceed -1")
        return +(npery * ((1 + effect_rate) ** (1 / npery) - 1))


def npv(rate, values):
    """Net present value, first value at t = 0 (numpy-financial ``npv``).

    Spreadsheet NPV discounts its first value one period: ``npv(r, [0, *values])``.
    """
    with decimal_context():
        rate = _rate_arg(rate)
        amounts = [number(v, "values") for v in values]
        factor = 1 / (1 + rate)
        total, discount = _ZERO, _ONE
        for amount in amounts:
            total += amount * discount
            discount *= factor
        return +total


# --- rate solving -------------------------------------------------------------


def _sign(x):
    return (x > 0) - (x < 0)


class _DiscountedSum:
    """f(r) = sum a_k (1+r)^-t_k over flows sorted by time, with f'(r)."""

    def __init__(self, times, amounts):
        merged = {}
        for t, a in zip(times, amounts, strict=True):
            merged[t] = merged.get(t, _ZERO) + a
        flows = sorted((t, a) for t, a in merged.items() if a != 0)
        self.times = [t for t, _ in flows]
        self.amounts = [a for _, a in flows]
        self.integral = all(t == t.to_integral_value() for t in self.times)
        signs = [_sign(a) for a in self.amounts]
        self.sign_changes = sum(
            1 for x, y in zip(signs, signs[1:], strict=False) if x != y
        )
        # As r -> +inf the earliest flow dominates, as r -> -1 the latest does.
        self.sign_high = signs[0] if signs else 0
        self.sign_low = signs[-1] if signs else 0

    def __call__(self, r):
        base = 1 + r
        value = slope = _ZERO
        if self.integral:
            v = 1 / base
            previous, discount = _ZERO, _ONE
            for t, a in zip(self.times, self.amounts, strict=True):
                discount *= v ** int(t - previous)
                previous = t
                value += a * discount
                slope -= t * a * discount
        else:
            log_base = base.ln()
            for t, a in zip(self.times, self.amounts, strict=True):
                discount = (-t * log_base).exp()
                value += a * discount
                slope -= t * a * discount
        return value, slope / base

    def float_sign(self, u):
        """Sign of f at r = e^u - 1, computed in floats without overflow."""
        exponents = [-u * float(t) for t in self.times]
        top = max(exponents)
        total = math.fsum(
            float(a) * math.exp(e - top)
            for a, e in zip(self.amounts, exponents, strict=True)
        )
        return _sign(total)


def _polish(fdf, lo, hi, f_lo, start, field):
    """Safeguarded Newton (rtsafe) on a bracket [lo, hi] with f(lo), f(hi) apart."""
    x = start if lo < start < hi else (lo + hi) / 2
    step_before = hi - lo
    for _ in range(_MAX_ITERATIONS):
        f, df = fdf(x)
        if f == 0:
            return x
        if _sign(f) == _sign(f_lo):
            lo, f_lo = x, f
        else:
            hi = x
        newton = x - f / df if df != 0 else None
        if (
            newton is not None
            and lo < newton < hi
            and abs(2 * f) < abs(step_before * df)
        ):
            step_before, x_new = abs(newton - x), newton
        else:
            x_new = (lo + hi) / 2
            step_before = abs(x_new - x)
        scale = RATE_TOLERANCE * max(_ONE, abs(x_new))
        if abs(x_new - x) <= scale or hi - lo <= scale:
            return x_new
        x = x_new
    raise EngineError(field, "the rate did not converge")


def _bracket_from_guess(fdf, guess, sign_high, field):
    """Bracket the single root of a function positive-or-negative at r -> -1 / +inf."""
    f_guess, _ = fdf(guess)
    if f_guess == 0:
        return guess, guess, f_guess
    if _sign(f_guess) == sign_high:
        hi, lo = guess, None
        for k in range(1, 40):
            candidate = -1 + (1 + guess) * Decimal(10) ** -k
            f_c, _ = fdf(candidate)
            if _sign(f_c) != sign_high:
                lo, f_lo = candidate, f_c
                break
            hi = candidate
    else:
        lo, f_lo, hi = guess, f_guess, None
        for k in range(1, 12):
            candidate = (1 + guess) * Decimal(10) ** k - 1
            f_c, _ = fdf(candidate)
            if _sign(f_c) == sign_high:
                hi = candidate
                break
            lo, f_lo = candidate, f_c
    if lo is None or hi is None:
        raise EngineError(field, "no rate in (-100%, +1e11%) solves these cash flows")
    return lo, hi, f_lo


def find_rate(fdf, guess, sign_high, field):
    """Root of ``fdf`` (returning value and slope) on (-1, +inf) with one sign change.

    ``sign_high`` is the sign of the function for large rates; the opposite sign
    must hold near -1. Used by the APR methods whose equation is not a plain
    discounted sum.
    """
    with decimal_context():
        lo, hi, f_lo = _bracket_from_guess(fdf, guess, sign_high, field)
        if lo == hi:
            return +lo
        return +_polish(fdf, lo, hi, f_lo, guess, field)


def solve_discount_rate(times, amounts, guess=Decimal("0.1"), field="values"):
    """Return r > -1 with sum amounts_k * (1+r)^-times_k = 0.

    ``times`` are non-negative Decimals (whole numbers use exact integer powers).
    With several sign changes the root closest to ``guess`` is returned.
    Raises EngineError(field) when the flows have no sign change or no root.
    """
    with decimal_context():
        fdf = _DiscountedSum(times, amounts)
        if fdf.sign_changes == 0:
            raise EngineError(field, "need both an outflow and an inflow")
        guess = _rate_arg(guess, "guess")
        if fdf.sign_changes == 1:
            return find_rate(fdf, guess, fdf.sign_high, field)
        roots = []
        for lo_u, hi_u in _nearest_float_brackets(fdf, guess):
            lo = Decimal(repr(math.expm1(lo_u)))
            hi = Decimal(repr(math.expm1(hi_u)))
            f_lo, _ = fdf(lo)
            f_hi, _ = fdf(hi)
            if f_lo == 0:
                roots.append(lo)
            elif f_hi == 0:
                roots.append(hi)
            elif _sign(f_lo) != _sign(f_hi):
                roots.append(_polish(fdf, lo, hi, f_lo, (lo + hi) / 2, field))
        if not roots:
            raise EngineError(field, "no rate solves these cash flows")
        return +min(roots, key=lambda r: (abs(r - guess), r))


def _nearest_float_brackets(fdf, guess, u_low=-30.0, u_high=14.0, step=0.005):
    """Grid intervals of u = ln(1+r) holding the roots nearest ``guess``.

    Walks the grid outwards from the guess on both sides; the first sign change on
    a side brackets that side's nearest root, and a side stops once it is farther
    from the guess than a bracket already found. Two roots within one grid step
    (0.5% of 1+r) may be missed.
    """
    r_guess = float(guess)
    u_guess = min(max(math.log1p(r_guess), u_low), u_high)
    start_sign = fdf.float_sign(u_guess)
    if start_sign == 0:
        return [(u_guess - step, u_guess + step)]
    sides = {+1: [u_guess, start_sign, True], -1: [u_guess, start_sign, True]}
    brackets = []
    k = 0
    while any(alive for _, _, alive in sides.values()):
        k += 1
        for direction, state in sides.items():
            previous_u, previous_sign, alive = state
            if not alive:
                continue
            u = u_guess + direction * k * step
            if not u_low <= u <= u_high:
                state[2] = False
                continue
            current = fdf.float_sign(u)
            if current != 0 and previous_sign != 0 and current != previous_sign:
                brackets.append(tuple(sorted((previous_u, u))))
                state[2] = False
            elif current != 0 or previous_sign == 0:
                state[0], state[1] = u, current
        if brackets:
            reach = min(
                max(abs(math.expm1(a) - r_guess), abs(math.expm1(b) - r_guess))
                for a, b in brackets
            )
            for direction, state in sides.items():
                u = u_guess + direction * k * step
                if abs(math.expm1(u) - r_guess) > reach:
                    state[2] = False
    return brackets


def irr(values, guess=None):
    """Per-period IRR of evenly spaced flows, the first at t = 0 (numpy-financial).

    With several sign changes the root closest to ``guess`` is returned; without a
    guess, numpy-financial's heuristic ``inflows / outflows - 1`` is used.
    """
    with decimal_context():
        amounts = [number(v, "values") for v in values]
        if guess is None:
            inflow = sum((a for a in amounts if a > 0), _ZERO)
            outflow = -sum((a for a in amounts if a < 0), _ZERO)
            guess = inflow / outflow - 1 if inflow and outflow else Decimal("0.1")
        times = [Decimal(t) for t in range(len(amounts))]
        return solve_discount_rate(times, amounts, number(guess, "guess"), "values")


def rate(nper, pmt, pv, fv=0, when="end", guess=Decimal("0.1")):
    """Rate per period solving the TVM identity (spreadsheet RATE, numpy-financial).

    ``nper`` must be a whole number of periods.
    """
    w = _when(when)
    with decimal_context():
        n = number(nper, "nper")
        if n != n.to_integral_value() or n < 1:
            raise EngineError("nper", "must be a whole number of periods")
        n = int(n)
        payment, present, future = (
            number(pmt, "pmt"),
            number(pv, "pv"),
            number(fv, "fv"),
        )
        times = [Decimal(t) for t in range(n + 1)]
        amounts = [_ZERO] * (n + 1)
        amounts[0] += present
        for t in range(n):
            amounts[t + 1 - w] += payment
        amounts[n] += future
        return solve_discount_rate(times, amounts, number(guess, "guess"), "pmt")


def _dated(flows, field):
    result = []
    for item in flows:
        if isinstance(item, CashFlow):
            when, amount = item.date, item.amount
        else:
            when, amount = item
        if not isinstance(when, date):
            raise EngineError(field, "every cash flow needs a date")
        result.append((when, number(amount, field)))
    if not result:
        raise EngineError(field, "no cash flows")
    return result


def xnpv(rate, flows, day_basis=365):
    """Present value at the earliest date of dated flows, t = days / day_basis."""
    with decimal_context():
        rate = _rate_arg(rate)
        dated = _dated(flows, "flows")
        origin = min(d for d, _ in dated)
        basis = number(day_basis, "day_basis")
        times = [Decimal((d - origin).days) / basis for d, _ in dated]
        value, _ = _DiscountedSum(times, [a for _, a in dated])(rate)
        return +value


def xirr(flows, guess=Decimal("0.1"), day_basis=365):
    """Annual effective rate of dated flows, t = days / day_basis (spreadsheet XIRR)."""
    with decimal_context():
        dated = _dated(flows, "flows")
        origin = min(d for d, _ in dated)
        basis = number(day_basis, "day_basis")
        times = [Decimal((d - origin).days) / basis for d, _ in dated]
        return solve_discount_rate(
            times, [a for _, a in dated], number(guess, "guess"), "flows"
        )
