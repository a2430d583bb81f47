"""Benchmark of a loan's schedule as installment records; prints best and median
times and query counts per step (not a test).

Run on a database where ``microloan_base`` is installed (demo data or not):

    python3 tests/bench/bench_schedule_records.py -c ODOO_CONF -d DB [--runs 7]
        [--rebuild-always]

For a 12- and a 360-month loan it times, each with its flush: the creation of the
loan (its schedule built by the engine and stored as installment records), the
submission, the approval and the first disbursement of the whole amount on the
planned day (which fix the schedule again). ``--rebuild-always`` replaces the
installments at every step even when the schedule is unchanged (the behaviour
before the schedule was kept), for comparison. Everything is rolled back.
"""

import argparse
import statistics
import time

from bench_data import create_product_and_borrower

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild-always", action="store_true")
    args = parser.parse_args()
    config.parse_config(["-c", args.config])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        Loan = env["microloan.loan"]
        if args.rebuild_always:
            type(Loan)._schedule_unchanged = lambda self, installments, rows: False
        setup = _setup(env)
        for term in (12, 360):
            figures = {}
            for _run in range(args.runs):
                for step, (seconds, queries) in _one_loan(env, setup, term).items():
                    figures.setdefault(step, []).append((seconds, queries))
            for step, values in figures.items():
                times = [seconds for seconds, _q in values]
                print(
                    f"{term:>3}-month loan, {step:<10} best {min(times) * 1000:7.1f} ms"
                    f"  median {statistics.median(times) * 1000:7.1f} ms"
                    f"  {min(q for _s, q in values):4d} queries"
                )
        cr.rollback()


def _setup(env):
    company = env.ref("base.main_company")
    credit = env.ref("microloan_base.guarantee_type_credit")
    product, partner = create_product_and_borrower(
        env, company, "Schedule Bench", "SBNCH"
    )
    approver = env["res.users"].create(
        {
            "name": "Schedule Bench Approver",
            "login": "schedule_bench_approver",
            "company_id": company.id,
            "company_ids": [(6, 0, company.ids)],
            "groups_id": [
                (4, env.ref("microloan_base.group_microloan_approver").id),
                (4, env.ref("microloan_base.group_microloan_finance").id),
            ],
        }
    )
    return {
        "company": company,
        "credit": credit,
        "product": product,
        "partner": partner,
        "approver": approver,
    }


def _timed(env, function):
    cr = env.cr
    env.flush_all()
    env.invalidate_all()
    queries = cr.sql_log_count
    start = time.perf_counter()
    function()
    env.flush_all()
    return time.perf_counter() - start, cr.sql_log_count - queries


def _one_loan(env, setup, term):
    figures = {}
    holder = {}

    def create():
        holder["loan"] = env["microloan.loan"].create(
            {
                "partner_id": setup["partner"].id,
                "product_id": setup["product"].id,
                "company_id": setup["company"].id,
                "guarantee_type_id": setup["credit"].id,
                "amount": 100000.0,
                "interest_rate": 12.0,
                "term": term,
                "application_date": "2025-01-05",
                "disbursement_date": "2025-01-15",
            }
        )

    figures["create"] = _timed(env, create)
    loan = holder["loan"]
    figures["submit"] = _timed(env, loan.action_submit)
    approver = loan.with_user(setup["approver"])
    figures["approve"] = _timed(env, approver.action_approve)
    figures["disburse"] = _timed(
        env, lambda: approver._disburse(100000.0, loan.disbursement_date)
    )
    return figures


if __name__ == "__main__":
    main()
