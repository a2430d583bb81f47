from odoo import api, fields, models
from odoo.exceptions import ValidationError

# Loans that were never disbursed: nothing to collect.
UNDISBURSED_STATES = ("draft", "submitted", "approved", "rejected", "cancelled")


class MicroloanCollectionAction(models.Model):
    """One collection contact (催收) with a borrower about a loan."""

    _name = "microloan.collection.action"
    _description = "Collection Action"
    _inherit = ["mail.thread", "microloan.guard.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_name = "loan_id"

    loan_id = fields.Many2one(
        "microloan.loan",
        string="Loan",
        required=True,
        index=True,
        check_company=True,
        ondelete="cascade",
        domain="[('state', 'not in', ('draft', 'submitted', 'approved', 'rejected', "
        "'cancelled'))]",
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
    partner_id = fields.Many2one(
        related="loan_id.partner_id", store=True, index=True, string="Borrower"
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    channel = fields.Selection(
        selection=[
            ("phone", "Phone Call"),
            ("sms", "SMS"),
            ("visit", "Visit"),
            ("letter", "Letter"),
            ("legal", "Legal Action"),
        ],
        required=True,
        default="phone",
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        required=True,
        index=True,
        default=lambda self: self.env.user,
        check_company=True,
        domain="[('share', '=', False)]",
        tracking=True,
    )
    result = fields.Selection(
        selection=[
            ("contacted", "Contacted"),
            ("promise", "Promise to Pay"),
            ("paid", "Paid"),
            ("no_answer", "No Answer"),
            ("refused", "Refused to Pay"),
            ("unreachable", "Unreachable"),
            ("dispute", "Disputed"),
        ],
        required=True,
        default="contacted",
        tracking=True,
    )
    note = fields.Text(string="Notes")
    next_action_date = fields.Date(index=True, tracking=True)
    promise_ids = fields.One2many(
        "microloan.collection.promise", "action_id", string="Promises"
    )
    overdue_amount = fields.Monetary(
        string="Overdue on the Loan", compute="_compute_overdue_amount"
    )
    currency_id = fields.Many2one(related="loan_id.currency_id")

    @api.depends("loan_id")
    def _compute_company_id(self):
        for action in self:
            action.company_id = action.loan_id.company_id or self.env.company

    @api.depends("loan_id.installment_ids.amount_residual")
    def _compute_overdue_amount(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.overdue_amount = sum(
                installment.amount_residual
                for installment in action.loan_id.installment_ids
                if installment.state == "open" and installment.due_date < today
            )

    @api.constrains("date", "next_action_date", "loan_id")
    def _check_dates(self):
        for action in self:
            if action.next_action_date and action.next_action_date < action.date:
                raise ValidationError(
                    self.env._(
                        "The next action on %(loan)s cannot come before the action "
                        "itself (%(date)s).",
                        loan=action.loan_id.name,
                        date=action.date,
                    )
                )
            if action.loan_id.state in UNDISBURSED_STATES:
                raise ValidationError(
                    self.env._(
                        "Collection actions are recorded on disbursed loans only: "
                        "%(loan)s is not.",
                        loan=action.loan_id.name,
                    )
                )
