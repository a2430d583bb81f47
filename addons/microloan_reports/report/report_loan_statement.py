from odoo import api, fields, models
from odoo.exceptions import UserError


class ReportLoanStatement(models.AbstractModel):
    """对账单: the loan's posted transactions of a date range (from the
    statement wizard), with their split and the period's totals."""

    _name = "report.microloan_reports.report_loan_statement"
    _inherit = "microloan.document"
    _description = "Loan Statement Document"

    @api.model
    def _get_document_values(self, docs, data):
        date_from, date_to = self._statement_period(data)
        components = ("amount", "principal_amount", "interest_amount")
        components += ("penalty_amount", "compound_amount", "fee_amount")
        schedule = self.env["report.microloan_reports.report_loan_schedule"]
        figures = {}
        for loan in docs:
            transactions = loan.transaction_ids.filtered(
                lambda t: t.state == "posted" and date_from <= t.date <= date_to
            ).sorted(lambda t: (t.date, t.id))
            repayments = transactions.filtered(lambda t: t.kind == "repayment")
            totals = {name: sum(repayments.mapped(name)) for name in components}
            figures[loan.id] = {
                **schedule._loan_figures(loan),
                "transactions": transactions,
                "totals": totals,
                "repaid_words": self._capitals(totals["amount"], loan.currency_id),
                "disbursed": sum(
                    transactions.filtered(lambda t: t.kind == "disbursement").mapped(
                        "amount"
                    )
                ),
                "outstanding_words": self._capitals(
                    loan.principal_outstanding, loan.currency_id
                ),
            }
        return {"figures": figures, "date_from": date_from, "date_to": date_to}

    @api.model
    def _statement_period(self, data):
        """The statement's dates from the wizard's ``data``; the whole loan to
        today when printed from the Print menu."""
        data = data or {}
        today = fields.Date.context_today(self)
        try:
            date_from = fields.Date.to_date(
                data.get("date_from")
            ) or fields.Date.to_date("1970-01-01")
            date_to = fields.Date.to_date(data.get("date_to")) or today
        except (TypeError, ValueError) as error:
            raise UserError(
                self.env._("The statement's dates are not valid.")
            ) from error
        if date_from > date_to:
            raise UserError(
                self.env._("The statement's start date is after its end date.")
            )
        return date_from, date_to
