from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_repr

from odoo.addons.microloan_base.tools import inputs
from odoo.addons.microloan_base.tools.engine_messages import engine_message

from microloan_engine import EngineError
from microloan_engine.repeat_pricing import RepeatRule, applicable_rule, check_rule
from microloan_engine.scoring import worst_days_past_due

# The borrower's loans that count: lent ones (their worst days past due) and,
# among them, the settled ones (closed in microloan_base).
LENT_STATES = ("approved", "active", "closed", "written_off")
SETTLED_STATES = ("closed",)


class MicroloanRepeatPricingRule(models.Model):
    """Repeat-borrower pricing: a borrower with at least ``min_settled_loans``
    loans settled whose loans never went more than ``max_days_past_due`` days
    past due gets a lower rate and/or a higher maximum amount. The first rule
    by sequence that the borrower meets applies (microloan_engine.
    repeat_pricing)."""

    _name = "microloan.repeat.pricing.rule"
    _description = "Repeat-Borrower Pricing Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty for a rule every branch uses; a head-office rule "
        "applies to its branches.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    product_id = fields.Many2one(
        "microloan.product",
        string="Product",
        check_company=True,
        tracking=True,
        help="Leave empty for every product.",
    )
    min_settled_loans = fields.Integer(
        string="Loans Settled (At Least)", required=True, default=1, tracking=True
    )
    max_days_past_due = fields.Integer(
        string="Worst Days Past Due (At Most)",
        required=True,
        default=0,
        tracking=True,
        help="The most days past due any loan of the borrower ever reached.",
    )
    rate_reduction = fields.Float(
        string="Rate Reduction (Points)", digits=(7, 4), tracking=True
    )
    max_increase_percent = fields.Float(
        string="Maximum Increase (%)", digits=(7, 4), tracking=True
    )
    max_increase_amount = fields.Monetary(
        string="Maximum Increase (Amount)", tracking=True
    )

    def _check_numbers(self, vals):
        """Refuse a figure that is not a finite number (translated)."""
        labels = {
            "min_settled_loans": self.env._("The loans settled"),
            "max_days_past_due": self.env._("The worst days past due"),
            "rate_reduction": self.env._("The rate reduction"),
            "max_increase_percent": self.env._("The maximum increase (%)"),
            "max_increase_amount": self.env._("The maximum increase (amount)"),
        }
        for name, label in labels.items():
            if vals.get(name) is not None and vals.get(name) is not False:
                inputs.number(self.env, vals[name], label)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_numbers(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_numbers(vals)
        return super().write(vals)

    def _engine_rule(self):
        self.ensure_one()
        return RepeatRule(
            sequence=self.sequence,
            min_settled=self.min_settled_loans,
            max_days_past_due=self.max_days_past_due,
            rate_reduction=Decimal(float_repr(self.rate_reduction, 4)),
            max_increase_percent=Decimal(float_repr(self.max_increase_percent, 4)),
            max_increase_amount=Decimal(
                float_repr(self.max_increase_amount, self.currency_id.decimal_places)
            ),
        )

    @api.constrains(
        "min_settled_loans",
        "max_days_past_due",
        "rate_reduction",
        "max_increase_percent",
        "max_increase_amount",
    )
    def _check_rule(self):
        labels = {
            "min_settled": self.env._("The loans settled"),
            "max_days_past_due": self.env._("The worst days past due"),
            "rate_reduction": self.env._("The rate reduction"),
            "max_increase_percent": self.env._("The maximum increase (%)"),
            "max_increase_amount": self.env._("The maximum increase (amount)"),
        }
        for rule in self:
            try:
                check_rule(rule._engine_rule())
            except EngineError as error:
                if error.field == "rate_reduction" and error.code == "not_empty":
                    raise ValidationError(
                        self.env._(
                            "%(rule)s must lower the rate or raise the maximum.",
                            rule=rule.name,
                        )
                    ) from error
                raise ValidationError(
                    self.env._(
                        "%(rule)s: %(field)s %(error)s",
                        rule=rule.name,
                        field=labels.get(error.field, error.field),
                        error=engine_message(self.env, error)[1],
                    )
                ) from error

    @api.model
    def _borrower_history(self, partner, today):
        """``(loans settled, worst days past due)`` of ``partner``'s loans (in
        every branch: a borrower is one person)."""
        if not partner:
            return 0, 0
        # sudo: the borrower's own record in any branch; only two figures
        # leave this method.
        loans = (
            self.env["microloan.loan"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("state", "in", LENT_STATES)])
        )
        settled = len(loans.filtered(lambda loan: loan.state in SETTLED_STATES))
        worst = 0
        for loan in loans:
            worst = max(
                worst,
                loan.days_past_due,
                worst_days_past_due(loan._credit_installment_dates(), today),
            )
        return settled, worst

    @api.model
    def _find_for(self, partner, product, company, today):
        """The rule that applies to ``partner`` for ``product`` in ``company``
        (an empty recordset when none), with the borrower's history."""
        settled, worst = self._borrower_history(partner, today)
        # sudo: the shared and head-office rules the company uses.
        rules = self.sudo().search(
            [
                "|",
                ("company_id", "=", False),
                ("company_id", "parent_of", company.ids),
                "|",
                ("product_id", "=", False),
                ("product_id", "=", product.id),
            ]
        )
        index = applicable_rule([rule._engine_rule() for rule in rules], settled, worst)
        rule = rules[index] if index is not None else self.browse()
        return rule.with_env(self.env), settled, worst
