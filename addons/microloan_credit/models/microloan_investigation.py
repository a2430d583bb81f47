from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_repr

from microloan_engine import EngineError, build_schedule
from microloan_engine.credit import debt_service, largest_installment, net_worth

from ..tools import attachments


class MicroloanInvestigation(models.Model):
    """The investigation report (调查报告) of an application: what the officer
    found on site, the borrower's cash flow and debts, and the terms he
    proposes. Its figures come from the engine."""

    _name = "microloan.investigation"
    _description = "Investigation Report"
    _inherit = ["mail.thread", "microloan.guard.mixin"]
    _order = "id desc"
    _check_company_auto = True

    application_id = fields.Many2one(
        "microloan.application",
        string="Application",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    name = fields.Char(related="application_id.name")
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        precompute=True,
    )
    currency_id = fields.Many2one(related="application_id.currency_id")
    partner_id = fields.Many2one(related="application_id.partner_id")
    investigator_id = fields.Many2one(
        "res.users",
        string="Investigated By",
        readonly=True,
        copy=False,
        help="The officer who handed in the report: he may not review nor "
        "approve the application.",
    )
    submit_date = fields.Datetime(string="Handed In", readonly=True, copy=False)
    site_visit_date = fields.Date(string="Site Visit", tracking=True)
    # Business and income
    business_description = fields.Text(string="Business")
    business_years = fields.Integer(string="Years in Business")
    employees = fields.Integer()
    monthly_income = fields.Monetary(tracking=True)
    monthly_expenses = fields.Monetary(tracking=True)
    # Assets and liabilities
    assets_total = fields.Monetary(string="Total Assets", tracking=True)
    liabilities_total = fields.Monetary(string="Total Liabilities", tracking=True)
    asset_note = fields.Text(string="Assets and Liabilities")
    debt_ids = fields.One2many(
        "microloan.investigation.debt", "investigation_id", string="Other Debts"
    )
    # Proposal
    opinion = fields.Text(string="Officer's Opinion", tracking=True)
    recommendation = fields.Selection(
        selection=[("approve", "Approve"), ("decline", "Decline")],
        tracking=True,
    )
    proposed_amount = fields.Monetary(tracking=True)
    proposed_term = fields.Integer(string="Proposed Term (Periods)", tracking=True)
    proposed_rate = fields.Float(
        string="Proposed Annual Rate (%)", digits=(7, 4), tracking=True
    )
    photo_ids = fields.Many2many(
        "ir.attachment",
        "microloan_investigation_photo_rel",
        "investigation_id",
        "attachment_id",
        string="Site Photos",
    )
    # Figures from the engine
    net_cash_flow = fields.Monetary(
        string="Monthly Net Cash Flow", compute="_compute_figures"
    )
    net_worth = fields.Monetary(compute="_compute_figures")
    new_installment = fields.Monetary(
        string="New Loan's Installment",
        compute="_compute_figures",
        help="The largest installment of the proposed terms.",
    )
    debt_payments = fields.Monetary(
        string="Monthly Debt Service", compute="_compute_figures"
    )
    debt_service_ratio = fields.Float(
        string="Debt Service Ratio (%)",
        digits=(7, 2),
        compute="_compute_figures",
        help="Monthly payments on every debt, the new loan included, over the "
        "monthly income.",
    )

    _sql_constraints = [
        (
            "application_unique",
            "unique(application_id)",
            "An application has one investigation report.",
        ),
    ]

    @api.depends("application_id")
    def _compute_company_id(self):
        for report in self:
            report.company_id = report.application_id.company_id or report.company_id

    @api.depends(
        "monthly_income",
        "monthly_expenses",
        "assets_total",
        "liabilities_total",
        "debt_ids.monthly_payment",
        "proposed_amount",
        "proposed_term",
        "proposed_rate",
    )
    def _compute_figures(self):
        for report in self:
            decimals = report.currency_id.decimal_places or 2
            try:
                figures = debt_service(
                    Decimal(float_repr(report.monthly_income, decimals)),
                    Decimal(float_repr(report.monthly_expenses, decimals)),
                    [
                        Decimal(float_repr(debt.monthly_payment, decimals))
                        for debt in report.debt_ids
                    ],
                    report._engine_new_installment(),
                )
                worth = net_worth(
                    Decimal(float_repr(report.assets_total, decimals)),
                    Decimal(float_repr(report.liabilities_total, decimals)),
                )
            except EngineError:
                # Negative inputs are refused by the constraint; show nothing
                # until they are corrected.
                report.update(
                    {
                        "net_cash_flow": 0.0,
                        "net_worth": 0.0,
                        "new_installment": 0.0,
                        "debt_payments": 0.0,
                        "debt_service_ratio": 0.0,
                    }
                )
                continue
            report.net_cash_flow = float(figures.net_cash_flow)
            report.net_worth = float(worth)
            report.new_installment = float(figures.new_installment)
            report.debt_payments = float(figures.debt_payments)
            report.debt_service_ratio = float(figures.ratio or 0)

    def _engine_new_installment(self):
        """The largest installment of the proposed terms, from the engine's
        schedule of the product (0 until the terms are complete)."""
        self.ensure_one()
        application = self.application_id
        if not (
            application.product_id
            and self.proposed_term > 0
            and application.currency_id.compare_amounts(self.proposed_amount, 0.0) > 0
        ):
            return Decimal(0)
        # An unsaved loan of the proposed terms: the product's schedule rules.
        loan = self.env["microloan.loan"].new(
            {
                "product_id": application.product_id.id,
                "company_id": application.company_id.id,
                "amount": self.proposed_amount,
                "interest_rate": self.proposed_rate,
                "term": self.proposed_term,
                "disbursement_date": fields.Date.context_today(self),
            }
        )
        try:
            return largest_installment(build_schedule(loan._engine_terms()))
        except EngineError:
            return Decimal(0)

    @api.constrains(
        "monthly_income",
        "monthly_expenses",
        "assets_total",
        "liabilities_total",
        "proposed_amount",
        "proposed_term",
        "proposed_rate",
        "business_years",
        "employees",
    )
    def _check_figures(self):
        for report in self:
            currency = report.currency_id
            amounts = (
                report.monthly_income,
                report.monthly_expenses,
                report.assets_total,
                report.liabilities_total,
                report.proposed_amount,
            )
            if (
                any(currency.compare_amounts(a, 0.0) < 0 for a in amounts)
                or min(
                    report.proposed_term,
                    report.proposed_rate,
                    report.business_years,
                    report.employees,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("The figures of an investigation cannot be negative.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        reports = super().create(vals_list)
        attachments.claim(reports, "photo_ids")
        return reports

    def write(self, vals):
        if not self.env.su:
            closed = self.filtered(lambda r: r.application_id.state != "investigation")
            if closed:
                raise UserError(
                    self.env._(
                        "The investigation report of %(application)s can only "
                        "change while the application is under investigation.",
                        application=", ".join(closed.mapped("name")),
                    )
                )
        result = super().write(vals)
        if "photo_ids" in vals:
            attachments.claim(self, "photo_ids")
        return result

    def _check_complete(self):
        """Raise unless the report says what a reviewer needs."""
        self.ensure_one()
        missing = [
            self._fields[name]._description_string(self.env)
            for name in (
                "site_visit_date",
                "opinion",
                "recommendation",
                "proposed_amount",
                "proposed_term",
            )
            if not self[name]
        ]
        if missing:
            raise UserError(
                self.env._(
                    "The investigation report of %(application)s is missing: "
                    "%(fields)s.",
                    application=self.application_id.name,
                    fields=", ".join(missing),
                )
            )
