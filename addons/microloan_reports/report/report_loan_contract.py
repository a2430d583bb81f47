from odoo import api, models

from ..models.microloan_loan import CONTRACT_STATES


class ReportLoanContract(models.AbstractModel):
    """借款合同: the parties, the loan's terms with the amount in capitals, the
    guarantors and collateral, the PBOC 2021 annualized-rate disclosure, the
    product's articles, the signature blocks and the schedule as an annex."""

    _name = "report.microloan_reports.report_loan_contract"
    _inherit = "microloan.document"
    _description = "Loan Contract Document"

    @api.model
    def _get_document_values(self, docs, data):
        schedule = self.env["report.microloan_reports.report_loan_schedule"]
        figures = {}
        for loan in docs:
            values = schedule._loan_figures(loan)
            template = loan.product_id._get_contract_template()
            values.update(
                {
                    "template": template,
                    "title": template.title or loan.env._("Loan Contract"),
                    "is_draft": loan.state not in CONTRACT_STATES,
                    "version": loan._next_contract_version(),
                    "guarantees": loan.guarantee_ids,
                    "collateral": loan.collateral_ids,
                }
            )
            figures[loan.id] = values
        return {"figures": figures}
