from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MicroloanBalanceAccumulation(models.TransientModel):
    """Collects the period and filters of a balance accumulation (余额积数 /
    日均余额) and shows its lines as a pivot (exported to XLSX from it)."""

    _name = "microloan.balance.accumulation"
    _description = "Balance Accumulation and Daily Average Balances"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    granularity = fields.Selection(
        selection=[("day", "Day"), ("month", "Month"), ("year", "Year")],
        string="Per",
        required=True,
        default="month",
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Branches",
        default=lambda self: self.env["res.company"]._microloan_visible_companies(),
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
        help="Empty: every branch you work in.",
    )
    product_ids = fields.Many2many("microloan.product", string="Products")
    user_ids = fields.Many2many("res.users", string="Loan Officers")
    line_ids = fields.One2many(
        "microloan.balance.accumulation.line", "wizard_id", readonly=True
    )

    @api.constrains("date_from", "date_to", "granularity")
    def _check_period(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._("The period's start date is after its end date.")
                )
            if wizard.granularity == "day" and (
                (wizard.date_to - wizard.date_from).days > 366
            ):
                raise ValidationError(
                    self.env._("Daily balances are computed for a year at most.")
                )

    def _loan_domain(self):
        self.ensure_one()
        companies = self.company_ids or self.env.user.company_ids
        domain = [
            ("company_id", "in", companies.ids),
            ("state", "in", ("active", "closed", "written_off")),
            ("first_disbursement_date", "<=", self.date_to),
        ]
        if self.product_ids:
            domain.append(("product_id", "in", self.product_ids.ids))
        if self.user_ids:
            domain.append(("user_id", "in", self.user_ids.ids))
        return domain

    def action_compute(self):
        """Compute the accumulation and show it as a pivot."""
        self.ensure_one()
        self.line_ids.unlink()
        self.env["microloan.balance.accumulation.line"]._build(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Daily Average Balances"),
            "res_model": "microloan.balance.accumulation.line",
            "view_mode": "pivot,list",
            "domain": [("wizard_id", "=", self.id)],
            "context": {"pivot_measures": ["average_balance", "accumulation"]},
        }
