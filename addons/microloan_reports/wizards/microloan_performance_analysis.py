from datetime import date
from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_repr

from microloan_engine.performance import performance_ratios

GROUPINGS = [
    ("company_id", "Branch"),
    ("team_id", "Team"),
    ("user_id", "Loan Officer"),
    ("product_id", "Product"),
    ("term_band", "Term"),
    ("rate_band", "Rate Band"),
    ("borrower_type", "Borrower Type"),
    ("industry_id", "Industry"),
    ("state_id", "Region"),
    ("guarantee_type_id", "Guarantee Type"),
    ("month", "Month"),
]
# Sums of the month view over the period, and of the portfolio view (today).
FLOW_FIELDS = (
    "new_loan_count",
    "disbursed_amount",
    "due_amount",
    "collected_amount",
    "income_amount",
    "write_off_amount",
    "recovery_amount",
    "accumulation",
)
STOCK_FIELDS = (
    "loan_count",
    "balance",
    "par1_balance",
    "par30_balance",
    "par90_balance",
    "npl_balance",
    "approved_count",
    "turnaround_days",
)


class MicroloanPerformanceAnalysis(models.TransientModel):
    """Collects a period and a grouping and computes the performance of each
    group (``microloan.performance.analysis.line``): the sums of the analysis
    views and their ratios from the engine
    (``microloan_engine.performance.performance_ratios``)."""

    _name = "microloan.performance.analysis"
    _description = "Performance Analysis"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    group_by = fields.Selection(
        selection=GROUPINGS, string="Per", required=True, default="company_id"
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Branches",
        default=lambda self: self.env["res.company"]._microloan_visible_companies(),
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
        help="Empty: every branch you work in.",
    )
    line_ids = fields.One2many(
        "microloan.performance.analysis.line", "wizard_id", readonly=True
    )

    @api.constrains("date_from", "date_to")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._("The period's start date is after its end date.")
                )
            if (wizard.date_to - wizard.date_from).days > 3660:
                raise ValidationError(
                    self.env._("The analysis covers ten years at most.")
                )

    @api.constrains("company_ids")
    def _check_companies(self):
        for wizard in self:
            # sudo: the branches chosen, compared by id whatever the user reads.
            if wizard.sudo().company_ids - self.env.user.company_ids:
                raise ValidationError(
                    self.env._("You can only analyse the branches you work in.")
                )

    def action_compute(self):
        """Compute the lines of the analysis and show them."""
        self.ensure_one()
        self.line_ids.unlink()
        self.env["microloan.performance.analysis.line"].create(self._get_line_vals())
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Performance Analysis"),
            "res_model": "microloan.performance.analysis.line",
            "view_mode": "list,graph",
            "domain": [("wizard_id", "=", self.id)],
        }

    # -- figures -----------------------------------------------------------

    def _company_domain(self):
        companies = self.company_ids or self.env.user.company_ids
        return [("company_id", "in", companies.ids)]

    def _get_groups(self):
        """``{key: {figure: float}}`` of the sums of each group: the flows of
        the months of the period and, per dimension, today's balances (for
        the months, the balance at each month's end)."""
        self.ensure_one()
        groups = {}
        month_from = self.date_from.replace(day=1)
        month_to = self.date_to.replace(day=1)
        key = "month:month" if self.group_by == "month" else self.group_by
        aggregates = [f"{name}:sum" for name in FLOW_FIELDS]
        if self.group_by == "month":
            aggregates.append("balance_end:sum")
        rows = self.env["microloan.performance.report"]._read_group(
            self._company_domain()
            + [("month", ">=", month_from), ("month", "<=", month_to)],
            [key],
            aggregates,
        )
        for group, *sums in rows:
            figures = groups.setdefault(group, {})
            figures.update(zip(FLOW_FIELDS, sums[: len(FLOW_FIELDS)], strict=True))
            if self.group_by == "month":
                figures["balance"] = sums[-1]
        if self.group_by != "month":
            rows = self.env["microloan.portfolio.report"]._read_group(
                self._company_domain(),
                [key],
                [f"{name}:sum" for name in STOCK_FIELDS],
            )
            for group, *sums in rows:
                groups.setdefault(group, {}).update(
                    zip(STOCK_FIELDS, sums, strict=True)
                )
        return groups

    def _label(self, group):
        if self.group_by == "month":
            return group and group.strftime("%Y-%m") or ""
        field = self.env["microloan.portfolio.report"]._fields[self.group_by]
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(group, "") or ""
        return group.display_name if group else ""

    @api.model
    def _to_decimal(self, value):
        return Decimal(float_repr(value or 0.0, 2))

    def _get_line_vals(self):
        """The values of one line per group, sorted by label (by month for
        months), with the engine's ratios in percent."""
        self.ensure_one()
        undefined = self.env._("Undefined")
        vals_list = []
        for group, figures in self._get_groups().items():
            ratios = performance_ratios(
                {
                    name: self._to_decimal(value)
                    for name, value in figures.items()
                    if name != "approved_count"
                }
                | {"approved_count": int(figures.get("approved_count") or 0)}
                | {
                    "income": self._to_decimal(figures.get("income_amount")),
                    "collected": self._to_decimal(figures.get("collected_amount")),
                    "due": self._to_decimal(figures.get("due_amount")),
                }
            )
            vals = {
                name: figures.get(name) or 0
                for name in FLOW_FIELDS + STOCK_FIELDS + ("balance",)
                if name not in ("approved_count", "turnaround_days")
            }
            vals.update(
                wizard_id=self.id,
                name=self._label(group) or undefined,
                sort_key=(
                    group.isoformat() if isinstance(group, date) else self._label(group)
                )
                or "",
                yield_rate=float(ratios.yield_rate * 100),
                collection_rate=float(ratios.collection_rate * 100),
                par1=float(ratios.par1 * 100),
                par30=float(ratios.par30 * 100),
                par90=float(ratios.par90 * 100),
                npl_ratio=float(ratios.npl_ratio * 100),
                average_turnaround=float(ratios.average_turnaround),
                currency_id=self.env.company.currency_id.id,
            )
            vals_list.append(vals)
        return sorted(vals_list, key=lambda vals: vals["sort_key"])
