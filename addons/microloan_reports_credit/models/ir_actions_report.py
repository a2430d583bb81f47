from odoo import models

CREDIT_DOCUMENT_REPORTS = {
    "microloan_reports_credit.report_approval_form",
    "microloan_reports_credit.report_investigation",
}


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _microloan_document_reports(self):
        return super()._microloan_document_reports() | CREDIT_DOCUMENT_REPORTS
