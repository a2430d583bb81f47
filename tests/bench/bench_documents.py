"""Benchmark of the borrower's documents as PDF (not a test).

Run on a database where ``microloan_reports`` is installed with demo data
(``scripts/run --no-start`` makes one):

    python3 tests/bench/bench_documents.py -d DB \\
        --addons-path=/opt/odoo18/odoo/addons,addons,OCA_ADDONS \\
        --data-dir=.local/odoo-data [--runs 5]

(OCA_ADDONS: the ``odoo/addons`` folder under ``.local/oca-addons/``.) Each run
renders, with wkhtmltopdf, every document of a demo loan of the Chengdu branch (the
contract of an active loan, its schedule, statement and overdue notice, the receipt
of a repayment, the settlement certificate of a settled loan and the agreement of an
extended one), times it from the report call to the PDF bytes, and rolls back (the
contract is rendered without being kept). It prints the best and the median of each
document, and checks the goal of issue 15 on the contract's best: at most 2 s.
"""

import statistics
import time

from bench_data import argument_parser, open_registry

import odoo
from odoo import SUPERUSER_ID, api, fields

CONTRACT_GOAL = 2.0


def documents(env):
    """``[(name, report, records, data)]``: one of each document."""
    loan = env.ref("microloan_base.loan_cd_active")
    settled = env.ref("microloan_base.loan_cd_settled")
    past_due = env.ref("microloan_base.loan_cd_past_due")
    repayment = settled.transaction_ids.filtered(lambda t: t.kind == "repayment")[:1]
    today = fields.Date.to_string(fields.Date.context_today(loan))
    return [
        ("contract", "report_loan_contract", loan, None),
        ("schedule", "report_loan_schedule", loan, None),
        ("receipt", "report_loan_receipt", repayment, None),
        (
            "statement",
            "report_loan_statement",
            settled,
            {"date_from": "2020-01-01", "date_to": today},
        ),
        ("overdue notice", "report_loan_overdue_notice", past_due, {"date": today}),
        ("settlement", "report_loan_settlement", settled, None),
        (
            "extension",
            "report_loan_extension",
            env.ref("microloan_base.loan_cd_extended"),
            None,
        ),
    ]


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", help="Odoo's data directory (scripts: .local/odoo-data)"
    )
    args = parser.parse_args()
    registry = open_registry(args)
    if args.data_dir:
        # the filestore holds the report assets the PDFs are rendered with
        odoo.tools.config["data_dir"] = args.data_dir
    timings = {}
    for _run in range(args.runs):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Report = env["ir.actions.report"].with_context(
                force_report_rendering=True, report_pdf_no_attachment=True
            )
            for name, report, records, data in documents(env):
                start = time.perf_counter()
                pdf, _kind = Report._render_qweb_pdf(
                    f"microloan_reports.{report}", records.ids, data=data
                )
                timings.setdefault(name, []).append(time.perf_counter() - start)
                assert pdf.startswith(b"%PDF"), name
            cr.rollback()
    for name, values in timings.items():
        print(
            f"{name:15} best {min(values):.2f} s, median "
            f"{statistics.median(values):.2f} s ({len(values)} runs)"
        )
    best = min(timings["contract"])
    verdict = "met" if best <= CONTRACT_GOAL else "NOT met"
    print(f"contract PDF ≤ {CONTRACT_GOAL:.0f} s: {verdict} ({best:.2f} s)")


if __name__ == "__main__":
    main()
