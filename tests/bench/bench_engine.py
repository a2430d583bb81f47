"""Benchmarks of the engine's hot paths; prints best and median (not a timed test).

Run: ``taskset -c 0 python3 tests/bench/bench_engine.py`` (one core; without
``taskset`` the process may migrate between cores).

* a 360-period annuity schedule (goal ≤ 1 ms, best of the batches);
* allocation of one repayment on a 360-period loan;
* one loan-day of overdue processing (accrual + DPD + penalty recognition +
  five-tier classification), projected to 100,000 loans (goal < 30 s on one
  core);
* the loan-day close of a 360-period loan against a 12-period one in the same
  state (goal: no dearer than 1.5 ×), with ``open_from`` kept and at 0.

The figures need CPython's C ``decimal`` (``_decimal``, libmpdec): with the pure
Python fallback ``_pydecimal`` the 360-period schedule takes about 3.4 ms instead
of 0.43 ms on the same core, which the first line says.

Goals are checked on the best batch: on a busy machine the other processes
only ever add time, so the fastest of many batches is the figure of an idle
core; the median shows how busy the machine was (the load average is printed).
"""

import decimal
import os
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
REPEAT = 40
TERMS = ScheduleTerms(
    principal=D("1000000"),
    annual_rate=D("0.0435"),
    periods=360,
    disbursement_date=date(2025, 1, 10),
)


def timings(func, repeat=REPEAT, number=None):
    """``(best, median)`` time of one call of ``func`` over ``repeat`` batches of
    ``number`` calls (by default enough calls for a batch of 20 ms)."""
    if number is None:
        number = 1
        while True:
            start = time.perf_counter()
            for _ in range(number):
                func()
            if time.perf_counter() - start > 0.02:
                break
            number *= 2
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        samples.append((time.perf_counter() - start) / number)
    return min(samples), statistics.median(samples)


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


def _positions(periods, mid):
    """A performing and an overdue position of a ``periods``-period loan, both
    around installment ``mid``, and the nights to close them."""
    terms = replace(TERMS, periods=periods)
    schedule = build_schedule(terms)
    position = position_from_schedule(
        schedule, terms.disbursement_date, terms.annual_rate
    )
    due = position.installments[mid].due_date
    quiet = due - timedelta(days=5)
    performing = replace(paid_through(position, mid), accrued_to=quiet)
    # Installments mid-1 and mid unpaid, 71 and 40 days past due, with their
    # penalty and compound products accrued: settlement touches both.
    late = due + timedelta(days=40)
    unpaid = paid_through(position, mid - 1)
    overdue = accrue(
        replace(unpaid, accrued_to=unpaid.installments[mid - 1].due_date), late
    )
    return position, performing, quiet, overdue, late


def main():
    results = []
    best, median = timings(lambda: build_schedule(TERMS))
    results.append(("360-period annuity schedule", best, median, 1e-3))

    mid = 180
    position, current, quiet, overdue, late = _positions(360, mid)
    due = position.installments[mid].due_date
    payment = position.installments[mid].principal + position.installments[mid].interest
    performing = replace(paid_through(position, mid), accrued_to=due)
    best, median = timings(lambda: allocate(performing, payment, due))
    results.append(("allocate one repayment, 360-period loan", best, median, None))
    best, median = timings(lambda: allocate(overdue, payment * 2, late))
    results.append(("allocate, 2 installments overdue", best, median, None))

    t_perf = timings(lambda: loan_day(current, quiet))
    results.append(("loan-day close, performing loan", *t_perf, None))
    t_over = timings(lambda: loan_day(overdue, late))
    results.append(("loan-day close, 2 installments overdue", *t_over, None))

    # Sanity: the benchmarked close really accrues something.
    _, closed, tier = loan_day(overdue, late)
    assert closed.days_past_due > 0 and closed.penalty_accrued > 0, closed
    assert tier == "special_mention", tier

    # The same states on a 12-period loan (installments 6 and 7), and the 360-period
    # ones with open_from at 0 (a position built without refresh_open_from).
    _, current12, quiet12, overdue12, late12 = _positions(12, 6)
    ratios = []
    for label, long_case, short_case in (
        ("performing", (current, quiet), (current12, quiet12)),
        ("overdue", (overdue, late), (overdue12, late12)),
        (
            "performing, open_from 0",
            (replace(current, open_from=0), quiet),
            (replace(current12, open_from=0), quiet12),
        ),
        (
            "overdue, open_from 0",
            (replace(overdue, open_from=0), late),
            (replace(overdue12, open_from=0), late12),
        ),
    ):
        long_best = timings(lambda c=long_case: loan_day(*c))[0]
        short_best = timings(lambda c=short_case: loan_day(*c))[0]
        ratios.append((label, long_best, short_best))

    width = max(len(name) for name, *_ in results) + 2
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    print(
        f"{REPEAT} batches per figure; cores {cores or '?'}; load average {load:.2f}"
        + ("" if len(cores) == 1 else "  (pin with: taskset -c 0 ...)")
    )
    if "_decimal" in sys.modules:
        print(f"decimal: C (libmpdec {decimal.__libmpdec_version__})")
    else:
        print(
            "decimal: pure Python _pydecimal, about 8 × slower: "
            "use a CPython with _decimal"
        )
    for name, best, median, goal in results:
        flag = ""
        if goal is not None:
            verdict = "ok" if best <= goal else "MISSED"
            flag = f"  (goal ≤ {goal * 1e3:.0f} ms best: {verdict})"
        print(
            f"{name:<{width}}  best {best * 1e6:9.1f} µs  "
            f"median {median * 1e6:9.1f} µs{flag}"
        )
    worst = max(t_perf[0], t_over[0])
    projected = worst * LOANS
    print(
        f"{'projection: 100,000 loan-days (worst, best)':<{width}}  "
        f"{projected:9.2f} s  (goal < 30 s: {'ok' if projected < 30 else 'MISSED'})"
    )
    label_width = len("loan-day close 360 vs 12, ") + max(len(r[0]) for r in ratios)
    for label, long_best, short_best in ratios:
        ratio = long_best / short_best
        if "open_from 0" in label:
            # Not a goal: shows what a caller that drops open_from pays.
            flag = "(info: walks the paid history)"
        else:
            flag = f"(goal ≤ 1.5 ×: {'ok' if ratio <= 1.5 else 'MISSED'})"
        print(
            f"{'loan-day close 360 vs 12, ' + label:<{label_width}}  "
            f"{long_best * 1e6:7.1f} vs {short_best * 1e6:5.1f} µs  "
            f"× {ratio:4.2f}  {flag}"
        )


if __name__ == "__main__":
    main()
