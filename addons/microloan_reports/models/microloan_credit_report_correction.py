from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.microloan_base.tools.risk_tiers import RISK_TIERS

from microloan_engine import credit_bureau as cb

COMPLIANCE_GROUP = "microloan_reports.group_microloan_credit_reporting"
SEGMENTS = [
    ("performance", "Performance (表现信息段)"),
    ("info", "Basic Information (基本信息段)"),
]
# The figures a correction may give again; the others are the event's.
CORRECTED_FIELDS = (
    "balance",
    "risk_tier",
    "days_past_due",
    "overdue_periods",
    "remaining_periods",
    "overdue_principal",
    "overdue_total",
)


class MicroloanCreditReportCorrection(models.Model):
    """A correction of a record already sent to the credit bureau: the
    corrected segment sent again (212/412), or the whole record deleted
    (214/414). It keeps who asked, why, the event it corrects and the export
    that sent it."""

    _name = "microloan.credit.report.correction"
    _description = "Credit-Bureau Correction"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, default=lambda self: self.env._("New"))
    event_id = fields.Many2one(
        "microloan.credit.report.event",
        string="Event Reported",
        required=True,
        index=True,
        check_company=True,
        domain="[('state', '=', 'exported')]",
        ondelete="cascade",
    )
    loan_id = fields.Many2one(related="event_id.loan_id", store=True, index=True)
    company_id = fields.Many2one(
        related="event_id.company_id", store=True, index=True, string="Branch"
    )
    currency_id = fields.Many2one(related="event_id.currency_id")
    kind = fields.Selection(
        [("correct", "Correct a Segment"), ("delete", "Delete the Record")],
        required=True,
        default="correct",
        tracking=True,
    )
    segment = fields.Selection(SEGMENTS, default="performance")
    reason = fields.Text(required=True, tracking=True)
    state = fields.Selection(
        [("draft", "To Send"), ("exported", "Sent")],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    export_id = fields.Many2one(
        "microloan.credit.report.export",
        string="Sent In",
        readonly=True,
        index="btree_not_null",
        check_company=True,
    )
    balance = fields.Monetary()
    risk_tier = fields.Selection(RISK_TIERS, string="Classification")
    days_past_due = fields.Integer()
    overdue_periods = fields.Integer()
    remaining_periods = fields.Integer()
    overdue_principal = fields.Monetary()
    overdue_total = fields.Monetary()

    @api.constrains(*CORRECTED_FIELDS)
    def _check_figures(self):
        for correction in self:
            figures = [getattr(correction, name) for name in CORRECTED_FIELDS[:1]]
            figures += [getattr(correction, name) for name in CORRECTED_FIELDS[2:]]
            if any(value < 0 for value in figures):
                raise ValidationError(
                    self.env._("The corrected figures cannot be negative.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.user.has_group(COMPLIANCE_GROUP):
            raise AccessError(
                self.env._("Only a credit-reporting officer corrects a report.")
            )
        Event = self.env["microloan.credit.report.event"]
        for vals in vals_list:
            vals.pop("state", None)
            vals.pop("export_id", None)
            event = Event.browse(vals.get("event_id")).exists()
            if not event:
                raise UserError(self.env._("Choose the event to correct."))
            event.check_access("read")
            if event.state != "exported":
                raise UserError(
                    self.env._("Only an event already sent can be corrected.")
                )
            if vals.get("kind", "correct") == "correct":
                for name in CORRECTED_FIELDS:
                    vals.setdefault(name, event[name])
            vals["name"] = self.env._(
                "Correction of %(event)s", event=event.sudo().name
            )
        return super().create(vals_list)

    def write(self, vals):
        if {"state", "export_id", "event_id", "name"} & set(vals) and not self.env.su:
            raise AccessError(
                self.env._("A correction is sent by the export, not changed by hand.")
            )
        if not self.env.su and any(c.state != "draft" for c in self):
            raise UserError(self.env._("A correction already sent cannot change."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_draft(self):
        if any(correction.state != "draft" for correction in self):
            raise UserError(self.env._("A correction already sent is kept."))

    def _build_record(self):
        """The correction or deletion record
        (``microloan_engine.credit_bureau.build_correction``/``build_deletion``)."""
        self.ensure_one()
        event = self.event_id.sudo()
        original = event._build_record()
        if self.kind == "delete":
            return cb.build_deletion(original)
        overrides = {
            "balance": Decimal(str(self.balance)),
            "tier": self.risk_tier or None,
            "days_past_due": self.days_past_due,
            "overdue_periods": self.overdue_periods,
            "remaining_periods": self.remaining_periods,
            "overdue_principal": Decimal(str(self.overdue_principal)),
            "overdue_total": Decimal(str(self.overdue_total)),
        }
        if self.segment == "info":
            name = "AcctBsInfSgmt"
        else:
            name = cb.performance_segment_name(
                event.record_type, monthly=event.event_code == "30"
            )
        return cb.build_correction(
            event._engine_account(),
            original,
            event._engine_snapshot(overrides),
            name,
            month=event._engine_month(),
        )
