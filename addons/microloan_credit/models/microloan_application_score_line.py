from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.microloan_base.tools.display_names import joined_name


class MicroloanApplicationScoreLine(models.Model):
    """The points one characteristic gave an application: why its score is
    what it is (written by the scoring only)."""

    _name = "microloan.application.score.line"
    _description = "Application Score Line"
    _order = "application_id, sequence, id"
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
    sequence = fields.Integer()
    characteristic_id = fields.Many2one(
        "microloan.scorecard.characteristic", string="Characteristic"
    )
    value = fields.Char()
    bin_label = fields.Char(string="Bin")
    points = fields.Float(digits=(10, 2))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Score lines are written by the scoring only.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._("Score lines are written by the scoring only.")
            )
        return super().write(vals)

    @api.depends("characteristic_id", "bin_label")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.characteristic_id.display_name, record.bin_label
            )
