from itertools import zip_longest

from odoo import api, models
from odoo.exceptions import UserError


class ReportLoanExtension(models.AbstractModel):
    """展期协议: the extension agreement, the schedule before the extension (the
    version microloan_base kept when it replaced it) beside the schedule after
    (the loan's installments now)."""

    _name = "report.microloan_reports.report_loan_extension"
    _inherit = "microloan.document"
    _description = "Extension Agreement Document"

    @api.model
    def _get_document_values(self, docs, data):
        schedule = self.env["report.microloan_reports.report_loan_schedule"]
        figures = {}
        for loan in docs:
            version = loan.schedule_version_ids.filtered(
                lambda v: v.kind == "extension"
            )[:1]
            if not version:
                raise UserError(
                    self.env._(
                        "%(loan)s was not extended: it has no extension agreement.",
                        loan=loan.name,
                    )
                )
            before = version.line_ids.sorted(
                lambda line: (line.due_date, line.sequence)
            )
            after = loan.installment_ids.filtered(
                lambda i: i.state != "cancelled"
            ).sorted(lambda i: (i.due_date, i.sequence))
            figures[loan.id] = {
                **schedule._loan_figures(loan),
                "version": version,
                "rows": list(zip_longest(before, after)),
                "outstanding_words": self._capitals(
                    loan.principal_outstanding, loan.currency_id
                ),
            }
        return {"figures": figures}
