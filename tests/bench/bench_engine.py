"""Benchmarks of the engine's hot paths; prints medians (not a timed test).

Run: ``python3 tests/bench/bench_engine.py``

* a 360-period annuity schedule (goal ≤ 1 ms);
* allocation of one repayment on a 360-period loan;
* one loan-day of overdue processing (accrual + DPD + penalty recognition +
  five-tier classification), projected to 100,000 loans (goal < 30 s on one
  core).
"""

import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from microloan_engine.allocation import (  # noqa: E402
    allocate,
    position_from_schedule,
    refresh_open_from,
)
from microloan_engine.classification import PRESETS, classify_dpd  # noqa: E402
from microloan_engine.overdue import accrue, close_day  # noqa: E402
from microloan_engine.schedule import ScheduleTerms, build_schedule  # noqa: E402

D = Decimal
LOANS = 100_000
TERMS = ScheduleTerms(
    principal=D("1000000"),
    annual_rate=D("0.0435"),
    periods=360,
    disbursement_date=date(2025, 1, 10),
)


def median_seconds(func, repeat=15, number=None):
    """Median time of one call of ``func`` over ``repeat`` batches."""
    if number is None:
        number = 1
        while True:
            start = time.perf_counter()
            for _ in range(number):
                func()
            if time.perf_counter() - start > 0.05:
                break
            number *= 2
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def paid_through(position, count):
    """The position with its first ``count`` installments fully paid."""
    installments = tuple(
        replace(
            inst,
            principal_paid=inst.principal,
            interest_paid=inst.interest,
            fee_paid=inst.fee,
        )
        if index < count
        else inst
        for index, inst in enumerate(position.installments)
    )
    return refresh_open_from(replace(position, installments=installments))


def loan_day(position, day, rules=PRESETS["2023"]):
    """What the nightly close does for one loan."""
    position, closed = close_day(position, day)
    tier = classify_dpd(closed.days_past_due, rules)
    return position, closed, tier


def main():
    schedule = build_schedule(TERMS)
    position = position_from_schedule(
        schedule, TERMS.disbursement_date, TERMS.annual_rate
    )
    mid = 180
    due = position.installments[mid].due_date
    payment = position.installments[mid].principal + position.installments[mid].interest

    results = []
    t = median_seconds(lambda: build_schedule(TERMS))
    results.append(("360-period annuity schedule", t, 1e-3))

    performing = replace(paid_through(position, mid), accrued_to=due)
    t = median_seconds(lambda: allocate(performing, payment, due))
    results.append(("allocate one repayment, 360-period loan", t, None))

    # Installments 180 and 181 unpaid, 71 and 40 days past due, with their
    # penalty and compound products accrued: settlement touches both.
    late = due + timedelta(days=40)
    unpaid = paid_through(position, mid - 1)
    overdue = accrue(
        replace(unpaid, accrued_to=unpaid.installments[mid - 1].due_date), late
    )
    t = median_seconds(lambda: allocate(overdue, payment * 2, late))
    results.append(("allocate, 2 installments overdue", t, None))

    # Performing: installment 181 falls due in 5 days.
    quiet = due - timedelta(days=5)
    current = replace(paid_through(position, mid), accrued_to=quiet)
    t_perf = median_seconds(lambda: loan_day(current, quiet))
    results.append(("loan-day close, performing loan", t_perf, None))
    night = late
    t_over = median_seconds(lambda: loan_day(overdue, night))
    results.append(("loan-day close, 2 installments overdue", t_over, None))

    # Sanity: the benchmarked close really accrues something.
    _, closed, tier = loan_day(overdue, night)
    assert closed.days_past_due > 0 and closed.penalty_accrued > 0, closed
    assert tier == "special_mention", tier

    width = max(len(name) for name, _, _ in results)
    for name, seconds, goal in results:
        flag = ""
        if goal is not None:
            verdict = "ok" if seconds <= goal else "MISSED"
            flag = f"  (goal ≤ {goal * 1e3:.0f} ms: {verdict})"
        print(f"{name:<{width}}  median {seconds * 1e6:9.1f} µs{flag}")
    worst = max(t_perf, t_over)
    projected = worst * LOANS
    print(
        f"{'projection: 100,000 loan-days (worst case)':<{width}}  "
        f"{projected:9.2f} s  (goal < 30 s: {'ok' if projected < 30 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
