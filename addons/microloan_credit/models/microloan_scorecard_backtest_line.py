from odoo import api, fields, models
from odoo.exceptions import AccessError

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
            record.display_name = " · ".join(
                part
                for part in (record.scorecard_id.name, record._selection_label("grade"))
                if part
            )

    def _selection_label(self, field_name):
        """The label of a selection field's value, in the user's language."""
        labels = dict(self._fields[field_name]._description_selection(self.env))
        return labels.get(self[field_name], "")
