from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from odoo.addons.microloan_base.tools import inputs
from odoo.addons.microloan_base.tools.display_names import joined_name

from microloan_engine.committee import decide

COMMITTEE = "microloan_credit.group_microloan_committee"


class MicroloanCommitteeItem(models.Model):
    """An application on the agenda of a committee meeting, its votes and
    the decision taken when the meeting closed."""

    _name = "microloan.committee.item"
    _description = "Credit Committee Agenda Item"
    _inherit = ["microloan.guard.mixin"]
    _order = "meeting_id, sequence, id"
    _check_company_auto = True

    meeting_id = fields.Many2one(
        "microloan.committee.meeting",
        string="Meeting",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        related="meeting_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(default=10)
    application_id = fields.Many2one(
        "microloan.application",
        string="Application",
        required=True,
        index=True,
        check_company=True,
        domain="[('state', '=', 'committee')]",
    )
    partner_id = fields.Many2one(related="application_id.partner_id")
    currency_id = fields.Many2one(related="application_id.currency_id")
    amount = fields.Monetary(related="application_id.amount")
    vote_ids = fields.One2many("microloan.committee.vote", "item_id", string="Votes")
    approve_count = fields.Integer(string="Approve", compute="_compute_counts")
    conditional_count = fields.Integer(
        string="With Conditions", compute="_compute_counts"
    )
    reject_count = fields.Integer(string="Reject", compute="_compute_counts")
    decision = fields.Selection(
        selection=[
            ("approved", "Approved"),
            ("approved_conditions", "Approved with Conditions"),
            ("rejected", "Rejected"),
            ("no_quorum", "No Quorum"),
        ],
        readonly=True,
        copy=False,
    )
    conditions = fields.Text(readonly=True, copy=False)

    _sql_constraints = [
        (
            "meeting_application_unique",
            "unique(meeting_id, application_id)",
            "An application is on a meeting's agenda once.",
        ),
    ]

    @api.depends("vote_ids.vote")
    def _compute_counts(self):
        for item in self:
            votes = item.vote_ids.mapped("vote")
            item.approve_count = votes.count("approve")
            item.conditional_count = votes.count("approve_conditions")
            item.reject_count = votes.count("reject")

    @api.constrains("application_id", "meeting_id")
    def _check_application(self):
        for item in self:
            if item.meeting_id.state == "closed":
                raise UserError(
                    self.env._("The agenda of a closed meeting cannot change.")
                )
            if item.application_id.state != "committee":
                raise UserError(
                    self.env._(
                        "%(application)s is not before the credit committee.",
                        application=item.application_id.name,
                    )
                )

    def action_vote(self, vote, opinion, conditions=False):
        """Record the caller's vote (``approve``, ``approve_conditions`` or
        ``reject``) with his opinion; a member present votes once."""
        item = inputs.one(self)
        vote = inputs.selection(
            self.env,
            vote,
            self.env["microloan.committee.vote"]
            ._fields["vote"]
            ._description_selection(self.env),
            self.env._("The vote"),
        )
        opinion = inputs.text(self.env, opinion, self.env._("The opinion"), True)
        conditions = inputs.text(self.env, conditions, self.env._("The conditions"))
        if vote == "approve_conditions" and not conditions:
            raise UserError(self.env._("Say which conditions the approval carries."))
        user = self.env.user
        meeting = item.meeting_id
        if not self.env.user.has_group(COMMITTEE):
            raise UserError(self.env._("Only credit committee members vote."))
        if meeting.state != "open":
            raise UserError(
                self.env._("Votes are taken while the meeting is in session.")
            )
        if user not in meeting.present_ids:
            raise UserError(self.env._("Only the members present at the meeting vote."))
        if user in item.vote_ids.user_id:
            raise UserError(
                self.env._(
                    "You have voted on %(application)s already.",
                    application=item.application_id.name,
                )
            )
        item.application_id._check_separation(self.env._("vote on"))
        # sudo: votes are written by this action only.
        vote_record = (
            self.env["microloan.committee.vote"]
            .sudo()
            .create(
                {
                    "item_id": item.id,
                    "user_id": user.id,
                    "vote": vote,
                    "opinion": opinion,
                    "conditions": conditions if vote == "approve_conditions" else False,
                    "date": fields.Datetime.now(),
                }
            )
        )
        return vote_record.id

    def _decide(self):
        """Decide each item by its meeting's quorum and majority."""
        for item in self:
            meeting = item.meeting_id
            application = item.application_id
            if application.state != "committee":
                continue
            outcome = decide(
                members=len(meeting.member_ids),
                present=len(meeting.present_ids),
                approve=item.approve_count,
                conditional=item.conditional_count,
                reject=item.reject_count,
                quorum=(meeting.quorum_numerator, meeting.quorum_denominator),
                majority=(meeting.majority_numerator, meeting.majority_denominator),
            )
            summary = self.env._(
                "Committee %(meeting)s: %(present)s of %(members)s members present; "
                "%(approve)s approve, %(conditional)s approve with conditions, "
                "%(reject)s reject.",
                meeting=meeting.name,
                present=outcome.present,
                members=outcome.members,
                approve=outcome.approve,
                conditional=outcome.conditional,
                reject=outcome.reject,
            )
            conditions = "\n".join(
                item.vote_ids.filtered("conditions").mapped("conditions")
            )
            if not outcome.quorum_met:
                decision = "no_quorum"
                application.message_post(
                    body=plaintext2html(
                        summary + " " + self.env._("No quorum: not decided.")
                    )
                )
            elif outcome.approved:
                decision = (
                    "approved_conditions" if outcome.with_conditions else "approved"
                )
                application._committee_pass(summary, conditions)
            else:
                decision = "rejected"
                application._committee_reject(summary)
            # sudo: the decision is guarded; it is the meeting's.
            item.sudo().write(
                {
                    "decision": decision,
                    "conditions": conditions if outcome.with_conditions else False,
                }
            )

    @api.depends("meeting_id", "application_id")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.meeting_id.name, record.application_id.name
            )
