from odoo import api, fields, models


class MicroloanCreditLineDraw(models.TransientModel):
    _name = "microloan.credit.line.draw"
    _description = "Draw on a Credit Line"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "line_id"
    _microloan_branch_field = "line_id"

    line_id = fields.Many2one(
        "microloan.credit.line", required=True, readonly=True, check_company=True
    )
    currency_id = fields.Many2one(related="line_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(required=True)
    available_amount = fields.Monetary(
        string="Available", compute="_compute_available_amount"
    )

    @api.depends("line_id", "date")
    def _compute_available_amount(self):
        for wizard in self:
            line = wizard.line_id
            wizard.available_amount = 0.0
            if line.state == "active" and wizard.date:
                wizard.available_amount = float(
                    line._engine_ledger().available(wizard.date)
                )

    def action_draw(self):
        """Post the draw on the credit line."""
        self.ensure_one()
        self.line_id.draw(self.amount, self.date)
        return {"type": "ir.actions.act_window_close"}
