from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MicroloanLoanStatement(models.TransientModel):
    """Collects the date range of a loan statement (对账单) and prints it."""

    _name = "microloan.loan.statement"
    _description = "Print a Loan Statement"
    _check_company_auto = True

    loan_id = fields.Many2one(
        "microloan.loan", required=True, readonly=True, check_company=True
    )
    company_id = fields.Many2one(related="loan_id.company_id")
    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_date_from()
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)

    def _default_date_from(self):
        return fields.Date.context_today(self).replace(month=1, day=1)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._("The statement's start date is after its end date.")
                )

    def action_print(self):
        """Print the statement of the loan for the dates."""
        self.ensure_one()
        return self.env.ref(
            "microloan_reports.action_report_loan_statement"
        ).report_action(
            self.loan_id,
            data={
                "date_from": fields.Date.to_string(self.date_from),
                "date_to": fields.Date.to_string(self.date_to),
            },
        )
