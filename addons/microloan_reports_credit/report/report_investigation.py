from odoo import api, models


class ReportInvestigation(models.AbstractModel):
    """调查报告: the structured investigation report of an application, its
    figures (cash flow, net worth, debt-service ratio) computed by
    microloan_credit from the engine."""

    _name = "report.microloan_reports_credit.report_investigation"
    _inherit = "microloan.document"
    _description = "Investigation Report Document"

    _document_model = "microloan.application"

    @api.model
    def _get_document_values(self, docs, data):
        figures = {}
        for application in docs:
            currency = application.currency_id
            report = application.investigation_id
            debts = report.debt_ids
            figures[application.id] = {
                "report": report,
                "amount_words": self._capitals(application.amount, currency),
                "proposed_words": self._capitals(report.proposed_amount, currency),
                "debts": debts,
                "debt_balance": sum(debts.mapped("balance")),
                "debt_monthly": sum(debts.mapped("monthly_payment")),
            }
        return {"figures": figures}
