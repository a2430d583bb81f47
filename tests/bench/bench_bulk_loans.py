"""Benchmark of the bulk creation, approval and disbursement of loans through the
public API (the import of an existing book); prints loans per second and queries
per loan of each step (not a test).

Run on a database where ``microloan_base`` is installed (demo data or not):

    python3 tests/bench/bench_bulk_loans.py -c ODOO_CONF -d DB [--loans 1000]
        [--batch 100] [--runs 3] [--term 12] [--company-id ID]

A loan officer, an approver and a finance user of the company (the main company
by default; with ``microloan_accounting`` installed and the company's loan
accounts set, every disbursement is booked with its payment) call the public
methods as an integration would over XML-RPC, ``--batch`` loans at a time, for
``--borrowers`` borrowers (round robin; with ``microloan_credit`` every
approval and disbursement is checked against the regulatory limits):

- ``--api bulk`` (default): the bulk API, ``create_loans``, ``submit_loans``,
  ``approve_loans`` and ``disburse_loans`` (one call per step and batch);
- ``--api single``: ``microloan.loan.create``, ``action_submit``,
  ``action_approve`` and ``disburse`` (one loan per call), as before.

Each step is timed with its flush. Every run is rolled back. A batch of ten loans
runs first, untimed, to warm Odoo's caches as in a served database
(``--no-warmup``: time the cold start too). Goal (issue 13):
100 loans/s for the three steps together.
"""

import argparse
import statistics
import time

from bench_data import create_product_and_borrower, resident_id

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tools import config


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--loans", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--term", type=int, default=12)
    parser.add_argument("--company-id", type=int)
    parser.add_argument("--borrowers", type=int, default=1000)
    parser.add_argument("--api", choices=("bulk", "single"), default="bulk")
    parser.add_argument(
        "--no-warmup",
        action="store_true",
        help="time the first batch of the process too (Odoo's caches cold)",
    )
    args = parser.parse_args()
    config.parse_config(["-c", args.config])
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        results = []
        if not args.no_warmup:
            # A served Odoo has its registry's caches (the fields' trigger
            # trees, the ORM caches) warm: one small batch, untimed and
            # rolled back, warms them here.
            setup = _setup(env, args.company_id, args.borrowers)
            warmup = argparse.Namespace(**dict(vars(args), loans=min(10, args.batch)))
            _run_once(env, setup, warmup)
            cr.rollback()
            env.invalidate_all()
        for _run in range(args.runs):
            setup = _setup(env, args.company_id, args.borrowers)
            results.append(_run_once(env, setup, args))
            cr.rollback()
            env.invalidate_all()
        books = setup_books(env, args.company_id)
        limits = "microloan.regulatory.limit" in env
        print(
            f"{args.loans} loans of {args.term} months in batches of {args.batch},"
            f" {args.api} API, {args.borrowers} borrowers"
            f" ({'disbursements booked' if books else 'no accounting'};"
            f" {'limits checked' if limits else 'no credit'}),"
            f" median of {args.runs}:"
        )
        total = 0.0
        for step in ("create", "submit", "approve", "disburse"):
            seconds = statistics.median(r[step][0] for r in results)
            queries = statistics.median(r[step][1] for r in results)
            total += seconds
            print(
                f"  {step:<9} {seconds:6.2f} s  {args.loans / seconds:7.0f} loans/s"
                f"  {queries / args.loans:6.1f} queries/loan"
            )
        print(
            f"  all steps {total:6.2f} s  {args.loans / total:7.0f} loans/s"
            " (goal: 100 loans/s)"
        )


def setup_books(env, company_id):
    company = env["res.company"].browse(company_id) if company_id else None
    company = company or env.ref("base.main_company")
    loan = env["microloan.loan"].new({"company_id": company.id})
    return bool(
        hasattr(loan, "_microloan_accounting_active")
        and loan._microloan_accounting_active()
    )


def _setup(env, company_id, borrowers):
    company = env["res.company"].browse(company_id) if company_id else None
    company = company or env.ref("base.main_company")
    credit = env.ref("microloan_base.guarantee_type_credit")
    product, partner = create_product_and_borrower(env, company, "Bulk Bench", "BULKB")
    partners = partner | env["res.partner"].create(
        [
            {
                "name": f"Bulk Bench Borrower {index}",
                "company_id": company.id,
                "microloan_borrower_type": "individual",
                "microloan_id_type": "resident_id",
                "microloan_id_number": resident_id(
                    f"110105{1950 + index // 1000}0101{index % 1000:03d}"
                ),
            }
            for index in range(1, borrowers)
        ]
    )

    def user(login, *groups):
        return env["res.users"].create(
            {
                "name": login,
                "login": login,
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "groups_id": [
                    (4, env.ref(f"microloan_base.group_microloan_{group}").id)
                    for group in groups
                ],
            }
        )

    return {
        "company": company,
        "credit": credit,
        "product": product,
        "partners": partners,
        "officer": user("bulk_bench_officer", "officer"),
        "approver": user("bulk_bench_approver", "approver"),
        "finance": user("bulk_bench_finance", "finance"),
    }


def _timed(env, figures, step, function):
    cr = env.cr
    env.flush_all()
    queries = cr.sql_log_count
    start = time.perf_counter()
    function()
    env.flush_all()
    seconds, count = figures.get(step, (0.0, 0))
    figures[step] = (
        seconds + time.perf_counter() - start,
        count + cr.sql_log_count - queries,
    )


def _run_once(env, setup, args):
    company = setup["company"]

    def as_user(user):
        return env(user=user.id, context={})["microloan.loan"].with_company(company)

    officer = as_user(setup["officer"])
    approver = as_user(setup["approver"])
    finance = as_user(setup["finance"])
    partners = setup["partners"]
    figures = {}
    done = 0
    while done < args.loans:
        size = min(args.batch, args.loans - done)
        rows = [
            {
                "reference": f"BULK-{done + index}",
                "partner_id": partners[(done + index) % len(partners)].id,
                "product_id": setup["product"].id,
                "company_id": company.id,
                "guarantee_type_id": setup["credit"].id,
                "amount": 100000.0,
                "interest_rate": 12.0,
                "term": args.term,
                "application_date": "2025-01-05",
                "disbursement_date": "2025-01-15",
            }
            for index in range(size)
        ]
        holder = {}
        if args.api == "bulk":

            def create(rows=rows, holder=holder):
                holder["ids"] = [row["id"] for row in officer.create_loans(rows)]

            def submit(holder=holder):
                officer.submit_loans(holder["ids"])

            def approve(holder=holder):
                approver.approve_loans(holder["ids"])

            def disburse(holder=holder):
                finance.disburse_loans(
                    [
                        {
                            "loan_id": loan_id,
                            "amount": 100000.0,
                            "date": "2025-01-15",
                            "reference": f"BULK-D-{loan_id}",
                        }
                        for loan_id in holder["ids"]
                    ]
                )

        else:

            def create(rows=rows, holder=holder):
                for row in rows:
                    del row["reference"]
                holder["ids"] = officer.create(rows).ids

            def submit(holder=holder):
                officer.browse(holder["ids"]).action_submit()

            def approve(holder=holder):
                approver.browse(holder["ids"]).action_approve()

            def disburse(holder=holder):
                for loan_id in holder["ids"]:
                    finance.browse(loan_id).disburse(100000.0, "2025-01-15")

        for step, function in (
            ("create", create),
            ("submit", submit),
            ("approve", approve),
            ("disburse", disburse),
        ):
            _timed(env, figures, step, function)
        env.invalidate_all()
        done += size
    return figures


if __name__ == "__main__":
    main()
