from odoo import fields, models


class MicroloanApplicationReview(models.TransientModel):
    _name = "microloan.application.review"
    _description = "Review an Application"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "application_id"

    application_id = fields.Many2one(
        "microloan.application",
        string="Application",
        required=True,
        check_company=True,
    )
    decision = fields.Selection(
        selection=[("pass", "Pass On"), ("send_back", "Send Back")],
        required=True,
        default="pass",
    )
    opinion = fields.Text(required=True)

    def action_confirm(self):
        """Record the opinion on the application."""
        self.ensure_one()
        self.application_id.action_review(self.decision, self.opinion)
        return {"type": "ir.actions.act_window_close"}
