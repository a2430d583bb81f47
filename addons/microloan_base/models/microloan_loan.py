from collections import defaultdict
from decimal import Decimal

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import float_compare, float_repr, formatLang, plaintext2html

from microloan_engine import EngineError, Frequency, ScheduleTerms
from microloan_engine.apr import annualized_rate, lpr_cap, periods_per_year
from microloan_engine.collateral import Pledge, group_exposure, loan_to_value
from microloan_engine.fees import installment_amount, loan_cost
from microloan_engine.overdue import PenaltyTerms, penalty_day_basis

from .microloan_loan_servicing import RATE_DIGITS
from .microloan_product import FREQUENCIES

# Changing one of these rebuilds the schedule of a draft loan.
SCHEDULE_FIELDS = {
    "product_id",
    "amount",
    "interest_rate",
    "term",
    "frequency",
    "repayment_day",
    "disbursement_date",
    "first_due_date",
}
# The terms of the contract: frozen once the loan leaves draft.
TERM_FIELDS = SCHEDULE_FIELDS | {
    "partner_id",
    "guarantee_type_id",
    "company_id",
    # The loan officer is one of the four eyes: fixed once submitted.
    "user_id",
}


class MicroloanLoan(models.Model):
    _name = "microloan.loan"
    _description = "Loan"
    # Each concern is a mixin of its own file. A mixin listed earlier overrides
    # the ones after it (the revolving check wraps the servicing's
    # ``_build_schedule``); all of them override mail.thread and the guard, and
    # this class overrides them all.
    _inherit = [
        "microloan.loan.collection",
        "microloan.loan.revolving",
        "microloan.loan.close",
        "microloan.loan.writeoff",
        "microloan.loan.restructure",
        "microloan.loan.risk",
        "microloan.loan.activities",
        "microloan.loan.servicing",
        "microloan.loan.guidance",
        "microloan.loan.bulk",
        "mail.thread",
        "mail.activity.mixin",
        "microloan.guard.mixin",
    ]
    _order = "application_date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id.name", "partner_id.microloan_id_number"]
    # Besides its read-only fields (number, stamps, balances, risk figures), the
    # state changes only through the actions.
    _microloan_guarded_fields = ("state",)

    name = fields.Char(
        string="Number",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("active", "Active"),
            ("closed", "Closed"),
            # A loss written off (microloan_loan_writeoff.py).
            ("written_off", "Written Off"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        copy=False,
        index=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Borrower",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('microloan_borrower_type', '!=', False)]",
    )
    borrower_type = fields.Selection(
        related="partner_id.microloan_borrower_type", store=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Loan Officer",
        index=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    product_id = fields.Many2one(
        "microloan.product",
        string="Product",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        string="Currency",
        compute="_compute_currency_id",
        store=True,
        precompute=True,
    )
    repayment_method = fields.Selection(related="product_id.repayment_method")

    # Terms
    amount = fields.Monetary(
        compute="_compute_product_terms",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    interest_rate = fields.Float(
        string="Annual Rate (%)",
        digits=(7, 4),
        compute="_compute_product_terms",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    term = fields.Integer(
        string="Term (Periods)",
        compute="_compute_product_terms",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    frequency = fields.Selection(
        selection=FREQUENCIES,
        compute="_compute_product_terms",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    repayment_day = fields.Integer(
        string="Fixed Repayment Day",
        compute="_compute_product_terms",
        store=True,
        readonly=False,
        precompute=True,
        help="Fixed day of the month for repayments; 0 repays on the disbursement "
        "day's anniversary.",
    )
    repayment_day_rule = fields.Char(
        string="Repayment Day",
        compute="_compute_repayment_day_rule",
        help="The day of the month the installments fall due, in words.",
    )
    application_date = fields.Date(
        required=True,
        # The loans list's default order (_order) reads this index backwards.
        index=True,
        default=fields.Date.context_today,
        copy=False,
    )
    disbursement_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        copy=False,
        tracking=True,
        help="Planned disbursement date; the schedule starts from it.",
    )
    first_due_date = fields.Date(
        copy=False,
        help="Leave empty to let the product's first-period rule set it.",
    )
    maturity_date = fields.Date(compute="_compute_schedule_totals", store=True)
    purpose = fields.Char(tracking=True)
    guarantee_type_id = fields.Many2one(
        "microloan.guarantee.type",
        string="Guarantee Type",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('id', 'in', allowed_guarantee_type_ids)]",
    )
    requires_collateral = fields.Boolean(
        related="guarantee_type_id.requires_collateral"
    )
    requires_guarantee_group = fields.Boolean(
        related="guarantee_type_id.requires_guarantee_group"
    )
    allowed_guarantee_type_ids = fields.Many2many(
        "microloan.guarantee.type", compute="_compute_allowed_guarantee_type_ids"
    )
    collateral_ids = fields.Many2many(
        "microloan.collateral",
        "microloan_loan_collateral_rel",
        "loan_id",
        "collateral_id",
        string="Collateral",
        check_company=True,
    )
    guarantee_ids = fields.One2many(
        "microloan.guarantee", "loan_id", string="Guarantees", copy=True
    )
    guarantee_group_id = fields.Many2one(
        "microloan.guarantee.group",
        string="Joint-Guarantee Group",
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
    note = fields.Html()

    # Schedule
    installment_ids = fields.One2many(
        "microloan.loan.installment", "loan_id", string="Schedule", readonly=True
    )
    total_interest = fields.Monetary(compute="_compute_schedule_totals", store=True)
    total_payment = fields.Monetary(compute="_compute_schedule_totals", store=True)
    principal_outstanding = fields.Monetary(
        compute="_compute_principal_outstanding",
        store=True,
        help="Principal disbursed and not yet repaid: 0 until the loan is "
        "disbursed.",
    )
    fee_amount = fields.Monetary(
        string="Fees",
        compute="_compute_schedule_totals",
        store=True,
        help="Every fee of the loan: those due at disbursement and those of "
        "every installment.",
    )
    upfront_fee_amount = fields.Monetary(
        string="Fees at Disbursement",
        readonly=True,
        default=0.0,
        copy=False,
        help="Fees of the product due when the loan is paid out (deducted from "
        "the amount paid out or paid by the borrower), on the amount lent; with "
        "the fees of each installment they are counted in the annualized rate.",
    )
    fee_deducted_amount = fields.Monetary(
        string="Fees Deducted",
        readonly=True,
        default=0.0,
        copy=False,
        help="Of the fees at disbursement, those deducted from the amount paid " "out.",
    )
    total_cost = fields.Monetary(
        string="Total Cost of Credit",
        compute="_compute_schedule_totals",
        store=True,
        help="Interest and every fee: what the loan costs the borrower above the "
        "amount lent.",
    )
    annualized_rate = fields.Float(
        string="Annualized Rate (%)",
        digits=(7, 4),
        readonly=True,
        default=0.0,
        copy=False,
        help="Annualized rate of the schedule and the product's fees (simple, 单利), "
        "per PBOC announcement [2021] No. 3: the periodic IRR times the periods in "
        "a year.",
    )
    annualized_rate_compound = fields.Float(
        string="Annualized Rate, Compound (%)",
        digits=(7, 4),
        readonly=True,
        default=0.0,
        copy=False,
    )
    is_overdue = fields.Boolean(
        string="Overdue", compute="_compute_is_overdue", search="_search_is_overdue"
    )

    # Risk indicators
    collateral_value = fields.Monetary(compute="_compute_ltv")
    ltv = fields.Float(
        string="Loan-to-Value (%)", digits=(7, 2), compute="_compute_ltv"
    )
    max_ltv = fields.Float(
        string="Maximum Loan-to-Value (%)",
        digits=(7, 2),
        compute="_compute_ltv",
        help="Maximum loan-to-value of the collateral, weighted by value.",
    )
    ltv_exceeded = fields.Boolean(compute="_compute_ltv")
    rate_above_lpr = fields.Boolean(
        string="Above 4 × LPR", compute="_compute_rate_above_lpr"
    )

    # Approval
    submitted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    submit_date = fields.Datetime(readonly=True, copy=False)
    approved_by_id = fields.Many2one(
        "res.users", string="Approved By", readonly=True, copy=False, tracking=True
    )
    approve_date = fields.Datetime(readonly=True, copy=False)
    reject_reason = fields.Text(readonly=True, copy=False, tracking=True)

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(name, company_id)",
            "The loan number must be unique per branch.",
        ),
    ]

    @api.depends("product_id")
    def _compute_currency_id(self):
        # Not a related field: a later change of the product leaves loans alone.
        for loan in self:
            loan.currency_id = (
                loan.product_id.currency_id or loan.company_id.currency_id
            )

    @api.depends("product_id")
    def _compute_product_terms(self):
        for loan in self:
            product = loan.product_id
            loan.amount = product.amount_default
            loan.interest_rate = product.rate_default
            loan.term = product.term_default
            loan.frequency = product.frequency or "monthly"
            loan.repayment_day = product.repayment_day

    @api.depends(
        "repayment_day",
        "frequency",
        "disbursement_date",
        "first_due_date",
        "installment_ids.due_date",
        "product_id.month_end_rule",
    )
    def _compute_repayment_day_rule(self):
        for loan in self:
            loan.repayment_day_rule = loan._get_repayment_day_rule()

    def _get_repayment_day_rule(self):
        """The repayment day in words: "Day 20 of the month", "Day 10 of the
        month (the disbursement day)", or "Every period from the disbursement"
        for daily and weekly loans."""
        self.ensure_one()
        env = self.env
        if self.frequency in ("daily", "weekly", "biweekly"):
            return env._("Every period from the disbursement")
        day = self.repayment_day
        if day:
            if day > 28 and self.product_id.month_end_rule == "next_month_first":
                return env._(
                    "Day %(day)s of the month (else the 1st of the next month)",
                    day=day,
                )
            if day > 28:
                return env._(
                    "Day %(day)s of the month (else the month's last day)", day=day
                )
            return env._("Day %(day)s of the month", day=day)
        first = (
            self.installment_ids[:1].due_date
            or self.first_due_date
            or self.disbursement_date
        )
        if not first:
            return env._("The disbursement day of the month")
        return env._("Day %(day)s of the month (the disbursement day)", day=first.day)

    @api.depends("product_id.guarantee_type_ids", "company_id")
    def _compute_allowed_guarantee_type_ids(self):
        all_types = self.env["microloan.guarantee.type"].search([])
        for loan in self:
            loan.allowed_guarantee_type_ids = (
                loan.product_id.guarantee_type_ids or all_types
            )

    @api.depends(
        "installment_ids.amount",
        "installment_ids.interest",
        "installment_ids.due_date",
        "installment_ids.fee",
        "upfront_fee_amount",
    )
    def _compute_schedule_totals(self):
        for loan in self:
            loan.update(
                loan._schedule_totals(
                    [
                        (line.amount, line.interest, line.fee, line.due_date)
                        for line in loan.installment_ids
                    ]
                )
            )

    def _schedule_totals(self, lines):
        """The totals of this loan's schedule (``_compute_schedule_totals``)
        from its installments' ``(amount, interest, fee, due_date)`` in
        ``lines``, in their order, and its fees at disbursement."""
        self.ensure_one()
        digits = self.currency_id.decimal_places

        def money(value):
            # As _money, the currency's decimals read once.
            return Decimal(float_repr(value, digits))

        # microloan_engine.fees.loan_cost: the fees at disbursement count in
        # the fees, the total repayment (还款总额) and the cost.
        cost = loan_cost(
            [
                (money(amount), money(interest), money(fee))
                for amount, interest, fee, _due in lines
            ],
            money(self.upfront_fee_amount),
        )
        return {
            "total_interest": sum(interest for _amount, interest, _fee, _due in lines),
            "total_payment": float(cost.total_payment),
            "fee_amount": float(cost.fees),
            "total_cost": float(cost.total_cost),
            "maturity_date": max((due for *_values, due in lines), default=False),
        }

    @api.depends("state", "installment_ids.state", "installment_ids.due_date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        # A list of loans asks in one query which have an open installment
        # already due, rather than reading every installment of every loan.
        stored = self.filtered(
            lambda loan: isinstance(loan.id, int)
            and loan.state in ("approved", "active")
        )
        overdue = set()
        if stored:
            # sudo: a flag of the loans the caller reads, from their schedules.
            rows = (
                self.env["microloan.loan.installment"]
                .sudo()
                ._read_group(
                    [
                        ("loan_id", "in", stored.ids),
                        ("state", "=", "open"),
                        ("due_date", "<", today),
                    ],
                    ["loan_id"],
                )
            )
            overdue = {loan.id for (loan,) in rows}
        for loan in self:
            if isinstance(loan.id, int):
                loan.is_overdue = loan.id in overdue
                continue
            loan.is_overdue = loan.state in ("approved", "active") and any(
                installment.state == "open" and installment.due_date < today
                for installment in loan.installment_ids
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on Overdue."))
        today = fields.Date.context_today(self)
        domain = [
            ("state", "in", ("approved", "active")),
            (
                "installment_ids",
                "any",
                [("state", "=", "open"), ("due_date", "<", today)],
            ),
        ]
        if (operator == "=") == value:
            return domain
        return ["!", "&", *domain]

    @api.depends(
        "amount",
        "currency_id",
        "collateral_ids.value",
        "collateral_ids.max_ltv",
        "collateral_ids.state",
    )
    def _compute_ltv(self):
        today = fields.Date.context_today(self)
        for loan in self:
            currency = loan.currency_id or loan.company_id.currency_id
            decimals = currency.decimal_places
            pledges = []
            for collateral in loan.collateral_ids.filtered(
                lambda c: c.state != "released"
            ):
                value = collateral.currency_id._convert(
                    collateral.value, currency, loan.company_id, today
                )
                pledges.append(
                    Pledge(
                        value=Decimal(float_repr(value, decimals)),
                        max_ltv=Decimal(float_repr(collateral.max_ltv, 2)),
                    )
                )
            cover = loan_to_value(Decimal(float_repr(loan.amount, decimals)), pledges)
            loan.collateral_value = float(cover.collateral_value)
            loan.ltv = float(cover.ltv)
            loan.max_ltv = float(cover.max_ltv)
            loan.ltv_exceeded = cover.exceeded

    @api.depends("interest_rate", "company_id")
    def _compute_rate_above_lpr(self):
        for loan in self:
            company = loan.company_id
            loan.rate_above_lpr = company.microloan_lpr_warning and (
                float_compare(
                    loan.interest_rate,
                    float(
                        lpr_cap(
                            Decimal(float_repr(company.microloan_lpr_rate, RATE_DIGITS))
                        )
                    ),
                    precision_digits=RATE_DIGITS,
                )
                > 0
            )

    @api.constrains("amount", "product_id")
    def _check_amount(self):
        for loan in self:
            currency = loan.currency_id
            if currency.compare_amounts(loan.amount, 0.0) <= 0:
                raise ValidationError(self.env._("The loan amount must be positive."))
            product = loan.product_id
            if (
                currency.compare_amounts(loan.amount, product.amount_min) < 0
                or currency.compare_amounts(loan.amount, product.amount_max) > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The amount of %(loan)s must be between %(min)s and %(max)s "
                        "for the product %(product)s.",
                        loan=loan.name,
                        min=currency.format(product.amount_min),
                        max=currency.format(product.amount_max),
                        product=product.name,
                    )
                )

    @api.constrains("interest_rate", "product_id", "company_id")
    def _check_interest_rate(self):
        for loan in self:
            product = loan.product_id
            rate = loan.interest_rate
            if (
                float_compare(rate, product.rate_min, precision_digits=RATE_DIGITS) < 0
                or float_compare(rate, product.rate_max, precision_digits=RATE_DIGITS)
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "The annual rate of %(loan)s must be between %(min)s%% and "
                        "%(max)s%% for the product %(product)s.",
                        loan=loan.name,
                        min=formatLang(self.env, product.rate_min, digits=2),
                        max=formatLang(self.env, product.rate_max, digits=2),
                        product=product.name,
                    )
                )
            loan._check_rate_cap(include_fees=False)

    @api.constrains("term", "product_id")
    def _check_term(self):
        for loan in self:
            product = loan.product_id
            if loan.term <= 0:
                raise ValidationError(
                    self.env._("The term must be at least one period.")
                )
            if not product.term_min <= loan.term <= product.term_max:
                raise ValidationError(
                    self.env._(
                        "The term of %(loan)s must be between %(min)s and %(max)s "
                        "periods for the product %(product)s.",
                        loan=loan.name,
                        min=product.term_min,
                        max=product.term_max,
                        product=product.name,
                    )
                )

    @api.constrains("application_date", "disbursement_date", "first_due_date")
    def _check_dates(self):
        for loan in self:
            if loan.disbursement_date < loan.application_date:
                raise ValidationError(
                    self.env._(
                        "The disbursement date of %(loan)s cannot precede its "
                        "application date.",
                        loan=loan.name,
                    )
                )
            if loan.first_due_date and loan.first_due_date <= loan.disbursement_date:
                raise ValidationError(
                    self.env._(
                        "The first due date of %(loan)s must fall after its "
                        "disbursement date.",
                        loan=loan.name,
                    )
                )

    @api.constrains("repayment_day")
    def _check_repayment_day(self):
        for loan in self:
            if not 0 <= loan.repayment_day <= 31:
                raise ValidationError(
                    self.env._("The repayment day must be between 1 and 31, or 0.")
                )

    @api.constrains("guarantee_type_id", "product_id")
    def _check_guarantee_type(self):
        for loan in self:
            allowed = loan.product_id.guarantee_type_ids
            if allowed and loan.guarantee_type_id not in allowed:
                raise ValidationError(
                    self.env._(
                        "The product %(product)s does not allow the guarantee type "
                        "%(type)s.",
                        product=loan.product_id.name,
                        type=loan.guarantee_type_id.name,
                    )
                )

    @api.constrains("partner_id")
    def _check_partner(self):
        for loan in self:
            if not loan.partner_id.microloan_borrower_type:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not a borrower: set the borrower type and "
                        "identity number on the contact first.",
                        partner=loan.partner_id.display_name,
                    )
                )

    @api.onchange("amount", "collateral_ids", "interest_rate")
    def _onchange_warn_risk(self):
        messages = []
        if self.ltv_exceeded:
            messages.append(
                self.env._(
                    "The loan-to-value of %(ltv).2f%% exceeds the collateral's "
                    "maximum of %(max).2f%%.",
                    ltv=self.ltv,
                    max=self.max_ltv,
                )
            )
        if self.rate_above_lpr:
            messages.append(
                self.env._(
                    "The annual rate is above four times the one-year LPR "
                    "(%(lpr).4g%%).",
                    lpr=self.company_id.microloan_lpr_rate,
                )
            )
        if messages:
            return {
                "warning": {
                    "title": self.env._("Risk warning"),
                    "message": "\n".join(messages),
                }
            }

    @api.model
    def _microloan_create_values(self, vals_list):
        # Numbered per branch, the branch's sequence looked up once per batch.
        unnamed = defaultdict(list)
        new = self.env._("New")
        for vals in vals_list:
            if vals.get("name", new) in (new, "New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                unnamed[company].append(vals)
        for company, company_vals in unnamed.items():
            names = self._get_next_numbers(
                company, [vals.get("application_date") for vals in company_vals]
            )
            for vals, name in zip(company_vals, names, strict=True):
                vals["name"] = name
        return super()._microloan_create_values(vals_list)

    @api.model_create_multi
    def create(self, vals_list):
        loans = super().create(vals_list)
        loans.filtered(lambda loan: loan.state == "draft")._build_schedule()
        return loans

    def write(self, vals):
        # The terms change after draft only through the restructuring actions,
        # which write as superuser once they have checked the caller.
        if TERM_FIELDS & vals.keys() and not self.env.su:
            locked = self.filtered(lambda loan: loan.state != "draft")
            if locked:
                raise UserError(
                    self.env._(
                        "The terms of %(loans)s can only change while the loan is "
                        "a draft.",
                        loans=", ".join(locked.mapped("name")),
                    )
                )
        result = super().write(vals)
        if SCHEDULE_FIELDS & vals.keys():
            self.filtered(lambda loan: loan.state == "draft")._build_schedule()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        if any(loan.state not in ("draft", "cancelled") for loan in self):
            raise UserError(
                self.env._("Only draft and cancelled loans can be deleted.")
            )

    def action_compute_schedule(self):
        """Rebuild the repayment schedule of draft loans with the engine."""
        if any(loan.state != "draft" for loan in self):
            raise UserError(
                self.env._("The schedule can only be recomputed on a draft loan.")
            )
        self._build_schedule()
        return True

    def action_submit(self):
        """Submit draft loans for approval (loan officers)."""
        self._check_user_group(
            "microloan_base.group_microloan_officer",
            self.env._("Only loan officers can submit loans."),
        )
        self._check_state(
            {"draft"},
            self.env._("Only draft loans can be submitted: %(loan)s is %(state)s."),
        )
        self._build_schedule()
        # sudo: the state and the stamps are guarded; the caller was checked.
        self.sudo().write(
            {
                "state": "submitted",
                "submitted_by_id": self.env.user.id,
                "submit_date": fields.Datetime.now(),
                "reject_reason": False,
            }
        )
        return True

    def action_approve(self):
        """Approve submitted loans: fixes their schedule.

        The approver must not be the loan officer nor the user who submitted the
        loan; the rate cap and the collateral and guarantors required by the
        guarantee type are checked again.
        """
        self._check_user_group(
            "microloan_base.group_microloan_approver",
            self.env._("Only approvers can approve loans."),
        )
        self._check_state(
            {"submitted"},
            self.env._("Only submitted loans can be approved: %(loan)s is %(state)s."),
        )
        for loan in self:
            # The officer, the submitter (stamped by action_submit) and the
            # creator (create_uid, which no client can write) are the first eyes.
            first_eyes = loan.user_id | loan.submitted_by_id
            if not self.env.su:
                first_eyes |= loan.create_uid
            if self.env.user in first_eyes:
                raise UserError(
                    self.env._(
                        "You cannot approve %(loan)s: you are its loan officer, "
                        "created it or submitted it.",
                        loan=loan.name,
                    )
                )
            loan._check_rate_cap()
            loan._check_guarantee_requirements()
        for loan in self.filtered("guarantee_type_id.requires_guarantee_group"):
            loan._add_group_guarantees()
        # sudo: the state and the stamps are guarded; the caller was checked.
        self.sudo().write(
            {
                "state": "approved",
                "approved_by_id": self.env.user.id,
                "approve_date": fields.Datetime.now(),
            }
        )
        return True

    def action_reject(self, reason):
        """Reject submitted loans, giving ``reason`` to the loan officer."""
        self._check_user_group(
            "microloan_base.group_microloan_approver",
            self.env._("Only approvers can reject loans."),
        )
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("Give the reason of the rejection."))
        self._check_state(
            {"submitted"},
            self.env._("Only submitted loans can be rejected: %(loan)s is %(state)s."),
        )
        # sudo: the state is guarded; the caller was checked.
        self.sudo().write({"state": "rejected", "reject_reason": reason.strip()})
        for loan in self:
            if loan.user_id:
                loan.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Loan rejected"),
                    # The reason is plain text: escaped, never read as HTML.
                    note=plaintext2html(reason.strip()),
                    user_id=loan.user_id.id,
                )
        return True

    def action_cancel(self):
        """Cancel loans that are not disbursed yet. An approved loan needs an
        approver."""
        self._check_state(
            {"draft", "submitted", "approved"},
            self.env._(
                "Only loans not yet disbursed can be cancelled: %(loan)s is "
                "%(state)s."
            ),
        )
        if any(loan.state == "approved" for loan in self):
            self._check_user_group(
                "microloan_base.group_microloan_approver",
                self.env._("Only approvers can cancel an approved loan."),
            )
        else:
            self._check_user_group(
                "microloan_base.group_microloan_officer",
                self.env._("Only loan officers can cancel loans."),
            )
        # sudo: the state is guarded; the caller was checked.
        self.sudo().write({"state": "cancelled"})
        return True

    def action_draft(self):
        """Send submitted, rejected or cancelled loans back to draft."""
        self._check_user_group(
            "microloan_base.group_microloan_officer",
            self.env._("Only loan officers can reset loans to draft."),
        )
        self._check_state(
            {"submitted", "rejected", "cancelled"},
            self.env._(
                "Only submitted, rejected and cancelled loans can return to draft: "
                "%(loan)s is %(state)s."
            ),
        )
        # sudo: the state and the stamps are guarded; the caller was checked.
        self.sudo().write(
            {"state": "draft", "submitted_by_id": False, "submit_date": False}
        )
        return True

    def _activate(self):
        """Make approved loans active: called by their first disbursement
        (``disburse``), never by a client."""
        self._check_state(
            {"approved"},
            self.env._("Only approved loans can be activated: %(loan)s is %(state)s."),
        )
        # sudo: the state is guarded; the disbursement checked the caller.
        self.sudo().write({"state": "active"})

    def action_close(self):
        """Close active loans whose installments are all paid (finance)."""
        self._check_user_group(
            "microloan_base.group_microloan_finance",
            self.env._("Only finance users can close loans."),
        )
        self._check_state(
            {"active"},
            self.env._("Only active loans can be closed: %(loan)s is %(state)s."),
        )
        for loan in self:
            if any(i.state != "paid" for i in loan.installment_ids):
                raise UserError(
                    self.env._(
                        "%(loan)s still has unpaid installments.", loan=loan.name
                    )
                )
        # sudo: the state is guarded; only a settled loan closes.
        self.sudo().write({"state": "closed"})
        return True

    def action_open_reject_wizard(self):
        """Open the wizard asking for the reason of a rejection."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject Loan"),
            "res_model": "microloan.loan.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_loan_ids": [Command.set(self.ids)]},
        }

    def action_add_group_guarantees(self):
        """Add the other members of the joint-guarantee group as guarantors."""
        for loan in self:
            loan._add_group_guarantees()
        return True

    def _get_next_number(self, company, application_date=None):
        """Return the next loan number of ``company``, e.g. ``BJ-2026-00001``."""
        return self._get_next_numbers(company, [application_date])[0]

    def _get_next_numbers(self, company, application_dates):
        """Return the next loan numbers of ``company`` for loans applied for on
        ``application_dates`` (a list; today when unset), in that order."""
        today = fields.Date.context_today(self)
        dates = [fields.Date.to_date(date) or today for date in application_dates]
        sequence = company._get_microloan_loan_sequence()
        code = company._get_microloan_branch_code()
        numbers = company._microloan_next_numbers(sequence, dates)
        return [f"{code}-{number}" for number in numbers]

    def _check_user_group(self, group_xmlid, message):
        if not self.env.su and not self.env.user.has_group(group_xmlid):
            raise AccessError(message)

    def _check_state(self, allowed, message):
        """Raise ``message`` (translated, with ``%(loan)s`` and ``%(state)s``)
        for the first loan whose state is not in ``allowed``."""
        state_labels = dict(self._fields["state"]._description_selection(self.env))
        for loan in self:
            if loan.state not in allowed:
                raise UserError(
                    message % {"loan": loan.name, "state": state_labels[loan.state]}
                )

    def _check_rate_cap(self, include_fees=True):
        """Raise if the annual rate, or with ``include_fees`` the annualized rate
        of the schedule and fees, exceeds the cap of the branch."""
        self.ensure_one()
        company = self.company_id
        cap = company.microloan_max_annual_rate
        if float_compare(self.interest_rate, cap, precision_digits=RATE_DIGITS) > 0:
            raise ValidationError(
                self.env._(
                    "The annual rate of %(loan)s (%(rate).4g%%) exceeds the cap of "
                    "%(cap).4g%% set for %(company)s.",
                    loan=self.name,
                    rate=self.interest_rate,
                    cap=cap,
                    company=company.name,
                )
            )
        if include_fees and (
            float_compare(self.annualized_rate, cap, precision_digits=RATE_DIGITS) > 0
        ):
            raise ValidationError(
                self.env._(
                    "The annualized rate of %(loan)s, fees included (%(rate).4g%%), "
                    "exceeds the cap of %(cap).4g%% set for %(company)s.",
                    loan=self.name,
                    rate=self.annualized_rate,
                    cap=cap,
                    company=company.name,
                )
            )

    def _check_guarantee_requirements(self):
        """Raise unless the loan has the collateral, guarantors or joint-guarantee
        group its guarantee type requires."""
        self.ensure_one()
        guarantee_type = self.guarantee_type_id
        if guarantee_type.requires_collateral:
            collateral = self.collateral_ids.filtered(
                lambda c: c.state == "registered"
                and (
                    not guarantee_type.collateral_kind
                    or c.kind == guarantee_type.collateral_kind
                )
            )
            if not collateral:
                raise UserError(
                    self.env._(
                        "%(loan)s is a %(type)s loan: add registered collateral "
                        "before approval.",
                        loan=self.name,
                        type=guarantee_type.name,
                    )
                )
        if guarantee_type.requires_guarantor and not self.guarantee_ids:
            raise UserError(
                self.env._(
                    "%(loan)s is a %(type)s loan: add its guarantors before "
                    "approval.",
                    loan=self.name,
                    type=guarantee_type.name,
                )
            )
        if guarantee_type.requires_guarantee_group:
            self._check_guarantee_group()

    def _exposure_amount(self):
        """What this loan commits the company to, for limits: an approved loan
        not yet disbursed counts at its amount (it owes nothing yet, see
        ``principal_outstanding``), an active one at its principal outstanding."""
        self.ensure_one()
        return self.amount if self.state == "approved" else self.principal_outstanding

    def _check_guarantee_group(self):
        self.ensure_one()
        group = self.guarantee_group_id
        if not group or self.partner_id not in group.member_ids:
            raise UserError(
                self.env._(
                    "%(loan)s needs a joint-guarantee group that includes the "
                    "borrower %(partner)s.",
                    loan=self.name,
                    partner=self.partner_id.display_name,
                )
            )
        if not group.active or group.member_count < group.min_members:
            raise UserError(
                self.env._(
                    "The joint-guarantee group %(group)s needs at least %(count)s "
                    "members.",
                    group=group.name,
                    count=group.min_members,
                )
            )
        decimals = group.currency_id.decimal_places
        others = self.search(
            [
                ("guarantee_group_id", "=", group.id),
                ("state", "in", ("approved", "active")),
                ("id", "!=", self.id),
            ]
        )
        exposure = group_exposure(
            [
                Decimal(float_repr(other._exposure_amount(), decimals))
                for other in others
            ],
            Decimal(float_repr(self.amount, decimals)),
            Decimal(float_repr(group.amount_limit, decimals)),
        )
        if exposure.exceeded:
            raise UserError(
                self.env._(
                    "%(loan)s would take the loans of the group %(group)s above "
                    "its limit of %(limit)s.",
                    loan=self.name,
                    group=group.name,
                    limit=group.currency_id.format(group.amount_limit),
                )
            )

    def _add_group_guarantees(self):
        self.ensure_one()
        group = self.guarantee_group_id
        existing = self.guarantee_ids.partner_id
        members = group.member_ids - self.partner_id - existing
        self.env["microloan.guarantee"].create(
            [
                {
                    "loan_id": self.id,
                    "partner_id": member.id,
                    "kind": "joint",
                    "amount": self.amount,
                    "guarantee_group_id": group.id,
                }
                for member in members
            ]
        )

    def _check_schedule_editable(self):
        """Raise unless the caller is the module's own code: installments are
        written by the engine only (``_apply_schedule``, the servicing and the
        restructuring actions, all through ``sudo()``), never by a client."""
        if not self.env.su:
            raise UserError(
                self.env._("The repayment schedule is computed from the loan terms.")
            )

    def _engine_terms(self):
        """Return the ``microloan_engine.ScheduleTerms`` of this loan and its
        product."""
        self.ensure_one()
        product = self.product_id
        currency = self.currency_id
        method = product.repayment_method
        return ScheduleTerms(
            principal=Decimal(float_repr(self.amount, currency.decimal_places)),
            annual_rate=Decimal(float_repr(self.interest_rate, RATE_DIGITS)) / 100,
            periods=self.term,
            disbursement_date=self.disbursement_date,
            method=method,
            frequency=Frequency.from_spec(self.frequency),
            first_due_date=self.first_due_date or None,
            repayment_day=self.repayment_day or None,
            first_period=product.first_period,
            month_end_rule=product.month_end_rule,
            day_count=product.day_count,
            interest_basis=product.interest_basis,
            rounding=product.rounding,
            decimals=currency.decimal_places,
            installment_multiple=Decimal(float_repr(product.installment_multiple, 4)),
            grace_principal_periods=product.grace_principal_periods,
            grace_interest_periods=product.grace_interest_periods,
            interest_free_periods=product.interest_free_periods,
            amortization_periods=(
                product.amortization_periods if method == "balloon" else None
            ),
            principal_percentage=(
                Decimal(float_repr(product.principal_percentage, RATE_DIGITS)) / 100
                if method == "fixed_principal_percentage"
                else None
            ),
            payment_timing=product.payment_timing,
        )

    def _engine_penalty_terms(self):
        """Return the ``microloan_engine.overdue.PenaltyTerms`` of this loan."""
        self.ensure_one()
        product = self.product_id
        return PenaltyTerms(
            multiplier=Decimal(float_repr(product.penalty_multiplier, 4)),
            grace_days=product.grace_days,
            day_basis=penalty_day_basis(product.day_count),
            decimals=self.currency_id.decimal_places,
            rounding=product.rounding,
        )

    def _get_fees(self):
        """Return ``(upfront, per_installment)`` fee amounts of this loan."""
        totals = self._get_fee_totals()
        return float(totals.upfront), float(totals.per_installment)

    def _get_fee_totals(self):
        """Return the ``microloan_engine.fees.FeeTotals`` of this loan's
        product fees on its amount (at disbursement, deducted, per
        installment)."""
        self.ensure_one()
        return self.product_id.fee_ids._get_totals(self.amount)

    def _apply_schedule(self, schedule, batch=None):
        """Replace the installments with those of ``schedule``
        (``microloan_engine.Schedule``) and store its annualized rate. With
        ``batch`` (a dict with ``"unlink"``, a recordset, and ``"create"``, a
        list of values; see ``_build_schedule``) the installments to replace
        are added to it, for one ``unlink`` and one insert for all the loans
        of a batch; the caller applies it. Installments are inserted with
        every stored value (``microloan.loan.installment._insert_schedule_rows``)."""
        self.ensure_one()
        totals = self._get_fee_totals()
        upfront, per_installment = float(totals.upfront), float(totals.per_installment)
        fee = self._money(per_installment)
        # sudo: installments are written by the engine only.
        installments = self.sudo().installment_ids
        # The installments' stored related fields are given: computed at
        # create, they would be computed for each record (and each amount's
        # currency looked up through the loan).
        related = {
            "loan_id": self.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "partner_id": self.partner_id.id,
        }
        rows = [
            {
                **related,
                "sequence": line.n,
                "due_date": line.due_date,
                "days": line.days,
                "principal": float(line.principal),
                "interest": float(line.interest),
                "fee": per_installment,
                "amount": float(installment_amount(line.total, fee)),
                "balance": float(line.balance),
            }
            for line in schedule.installments
        ]
        # Rebuilt only when it changes: submitting or disbursing a loan on its
        # planned terms keeps the installments it has.
        if self._schedule_unchanged(installments, rows):
            pass
        elif batch is not None:
            batch["unlink"] |= installments
            batch["create"] += rows
        else:
            installments.unlink()
            installments._insert_schedule_rows(rows)
        simple, compound = self._get_annualized_rate(schedule, upfront, per_installment)
        figures = {
            "annualized_rate": simple * 100,
            "annualized_rate_compound": compound * 100,
            "upfront_fee_amount": upfront,
            "fee_deducted_amount": float(totals.deducted),
        }
        # Only what changed: a write marks the loan's totals for recompute
        # (they depend on the fees), which a loan submitted or disbursed on
        # its planned terms does not need.
        changed = {
            name: value
            for name, value in figures.items()
            if self._fields[name].convert_to_cache(value, self) != self[name]
        }
        if changed:
            # sudo: engine figures, guarded against clients.
            self.sudo().write(changed)

    def _schedule_unchanged(self, installments, rows):
        """Whether ``installments`` hold exactly the schedule ``rows`` (the
        values ``_apply_schedule`` would create), read in one query."""
        if len(installments) != len(rows):
            return False
        currency = self.currency_id
        names = ["sequence", "due_date", "days", "principal", "interest", "fee"]
        names += ["amount", "balance"]
        money = {"principal", "interest", "fee", "amount", "balance"}
        stored = sorted(
            zip(*(installments.mapped(name) for name in names), strict=True)
        )
        for old, new in zip(stored, rows, strict=True):
            for name, value in zip(names, old, strict=True):
                if name in money:
                    if currency.compare_amounts(value, new[name]):
                        return False
                elif value != new[name]:
                    return False
        return True

    def _get_annualized_rate(self, schedule, upfront, per_installment):
        """Return the PBOC annualized rate ``(simple, compound)`` as fractions, fees
        included."""
        self.ensure_one()
        decimals = self.currency_id.decimal_places
        fee = Decimal(float_repr(per_installment, decimals))
        payments = [
            (line.due_date, installment_amount(line.total, fee))
            for line in schedule.installments
        ]
        try:
            rate = annualized_rate(
                [(self.disbursement_date, Decimal(float_repr(self.amount, decimals)))],
                payments,
                fees_at_start=Decimal(float_repr(upfront, decimals)),
                periods_per_year=periods_per_year(self.frequency),
                frequency=self.frequency,
            )
        except EngineError:
            # A rate the solver cannot find (fees above the amount) is not shown.
            return 0.0, 0.0
        return float(rate.simple), float(rate.compound)
