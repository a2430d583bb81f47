from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    microloan_branch_code = fields.Char(
        related="company_id.microloan_branch_code", readonly=False
    )
    microloan_max_annual_rate = fields.Float(
        related="company_id.microloan_max_annual_rate", readonly=False
    )
    microloan_lpr_warning = fields.Boolean(
        related="company_id.microloan_lpr_warning", readonly=False
    )
    microloan_lpr_rate = fields.Float(
        related="company_id.microloan_lpr_rate", readonly=False
    )
    microloan_lock_date = fields.Date(
        related="company_id.microloan_lock_date", readonly=False
    )
    microloan_lang = fields.Selection(
        related="company_id.microloan_lang", readonly=False
    )
