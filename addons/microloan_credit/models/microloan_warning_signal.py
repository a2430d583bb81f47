from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.microloan_base.tools import inputs
from odoo.addons.microloan_base.tools.display_names import joined_name

from .microloan_warning_rule import LEVELS

RISK = "microloan_base.group_microloan_risk"
OFFICER = "microloan_base.group_microloan_officer"


class MicroloanWarningSignal(models.Model):
    """An early-warning signal (预警信号) on a loan: raised by a rule or by
    hand, with a level, an owner, the actions taken and a closing note. An
    open red signal is shown on the loan and the borrower and blocks the
    borrower's new applications."""

    _name = "microloan.warning.signal"
    _description = "Early-Warning Signal"
    _inherit = ["mail.thread", "mail.activity.mixin", "microloan.guard.mixin"]
    _order = "date_open desc, id desc"
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
    partner_id = fields.Many2one(related="loan_id.partner_id", store=True, index=True)
    rule_id = fields.Many2one(
        "microloan.warning.rule",
        string="Rule",
        help="Empty: a manual signal.",
    )
    level = fields.Selection(
        selection=LEVELS, required=True, default="yellow", tracking=True
    )
    owner_id = fields.Many2one(
        "res.users", string="Owner", check_company=True, tracking=True
    )
    description = fields.Text(required=True)
    actions = fields.Text(string="Actions Taken")
    state = fields.Selection(
        selection=[("open", "Open"), ("closed", "Closed")],
        required=True,
        default="open",
        tracking=True,
        index=True,
        copy=False,
    )
    date_open = fields.Datetime(
        string="Raised On", default=fields.Datetime.now, readonly=True
    )
    date_closed = fields.Datetime(string="Closed On", readonly=True, copy=False)
    closing_note = fields.Text(readonly=True, copy=False)

    @api.depends("loan_id")
    def _compute_company_id(self):
        for signal in self:
            signal.company_id = signal.loan_id.company_id or signal.company_id

    @api.model_create_multi
    def create(self, vals_list):
        signals = super().create(vals_list)
        for signal in signals.filtered("owner_id"):
            # In the owner's language, not the one of whoever raises it.
            owner_env = self.with_context(lang=signal.owner_id.lang).env
            signal.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=owner_env._("Early-warning signal"),
                note=signal.description,
                user_id=signal.owner_id.id,
            )
        return signals

    def action_close(self, note):
        """Close open signals with a closing ``note`` (risk officers, or the
        signal's owner)."""
        note = inputs.text(self.env, note, self.env._("The closing note"), True)
        for signal in self:
            if signal.state != "open":
                raise UserError(self.env._("This signal is closed already."))
            if not (
                self.env.su
                or self.env.user.has_group(RISK)
                or signal.owner_id == self.env.user
            ):
                raise UserError(
                    self.env._(
                        "Only risk officers and the signal's owner close signals."
                    )
                )
        # sudo: the state and the stamps are guarded; the caller was checked.
        self.sudo().write(
            {
                "state": "closed",
                "closing_note": note,
                "date_closed": fields.Datetime.now(),
            }
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    @api.depends("loan_id", "rule_id")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(record.loan_id.name, record.rule_id.name)
