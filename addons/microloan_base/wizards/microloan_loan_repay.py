from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_amount, format_date

# Components of an allocation preview, in the order they are shown.
PREVIEW_COMPONENTS = ("principal", "interest", "fee", "penalty", "compound")


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
    date = fields.Date(required=True, default=fields.Date.context_today)
    amount = fields.Monetary(
        compute="_compute_amount",
        store=True,
        readonly=False,
        required=True,
        help="What is due on the date (overdue installments, charges and the "
        "installments falling due), else the next installment, less the "
        "borrower's credit.",
    )
    reference = fields.Char(
        help="Reference of the payment (bank statement, import): a payment with "
        "a reference already registered is not applied twice."
    )
    note = fields.Text()
    # What is owed on the date and what the amount pays, from the engine
    # (microloan.loan.repayment_guidance).
    amount_overdue = fields.Monetary(
        string="Overdue", compute="_compute_guidance", readonly=True
    )
    amount_due = fields.Monetary(
        string="Due on the Date", compute="_compute_guidance", readonly=True
    )
    next_amount = fields.Monetary(
        string="Next Installment", compute="_compute_guidance", readonly=True
    )
    next_due_date = fields.Date(compute="_compute_guidance", readonly=True)
    payoff_amount = fields.Monetary(
        compute="_compute_guidance",
        readonly=True,
        help="What repays the whole loan on the date (Prepay > Full Payoff), "
        "the borrower's credit deducted.",
    )
    paid_principal = fields.Monetary(
        string="Principal", compute="_compute_guidance", readonly=True
    )
    paid_interest = fields.Monetary(
        string="Interest", compute="_compute_guidance", readonly=True
    )
    paid_fee = fields.Monetary(
        string="Fees", compute="_compute_guidance", readonly=True
    )
    paid_penalty = fields.Monetary(
        string="Penalty Interest", compute="_compute_guidance", readonly=True
    )
    paid_compound = fields.Monetary(
        string="Compound Interest", compute="_compute_guidance", readonly=True
    )
    excess_amount = fields.Monetary(
        string="Held as Borrower Credit",
        compute="_compute_guidance",
        readonly=True,
        help="What the amount leaves after paying what it can: held for the "
        "borrower, used by the next repayment or refunded.",
    )
    preview_html = fields.Html(
        string="Allocation", compute="_compute_guidance", sanitize=False
    )
    above_payoff = fields.Boolean(compute="_compute_guidance")
    excess_warning = fields.Char(compute="_compute_guidance")
    guidance_error = fields.Char(compute="_compute_guidance")
    confirm_above_payoff = fields.Boolean(
        string="I confirm the amount above the payoff",
        help="An amount above the payoff does not close the loan: what it "
        "leaves is held as the borrower's credit.",
    )

    @api.depends("loan_id", "date")
    def _compute_amount(self):
        for wizard in self:
            guidance = wizard._get_guidance(with_amount=False)[0]
            wizard.amount = guidance.get("suggested", 0.0)

    @api.depends("loan_id", "date", "amount")
    def _compute_guidance(self):
        for wizard in self:
            guidance, error = wizard._get_guidance(with_amount=True)
            allocation = guidance.get("allocation", {})
            wizard.amount_overdue = guidance.get("overdue", 0.0)
            wizard.amount_due = guidance.get("due", 0.0)
            wizard.next_amount = guidance.get("next_amount", 0.0)
            wizard.next_due_date = guidance.get("next_due_date") or False
            wizard.payoff_amount = guidance.get("payoff", 0.0)
            wizard.paid_principal = allocation.get("principal", 0.0)
            wizard.paid_interest = allocation.get("interest", 0.0)
            wizard.paid_fee = allocation.get("fee", 0.0)
            wizard.paid_penalty = allocation.get("penalty", 0.0)
            wizard.paid_compound = allocation.get("compound", 0.0)
            wizard.excess_amount = guidance.get("excess", 0.0)
            wizard.above_payoff = guidance.get("above_payoff", False)
            wizard.preview_html = wizard._preview_html(guidance.get("lines", []))
            wizard.excess_warning = (
                wizard._excess_warning(guidance) if wizard.above_payoff else False
            )
            wizard.guidance_error = error

    def _get_guidance(self, with_amount):
        """``(guidance, error)``: the loan's repayment guidance on the date
        (with the wizard's amount when ``with_amount``), or ``{}`` and the
        reason it cannot be given."""
        self.ensure_one()
        loan = self.loan_id
        if not loan or not self.date or loan.state != "active":
            return {}, False
        amount = None
        if with_amount:
            amount = self.amount if self.amount and self.amount > 0 else 0.0
        try:
            return loan.repayment_guidance(self.date, amount), False
        except UserError as error:
            return {}, str(error)

    def _preview_html(self, lines):
        """The allocation per installment, one line each, e.g. "Installment 1
        (2026-02-10): principal 7,884.88, interest 1,000.00"."""
        if not lines:
            return False
        env = self.env
        labels = dict(
            env["microloan.loan.transaction.line"]
            ._fields["component"]
            ._description_selection(env)
        )
        by_installment = {}
        for line in lines:
            by_installment.setdefault((line["sequence"], line["due_date"]), []).append(
                line
            )
        items = []
        for (sequence, due_date), parts in sorted(by_installment.items()):
            amounts = ", ".join(
                env._(
                    "%(component)s %(amount)s",
                    component=labels.get(part["component"], part["component"]),
                    amount=format_amount(env, part["amount"], self.currency_id),
                )
                for part in parts
            )
            items.append(
                Markup("<li>%s</li>")
                % env._(
                    "Installment %(number)s (due %(date)s): %(amounts)s",
                    number=sequence,
                    date=format_date(env, due_date),
                    amounts=amounts,
                )
            )
        return Markup('<ul class="mb-0 ps-3">%s</ul>') % Markup("").join(items)

    def _excess_warning(self, guidance):
        env = self.env
        return env._(
            "%(amount)s is above the payoff amount of %(payoff)s. A repayment "
            "does not close the loan: it pays what is shown and %(excess)s is "
            "held as the borrower's credit (used by the next repayment, or "
            "refunded). To repay the whole loan, use Prepay > Full Payoff.",
            amount=format_amount(env, self.amount, self.currency_id),
            payoff=format_amount(env, guidance["payoff"], self.currency_id),
            excess=format_amount(env, guidance["excess"], self.currency_id),
        )

    def _get_payment_options(self):
        """Options of ``microloan.loan.register_repayment`` telling how the
        money came in (microloan_accounting: journal and payment method)."""
        return {}

    def action_repay(self):
        """Register the repayment; the engine allocates it. An amount above
        the payoff needs the confirmation box ticked."""
        self.ensure_one()
        if self.above_payoff and not self.confirm_above_payoff:
            raise UserError(
                self.excess_warning
                + "\n"
                + self.env._("Tick the confirmation box to register it anyway.")
            )
        self.loan_id.register_repayment(
            self.amount,
            self.date,
            reference=self.reference or None,
            note=self.note or False,
            **self._get_payment_options(),
        )
        return {"type": "ir.actions.act_window_close"}
