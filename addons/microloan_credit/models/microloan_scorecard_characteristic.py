from odoo import api, fields, models

# What a characteristic may score: a field of the application, the borrower or
# the investigation report, and whether it is a number or a text.
SOURCES = [
    ("borrower_type", "Borrower: type"),
    ("annual_income", "Borrower: annual income"),
    ("loans_settled", "Borrower: loans settled"),
    ("amount", "Application: amount"),
    ("term", "Application: term"),
    ("channel", "Application: channel"),
    ("purpose", "Application: purpose (code)"),
    ("guarantee_type", "Application: guarantee type (code)"),
    ("business_years", "Investigation: years in business"),
    ("monthly_income", "Investigation: monthly income"),
    ("debt_service_ratio", "Investigation: debt service ratio (%)"),
    ("net_worth", "Investigation: net worth"),
]
TEXT_SOURCES = {"borrower_type", "channel", "purpose", "guarantee_type"}


class MicroloanScorecardCharacteristic(models.Model):
    _name = "microloan.scorecard.characteristic"
    _description = "Scorecard Characteristic"
    _order = "scorecard_id, sequence, id"

    scorecard_id = fields.Many2one(
        "microloan.scorecard",
        string="Scorecard",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    source = fields.Selection(
        selection=SOURCES, string="Field", required=True, default="borrower_type"
    )
    is_text = fields.Boolean(compute="_compute_is_text")
    default_points = fields.Float(
        digits=(10, 2), help="Points of a value that no bin takes (or unknown)."
    )
    bin_ids = fields.One2many(
        "microloan.scorecard.bin", "characteristic_id", string="Bins", copy=True
    )

    @api.depends("source")
    def _compute_display_name(self):
        labels = dict(self._fields["source"]._description_selection(self.env))
        for characteristic in self:
            characteristic.display_name = labels.get(characteristic.source, "")

    @api.depends("source")
    def _compute_is_text(self):
        for characteristic in self:
            characteristic.is_text = characteristic.source in TEXT_SOURCES

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
