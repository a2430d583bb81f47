from odoo import api, fields, models
from odoo.exceptions import UserError


class MicroloanCreditLineRepay(models.TransientModel):
    _name = "microloan.credit.line.repay"
    _description = "Repay a Credit Line"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "line_id"
    _microloan_branch_field = "line_id"

    line_id = fields.Many2one(
        "microloan.credit.line", required=True, readonly=True, check_company=True
    )
    currency_id = fields.Many2one(related="line_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(required=True)
    reference = fields.Char(help="External payment reference, unique per branch.")
    quote_principal = fields.Monetary(string="Principal", compute="_compute_quote")
    quote_interest = fields.Monetary(
        string="Interest to Date", compute="_compute_quote"
    )
    quote_total = fields.Monetary(string="Payoff", compute="_compute_quote")
    quote_accumulated_product = fields.Float(
        string="积数", digits=(20, 2), compute="_compute_quote"
    )

    @api.depends("line_id", "date")
    def _compute_quote(self):
        for wizard in self:
            quote = {}
            if wizard.line_id and wizard.date:
                try:
                    quote = wizard.line_id.payoff_quote(wizard.date)
                except UserError:
                    quote = {}
            wizard.quote_principal = quote.get("principal", 0.0)
            wizard.quote_interest = quote.get("interest", 0.0) + quote.get(
                "interest_due", 0.0
            )
            wizard.quote_total = quote.get("total", 0.0)
            wizard.quote_accumulated_product = quote.get("accumulated_product", 0.0)

    def action_pay_off(self):
        """Fill in the payoff amount of the date."""
        self.ensure_one()
        self.amount = self.quote_total
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Register Repayment"),
        }

    def action_repay(self):
        """Post the repayment on the credit line."""
        self.ensure_one()
        self.line_id.register_repayment(
            self.amount, self.date, reference=self.reference or None
        )
        return {"type": "ir.actions.act_window_close"}
