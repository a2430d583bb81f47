from odoo import api, fields, models

from odoo.addons.microloan_base.tools.display_names import selection_label

GRADES = [(g, g) for g in ("A", "B", "C", "D", "E")]
DECISIONS = [("approve", "Approve"), ("refer", "Refer"), ("decline", "Decline")]


class MicroloanScorecardCutoff(models.Model):
    _name = "microloan.scorecard.cutoff"
    _description = "Scorecard Cut-off"
    _order = "scorecard_id, min_score desc, id"

    scorecard_id = fields.Many2one(
        "microloan.scorecard",
        string="Scorecard",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True)
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id
    )
    min_score = fields.Float(string="From Score", digits=(10, 2), required=True)
    grade = fields.Selection(selection=GRADES, required=True)
    decision = fields.Selection(selection=DECISIONS, required=True)
    max_amount = fields.Monetary(
        string="Maximum Amount", help="0: no cap from the score."
    )
    rate_adjustment = fields.Float(
        string="Rate Adjustment (Points)",
        digits=(7, 4),
        help="Added to the proposed annual rate, in percentage points.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.scorecard_id._check_draft()
        return records

    def write(self, vals):
        self.scorecard_id._check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        self.scorecard_id._check_draft()

    @api.depends("min_score", "grade")
    def _compute_display_name(self):
        for record in self:
            record.display_name = (
                f"≥ {record.min_score:g} · {selection_label(record, 'grade')}"
            )
