"""Benchmark of the daily close over active loans; prints medians (not a test).

Run on a database where ``microloan_base`` is installed:

    python3 tests/bench/bench_daily_close.py -d DB \\
        --addons-path=/opt/odoo18/odoo/addons,addons [--loans 10000] [--runs 3]

The first run creates its own data in the database and commits it: a branch
with 10,000 active loans created in batches (100,000 at 12% over 12 months).
One loan in ten (``--overdue-every``) has missed its installments since its
first due date, 30 to 270 days before the ordinary day (``--overdue-days``);
the others were disbursed within the last month and pay on their due dates (a
repayment is posted for every installment due up to the ordinary day). The
schedules are built by the engine at creation; the loans are then marked
active directly (the daily close reads the installments, not the
disbursement transaction) and closed up to the day before the ordinary day.
Later runs reuse the data; each setting of ``--overdue-every`` and
``--overdue-days`` has its own branch.

Each measured run closes one business day for the branch, is timed with its
flush (wall clock, and the CPU time of this process: Odoo's Python without
PostgreSQL, which a machine shared with other work inflates far less), counts
the SQL queries (``cr.sql_log_count``) and is rolled back. It
prints loans per second and queries per loan (goal: 500 loans/s on one
worker), for an ordinary day and the month-end day after it (penalty and
compound interest charged: the day before it is closed first, untimed).
``--overdue-every 1 --overdue-days 1-60`` is the stress case: every loan is
overdue and still accrues, so every loan gets its month-end charges.

With ``microloan_accounting`` installed, ``--accounting`` gives the bench
branch (when the first run creates it) the Chinese chart of accounts
(``l10n_cn``'s, in yuan like the loans: a Chinese branch's figures) and the
default loan accounts, so that the month-end charges are booked (one journal
entry per branch, product and date, an item per charge). ``--term`` sets the
term of the loans (12 months by default): the cost of a loan's close must not
depend on it. Each setting has its own branch.
"""

import statistics
import time
from datetime import date, timedelta

from bench_data import argument_parser, create_branch, create_loans, open_registry

from odoo import SUPERUSER_ID, api


def parse_args():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--day", default="2025-12-30", help="ordinary day closed")
    parser.add_argument("--month-end", default="2025-12-31")
    parser.add_argument(
        "--overdue-every",
        type=int,
        default=10,
        help="one loan in N has missed its installments (1: all of them)",
    )
    parser.add_argument(
        "--overdue-days",
        default="30-270",
        help="range of days the overdue loans are past their first due date",
    )
    parser.add_argument(
        "--term",
        type=int,
        default=12,
        help="term of the loans in months (the close's cost must not depend on it)",
    )
    parser.add_argument(
        "--accounting",
        action="store_true",
        help="book the bench branch's transactions (needs microloan_accounting)",
    )
    return parser.parse_args()


def branch_name(overdue_every, overdue_days, term=12, accounting=False):
    low, high = overdue_days
    name = f"Bench Branch (1 in {overdue_every} overdue {low}-{high} days"
    if term != 12:
        name += f", {term} months"
    if accounting:
        name += ", books"
    return name + ")"


def get_branch(env, overdue_every, overdue_days, term=12, accounting=False):
    return env["res.company"].search(
        [("name", "=", branch_name(overdue_every, overdue_days, term, accounting))],
        limit=1,
    )


