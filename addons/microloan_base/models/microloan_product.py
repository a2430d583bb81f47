from odoo import api, fields, models
from odoo.exceptions import ValidationError

from microloan_engine.classification import PRESETS

REPAYMENT_METHODS = [
    ("annuity", "Equal Installments (等额本息)"),
    ("equal_principal", "Equal Principal (等额本金)"),
    ("interest_only", "Interest Only, Principal at Maturity (先息后本)"),
    ("bullet", "Principal and Interest at Maturity (到期一次还本付息)"),
    ("balloon", "Balloon (气球贷)"),
    ("flat", "Flat Rate (等本等息)"),
    ("fixed_principal_percentage", "Fixed Principal Percentage"),
    # Served by microloan.product.revolving (credit lines, not schedules).
    ("revolving", "Revolving Credit Line (随借随还)"),
]
FREQUENCIES = [
    ("daily", "Daily"),
    ("weekly", "Weekly"),
    ("biweekly", "Every Two Weeks"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("semiannual", "Every Six Months"),
    ("yearly", "Yearly"),
]
# Buckets of microloan_engine.allocation, in the order each setting settles them.
# The current installment's fee ("current_fee": its fee with each installment)
# comes with it, just before its interest (microloan_engine.allocation).
ALLOCATION_ORDERS = {
    "penalty_first": (
        "fee",
        "penalty",
        "compound",
        "overdue_interest",
        "overdue_principal",
        "current_fee",
        "current_interest",
        "current_principal",
    ),
    "interest_first": (
        "overdue_interest",
        "overdue_principal",
        "penalty",
        "compound",
        "fee",
        "current_fee",
        "current_interest",
        "current_principal",
    ),
    "principal_first": (
        "overdue_principal",
        "overdue_interest",
        "penalty",
        "compound",
        "fee",
        "current_fee",
        "current_interest",
        "current_principal",
    ),
}
ALLOCATION_ORDERS["by_installment"] = ALLOCATION_ORDERS["penalty_first"]
DAY_COUNTS = [
    ("ACT/360", "Actual/360"),
    ("ACT/365", "Actual/365"),
    ("ACT/ACT", "Actual/Actual"),
    ("30/360", "30/360"),
    ("ACT/364", "Actual/364"),
]


class MicroloanProduct(models.Model):
    _name = "microloan.product"
    _description = "Loan Product"
    _inherit = [
        "mail.thread",
        "microloan.product.servicing",
        "microloan.product.lifecycle",
        "microloan.product.revolving",
    ]
    _order = "sequence, name, id"
    _check_company_auto = True
    _check_company_domain = models.check_company_domain_parent_of

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
        help="Set up products at head office: its branches see them. Leave empty "
        "to share the product with every company.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
        tracking=True,
    )
    description = fields.Html()

    # Repayment schedule
    repayment_method = fields.Selection(
        selection=REPAYMENT_METHODS,
        required=True,
        default="annuity",
        tracking=True,
    )
    frequency = fields.Selection(
        selection=FREQUENCIES,
        required=True,
        default="monthly",
        help="Default repayment frequency of the product's loans.",
    )
    payment_timing = fields.Selection(
        selection=[("end", "End of Period"), ("begin", "Beginning of Period")],
        required=True,
        default="end",
    )
    day_count = fields.Selection(
        selection=DAY_COUNTS,
        required=True,
        default="ACT/360",
        help="Day count used for daily interest: broken periods, overdue and "
        "prepayment interest, and every period under the daily interest basis.",
    )
    interest_basis = fields.Selection(
        selection=[
            ("period", "Period Rate (Annual / 12 per Month)"),
            ("daily", "Actual Days"),
        ],
        required=True,
        default="period",
    )
    rounding = fields.Selection(
        selection=[("half_up", "Half Up (四舍五入)"), ("half_even", "Half Even")],
        required=True,
        default="half_up",
    )
    installment_multiple = fields.Float(
        digits=(12, 4),
        default=0.01,
        help="Installments are rounded to a multiple of this amount (0.01, 1, 10).",
    )
    first_period = fields.Selection(
        selection=[
            ("full", "Full First Period"),
            ("actual_days", "Actual Days to First Due Date"),
            ("stub", "Interest-Only Stub Period"),
        ],
        required=True,
        default="full",
        help="Full: the first due date is one period after disbursement. Actual "
        "days: the first installment's interest runs over the actual days to a "
        "fixed repayment day. Stub: an extra interest-only installment on the "
        "first repayment day.",
    )
    repayment_day = fields.Integer(
        help="Fixed day of the month for repayments (1-31); 0 repays on the "
        "disbursement day's anniversary."
    )
    month_end_rule = fields.Selection(
        selection=[
            ("last_day", "Last Day of the Month"),
            ("next_month_first", "First Day of the Next Month"),
        ],
        required=True,
        default="last_day",
        help="Where a repayment day that a month does not have (the 31st) falls.",
    )
    grace_principal_periods = fields.Integer(
        help="Periods at the start in which only interest is paid."
    )
    grace_interest_periods = fields.Integer(
        help="Periods at the start in which nothing is paid; interest is deferred."
    )
    interest_free_periods = fields.Integer(
        help="Periods at the start that bear no interest."
    )
    amortization_periods = fields.Integer(
        help="Balloon loans: installments are computed as if the loan amortized over "
        "this many periods; the balance is due at maturity."
    )
    principal_percentage = fields.Float(
        string="Principal per Period (%)",
        digits=(7, 4),
        help="Fixed principal percentage method: share of the amount repaid each "
        "period.",
    )

    # Servicing options, read by the servicing and risk modules
    penalty_multiplier = fields.Float(
        digits=(5, 4),
        default=1.5,
        help="Penalty rate (罚息利率) as a multiple of the contract rate: 1.5 adds "
        "50%.",
    )
    grace_days = fields.Integer(
        help="Days after a due date during which a payment is not overdue (宽限期)."
    )
    allocation_order = fields.Selection(
        selection=[
            ("penalty_first", "Fees, Penalties, Interest, then Principal"),
            ("by_installment", "Oldest Installment First"),
            ("interest_first", "Overdue Interest and Principal before Penalties"),
            ("principal_first", "Overdue Principal First"),
        ],
        required=True,
        default="penalty_first",
        help="Order in which a repayment settles what is due (冲还顺序). The default "
        "settles fees, penalty and compound interest, overdue interest, overdue "
        "principal, then the current installment's interest and principal; "
        "'Oldest Installment First' applies that order installment by "
        "installment.",
    )
    classification_preset = fields.Selection(
        selection=[
            ("2023", "2023 Rule Minimum (1-90-270-360 Days)"),
            ("legacy_retail", "Legacy Retail (1-90-180-360 Days)"),
            ("credit_card", "Credit Card (1-90-120-180 Days)"),
        ],
        required=True,
        default="2023",
        help="Overdue-day thresholds of the five-category classification (五级分类).",
    )

    # Limits and defaults of the loans
    amount_min = fields.Monetary(string="Minimum Amount", default=1000.0)
    amount_max = fields.Monetary(string="Maximum Amount", default=1000000.0)
    amount_default = fields.Monetary(string="Default Amount", default=100000.0)
    term_min = fields.Integer(string="Minimum Term", default=1)
    term_max = fields.Integer(string="Maximum Term", default=36)
    term_default = fields.Integer(string="Default Term", default=12)
    rate_min = fields.Float(string="Minimum Annual Rate (%)", digits=(7, 4))
    rate_max = fields.Float(
        string="Maximum Annual Rate (%)", digits=(7, 4), default=24.0
    )
    rate_default = fields.Float(
        string="Default Annual Rate (%)", digits=(7, 4), default=12.0
    )
    guarantee_type_ids = fields.Many2many(
        "microloan.guarantee.type",
        string="Allowed Guarantee Types",
        check_company=True,
    )
    fee_ids = fields.One2many("microloan.product.fee", "product_id", string="Fees")
    loan_count = fields.Integer(compute="_compute_loan_count")

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(code, company_id)",
            "The code of a loan product must be unique per company.",
        ),
    ]

    def _compute_loan_count(self):
        counts = dict(
            self.env["microloan.loan"]._read_group(
                [("product_id", "in", self.ids)], ["product_id"], ["__count"]
            )
        )
        for product in self:
            product.loan_count = counts.get(product, 0)

    @api.constrains(
        "amount_min",
        "amount_max",
        "amount_default",
        "term_min",
        "term_max",
        "term_default",
        "rate_min",
        "rate_max",
        "rate_default",
    )
    def _check_ranges(self):
        for product in self:
            if (
                not 0
                < product.amount_min
                <= product.amount_default
                <= product.amount_max
            ):
                raise ValidationError(
                    self.env._(
                        "Product %(product)s: the amounts must satisfy 0 < minimum <= "
                        "default <= maximum.",
                        product=product.name,
                    )
                )
            if not 0 < product.term_min <= product.term_default <= product.term_max:
                raise ValidationError(
                    self.env._(
                        "Product %(product)s: the terms must satisfy 0 < minimum <= "
                        "default <= maximum.",
                        product=product.name,
                    )
                )
            if not 0 <= product.rate_min <= product.rate_default <= product.rate_max:
                raise ValidationError(
                    self.env._(
                        "Product %(product)s: the rates must satisfy 0 <= minimum <= "
                        "default <= maximum.",
                        product=product.name,
                    )
                )

    @api.constrains(
        "repayment_method",
        "amortization_periods",
        "principal_percentage",
        "term_max",
        "repayment_day",
        "installment_multiple",
        "grace_principal_periods",
        "grace_interest_periods",
        "interest_free_periods",
        "penalty_multiplier",
        "grace_days",
    )
    def _check_schedule_options(self):
        for product in self:
            if product.repayment_method == "balloon" and (
                product.amortization_periods <= product.term_max
            ):
                raise ValidationError(
                    self.env._(
                        "Product %(product)s: a balloon loan amortizes over more "
                        "periods than its maximum term.",
                        product=product.name,
                    )
                )
            if product.repayment_method == "fixed_principal_percentage" and not (
                0 < product.principal_percentage <= 100
            ):
                raise ValidationError(
                    self.env._(
                        "Product %(product)s: the principal percentage must be above "
                        "0%% and at most 100%%.",
                        product=product.name,
                    )
                )
            if not 0 <= product.repayment_day <= 31:
                raise ValidationError(
                    self.env._("The repayment day must be between 1 and 31, or 0.")
                )
            if product.installment_multiple <= 0:
                raise ValidationError(
                    self.env._("The installment multiple must be positive.")
                )
            if (
                min(
                    product.grace_principal_periods,
                    product.grace_interest_periods,
                    product.interest_free_periods,
                    product.grace_days,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("Grace periods and grace days cannot be negative.")
                )
            if product.penalty_multiplier < 1:
                raise ValidationError(
                    self.env._("The penalty multiplier cannot be below 1.")
                )

    def action_view_loans(self):
        """Open the loans of this product."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "microloan_base.microloan_loan_action"
        )
        action["domain"] = [("product_id", "=", self.id)]
        action["context"] = {"default_product_id": self.id}
        return action

    def _get_allocation_order(self):
        """Return ``(order, by_installment)`` for ``microloan_engine.allocation``:
        the bucket names in settlement order, and whether the order applies
        installment by installment."""
        self.ensure_one()
        return (
            ALLOCATION_ORDERS[self.allocation_order],
            self.allocation_order == "by_installment",
        )

    def _engine_classification_rules(self):
        """Return the ``microloan_engine.classification.ClassificationRules`` of the
        product's preset."""
        self.ensure_one()
        return PRESETS[self.classification_preset]
