from odoo import api, models


class ReportApprovalForm(models.AbstractModel):
    """贷款审批表: the loan approval form of an application: the requested and
    approved terms, the score, the investigation's summary, the review and
    committee opinions with their votes, and who approved it when."""

    _name = "report.microloan_reports_credit.report_approval_form"
    _inherit = "microloan.document"
    _description = "Loan Approval Form Document"

    _document_model = "microloan.application"

    @api.model
    def _get_document_values(self, docs, data):
        figures = {}
        for application in docs:
            currency = application.currency_id
            report = application.investigation_id
            votes = application.committee_item_ids.vote_ids.sorted("date")
            figures[application.id] = {
                "amount_words": self._capitals(application.amount, currency),
                "approved_words": self._capitals(application.approved_amount, currency),
                "score_lines": application.score_line_ids.sorted("sequence"),
                "reviews": application.review_round_ids.sorted("date"),
                "votes": votes,
                "approve_count": len(votes.filtered(lambda v: v.vote == "approve")),
                "conditional_count": len(
                    votes.filtered(lambda v: v.vote == "approve_conditions")
                ),
                "reject_count": len(votes.filtered(lambda v: v.vote == "reject")),
                "investigation": report,
            }
        return {"figures": figures}
