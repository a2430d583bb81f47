from odoo import fields, models

from ..tools.risk_tiers import RISK_TIERS


class MicroloanLoanClassify(models.TransientModel):
    _name = "microloan.loan.classify"
    _description = "Override the Classification of a Loan"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "loan_id"

    loan_id = fields.Many2one("microloan.loan", required=True, check_company=True)
    risk_tier = fields.Selection(related="loan_id.risk_tier")
    risk_tier_floor = fields.Selection(related="loan_id.risk_tier_floor")
    tier = fields.Selection(
        selection=RISK_TIERS, string="New Classification", required=True
    )
    reason = fields.Text(required=True)

    def action_override(self):
        """Set the classification chosen by the Risk Officer."""
        self.ensure_one()
        self.loan_id.action_override_classification(self.tier, self.reason)
        return {"type": "ir.actions.act_window_close"}
