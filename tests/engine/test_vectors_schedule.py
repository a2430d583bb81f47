"""Schedule vectors of ``data/public_vectors.json`` reproduced to the cent.

Conventions (data/README.md):

- Fineract (``fineract-e2e-*``): HALF_EVEN to 2 decimals, "installment in multiples
  of 1" rounds the level installment of annuity and flat loans (not the principal
  of equal-principal loans), interest per period is balance × rate / 12 whatever
  the month's length (interest basis "period"), flat interest is P × rate × term.
- OCA account_loan (``oca-*``): period rate = annual / 12 ("napr"); "real" is already
  a period rate; "ear" is converted to the equivalent nominal rate. The payment is
  rounded to the currency; "begin" is an annuity-due.
- Chinese examples (``cn-*``): monthly rate = annual / 12, half-up; the pages'
  totals come from unrounded amounts (the unrounded payment × n for 等额本息, the
  unrounded interest of each period for 等额本金), so those are checked from the
  engine's unrounded payment and the schedule's balances, and the rounded schedule
  is checked to stay within half a cent per period of them.

Every expected key of every vector is checked or listed in ``NOT_CHECKED_KEYS`` with
the reason; every schedule vector in the file must be listed here.
"""

from datetime import date
from decimal import Decimal

import pytest

from microloan_engine import Frequency, ScheduleTerms, build_schedule, quantize
from microloan_engine.schedule import annuity_payment

D = Decimal
SCHEDULE_PREFIXES = ("fineract-e2e-", "oca-", "cn-")

SCHEDULE_VECTOR_IDS = {
    "fineract-e2e-RS01-flat-5000-12pct-18m": "flat, multiples of 1, every row",
    "fineract-e2e-RS02-annuity-5000-12pct-18m": "annuity, multiples of 1, every row",
    "fineract-e2e-RS04-equal-principal-5000-12pct-18m": "equal principal, every row",
    "fineract-e2e-flat-1250-15pct-4m": "flat, HALF_EVEN tie 15.625 -> 15.62",
    "fineract-e2e-annuity-1250-15pct-4m": "annuity, HALF_EVEN tie, last 323.33",
    "oca-fixed-annuity-10000-1pct-24m": "payment 421.02 and re-amortization at 2%",
    "oca-fixed-annuity-begin-10000-1pct-24m": "annuity-due payment 420.67",
    "oca-fixed-principal-24000-1pct-24m": "equal principal 1,000.00",
    "oca-interest-only-bullet-10000-10m": "interest only, principal at the end",
    "cn-630k-30y-4.9pct-annuity": "等额本息 payment and totals",
    "cn-630k-30y-4.9pct-equal-principal": "等额本金 first payment, decrease, totals",
    "cn-300k-30y-4.9pct-annuity": "等额本息 payment and totals",
    "cn-1m-30y-4.9pct-annuity": "等额本息 payment",
}
UNSUPPORTED_SCHEDULE_VECTORS = {}
NOT_CHECKED_KEYS = {
    "first_payment_formula": "the formula's value is the vector's first_payment",
}

METHODS = {
    "flat": "flat",
    "annuity": "annuity",
    "annuity_in_advance": "annuity",
    "equal_principal": "equal_principal",
    "interest_only_bullet": "interest_only",
}
ROUNDINGS = {"HALF_EVEN": "half_even", "HALF_UP": "half_up"}
# Vectors without a date check no date; any start date gives the same amounts.
DEFAULT_START = date(2025, 1, 1)


def _annual_rate(inputs):
    rate = D(str(inputs["annual_rate_pct"])) / 100
    rate_type = inputs.get("rate_type", "napr")
    if rate_type.startswith("real"):
        return rate * 12  # a monthly rate given as is
    if rate_type == "ear":
        monthly = (1 + rate) ** (D(1) / 12) - 1
        return quantize(monthly * 12, 12)
    assert rate_type == "napr", rate_type
    return rate


def terms_for(vector):
    """ScheduleTerms expressing a vector's inputs."""
    inputs = vector["inputs"]
    assert inputs.get("frequency", "monthly") == "monthly"
    multiple = inputs.get("installment_in_multiples_of")
    start = inputs.get("disbursement_date")
    first_due = inputs.get("first_due_date")
    return ScheduleTerms(
        principal=D(str(inputs["principal"])),
        annual_rate=_annual_rate(inputs),
        periods=inputs["term_periods"],
        disbursement_date=date.fromisoformat(start) if start else DEFAULT_START,
        first_due_date=date.fromisoformat(first_due) if first_due else None,
        method=METHODS[vector["method"]],
        frequency=Frequency.from_spec("monthly"),
        rounding=ROUNDINGS[inputs.get("rounding", "HALF_UP")],
        decimals=inputs.get("currency_decimals", 2),
        installment_multiple=D(str(multiple)) if multiple else D("0.01"),
        payment_timing=inputs.get("payment_timing", "end"),
        interest_basis="period",
        day_count="ACT/ACT"
        if "ACTUAL/ACTUAL" in inputs.get("day_count", "")
        else "ACT/360",
    )


