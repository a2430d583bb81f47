from odoo import api, models
from odoo.exceptions import UserError


class ReportLoanSettlement(models.AbstractModel):
    """结清证明: the certificate that a loan is repaid in full, with what was
    lent and repaid."""

    _name = "report.microloan_reports.report_loan_settlement"
    _inherit = "microloan.document"
    _description = "Settlement Certificate Document"

    @api.model
    def _get_document_values(self, docs, data):
        schedule = self.env["report.microloan_reports.report_loan_schedule"]
        figures = {}
        for loan in docs:
            if loan.state != "closed":
                raise UserError(
                    self.env._(
                        "%(loan)s is not settled: only a settled loan has a "
                        "settlement certificate.",
                        loan=loan.name,
                    )
                )
            repayments = loan.transaction_ids.filtered(
                lambda t: t.state == "posted" and t.kind == "repayment"
            )
            repaid = sum(repayments.mapped("amount"))
            figures[loan.id] = {
                **schedule._loan_figures(loan),
                "disbursed_words": self._capitals(
                    loan.amount_disbursed, loan.currency_id
                ),
                "repaid": repaid,
                "repaid_words": self._capitals(repaid, loan.currency_id),
                "principal_repaid": sum(repayments.mapped("principal_amount")),
                "interest_repaid": sum(repayments.mapped("interest_amount")),
                "charges_repaid": sum(repayments.mapped("penalty_amount"))
                + sum(repayments.mapped("compound_amount"))
                + sum(repayments.mapped("fee_amount")),
            }
        return {"figures": figures}
