"""Benchmark of the balance accumulation (余额积数 / 日均余额) (not a test).

Run on a database where ``microloan_reports`` is installed:

    python3 tests/bench/bench_balance_accumulation.py -d DB \\
        --addons-path=/opt/odoo18/odoo/addons,addons,OCA_ADDONS [--loans 10000]

The first run creates its own data in the database and commits it: a branch
"Accumulation Bench" with 10,000 active loans (bench_data.create_loans: 100,000 at
12% over 12 months, disbursed through 2024) and, for each, a principal sub-ledger of
a disbursement and twelve monthly repayments of 8,333.33 inserted with SQL (lines
of one real transaction, the loans' first disbursement date set to match: the
query reads the lines only). Later runs reuse it.

Each run computes the accumulation of every loan of the branch over 2024, per year
(10,000 lines) and per month (about 65,000 lines), times the SQL query alone and
the whole ``_build`` (query and the creation of the lines), and is rolled back.
"""

import statistics
import time
from datetime import date, timedelta

from bench_data import argument_parser, create_branch, create_loans, open_registry

from odoo import SUPERUSER_ID, api

BRANCH_NAME = "Accumulation Bench"


def create_data(env, count):
    branch, product, borrowers = create_branch(
        env, BRANCH_NAME, "ACCBENCH", "11010519820303"
    )
    create_loans(
        env,
        product,
        borrowers,
        count,
        lambda index: date(2024, 1, 1) + timedelta(days=index % 365),
    )
    loan = env["microloan.loan"].search([("company_id", "=", branch.id)], limit=1)
    loan.state = "approved"
    transaction = env["microloan.loan.transaction"].browse(
        loan._disburse(loan.amount, loan.disbursement_date).id
    )
    env.cr.execute(
        """
        INSERT INTO microloan_loan_transaction_line
               (transaction_id, loan_id, company_id, date, kind, component, effect,
                amount)
        SELECT %(tx)s, loan.id, loan.company_id, loan.disbursement_date,
               'disbursement', 'principal', 'other', loan.amount
          FROM microloan_loan loan
         WHERE loan.company_id = %(branch)s AND loan.id <> %(loan)s
        UNION ALL
        SELECT %(tx)s, loan.id, loan.company_id,
               (loan.disbursement_date + make_interval(months => n))::date,
               'repayment', 'principal', 'settle', 8333.33
          FROM microloan_loan loan, generate_series(1, 12) AS n
         WHERE loan.company_id = %(branch)s AND loan.id <> %(loan)s
        """,
        {"tx": transaction.id, "branch": branch.id, "loan": loan.id},
    )
    # The stored first disbursement date the lines would have given.
    env.cr.execute(
        """
        UPDATE microloan_loan SET first_disbursement_date = disbursement_date
         WHERE company_id = %s AND first_disbursement_date IS NULL
        """,
        [branch.id],
    )
    env.cr.commit()
    return branch


def main():
    args = argument_parser(__doc__.splitlines()[0]).parse_args()
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        branch = env["res.company"].search([("name", "=", BRANCH_NAME)], limit=1)
        if not branch:
            branch = create_data(env, args.loans)
        cr.execute(
            """
            UPDATE microloan_loan SET first_disbursement_date = disbursement_date
             WHERE company_id = %s AND first_disbursement_date IS NULL
            """,
            [branch.id],
        )
        cr.commit()
        branch_id = branch.id
    timings = {}
    for _run in range(args.runs):
        for granularity in ("year", "month"):
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                wizard = env["microloan.balance.accumulation"].create(
                    {
                        "date_from": "2024-01-01",
                        "date_to": "2024-12-31",
                        "granularity": granularity,
                        "company_ids": [(6, 0, [branch_id])],
                    }
                )
                Line = env["microloan.balance.accumulation.line"]
                execute = env.execute_query
                query_time = []

                def timed(query, execute=execute, query_time=query_time):
                    start = time.perf_counter()
                    rows = execute(query)
                    query_time.append(time.perf_counter() - start)
                    return rows

                env.execute_query = timed
                start = time.perf_counter()
                lines = Line._build(wizard)
                env.flush_all()
                total = time.perf_counter() - start
                key = f"{granularity} ({len(lines)} lines)"
                timings.setdefault(key, []).append((sum(query_time), total))
                cr.rollback()
    for key, values in timings.items():
        query = statistics.median(v[0] for v in values)
        total = statistics.median(v[1] for v in values)
        print(f"per {key}: query {query:.2f} s, query and lines {total:.2f} s (median)")


if __name__ == "__main__":
    main()
