"""Benchmark of the month-end interest accrual and provisioning (not a test).

Run on a database where ``microloan_accounting`` is installed:

    python3 tests/bench/bench_month_end.py -d DB \\
        --addons-path=/opt/odoo18/odoo/addons,addons [--loans 10000] [--runs 3]

The first run creates its own data in the database and commits it: a branch
"Month-End Bench" in yuan with the Chinese chart of accounts (``l10n_cn``'s)
and its default loan accounts, and 10,000 active loans created in batches
(100,000 at 12% over 12 months, disbursed over the months before the month
end; one in ten is classified special mention, one in fifty substandard). The
schedules are built by the engine at creation; the loans are then marked
active directly (the accrual reads the installments, not the disbursement
transaction). Later runs reuse it.

Each measured run posts the month-end accrual and provisioning of the branch
(``microloan.loan._run_month_end``), is timed with its flush (wall clock,
and the CPU time of this process: Odoo's Python without PostgreSQL), counts the
journal entries and lines it created and its queries, runs it a second time
(which must post nothing), and is rolled back. It prints the medians. A first
run, rolled back and printed apart, warms the process up as a server's worker
is.
"""

import statistics
import time
from datetime import date, timedelta

from bench_data import argument_parser, create_branch, create_loans, open_registry

from odoo import SUPERUSER_ID, api

BRANCH_NAME = "Month-End Bench"


def parse_args():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--month-end", default="2025-12-31")
    return parser.parse_args()


def get_branch(env):
    return env["res.company"].search([("name", "=", BRANCH_NAME)], limit=1)


def create_data(env, count, month_end):
    """Create the bench branch with its books, a product, borrowers and
    ``count`` active loans."""
    branch, product, borrowers = create_branch(
        env, BRANCH_NAME, "MEBENCH", "11010519810202", accounting=True
    )

    def classify(loans):
        loans.filtered(lambda loan: loan.id % 10 == 3).write(
            {"risk_tier": "special_mention"}
        )
        loans.filtered(lambda loan: loan.id % 50 == 7).write(
            {"risk_tier": "substandard"}
        )

    create_loans(
        env,
        product,
        borrowers,
        count,
        lambda index: month_end - timedelta(days=1 + index % 300),
        after_batch=classify,
    )
    return branch


def count_entries(env, branch):
    moves = env["account.move"].search_count([("company_id", "=", branch.id)])
    lines = env["account.move.line"].search_count([("company_id", "=", branch.id)])
    return moves, lines


def measure(env, branch, day):
    """Post the month end ``day`` of ``branch`` once, then again; return
    (seconds, entries, lines, seconds of the repeat, entries of the repeat,
    queries, CPU seconds of this process)."""
    env.flush_all()
    env.invalidate_all()
    moves_before, lines_before = count_entries(env, branch)
    queries = env.cr.sql_log_count
    started = time.perf_counter()
    cpu = time.process_time()
    env["microloan.loan"]._run_month_end(day, branch)
    env.flush_all()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    queries = env.cr.sql_log_count - queries
    moves_after, lines_after = count_entries(env, branch)
    env.invalidate_all()
    started = time.perf_counter()
    repeat = env["microloan.loan"]._run_month_end(day, branch)
    env.flush_all()
    repeat_elapsed = time.perf_counter() - started
    env.cr.rollback()
    env.invalidate_all()
    return (
        elapsed,
        moves_after - moves_before,
        lines_after - lines_before,
        repeat_elapsed,
        len(repeat),
        queries,
        cpu,
    )


def main():
    args = parse_args()
    registry = open_registry(args)
    month_end = date.fromisoformat(args.month_end)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True}
        )
        branch = get_branch(env)
        if not branch:
            print(f"Creating {args.loans} loans...")
            branch = create_data(env, args.loans, month_end)
        loans = env["microloan.loan"].search_count(
            [("company_id", "=", branch.id), ("state", "=", "active")]
        )
        # A first run warms the process up as a server's worker is (Odoo
        # builds its field trigger trees at the first journal items it
        # creates: about a second); it is printed, not counted.
        cold = measure(env, branch, month_end)[0]
        results = [measure(env, branch, month_end) for _run in range(args.runs)]
        elapsed = statistics.median(r[0] for r in results)
        repeat = statistics.median(r[3] for r in results)
        _elapsed, moves, lines, _repeat, repeat_moves, queries, _cpu = results[0]
        cpu = statistics.median(r[6] for r in results)
        print(
            f"month end {month_end}: {loans} active loans; accrual and "
            f"provisioning median of {args.runs}: {elapsed:.2f} s "
            f"({loans / elapsed:.0f} loans/s; CPU of this process {cpu:.2f} s, "
            f"{loans / cpu:.0f} loans/s); created {moves} journal entries "
            f"and {lines} journal items; a second run for the same month: "
            f"{repeat:.2f} s, {repeat_moves} entries; {queries} queries "
            f"({queries / loans:.3f} per loan); the first run of the process "
            f"(cold caches, not counted): {cold:.2f} s"
        )


if __name__ == "__main__":
    main()
