from odoo import fields, models


class MicroloanLoanWriteOff(models.TransientModel):
    _name = "microloan.loan.write.off"
    _description = "Write Off a Loan"

    loan_id = fields.Many2one("microloan.loan", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Text(required=True)

    def action_write_off(self):
        """Write the loan off with the date and reason entered."""
        self.ensure_one()
        self.loan_id.write_off(self.date, self.reason)
        return {"type": "ir.actions.act_window_close"}
