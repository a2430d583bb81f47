from odoo import fields, models


class MicroloanLoanReject(models.TransientModel):
    _name = "microloan.loan.reject"
    _description = "Reject Loans"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "loan_ids"

    loan_ids = fields.Many2many(
        "microloan.loan", string="Loans", required=True, check_company=True
    )
    reason = fields.Text(required=True)

    def action_reject(self):
        """Reject the loans with the reason given."""
        self.ensure_one()
        self.loan_ids.action_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}
