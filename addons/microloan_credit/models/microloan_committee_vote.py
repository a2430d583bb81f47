from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.microloan_base.tools.display_names import joined_name, selection_label


class MicroloanCommitteeVote(models.Model):
    """A member's vote on an application at a committee meeting (written by
    the vote action only)."""

    _name = "microloan.committee.vote"
    _description = "Credit Committee Vote"
    _order = "item_id, id"
    _check_company_auto = True

    item_id = fields.Many2one(
        "microloan.committee.item",
        string="Agenda Item",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="item_id.company_id", store=True, index=True)
    user_id = fields.Many2one("res.users", string="Member", required=True)
    vote = fields.Selection(
        selection=[
            ("approve", "Approve"),
            ("approve_conditions", "Approve with Conditions"),
            ("reject", "Reject"),
        ],
        required=True,
    )
    opinion = fields.Text(required=True)
    conditions = fields.Text()
    date = fields.Datetime(required=True, default=fields.Datetime.now)

    _sql_constraints = [
        (
            "item_user_unique",
            "unique(item_id, user_id)",
            "A member votes once on an application.",
        ),
    ]

    def _refuse(self):
        raise AccessError(
            self.env._("Votes are recorded by the committee's vote action only.")
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._refuse()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._refuse()
        return super().write(vals)

    @api.depends("user_id", "vote")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.user_id.name, selection_label(record, "vote")
            )
