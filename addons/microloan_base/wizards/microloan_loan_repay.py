from odoo import fields, models


class MicroloanLoanRepay(models.TransientModel):
    _name = "microloan.loan.repay"
    _description = "Register a Repayment"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "loan_id"

    loan_id = fields.Many2one(
        "microloan.loan", required=True, readonly=True, check_company=True
    )
    currency_id = fields.Many2one(related="loan_id.currency_id")
    credit_balance = fields.Monetary(related="loan_id.credit_balance")
    amount = fields.Monetary(required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    reference = fields.Char(
        help="Reference of the payment (bank statement, import): a payment with "
        "a reference already registered is not applied twice."
    )
    note = fields.Text()

    def action_repay(self):
        """Register the repayment; the engine allocates it."""
        self.ensure_one()
        self.loan_id.register_repayment(
            self.amount,
            self.date,
            reference=self.reference or None,
            note=self.note or False,
        )
        return {"type": "ir.actions.act_window_close"}
