from odoo import api, fields, models
from odoo.exceptions import UserError

from microloan_engine import EngineError
from microloan_engine.notices import overdue_notice


class ReportLoanOverdueNotice(models.AbstractModel):
    """逾期催收通知书: what the borrower owes on a day for the installments past
    due, penalty and compound interest included (the engine's
    ``notices.overdue_notice`` on the loan's servicing position), and the payoff
    of the whole loan on that day (the servicing API's ``payoff_quote``)."""

    _name = "report.microloan_reports.report_loan_overdue_notice"
    _inherit = "microloan.document"
    _description = "Overdue Notice Document"

    @api.model
    def _get_document_values(self, docs, data):
        data = data or {}
        try:
            as_of = fields.Date.to_date(data.get("date")) or fields.Date.context_today(
                self
            )
        except (TypeError, ValueError) as error:
            raise UserError(self.env._("The notice's date is not valid.")) from error
        schedule = self.env["report.microloan_reports.report_loan_schedule"]
        figures = {}
        for loan in docs:
            if loan.state != "active":
                raise UserError(
                    self.env._(
                        "%(loan)s is not an active loan: it has no overdue notice.",
                        loan=loan.name,
                    )
                )
            try:
                notice = overdue_notice(loan._position_at(as_of), as_of)
            except EngineError as error:
                raise loan._engine_user_error(error) from error
            figures[loan.id] = {
                **schedule._loan_figures(loan),
                "notice": {
                    name: float(getattr(notice, name))
                    for name in (
                        "principal",
                        "interest",
                        "penalty",
                        "compound",
                        "fees",
                        "total",
                    )
                },
                "days_past_due": notice.days_past_due,
                "overdue_installments": notice.overdue_installments,
                "total_words": self._capitals(float(notice.total), loan.currency_id),
                "payoff": loan.payoff_quote(fields.Date.to_string(as_of)),
            }
        return {"figures": figures, "as_of": as_of}
