"""Benchmark of the performance analysis and the monthly return (not a test).

Run on a database where ``microloan_reports`` is installed, after
``bench_balance_accumulation.py`` made its data there (a branch "Accumulation Bench"
of 10,000 loans disbursed through 2024, each with a principal sub-ledger of a
disbursement and twelve repayments):

    python3 tests/bench/bench_analysis_views.py -d DB \\
        --addons-path=/opt/odoo18/odoo/addons,addons,OCA_ADDONS [--runs 3] \\
        [--steps return]

Each run, rolled back, times and counts the queries of: the portfolio view summed
per branch and per officer, the month view summed per month (the trend), the
performance analysis of 2024 per branch and per month, and the return of
December 2024 (``_get_return``: one query per table over the book, no longer the
month view). ``--steps`` keeps the steps whose names contain one of its words.
"""

import statistics
import time

from bench_balance_accumulation import BRANCH_NAME
from bench_data import argument_parser, open_registry

from odoo import SUPERUSER_ID, api


class QueryCounter:
    def __init__(self, cr):
        self.cr = cr
        self.start = 0

    def __enter__(self):
        self.start = self.cr.sql_log_count
        return self

    def __exit__(self, *exc):
        self.count = self.cr.sql_log_count - self.start


def steps(env, branch_id):
    Portfolio = env["microloan.portfolio.report"]
    Months = env["microloan.performance.report"]
    domain = [("company_id", "=", branch_id)]

    def analysis(group_by):
        wizard = env["microloan.performance.analysis"].create(
            {
                "date_from": "2024-01-01",
                "date_to": "2024-12-31",
                "group_by": group_by,
                "company_ids": [(6, 0, [branch_id])],
            }
        )
        return wizard.action_compute()

    def return_():
        wizard = env["microloan.regulatory.return"].create(
            {"company_id": branch_id, "year": 2024, "month": "12"}
        )
        return wizard._get_return()

    return {
        "portfolio per branch": lambda: Portfolio._read_group(
            domain, ["company_id"], ["balance:sum", "npl_balance:sum"]
        ),
        "portfolio per officer": lambda: Portfolio._read_group(
            domain, ["user_id"], ["balance:sum", "par30_balance:sum"]
        ),
        "months per month": lambda: Months._read_group(
            domain, ["month:month"], ["balance_end:sum", "disbursed_amount:sum"]
        ),
        "analysis per branch": lambda: analysis("company_id"),
        "analysis per month": lambda: analysis("month"),
        "return of December 2024": return_,
    }


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument("--steps", nargs="*", default=[])
    args = parser.parse_args()
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        branch = env["res.company"].search([("name", "=", BRANCH_NAME)], limit=1)
        if not branch:
            raise SystemExit(
                "Run bench_balance_accumulation.py first (it makes the data)."
            )
        branch_id = branch.id
        loans = env["microloan.loan"].search_count([("company_id", "=", branch_id)])
    timings, queries = {}, {}
    for _run in range(args.runs):
        with registry.cursor() as cr:
            env = api.Environment(
                cr, SUPERUSER_ID, {"allowed_company_ids": [branch_id]}
            )
            for name, step in steps(env, branch_id).items():
                if args.steps and not any(word in name for word in args.steps):
                    continue
                env.invalidate_all()
                with QueryCounter(cr) as counter:
                    start = time.perf_counter()
                    step()
                    elapsed = time.perf_counter() - start
                timings.setdefault(name, []).append(elapsed)
                queries[name] = counter.count
            cr.rollback()
    print(f"{loans} loans, {args.runs} runs (median)")
    for name, values in timings.items():
        print(
            f"{name:28} {statistics.median(values):7.2f} s  {queries[name]:3} queries"
        )


if __name__ == "__main__":
    main()
