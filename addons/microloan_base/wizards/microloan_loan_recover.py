from odoo import fields, models


class MicroloanLoanRecover(models.TransientModel):
    _name = "microloan.loan.recover"
    _description = "Register a Recovery"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "loan_id"

    loan_id = fields.Many2one("microloan.loan", required=True, check_company=True)
    currency_id = fields.Many2one(related="loan_id.currency_id")
    amount = fields.Monetary(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    reference = fields.Char()

    def action_recover(self):
        """Register the money recovered on the written-off loan."""
        self.ensure_one()
        self.loan_id.register_recovery(
            self.amount, self.date, reference=self.reference or False
        )
        return {"type": "ir.actions.act_window_close"}
