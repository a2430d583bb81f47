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
The documents carry the report's CSS bundles inline once the bundles are built
(a web client that opened a report, or an earlier print that fetched them);
until then wkhtmltopdf fetches them from ``report.url`` (else ``web.base.url``)
and, without an Odoo serving the database there, prints unstyled pages, faster
than the real ones: ``--report-url http://127.0.0.1:PORT`` points it at one
(e.g. ``odoo-bin -c .local/odoo.conf -d DB --http-port PORT --workers 0``).
With ``--profile``, it also splits each document's time between the QWeb HTML,
the split of the HTML into pages (``_prepare_html``), the wkhtmltopdf
subprocess and the text-layer fix (``postprocess_document``), medians.
"""

import contextlib
import statistics
import time
from collections import defaultdict

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


@contextlib.contextmanager
def profiled(env, spent):
    """Time the steps of the PDF: ``spent[step]`` gets their seconds."""
    from odoo.addons.microloan_reports.models import ir_actions_report

    report_class = type(env["ir.actions.report"])
    steps = {
        "qweb html": (report_class, "_render_qweb_html"),
        "split pages": (report_class, "_prepare_html"),
        "wkhtmltopdf": (report_class, "_run_wkhtmltopdf"),
        "text layer": (ir_actions_report, "postprocess_document"),
    }
    originals = {}
    for step, (owner, name) in steps.items():
        original = getattr(owner, name)
        originals[step] = original

        def timed(*args, _original=original, _step=step, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_step] += time.perf_counter() - start

        setattr(owner, name, timed)
    try:
        yield
    finally:
        for step, (owner, name) in steps.items():
            setattr(owner, name, originals[step])


def main():
    parser = argument_parser(__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", help="Odoo's data directory (scripts: .local/odoo-data)"
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--report-url", help="an Odoo serving the database (the CSS bundles)"
    )
    args = parser.parse_args()
    registry = open_registry(args)
    if args.data_dir:
        # the filestore holds the report assets the PDFs are rendered with
        odoo.tools.config["data_dir"] = args.data_dir
    timings = {}
    steps = defaultdict(lambda: defaultdict(list))
    for _run in range(args.runs):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            if args.report_url:
                # rolled back with the run
                env["ir.config_parameter"].set_param("report.url", args.report_url)
            Report = env["ir.actions.report"].with_context(
                force_report_rendering=True, report_pdf_no_attachment=True
            )
            for name, report, records, data in documents(env):
                spent = defaultdict(float)
                start = time.perf_counter()
                with profiled(env, spent) if args.profile else contextlib.nullcontext():
                    pdf, _kind = Report._render_qweb_pdf(
                        f"microloan_reports.{report}", records.ids, data=data
                    )
                timings.setdefault(name, []).append(time.perf_counter() - start)
                for step, seconds in spent.items():
                    steps[name][step].append(seconds)
                assert pdf.startswith(b"%PDF"), name
            cr.rollback()
    for name, values in timings.items():
        print(
            f"{name:15} best {min(values):.2f} s, median "
            f"{statistics.median(values):.2f} s ({len(values)} runs)"
        )
        if args.profile:
            print(
                " " * 16
                + ", ".join(
                    f"{step} {statistics.median(seconds):.2f} s"
                    for step, seconds in steps[name].items()
                )
            )
    best = min(timings["contract"])
    verdict = "met" if best <= CONTRACT_GOAL else "NOT met"
    print(f"contract PDF ≤ {CONTRACT_GOAL:.0f} s: {verdict} ({best:.2f} s)")


if __name__ == "__main__":
    main()
