"""Benchmark of the month-end interest accrual and provisioning (not a test).

Run on a database where ``microloan_accounting`` is installed:

    python3 tests/bench/bench_month_end.py -d DB \\
        --addons-path=/opt/odoo18/odoo/addons,addons [--loans 10000] [--runs 3]

The first run creates its own data in the database and commits it: a branch
"Month-End Bench" with a generic chart of accounts and its default loan
accounts, and 10,000 active loans created in batches (100,000 at 12% over 12
months, disbursed over the months before the month end; one in ten is
classified special mention, one in fifty substandard). The schedules are built
by the engine at creation; the loans are then marked active directly (the
accrual reads the installments, not the disbursement transaction). Later runs
reuse it.

Each measured run posts the month-end accrual and provisioning of the branch
(``microloan.loan._run_month_end``), is timed with its flush, counts the
journal entries and lines it created, runs it a second time (which must post
nothing), and is rolled back. It prints the medians.
"""

import argparse
import statistics
import time
from datetime import date, timedelta

import odoo
from odoo import SUPERUSER_ID, api

BRANCH_CODE = "MEBENCH"
BATCH = 1000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--loans", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--month-end", default="2025-12-31")
    parser.add_argument("--db_host")
    parser.add_argument("--db_port")
    return parser.parse_args()


def resident_id(first17):
    """A valid resident identity number from its first 17 digits."""
    from odoo.addons.microloan_base.tools.identity import resident_id_check_char

    return first17 + resident_id_check_char(first17)


def get_branch(env):
    return env["res.company"].search(
        [("microloan_branch_code", "=", BRANCH_CODE)], limit=1
    )


def create_data(env, count, month_end):
    """Create the bench branch with its books, a product, borrowers and
    ``count`` active loans."""
    cny = env.ref("base.CNY")
    cny.active = True
    branch = env["res.company"].create(
        {
            "name": "Month-End Bench",
            "microloan_branch_code": BRANCH_CODE,
            "currency_id": cny.id,
        }
    )
    env.user.company_ids |= branch
    env["account.chart.template"].try_loading(
        "generic_coa", company=branch, install_demo=False
    )
    branch.action_microloan_default_accounts()
    product = env["microloan.product"].create(
        {
            "name": "Month-End Bench Loan",
            "code": "MEB",
            "company_id": branch.id,
            "currency_id": cny.id,
            "repayment_method": "annuity",
            "term_max": 36,
        }
    )
    guarantee_type = env.ref("microloan_base.guarantee_type_credit")
    partners = env["res.partner"].create(
        [
            {
                "name": f"Month-End Borrower {index}",
                "company_id": branch.id,
                "microloan_borrower_type": "individual",
                "microloan_id_type": "resident_id",
                "microloan_id_number": resident_id(f"11010519810202{index:03d}"),
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
            disbursed = month_end - timedelta(days=1 + index % 300)
            vals_list.append(
                {
                    "partner_id": partners[index % len(partners)].id,
                    "product_id": product.id,
                    "company_id": branch.id,
                    "guarantee_type_id": guarantee_type.id,
                    "user_id": env.user.id,
                    "amount": 100000.0,
                    "interest_rate": 12.0,
                    "term": 12,
                    "application_date": disbursed,
                    "disbursement_date": disbursed,
                }
            )
        loans = env["microloan.loan"].create(vals_list)
        loans.write({"state": "active"})
        loans.filtered(lambda loan: loan.id % 10 == 3).write(
            {"risk_tier": "special_mention"}
        )
        loans.filtered(lambda loan: loan.id % 50 == 7).write(
            {"risk_tier": "substandard"}
        )
        env.flush_all()
        env.cr.commit()
        env.invalidate_all()
        created += size
        print(f"  created {created} loans ({time.perf_counter() - started:.0f} s)")
    return branch


def count_entries(env, branch):
    moves = env["account.move"].search_count([("company_id", "=", branch.id)])
    lines = env["account.move.line"].search_count([("company_id", "=", branch.id)])
    return moves, lines


def measure(env, branch, day):
    """Post the month end ``day`` of ``branch`` once, then again; return
    (seconds, entries, lines, seconds of the repeat, entries of the repeat)."""
    env.flush_all()
    env.invalidate_all()
    moves_before, lines_before = count_entries(env, branch)
    started = time.perf_counter()
    env["microloan.loan"]._run_month_end(day, branch)
    env.flush_all()
    elapsed = time.perf_counter() - started
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
    )


def main():
    args = parse_args()
    options = [f"--database={args.database}", f"--addons-path={args.addons_path}"]
    if args.db_host:
        options.append(f"--db_host={args.db_host}")
    if args.db_port:
        options.append(f"--db_port={args.db_port}")
    odoo.tools.config.parse_config(options)
    registry = odoo.modules.registry.Registry(args.database)
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
        results = [measure(env, branch, month_end) for _run in range(args.runs)]
        elapsed = statistics.median(r[0] for r in results)
        repeat = statistics.median(r[3] for r in results)
        _elapsed, moves, lines, _repeat, repeat_moves = results[0]
        print(
            f"month end {month_end}: {loans} active loans; accrual and "
            f"provisioning median of {args.runs}: {elapsed:.2f} s "
            f"({loans / elapsed:.0f} loans/s); created {moves} journal entries "
            f"and {lines} journal items; a second run for the same month: "
            f"{repeat:.2f} s, {repeat_moves} entries"
        )


if __name__ == "__main__":
    main()
