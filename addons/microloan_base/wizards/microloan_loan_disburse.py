from odoo import api, fields, models


class MicroloanLoanDisburse(models.TransientModel):
    _name = "microloan.loan.disburse"
    _description = "Disburse a Loan"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "loan_id"

    loan_id = fields.Many2one(
        "microloan.loan", required=True, readonly=True, check_company=True
    )
    currency_id = fields.Many2one(related="loan_id.currency_id")
    amount_approved = fields.Monetary(related="loan_id.amount", string="Approved")
    amount_disbursed = fields.Monetary(related="loan_id.amount_disbursed")
    amount = fields.Monetary(
        compute="_compute_amount", store=True, readonly=False, required=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reference = fields.Char(help="Reference of the bank transfer.")
    note = fields.Text()

    @api.depends("loan_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.loan_id.amount - wizard.loan_id.amount_disbursed

    def _get_payment_options(self):
        """Options of ``microloan.loan.disburse`` telling how the money is paid
        out (microloan_accounting: journal and payment method)."""
        return {}

    def action_disburse(self):
        """Disburse the amount on the date given."""
        self.ensure_one()
        self.loan_id.disburse(
            self.amount,
            self.date,
            reference=self.reference or False,
            note=self.note or False,
            **self._get_payment_options(),
        )
        return {"type": "ir.actions.act_window_close"}
