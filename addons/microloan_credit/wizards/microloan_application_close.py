from odoo import fields, models


class MicroloanApplicationClose(models.TransientModel):
    _name = "microloan.application.close"
    _description = "Reject or Withdraw an Application"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "application_id"

    application_id = fields.Many2one(
        "microloan.application",
        string="Application",
        required=True,
        check_company=True,
    )
    outcome = fields.Selection(
        selection=[("rejected", "Reject"), ("withdrawn", "Withdraw")],
        required=True,
        default="rejected",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        """Reject or withdraw the application with the reason given."""
        self.ensure_one()
        if self.outcome == "rejected":
            self.application_id.action_reject(self.reason)
        else:
            self.application_id.action_withdraw(self.reason)
        return {"type": "ir.actions.act_window_close"}
