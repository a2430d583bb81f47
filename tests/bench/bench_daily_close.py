"""Benchmark of the daily close over active loans; prints medians (not a test).

Run on a database where ``microloan_base`` is installed:

    python3 tests/bench/bench_daily_close.py -d DB \\
        --addons-path=/opt/odoo18/odoo/addons,addons [--loans 10000] [--runs 3]

The first run creates its own data in the database and commits it: a branch
"Bench Branch" with 10,000 active loans created in batches (100,000 at 12%
over 12 months, disbursed over the last year so that about one loan in ten
has missed an installment). The schedules are built by the engine at
creation; the loans are then marked active directly (the daily close reads
the installments, not the disbursement transaction). Later runs reuse it.

Each measured run closes one business day for the branch, is timed with its
flush, counts the SQL queries (``cr.sql_log_count``) and is rolled back. It
prints loans per second and queries per loan (goal: 500 loans/s on one
worker), for an ordinary day and a month-end day (charges posted).

With ``microloan_accounting`` installed, ``--accounting`` gives the bench
branch (when the first run creates it) the generic chart of accounts and the
default loan accounts, so that the month-end charges are booked (one journal
entry per transaction).
"""

import argparse
import statistics
import time
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, api

BRANCH_CODE = "BENCH"
BATCH = 1000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--day", default="2025-12-17", help="ordinary day closed")
    parser.add_argument("--month-end", default="2025-12-31")
    parser.add_argument(
        "--accounting",
        action="store_true",
        help="book the bench branch's transactions (needs microloan_accounting)",
    )
    parser.add_argument("--db_host")
    parser.add_argument("--db_port")
    return parser.parse_args()


def resident_id(first17):
    # Importable once the addons path is configured.
    from odoo.addons.microloan_base.tools.identity import resident_id_check_char

    return first17 + resident_id_check_char(first17)


def get_branch(env):
    return env["res.company"].search(
        [("microloan_branch_code", "=", BRANCH_CODE)], limit=1
    )


def create_data(env, count, close_day, accounting=False):
    """Create the bench branch, its product, borrowers and ``count`` loans."""
    cny = env.ref("base.CNY")
    cny.active = True
    branch = env["res.company"].create(
        {
            "name": "Bench Branch",
            "microloan_branch_code": BRANCH_CODE,
            "currency_id": cny.id,
        }
    )
    env.user.company_ids |= branch
    if accounting:
        env["account.chart.template"].try_loading(
            "generic_coa", company=branch, install_demo=False
        )
        branch.action_microloan_default_accounts()
    product = env["microloan.product"].create(
        {
            "name": "Bench Loan",
            "code": "BENCH",
            "company_id": branch.id,
            "currency_id": cny.id,
            "repayment_method": "annuity",
            "term_max": 36,
        }
    )
    guarantee_type = env.ref("microloan_base.guarantee_type_credit")
    officer = env.user
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench Borrower {index}",
                "company_id": branch.id,
                "microloan_borrower_type": "individual",
                "microloan_id_type": "resident_id",
                "microloan_id_number": resident_id(f"11010519800101{index:03d}"),
            }
            for index in range(1000)
        ]
    )
    created = 0
    started = time.perf_counter()
    while created < count:
        size = min(BATCH, count - created)
        vals_list = []
        for index in range(created, created + size):
            # Nine in ten disbursed within the last month (nothing due yet,
            # or due on the bench days), one in ten months ago (overdue).
            if index % 10 == 9:
                age = 60 + index % 240
            else:
                age = 1 + index % 30
            disbursed = close_day - timedelta(days=age)
            vals_list.append(
                {
                    "partner_id": partners[index % len(partners)].id,
                    "product_id": product.id,
                    "company_id": branch.id,
                    "guarantee_type_id": guarantee_type.id,
                    "user_id": officer.id,
                    "amount": 100000.0,
                    "interest_rate": 12.0,
                    "term": 12,
                    "application_date": disbursed,
                    "disbursement_date": disbursed,
                }
            )
        loans = env["microloan.loan"].create(vals_list)
        loans.write({"state": "active"})
        env.flush_all()
        env.cr.commit()
        env.invalidate_all()
        created += size
        print(f"  created {created} loans ({time.perf_counter() - started:.0f} s)")
    return branch


def measure(env, branch, day):
    """Close ``day`` for ``branch`` once; return (seconds, queries, loans)."""
    loans = env["microloan.loan"].search_count(
        [("company_id", "=", branch.id), ("state", "=", "active")]
    )
    branch.microloan_closed_date = day - timedelta(days=1)
    env.flush_all()
    env.invalidate_all()
    cr = env.cr
    queries = cr.sql_log_count
    started = time.perf_counter()
    env["microloan.loan"]._run_daily_close(day, branch)
    env.flush_all()
    elapsed = time.perf_counter() - started
    queries = cr.sql_log_count - queries
    closed = env["microloan.loan"].search_count(
        [("company_id", "=", branch.id), ("last_close_date", "=", day)]
    )
    charges = env["microloan.loan.transaction"].search_count(
        [("company_id", "=", branch.id), ("date", "=", day)]
    )
    cr.rollback()
    env.invalidate_all()
    return elapsed, queries, loans, closed, charges


def main():
    args = parse_args()
    options = [f"--database={args.database}", f"--addons-path={args.addons_path}"]
    if args.db_host:
        options.append(f"--db_host={args.db_host}")
    if args.db_port:
        options.append(f"--db_port={args.db_port}")
    odoo.tools.config.parse_config(options)
    registry = odoo.modules.registry.Registry(args.database)
    ordinary = date.fromisoformat(args.day)
    month_end = date.fromisoformat(args.month_end)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True}
        )
        branch = get_branch(env)
        if not branch:
            print(f"Creating {args.loans} loans...")
            branch = create_data(env, args.loans, ordinary, args.accounting)
        if not env["microloan.loan"].search_count(
            [("company_id", "=", branch.id), ("last_close_date", "!=", False)]
        ):
            # Classify them once, as the close of the day before would have.
            print("Closing the day before...")
            branch.microloan_closed_date = ordinary - timedelta(days=2)
            env["microloan.loan"]._run_daily_close(ordinary - timedelta(days=1), branch)
            env.cr.commit()
        # The scheduled action's context: classification changes are tracked.
        env = env(context={})
        for label, day in (("ordinary day", ordinary), ("month end", month_end)):
            results = [measure(env, branch, day) for _run in range(args.runs)]
            elapsed = statistics.median(r[0] for r in results)
            queries = statistics.median(r[1] for r in results)
            loans, closed, charges = results[0][2:]
            print(
                f"{label} {day}: {loans} active loans, {closed} closed, "
                f"{charges} transactions; median of {args.runs}: {elapsed:.2f} s, "
                f"{loans / elapsed:.0f} loans/s, {queries / loans:.3f} queries/loan "
                f"({queries:.0f} queries)"
            )


if __name__ == "__main__":
    main()