def money(value):
    return quantize(D(str(value)))


def _check_rows(schedule, expected):
    assert len(schedule.installments) == len(expected["schedule"])
    for item, row in zip(schedule.installments, expected["schedule"], strict=True):
        assert (
            item.n,
            item.due_date.isoformat(),
            item.days,
            item.principal,
            item.interest,
            item.total,
            item.balance,
        ) == (
            row["n"],
            row["due_date"],
            row["days"],
            money(row["principal"]),
            money(row["interest"]),
            money(row["total_due"]),
            money(row["balance_after"]),
        ), f"installment {row['n']}"
    totals = expected["totals"]
    assert schedule.total_principal == money(totals["principal"])
    assert schedule.total_interest == money(totals["interest"])
    assert schedule.total_payment == money(totals["total_due"])
    assert totals["fees"] == totals["penalties"] == 0


def _independent_pmt(principal, rate, periods):
    """numpy-financial's pmt for a loan, in floats (not the engine's code)."""
    return principal * rate / (1 - (1 + rate) ** -periods)


def _check(vector, schedule, terms):
    expected = vector["expected"]
    items = schedule.installments
    n = len(items)
    checked = set()
    if "schedule" in expected:
        _check_rows(schedule, expected)
        checked |= {"schedule", "totals"}
    for key in ("first_payment", "monthly_payment"):
        if key in expected:
            assert items[0].total == money(expected[key])
            if key == "monthly_payment":
                assert {i.total for i in items[:-1]} == {money(expected[key])}
            checked.add(key)
    if "line1_principal" in expected:
        assert items[0].principal == money(expected["line1_principal"])
        checked.add("line1_principal")
    if "line1_long_term_principal" in expected:
        # OCA's long-term part of line 1 is the principal due 12 lines later.
        assert items[12].principal == money(expected["line1_long_term_principal"])
        checked.add("line1_long_term_principal")
    if "last_line_principal" in expected:
        assert items[-1].principal == money(expected["last_line_principal"])
        checked.add("last_line_principal")
    if "after_all_posted" in expected:
        assert schedule.total_payment - schedule.total_interest == terms.principal
        assert items[-1].balance == 0
        checked.add("after_all_posted")
    if "after_rate_change_to_2pct_line2_formula" in expected:
        pending = items[0].balance
        rest = build_schedule(
            ScheduleTerms(
                principal=pending,
                annual_rate=D("0.02"),
                periods=n - 1,
                disbursement_date=items[0].due_date,
            )
        )
        payment = _independent_pmt(float(pending), 0.02 / 12, n - 1)
        assert rest.installments[0].total == money(round(payment, 2))
        checked.add("after_rate_change_to_2pct_line2_formula")
    if "monthly_decrease" in expected:
        assert items[0].total - items[1].total == money(expected["monthly_decrease"])
        checked.add("monthly_decrease")
    if "total_interest" in expected or "total_repayment" in expected:
        rate = terms.annual_rate / 12
        if terms.method == "annuity":
            unrounded = annuity_payment(terms.principal, rate, n) * n - terms.principal
        else:
            unrounded = sum(
                (i.balance + i.principal) * rate for i in items
            )  # balance before each installment × monthly rate
        tolerance = D("0.005") * n
        if "total_interest" in expected:
            assert quantize(unrounded) == money(expected["total_interest"])
            assert abs(schedule.total_interest - unrounded) <= tolerance
            checked.add("total_interest")
        if "total_repayment" in expected:
            assert quantize(unrounded + terms.principal) == money(
                expected["total_repayment"]
            )
            assert (
                abs(schedule.total_payment - unrounded - terms.principal) <= tolerance
            )
            checked.add("total_repayment")
    return checked


def test_every_schedule_vector_is_listed(public_vectors):
    in_file = {vid for vid in public_vectors if vid.startswith(SCHEDULE_PREFIXES)}
    listed = set(SCHEDULE_VECTOR_IDS) | set(UNSUPPORTED_SCHEDULE_VECTORS)
    assert in_file == listed
    assert not set(SCHEDULE_VECTOR_IDS) & set(UNSUPPORTED_SCHEDULE_VECTORS)


@pytest.mark.parametrize("vector_id", sorted(SCHEDULE_VECTOR_IDS))
def test_schedule_vector(public_vectors, vector_id):
    vector = public_vectors[vector_id]
    terms = terms_for(vector)
    schedule = build_schedule(terms)
    checked = _check(vector, schedule, terms)
    unchecked = set(vector["expected"]) - checked - set(NOT_CHECKED_KEYS)
    assert not unchecked, f"expected values not checked: {sorted(unchecked)}"
    assert checked, "nothing checked"
    assert sum(i.principal for i in schedule.installments) == terms.principal
    assert schedule.installments[-1].balance == 0
