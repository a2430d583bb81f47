from odoo import fields, models


class MicroloanLoanOverdueNotice(models.TransientModel):
    """Collects the day of an overdue notice (逾期催收通知书) and prints it."""

    _name = "microloan.loan.overdue.notice"
    _description = "Print an Overdue Notice"
    _check_company_auto = True

    loan_id = fields.Many2one(
        "microloan.loan", required=True, readonly=True, check_company=True
    )
    company_id = fields.Many2one(related="loan_id.company_id")
    date = fields.Date(
        string="Amounts Due On",
        required=True,
        default=fields.Date.context_today,
        help="The notice states what is overdue on this day, penalty and compound "
        "interest included.",
    )

    def action_print(self):
        """Print the overdue notice of the loan for the day."""
        self.ensure_one()
        return self.env.ref(
            "microloan_reports.action_report_loan_overdue_notice"
        ).report_action(self.loan_id, data={"date": fields.Date.to_string(self.date)})
