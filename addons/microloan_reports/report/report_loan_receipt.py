from odoo import api, models
from odoo.exceptions import UserError

# Transactions a borrower pays: each gets a receipt.
RECEIPT_KINDS = ("repayment", "recovery")


class ReportLoanReceipt(models.AbstractModel):
    """还款凭证: one repayment, its amount in figures and capitals and how it
    was allocated to the installments."""

    _name = "report.microloan_reports.report_loan_receipt"
    _inherit = "microloan.document"
    _description = "Repayment Receipt Document"

    _document_model = "microloan.loan.transaction"

    @api.model
    def _get_document_values(self, docs, data):
        figures = {}
        for transaction in docs:
            if transaction.kind not in RECEIPT_KINDS:
                raise UserError(
                    self.env._(
                        "%(number)s is not a repayment: only repayments have a "
                        "receipt.",
                        number=transaction.name,
                    )
                )
            lines = transaction.line_ids.filtered(
                lambda line: line.effect == "settle" or line.component == "excess"
            ).sorted(lambda line: (line.installment_sequence, line.id))
            figures[transaction.id] = {
                "amount_words": self._capitals(
                    transaction.amount, transaction.currency_id
                ),
                "lines": lines,
            }
        return {"figures": figures}
