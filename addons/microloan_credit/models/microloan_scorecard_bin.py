from odoo import api, fields, models


class MicroloanScorecardBin(models.Model):
    """Points given to a value: a range ``[from, to)`` of a number, or a list
    of values of a text (codes separated by commas)."""

    _name = "microloan.scorecard.bin"
    _description = "Scorecard Bin"
    _order = "characteristic_id, sequence, id"

    characteristic_id = fields.Many2one(
        "microloan.scorecard.characteristic",
        string="Characteristic",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="characteristic_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    lower = fields.Float(string="From", digits=(16, 2))
    lower_open = fields.Boolean(string="No Lower Bound")
    upper = fields.Float(string="To (Excluded)", digits=(16, 2))
    upper_open = fields.Boolean(string="No Upper Bound")
    values = fields.Char(help="For a text: the values, separated by commas.")
    points = fields.Float(digits=(10, 2), required=True)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.characteristic_id.scorecard_id._check_draft()
        return records

    def write(self, vals):
        self.characteristic_id.scorecard_id._check_draft()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        self.characteristic_id.scorecard_id._check_draft()

    def _values_tuple(self):
        self.ensure_one()
        return tuple(v.strip() for v in (self.values or "").split(",") if v.strip())

    def _label(self):
        """The bin as a user reads it: ``[1,000, 5,000)`` or the values."""
        self.ensure_one()
        if self.values:
            return self.values
        lower = "-∞" if self.lower_open else f"{self.lower:,.2f}"
        upper = "+∞" if self.upper_open else f"{self.upper:,.2f}"
        return f"[{lower}, {upper})"

    @api.depends("values", "lower", "upper", "lower_open", "upper_open", "points")
    def _compute_display_name(self):
        for record in self:
            # Outside the call: Odoo's term extraction evaluates its arguments.
            points = f"{record.points:g}"
            record.display_name = self.env._(
                "%(bin)s: %(points)s points", bin=record._label(), points=points
            )
