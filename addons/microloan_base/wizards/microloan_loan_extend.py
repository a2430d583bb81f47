from odoo import fields, models


class MicroloanLoanExtend(models.TransientModel):
    _name = "microloan.loan.extend"
    _description = "Extend a Loan or Change its Rate"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "loan_id"

    loan_id = fields.Many2one("microloan.loan", required=True, check_company=True)
    currency_id = fields.Many2one(related="loan_id.currency_id")
    mode = fields.Selection(
        selection=[("extend", "Extension (展期)"), ("rate", "Rate Change")],
        required=True,
        default="extend",
    )
    date = fields.Date(
        string="Application Date",
        required=True,
        default=fields.Date.context_today,
        help="Extension: the day the borrower applied (on or before maturity). "
        "Rate change: the day the new rate applies from.",
    )
    maturity_date = fields.Date(related="loan_id.maturity_date")
    extension_by = fields.Selection(
        selection=[("date", "New Maturity Date"), ("periods", "Extra Periods")],
        default="date",
        required=True,
    )
    new_maturity = fields.Date()
    extra_periods = fields.Integer()
    change_rate = fields.Boolean(string="Change the Rate")
    new_rate = fields.Float(string="New Annual Rate (%)", digits=(7, 4))
    guarantor_consent = fields.Boolean(
        string="Guarantors Consent",
        default=True,
        help="The guarantors, mortgagors or pledgors agreed in writing.",
    )
    financial_difficulty = fields.Boolean(
        help="The extension is granted because the borrower is in financial "
        "difficulty: the loan becomes restructured (重组).",
    )
    reason = fields.Text(required=True)

    def action_apply(self):
        """Extend the loan or change its rate with the values entered."""
        self.ensure_one()
        if self.mode == "rate":
            self.loan_id.change_rate(self.new_rate, self.date, reason=self.reason)
        else:
            self.loan_id.extend(
                new_maturity=self.new_maturity if self.extension_by == "date" else None,
                extra_periods=self.extra_periods
                if self.extension_by == "periods"
                else None,
                date=self.date,
                new_rate=self.new_rate if self.change_rate else None,
                reason=self.reason,
                guarantor_consent=self.guarantor_consent,
                financial_difficulty=self.financial_difficulty,
            )
        return {"type": "ir.actions.act_window_close"}
