from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.microloan_base.tools.display_names import joined_name, selection_label


class MicroloanApplicationGuarantor(models.Model):
    _name = "microloan.application.guarantor"
    _description = "Proposed Guarantor"
    _order = "application_id, id"
    _check_company_auto = True

    application_id = fields.Many2one(
        "microloan.application",
        string="Application",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="application_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="application_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner", string="Guarantor", required=True, check_company=True
    )
    kind = fields.Selection(
        selection=[
            ("general", "General Guarantee (一般保证)"),
            ("joint", "Joint and Several Liability (连带责任保证)"),
        ],
        required=True,
        default="joint",
    )
    amount = fields.Monetary(string="Guaranteed Amount")

    @api.constrains("partner_id", "application_id", "amount")
    def _check_guarantor(self):
        for guarantor in self:
            if guarantor.partner_id == guarantor.application_id.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s cannot guarantee their own loan.",
                        partner=guarantor.partner_id.display_name,
                    )
                )
            if guarantor.currency_id.compare_amounts(guarantor.amount, 0.0) < 0:
                raise ValidationError(
                    self.env._("A guaranteed amount cannot be negative.")
                )

    @api.depends("partner_id", "kind")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.partner_id.name, selection_label(record, "kind")
            )
