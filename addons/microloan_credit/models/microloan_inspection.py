from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from odoo.addons.microloan_base.tools.display_names import joined_name, selection_label
from odoo.addons.microloan_base.tools.risk_tiers import RISK_TIERS

from ..tools import attachments

OFFICER = "microloan_base.group_microloan_officer"
RISK = "microloan_base.group_microloan_risk"
BAD_FINDINGS = {
    "fund_use": ("diverted",),
    "business_condition": ("declining", "bad"),
    "collateral_condition": ("impaired", "lost"),
}


class MicroloanInspection(models.Model):
    """A post-loan inspection (贷后检查): scheduled by the product's rule and
    assigned to the loan officer as an activity; it records the use of the
    funds (资金用途), the business and the collateral, photos, findings and a
    proposed risk tier. A bad finding raises an early-warning signal."""

    _name = "microloan.inspection"
    _description = "Post-Loan Inspection"
    _inherit = ["mail.thread", "mail.activity.mixin", "microloan.guard.mixin"]
    _order = "date_planned desc, id desc"
    _check_company_auto = True
    _microloan_guarded_fields = ("state",)

    loan_id = fields.Many2one(
        "microloan.loan",
        string="Loan",
        required=True,
        index=True,
        check_company=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        index=True,
        compute="_compute_company_id",
        store=True,
        precompute=True,
    )
    partner_id = fields.Many2one(related="loan_id.partner_id", store=True)
    user_id = fields.Many2one(
        "res.users", string="Officer", check_company=True, tracking=True
    )
    kind = fields.Selection(
        selection=[("first", "First"), ("routine", "Routine"), ("special", "Special")],
        required=True,
        default="routine",
    )
    date_planned = fields.Date(string="Planned On", required=True, tracking=True)
    date_done = fields.Date(string="Done On", readonly=True, copy=False)
    state = fields.Selection(
        selection=[
            ("planned", "Planned"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="planned",
        tracking=True,
        copy=False,
    )
    fund_use = fields.Selection(
        selection=[
            ("as_agreed", "As Agreed"),
            ("diverted", "Diverted"),
            ("unknown", "Not Verified"),
        ],
        string="Use of Funds",
        help="资金用途: whether the money went to the purpose agreed.",
    )
    fund_use_note = fields.Text(string="Use of Funds: Details")
    business_condition = fields.Selection(
        selection=[
            ("good", "Good"),
            ("stable", "Stable"),
            ("declining", "Declining"),
            ("bad", "Bad"),
        ]
    )
    business_note = fields.Text(string="Business: Details")
    collateral_condition = fields.Selection(
        selection=[
            ("intact", "Intact"),
            ("impaired", "Impaired"),
            ("lost", "Lost or Disposed"),
            ("none", "No Collateral"),
        ]
    )
    collateral_note = fields.Text(string="Collateral: Details")
    photo_ids = fields.Many2many(
        "ir.attachment",
        "microloan_inspection_photo_rel",
        "inspection_id",
        "attachment_id",
        string="Photos",
    )
    findings = fields.Text()
    proposed_tier = fields.Selection(
        selection=RISK_TIERS, string="Proposed Classification"
    )
    signal_id = fields.Many2one(
        "microloan.warning.signal", string="Signal Raised", readonly=True, copy=False
    )

    @api.depends("loan_id")
    def _compute_company_id(self):
        for inspection in self:
            inspection.company_id = (
                inspection.loan_id.company_id or inspection.company_id
            )

    @api.model_create_multi
    def create(self, vals_list):
        inspections = super().create(vals_list)
        attachments.claim(inspections, "photo_ids")
        return inspections

    def write(self, vals):
        result = super().write(vals)
        if "photo_ids" in vals:
            attachments.claim(self, "photo_ids")
        return result

    def _bad_findings(self):
        """The labels of the findings that call for a warning signal."""
        self.ensure_one()
        labels = []
        for name, bad in BAD_FINDINGS.items():
            if self[name] in bad:
                field = self._fields[name]
                value = dict(field._description_selection(self.env))[self[name]]
                labels.append(f"{field._description_string(self.env)}: {value}")
        if self.proposed_tier and self.proposed_tier != "normal":
            field = self._fields["proposed_tier"]
            value = dict(field._description_selection(self.env))[self.proposed_tier]
            labels.append(f"{field._description_string(self.env)}: {value}")
        return labels

    def action_done(self):
        """Record the inspection as done today (loan and risk officers); a bad
        finding raises a signal of the enabled inspection rule; the next
        inspection is scheduled."""
        if not self.env.su and not (
            self.env.user.has_group(OFFICER) or self.env.user.has_group(RISK)
        ):
            raise UserError(
                self.env._("Only loan and risk officers record inspections.")
            )
        today = fields.Date.context_today(self)
        for inspection in self:
            if inspection.state != "planned":
                raise UserError(
                    self.env._(
                        "Only a planned inspection can be done: %(inspection)s.",
                        inspection=inspection.display_name,
                    )
                )
            missing = [
                inspection._fields[name]._description_string(self.env)
                for name in ("fund_use", "business_condition", "collateral_condition")
                if not inspection[name]
            ]
            if missing:
                raise UserError(
                    self.env._(
                        "Say what the inspection found: %(fields)s.",
                        fields=", ".join(missing),
                    )
                )
            # sudo: the state and the date are guarded; the caller was checked.
            inspection.sudo().write({"state": "done", "date_done": today})
            inspection.activity_feedback(["mail.mail_activity_data_todo"])
            bad = inspection._bad_findings()
            if bad:
                signal = self.env["microloan.warning.rule"]._raise_for(
                    "inspection",
                    inspection.loan_id,
                    "; ".join(
                        bad + ([inspection.findings] if inspection.findings else [])
                    ),
                )
                if signal:
                    inspection.sudo().signal_id = signal
        self.loan_id._schedule_inspections()
        return True

    @api.depends("loan_id", "kind", "date_planned")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.loan_id.name,
                selection_label(record, "kind"),
                record.date_planned and format_date(self.env, record.date_planned),
            )
