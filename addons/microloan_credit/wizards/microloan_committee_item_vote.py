from odoo import fields, models


class MicroloanCommitteeItemVote(models.TransientModel):
    _name = "microloan.committee.item.vote"
    _description = "Vote on an Application"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "item_id"

    item_id = fields.Many2one(
        "microloan.committee.item",
        string="Agenda Item",
        required=True,
        check_company=True,
    )
    vote = fields.Selection(
        selection=[
            ("approve", "Approve"),
            ("approve_conditions", "Approve with Conditions"),
            ("reject", "Reject"),
        ],
        required=True,
        default="approve",
    )
    opinion = fields.Text(required=True)
    conditions = fields.Text()

    def action_confirm(self):
        """Record the caller's vote."""
        self.ensure_one()
        self.item_id.action_vote(self.vote, self.opinion, self.conditions or False)
        return {"type": "ir.actions.act_window_close"}
