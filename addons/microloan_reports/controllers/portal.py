from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.microloan_base.controllers.portal import MicroloanPortal

from ..report.report_loan_receipt import RECEIPT_KINDS

# The borrower's documents of a loan on the portal: kind -> report.
LOAN_DOCUMENTS = {
    "schedule": "microloan_reports.action_report_loan_schedule",
    "statement": "microloan_reports.action_report_loan_statement",
    "settlement": "microloan_reports.action_report_loan_settlement",
}
RECEIPT_REPORT = "microloan_reports.action_report_loan_receipt"


class MicroloanReportsPortal(MicroloanPortal):
    """The borrower's PDF documents on the portal: repayment schedule,
    statement (a date range), settlement certificate (closed loans) and the
    receipt of each repayment. The loan (and the transaction) is checked with
    the portal user's rights first (``_microloan_check_loan``); only then is
    the report rendered through ``sudo()``."""

    def _microloan_pdf(self, record_sudo, report_ref, data=None, name="document"):
        report = (
            request.env["ir.actions.report"].sudo().with_company(record_sudo.company_id)
        )
        pdf, _type = report._render_qweb_pdf(report_ref, record_sudo.ids, data=data)
        filename = name.replace("/", "_") + ".pdf"
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", len(pdf)),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )

    @http.route(
        ["/my/loans/<int:loan_id>/document/<string:kind>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_microloan_loan_document(
        self, loan_id, kind, date_from=None, date_to=None, **kw
    ):
        if kind not in LOAN_DOCUMENTS:
            raise request.not_found()
        try:
            loan_sudo = self._microloan_check_loan(loan_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if kind == "settlement" and loan_sudo.state != "closed":
            raise request.not_found()
        data = None
        if kind == "statement":
            try:
                start = fields.Date.to_date(date_from) if date_from else None
                end = fields.Date.to_date(date_to) if date_to else None
            except (TypeError, ValueError):
                start = end = False
            if start is False or (start and end and start > end):
                return request.redirect(f"/my/loans/{loan_sudo.id}?statement_error=1")
            data = {
                "date_from": fields.Date.to_string(start) if start else False,
                "date_to": fields.Date.to_string(end) if end else False,
            }
        return self._microloan_pdf(
            loan_sudo, LOAN_DOCUMENTS[kind], data, f"{kind}-{loan_sudo.name}"
        )

    @http.route(
        ["/my/loans/<int:loan_id>/receipt/<int:transaction_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_microloan_receipt(self, loan_id, transaction_id, **kw):
        try:
            loan_sudo = self._microloan_check_loan(loan_id)
            transaction_sudo = self._document_check_access(
                "microloan.loan.transaction", transaction_id
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if (
            transaction_sudo.loan_id != loan_sudo
            or transaction_sudo.kind not in RECEIPT_KINDS
            or transaction_sudo.state != "posted"
        ):
            raise request.not_found()
        return self._microloan_pdf(
            transaction_sudo, RECEIPT_REPORT, name=f"receipt-{transaction_sudo.name}"
        )
