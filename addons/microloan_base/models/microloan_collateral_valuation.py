from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_date

from ..tools.display_names import joined_name


class MicroloanCollateralValuation(models.Model):
    _name = "microloan.collateral.valuation"
    _description = "Collateral Valuation"
    _inherit = ["microloan.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    collateral_id = fields.Many2one(
        "microloan.collateral", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="collateral_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="collateral_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    value = fields.Monetary(required=True)
    appraiser_id = fields.Many2one(
        "res.partner",
        string="Appraiser",
        check_company=True,
        help="Valuation firm or person; leave empty for an internal valuation.",
    )
    method = fields.Selection(
        selection=[
            ("market", "Market Comparison"),
            ("income", "Income"),
            ("cost", "Cost"),
            ("internal", "Internal Estimate"),
        ],
        required=True,
        default="market",
    )
    note = fields.Char()

    @api.constrains("value", "date")
    def _check_value(self):
        today = fields.Date.context_today(self)
        for valuation in self:
            if valuation.currency_id.compare_amounts(valuation.value, 0.0) <= 0:
                raise ValidationError(self.env._("A valuation must be positive."))
            if valuation.date > today:
                raise ValidationError(
                    self.env._("A valuation cannot be dated in the future.")
                )

    def write(self, vals):
        # The appraised value of a collateral is its latest valuation: a
        # valuation cannot be moved to another collateral, nor changed once its
        # collateral is registered (revalue with a new valuation instead).
        if not self.env.su:
            # sudo: the collateral's state, whatever the caller may read.
            registered = self.sudo().filtered(
                lambda v: v.collateral_id.state != "draft"
            )
            if registered or (
                "collateral_id" in vals
                and any(v.collateral_id.id != vals["collateral_id"] for v in self)
            ):
                raise AccessError(
                    self.env._(
                        "A valuation belongs to its collateral and is fixed once the "
                        "collateral is registered: record a new valuation instead."
                    )
                )
        return super().write(vals)

    @api.depends("collateral_id", "date", "value")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.collateral_id.name,
                record.date and format_date(self.env, record.date),
                record.currency_id.format(record.value) if record.currency_id else "",
            )
