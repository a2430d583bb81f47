from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.microloan_base.tools.display_names import selection_label


class MicroloanReviewRound(models.Model):
    """One opinion given on an application at its review or before the credit
    committee: the history of every round, written by the actions only."""

    _name = "microloan.review.round"
    _description = "Review Round of an Application"
    _order = "application_id, id"
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
    stage = fields.Selection(
        selection=[("review", "Review"), ("committee", "Credit Committee")],
        required=True,
    )
    round = fields.Integer(required=True)
    user_id = fields.Many2one("res.users", string="By", required=True)
    date = fields.Datetime(required=True)
    decision = fields.Selection(
        selection=[
            ("pass", "Passed On"),
            ("send_back", "Sent Back"),
            ("reject", "Rejected"),
        ],
        required=True,
    )
    opinion = fields.Text(required=True)

    def _refuse_outside_actions(self):
        raise AccessError(
            self.env._(
                "Review rounds are recorded by the application's review action " "only."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._refuse_outside_actions()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._refuse_outside_actions()
        return super().write(vals)

    @api.depends("application_id", "stage", "round")
    def _compute_display_name(self):
        for record in self:
            record.display_name = self.env._(
                "%(application)s, %(stage)s round %(round)s",
                application=record.application_id.name or "",
                stage=selection_label(record, "stage"),
                round=record.round,
            )
