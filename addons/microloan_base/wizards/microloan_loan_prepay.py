from odoo import api, fields, models
from odoo.exceptions import UserError


class MicroloanLoanPrepay(models.TransientModel):
    _name = "microloan.loan.prepay"
    _description = "Prepay a Loan"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "loan_id"

    loan_id = fields.Many2one(
        "microloan.loan", required=True, readonly=True, check_company=True
    )
    currency_id = fields.Many2one(related="loan_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    kind = fields.Selection(
        selection=[("partial", "Partial Prepayment"), ("full", "Full Payoff")],
        required=True,
        default="partial",
    )
    principal = fields.Monetary(string="Principal to Prepay")
    mode = fields.Selection(
        selection=[
            ("reduce_installment", "Lower Installment, Same Term"),
            ("shorten_term", "Same Installment, Shorter Term"),
        ],
        required=True,
        default="reduce_installment",
    )
    reference = fields.Char()
    note = fields.Text()
    # Quote preview
    quote_principal = fields.Monetary(
        string="Principal", compute="_compute_quote", readonly=True
    )
    quote_interest = fields.Monetary(
        string="Interest", compute="_compute_quote", readonly=True
    )
    quote_penalty = fields.Monetary(
        string="Penalty Interest", compute="_compute_quote", readonly=True
    )
    quote_compound = fields.Monetary(
        string="Compound Interest", compute="_compute_quote", readonly=True
    )
    quote_fee = fields.Monetary(string="Fees", compute="_compute_quote", readonly=True)
    quote_prepayment_fee = fields.Monetary(
        string="Prepayment Fee", compute="_compute_quote", readonly=True
    )
    quote_total = fields.Monetary(
        string="Total", compute="_compute_quote", readonly=True
    )
    quote_credit = fields.Monetary(
        string="Borrower Credit Used", compute="_compute_quote", readonly=True
    )
    quote_amount_due = fields.Monetary(
        string="To Collect", compute="_compute_quote", readonly=True
    )
    quote_error = fields.Char(compute="_compute_quote", readonly=True)

    @api.depends("loan_id", "date", "kind", "principal", "mode")
    def _compute_quote(self):
        for wizard in self:
            quote = {}
            error = False
            if wizard.loan_id and wizard.date:
                try:
                    if wizard.kind == "full":
                        quote = wizard.loan_id.payoff_quote(wizard.date)
                    elif wizard.principal > 0:
                        quote = wizard.loan_id._prepayment_preview(
                            wizard.principal, wizard.date, wizard.mode
                        )
                except UserError as exception:
                    error = str(exception)
            wizard.quote_principal = quote.get("principal", 0.0)
            wizard.quote_interest = quote.get("interest", 0.0)
            wizard.quote_penalty = quote.get("penalty", 0.0)
            wizard.quote_compound = quote.get("compound", 0.0)
            wizard.quote_fee = quote.get("fee", 0.0)
            wizard.quote_prepayment_fee = quote.get("prepayment_fee", 0.0)
            wizard.quote_total = quote.get("total", 0.0)
            wizard.quote_credit = quote.get("total", 0.0) - quote.get("amount_due", 0.0)
            wizard.quote_amount_due = quote.get("amount_due", 0.0)
            wizard.quote_error = error

    def action_prepay(self):
        """Post the prepayment or the payoff at the quote shown."""
        self.ensure_one()
        if self.kind == "full":
            self.loan_id.payoff(
                self.date, reference=self.reference or False, note=self.note or False
            )
        else:
            self.loan_id.prepay(
                self.principal,
                self.date,
                mode=self.mode,
                reference=self.reference or False,
                note=self.note or False,
            )
        return {"type": "ir.actions.act_window_close"}
