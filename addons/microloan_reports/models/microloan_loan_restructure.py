from odoo import fields, models


class MicroloanLoanRestructure(models.AbstractModel):
    """An extension (展期) is reported as event 42, with the new due date and
    periods in the basic information."""

    _inherit = "microloan.loan.restructure"

    def extend(
        self,
        new_maturity=None,
        extra_periods=None,
        date=None,
        new_rate=None,
        reason=None,
        guarantor_consent=True,
        financial_difficulty=False,
    ):
        result = super().extend(
            new_maturity=new_maturity,
            extra_periods=extra_periods,
            date=date,
            new_rate=new_rate,
            reason=reason,
            guarantor_consent=guarantor_consent,
            financial_difficulty=financial_difficulty,
        )
        day = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        self.env["microloan.credit.report.event"]._record(self, "42", day)
        return result