def create_data(
    env, count, close_day, overdue_every, overdue_days, accounting=False, term=12
):
    """Create the bench branch, its product, borrowers and ``count`` loans;
    post the repayments of the installments due up to ``close_day`` of the
    loans that pay on time."""
    branch, product, borrowers = create_branch(
        env,
        branch_name(overdue_every, overdue_days, term, accounting),
        "B%d" % env["res.company"].search_count([]),
        "11010519800101",
        accounting,
        term_max=max(term, 36),
    )

    def disbursement_date(index):
        # Most disbursed within the last month (paying on time), one in
        # ``overdue_every`` overdue since its first due date (a month after
        # its disbursement).
        if index % overdue_every == overdue_every - 1:
            low, high = overdue_days
            age = 30 + low + (index // overdue_every) % (high - low)
        else:
            age = 1 + (index // overdue_every) % 30
        return close_day - timedelta(days=age)

    create_loans(env, product, borrowers, count, disbursement_date, term=term)
    installments = env["microloan.loan.installment"].search(
        [
            ("loan_id.company_id", "=", branch.id),
            ("loan_id.disbursement_date", ">", close_day - timedelta(days=31)),
            ("due_date", "<=", close_day),
        ],
        order="due_date, id",
    )
    for installment in installments:
        installment.loan_id.register_repayment(installment.amount, installment.due_date)
    env.flush_all()
    env.cr.commit()
    print(f"  {len(installments)} installments paid on their due dates")
    return branch


def measure(env, branch, day, first_day):
    """Close ``day`` for ``branch`` once, after the days from ``first_day``
    (untimed); return (seconds, queries, loans, closed, charges, overdue, CPU
    seconds of this process)."""
    loans = env["microloan.loan"].search_count(
        [("company_id", "=", branch.id), ("state", "=", "active")]
    )
    branch.microloan_closed_date = first_day - timedelta(days=1)
    if first_day < day:
        env["microloan.loan"]._run_daily_close(day - timedelta(days=1), branch)
    env.flush_all()
    env.invalidate_all()
    transactions = env["microloan.loan.transaction"].search_count(
        [("company_id", "=", branch.id)]
    )
    cr = env.cr
    queries = cr.sql_log_count
    started = time.perf_counter()
    cpu = time.process_time()
    env["microloan.loan"]._run_daily_close(day, branch)
    env.flush_all()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    queries = cr.sql_log_count - queries
    closed = env["microloan.loan"].search_count(
        [("company_id", "=", branch.id), ("last_close_date", "=", day)]
    )
    charges = (
        env["microloan.loan.transaction"].search_count([("company_id", "=", branch.id)])
        - transactions
    )
    overdue = env["microloan.loan"].search_count(
        [("company_id", "=", branch.id), ("days_past_due", ">", 0)]
    )
    cr.rollback()
    env.invalidate_all()
    return elapsed, queries, loans, closed, charges, overdue, cpu


def main():
    args = parse_args()
    registry = open_registry(args)
    ordinary = date.fromisoformat(args.day)
    month_end = date.fromisoformat(args.month_end)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True}
        )
        overdue_days = tuple(int(days) for days in args.overdue_days.split("-"))
        branch = get_branch(
            env, args.overdue_every, overdue_days, args.term, args.accounting
        )
        if not branch:
            print(f"Creating {args.loans} loans...")
            branch = create_data(
                env,
                args.loans,
                ordinary,
                args.overdue_every,
                overdue_days,
                args.accounting,
                args.term,
            )
        if not env["microloan.loan"].search_count(
            [("company_id", "=", branch.id), ("last_close_date", "!=", False)]
        ):
            # Close the day before the ordinary day, as the last night's close
            # would have (each loan catches up from its disbursement).
            print("Closing the day before...")
            branch.microloan_closed_date = ordinary - timedelta(days=2)
            env["microloan.loan"]._run_daily_close(ordinary - timedelta(days=1), branch)
            env.cr.commit()
        # The scheduled action's context: classification changes are tracked.
        env = env(context={})
        for label, day in (("ordinary day", ordinary), ("month end", month_end)):
            results = [measure(env, branch, day, ordinary) for _run in range(args.runs)]
            elapsed = statistics.median(r[0] for r in results)
            queries = statistics.median(r[1] for r in results)
            loans, closed, charges, overdue = results[0][2:6]
            cpu = statistics.median(r[6] for r in results)
            print(
                f"{label} {day}: {loans} active loans ({overdue} overdue), "
                f"{closed} closed, {charges} charges posted; median of {args.runs}: "
                f"{elapsed:.2f} s, {loans / elapsed:.0f} loans/s (CPU of this "
                f"process {cpu:.2f} s, {loans / cpu:.0f} loans/s), "
                f"{queries / loans:.3f} queries/loan ({queries:.0f} queries)"
            )


if __name__ == "__main__":
    main()
