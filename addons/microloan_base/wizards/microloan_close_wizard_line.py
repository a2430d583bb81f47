from odoo import fields, models


class MicroloanCloseWizardLine(models.TransientModel):
    """A branch of the close up to date: its last closed day and the days
    the close will run."""

    _name = "microloan.close.wizard.line"
    _description = "Close up to Date: Branch"

    wizard_id = fields.Many2one(
        "microloan.close.wizard", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", string="Branch", readonly=True)
    closed_date = fields.Date(string="Closed To", readonly=True)
    day_count = fields.Integer(string="Days to Close", readonly=True)
