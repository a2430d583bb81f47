from odoo import fields, models

from odoo.addons.microloan_base.tools import inputs


class MicroloanLoan(models.Model):
    _inherit = "microloan.loan"

    application_id = fields.Many2one(
        "microloan.application",
        string="Application",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The application whose approval created this loan.",
    )

    def action_view_application(self):
        """Open the application this loan comes from."""
        loan = inputs.one(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "microloan.application",
            "res_id": loan.application_id.id,
            "view_mode": "form",
            "target": "current",
        }
