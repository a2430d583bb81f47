from odoo import api, fields, models
from odoo.exceptions import UserError


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
    fee_deducted_amount = fields.Monetary(
        string="Fees Deducted",
        compute="_compute_fees",
        help="The product's fees deducted from the amount paid out (first "
        "disbursement only).",
    )
    fee_collected_amount = fields.Monetary(
        string="Fees Paid by the Borrower",
        compute="_compute_fees",
        help="The product's fees the borrower pays at the disbursement (first "
        "disbursement only).",
    )
    paid_out_amount = fields.Monetary(
        string="Paid Out",
        compute="_compute_fees",
        help="The money paid to the borrower: the amount less the fees deducted.",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reference = fields.Char(help="Reference of the bank transfer.")
    note = fields.Text()

    @api.depends("loan_id")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.loan_id.amount - wizard.loan_id.amount_disbursed

    @api.depends("loan_id", "amount")
    def _compute_fees(self):
        for wizard in self:
            loan = wizard.loan_id
            values = {
                "fee_deducted_amount": 0.0,
                "fee_collected_amount": 0.0,
                "paid_out_amount": wizard.amount,
            }
            if loan and loan.currency_id.compare_amounts(wizard.amount, 0.0) > 0:
                first = loan.state == "approved"
                try:
                    paid = loan._disbursement_with_fees(
                        wizard.amount, loan._get_fee_totals() if first else None
                    )
                except UserError:
                    # Disbursing says why; the figures stay as entered.
                    paid = None
                if paid:
                    values = {
                        "fee_deducted_amount": float(paid.fees_deducted),
                        "fee_collected_amount": float(paid.fees_paid),
                        "paid_out_amount": float(paid.paid_out),
                    }
            wizard.update(values)

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
