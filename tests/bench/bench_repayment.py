"""Benchmark of a repayment with accounting (issue 13, item 4): prints the
milliseconds and queries of ``register_repayment`` on its due date (not a
test).

Run on a database where ``microloan_accounting`` is installed:

    python3 tests/bench/bench_repayment.py -d DB --addons-path PATH
        [--loans 30] [--runs 3]

A branch with its chart and default loan accounts is created with a product
and borrowers; ``--loans`` loans are created, approved and disbursed (booked
with their payments), then each gets its first installment's repayment on its
due date, one ``register_repayment`` call each (its sub-ledger transaction and
its booking: one entry, the payment's, carrying the allocation), timed with
its flush. The first repayment of a run warms the caches and is left out.
Everything is rolled back. Goal (issue 13): ≤ 150 ms and ≤ 60 queries on one
idle core.
"""

import cProfile
import pstats
import statistics
import time

from bench_data import argument_parser, create_branch, open_registry

from odoo import SUPERUSER_ID, api


def main():
    parser = argument_parser(__doc__.split("\n\n")[0])
    parser.set_defaults(loans=30)
    parser.add_argument(
        "--profile", action="store_true", help="print where the repayments spend"
    )
    args = parser.parse_args()
    registry = open_registry(args)
    times, queries = [], []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        for _run in range(args.runs):
            run_times, run_queries = _run_once(env, args.loans, args.profile)
            times += run_times
            queries += run_queries
            cr.rollback()
            env.invalidate_all()
    print(
        f"repayment with accounting, {len(times)} repayments ({args.runs} runs of"
        f" {args.loans} loans, the first of each run left out):"
    )
    print(
        f"  median {statistics.median(times) * 1000:.0f} ms, best"
        f" {min(times) * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms;"
        f" queries {min(queries)} to {max(queries)}"
        " (goal: 150 ms, 60 queries)"
    )


def _run_once(env, count, profile=False):
    branch, product, borrowers = create_branch(
        env, "Repayment Bench", "RPB", "11010519800101", accounting=True
    )
    credit = env.ref("microloan_base.guarantee_type_credit")
    # Created by an officer: whoever creates a loan may not approve it.
    officer = env["res.users"].create(
        {
            "name": "Repayment Bench Officer",
            "login": "repayment_bench_officer",
            "company_id": branch.id,
            "company_ids": [(6, 0, branch.ids)],
            "groups_id": [(4, env.ref("microloan_base.group_microloan_officer").id)],
        }
    )
    Loan = env["microloan.loan"].with_user(officer).with_company(branch)
    loans = Loan.create(
        [
            {
                "partner_id": borrowers[index].id,
                "product_id": product.id,
                "company_id": branch.id,
                "guarantee_type_id": credit.id,
                "user_id": officer.id,
                "amount": 100000.0,
                "interest_rate": 12.0,
                "term": 12,
                "application_date": "2025-01-05",
                "disbursement_date": "2025-01-10",
            }
            for index in range(count)
        ]
    )
    loans.action_submit()
    loans = loans.with_env(env).with_company(branch)
    loans.action_approve()
    loans.disburse_loans(
        [
            {
                "loan_id": loan.id,
                "amount": 100000.0,
                "date": "2025-01-10",
                "reference": f"RPB-D-{loan.id}",
            }
            for loan in loans
        ]
    )
    env.flush_all()
    env.invalidate_all()
    times, queries = [], []
    profiles = None
    cr = env.cr
    for index, loan in enumerate(loans):
        first = loan.installment_ids.sorted("sequence")[:1]
        amount, due = first.amount, first.due_date
        env.flush_all()
        start_queries = cr.sql_log_count
        start = time.perf_counter()
        profiler = cProfile.Profile() if profile and index else None
        if profiler:
            profiler.enable()
        loan.register_repayment(amount, due, reference=f"RPB-{loan.id}")
        env.flush_all()
        seconds = time.perf_counter() - start
        if profiler:
            profiler.disable()
            profiles = profiles or pstats.Stats(profiler)
            profiles.add(profiler)
        if index:
            times.append(seconds)
            queries.append(cr.sql_log_count - start_queries)
    if profiles:
        profiles.sort_stats("cumulative").print_stats(40)
    return times, queries


if __name__ == "__main__":
    main()
