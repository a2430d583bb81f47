from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.microloan_base.tools.display_names import joined_name, selection_label

from .microloan_scorecard_cutoff import GRADES


class MicroloanScorecardBacktestLine(models.Model):
    """One grade of a scorecard's last back-test (written by the back-test)."""

    _name = "microloan.scorecard.backtest.line"
    _description = "Scorecard Back-Test by Grade"
    _order = "scorecard_id, grade"

    scorecard_id = fields.Many2one(
        "microloan.scorecard",
        string="Scorecard",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True)
    grade = fields.Selection(selection=GRADES, required=True)
    loans = fields.Integer()
    dpd30 = fields.Integer(string="Ever 30+ Days")
    dpd90 = fields.Integer(string="Ever 90+ Days")
    dpd30_share = fields.Float(string="30+ Share (%)", digits=(5, 2))
    dpd90_share = fields.Float(string="90+ Share (%)", digits=(5, 2))

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Back-test figures are written by the back-test only.")
            )
        return super().create(vals_list)

    @api.depends("scorecard_id", "grade")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.scorecard_id.name, selection_label(record, "grade")
            )
