from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    microloan_authority_limit = fields.Monetary(
        string="Authority Limit",
        currency_field="microloan_authority_currency_id",
        help="授权额度: the largest amount this user may approve alone; above it, "
        "the approval tiers must bring other approvers. 0: no limit.",
    )
    microloan_authority_currency_id = fields.Many2one(
        "res.currency",
        string="Authority Currency",
        default=lambda self: self.env.company.currency_id,
    )
