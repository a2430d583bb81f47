from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import float_repr

from microloan_engine.repeat_pricing import repeat_terms


class MicroloanApplicationRepeatPricing(models.AbstractModel):
    """Repeat-borrower pricing of a loan application (microloan.application):
    the rule of microloan.repeat.pricing.rule the borrower's history meets,
    and the rate and maximum it gives (the engine's)."""

    _name = "microloan.application.repeat.pricing"
    _description = "Loan Application: Repeat-Borrower Pricing"

    # The application's own fields (declared here for the mixin).
    currency_id = fields.Many2one("res.currency")
    partner_id = fields.Many2one("res.partner")
    product_id = fields.Many2one("microloan.product")
    company_id = fields.Many2one("res.company")
    score_max_amount = fields.Monetary()
    repeat_rule_id = fields.Many2one(
        "microloan.repeat.pricing.rule",
        string="Repeat-Borrower Rule",
        compute="_compute_repeat_pricing",
        help="The repeat-borrower pricing rule the borrower's settled loans "
        "and worst days past due meet.",
    )
    repeat_rule_applied_id = fields.Many2one(
        "microloan.repeat.pricing.rule",
        string="Repeat-Borrower Rule Applied",
        readonly=True,
        copy=False,
        help="The repeat-borrower rule the application met when it was approved "
        "(kept: the rule shown above is recomputed from today's history).",
    )
    repeat_settled_loans = fields.Integer(
        string="Loans Settled", compute="_compute_repeat_pricing"
    )
    repeat_worst_days_past_due = fields.Integer(
        string="Worst Days Past Due", compute="_compute_repeat_pricing"
    )
    repeat_max_amount = fields.Monetary(
        string="Maximum with Repeat Pricing",
        compute="_compute_repeat_pricing",
        help="The maximum by score raised by the repeat-borrower rule (empty: "
        "no maximum).",
    )

    @api.depends("partner_id", "product_id", "company_id", "score_max_amount")
    @api.depends_context("uid")
    def _compute_repeat_pricing(self):
        today = fields.Date.context_today(self)
        rules = self.env["microloan.repeat.pricing.rule"]
        for application in self:
            rule, settled, worst = rules._find_for(
                application.partner_id,
                application.product_id,
                application.company_id or self.env.company,
                today,
            )
            application.repeat_rule_id = rule
            application.repeat_settled_loans = settled
            application.repeat_worst_days_past_due = worst
            application.repeat_max_amount = application._credit_repeat_terms(
                0.0, application.score_max_amount, rule
            )[1]

    def _credit_repeat_terms(self, rate, maximum, rule=None):
        """``(rate, maximum)`` with the repeat-borrower rule (``maximum`` 0:
        none)."""
        self.ensure_one()
        rule = self.repeat_rule_id if rule is None else rule
        terms = repeat_terms(
            rule._engine_rule() if rule else None,
            Decimal(float_repr(rate, 4)),
            Decimal(float_repr(maximum, self.currency_id.decimal_places or 2))
            if maximum
            else None,
        )
        return float(terms.rate), float(terms.max_amount or 0)

    def action_approve(self, amount=None, term=None, rate=None, conditions=None):
        """Approve (see microloan.application.workflow) and keep the
        repeat-borrower rule that applied."""
        rule = self.repeat_rule_id if len(self) == 1 else None
        loan_id = super().action_approve(
            amount=amount, term=term, rate=rate, conditions=conditions
        )
        if rule:
            # sudo: the stamp is guarded; the approval was checked above.
            self.sudo().repeat_rule_applied_id = rule
        return loan_id
