from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

COMMITTEE = "microloan_credit.group_microloan_committee"


class MicroloanCommitteeMeeting(models.Model):
    """A meeting of the credit committee (贷审会): its members and those
    present, the applications on its agenda, the votes and the minutes. When
    it closes, each application is decided by the quorum and majority of the
    meeting (microloan_engine.committee)."""

    _name = "microloan.committee.meeting"
    _description = "Credit Committee Meeting"
    _inherit = ["mail.thread", "mail.activity.mixin", "microloan.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _microloan_guarded_fields = ("state",)

    name = fields.Char(
        string="Number",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, tracking=True)
    state = fields.Selection(
        selection=[("draft", "Planned"), ("open", "In Session"), ("closed", "Closed")],
        required=True,
        default="draft",
        copy=False,
        tracking=True,
        index=True,
    )
    chair_id = fields.Many2one(
        "res.users", string="Chair", check_company=True, tracking=True
    )
    member_ids = fields.Many2many(
        "res.users",
        "microloan_committee_meeting_member_rel",
        "meeting_id",
        "user_id",
        string="Members",
        domain=lambda self: [("groups_id", "in", self.env.ref(COMMITTEE).id)],
    )
    present_ids = fields.Many2many(
        "res.users",
        "microloan_committee_meeting_present_rel",
        "meeting_id",
        "user_id",
        string="Present",
        domain="[('id', 'in', member_ids)]",
    )
    quorum_numerator = fields.Integer(default=2)
    quorum_denominator = fields.Integer(
        default=3, help="Members present needed: this fraction of the members."
    )
    majority_numerator = fields.Integer(default=2)
    majority_denominator = fields.Integer(
        default=3,
        help="Votes in favour needed: this fraction of the members present.",
    )
    item_ids = fields.One2many(
        "microloan.committee.item", "meeting_id", string="Agenda"
    )
    minutes = fields.Html()

    @api.constrains(
        "quorum_numerator",
        "quorum_denominator",
        "majority_numerator",
        "majority_denominator",
        "member_ids",
        "present_ids",
    )
    def _check_rules(self):
        for meeting in self:
            for numerator, denominator in (
                (meeting.quorum_numerator, meeting.quorum_denominator),
                (meeting.majority_numerator, meeting.majority_denominator),
            ):
                if not 0 < numerator <= denominator:
                    raise ValidationError(
                        self.env._(
                            "A quorum or majority is a fraction between 0 and 1, "
                            "such as 2/3."
                        )
                    )
            if meeting.present_ids - meeting.member_ids:
                raise ValidationError(
                    self.env._("Only members of the meeting can be present.")
                )
            committee = self.env.ref(COMMITTEE)
            if any(committee not in user.groups_id for user in meeting.member_ids):
                raise ValidationError(
                    self.env._("Every member must be a credit committee member.")
                )

    @api.model
    def _microloan_create_values(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) in (self.env._("New"), "New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                sequence = company._get_microloan_sequence(
                    "microloan.committee.meeting",
                    self.env._(
                        "Credit committee meetings of %(company)s",
                        company=company.name,
                    ),
                    "HY%(range_year)s-",
                    4,
                )
                vals["name"] = (
                    f"{company._get_microloan_branch_code()}-{sequence.next_by_id()}"
                )
        return super()._microloan_create_values(vals_list)

    def write(self, vals):
        if not self.env.su and vals.keys() & {"member_ids", "present_ids"}:
            closed = self.filtered(lambda m: m.state == "closed")
            if closed:
                raise UserError(
                    self.env._("The members of a closed meeting cannot change.")
                )
        return super().write(vals)

    def _check_committee(self):
        if not self.env.su and not self.env.user.has_group(COMMITTEE):
            raise AccessError(
                self.env._("Only credit committee members can run a meeting.")
            )

    def action_open(self):
        """Open the session: the members present can vote."""
        self._check_committee()
        labels = dict(self._fields["state"]._description_selection(self.env))
        for meeting in self:
            if meeting.state != "draft":
                raise UserError(
                    self.env._(
                        "%(meeting)s is not planned but %(state)s.",
                        meeting=meeting.name,
                        state=labels[meeting.state],
                    )
                )
            if not meeting.present_ids:
                raise UserError(
                    self.env._(
                        "Record the members present at %(meeting)s first.",
                        meeting=meeting.name,
                    )
                )
        # sudo: the state is guarded; the caller was checked.
        self.sudo().state = "open"
        return True

    def action_close(self):
        """Close the session and decide every application of the agenda by
        the quorum and majority of the meeting."""
        self._check_committee()
        for meeting in self:
            if meeting.state != "open":
                raise UserError(
                    self.env._(
                        "Only a meeting in session can be closed: %(meeting)s.",
                        meeting=meeting.name,
                    )
                )
            meeting.item_ids._decide()
        # sudo: the state is guarded; the caller was checked.
        self.sudo().state = "closed"
        return True
