from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools.display_names import joined_name, selection_label

# The guarantees of a loan are part of what its approver approved.
OPEN_LOAN_STATES = ("draft", "submitted")


class MicroloanGuarantee(models.Model):
    _name = "microloan.guarantee"
    _description = "Guarantee"
    _inherit = ["mail.thread", "microloan.guard.mixin"]
    _order = "loan_id, id"
    _check_company_auto = True

    loan_id = fields.Many2one(
        "microloan.loan",
        string="Loan",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        compute="_compute_company_id",
        store=True,
        precompute=True,
    )
    currency_id = fields.Many2one(related="loan_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Guarantor",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    kind = fields.Selection(
        selection=[
            ("general", "General Guarantee (一般保证)"),
            ("joint", "Joint and Several Liability (连带责任保证)"),
        ],
        required=True,
        default="joint",
        tracking=True,
        help="A general guarantor may require the lender to pursue the borrower "
        "first; the law presumes a general guarantee when the contract is silent, "
        "so contracts should state joint and several liability.",
    )
    amount = fields.Monetary(
        string="Guaranteed Amount",
        compute="_compute_amount",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    period_months = fields.Integer(
        string="Guarantee Period (Months)",
        default=6,
        help="Guarantee period after the debt falls due (保证期间); the law "
        "presumes six months when the contract is silent.",
    )
    date = fields.Date(string="Contract Date", default=fields.Date.context_today)
    consent_to_extension = fields.Boolean(
        help="The guarantor agreed in writing to stay liable if the loan is extended."
    )
    guarantee_group_id = fields.Many2one(
        "microloan.guarantee.group",
        string="Joint-Guarantee Group",
        index="btree_not_null",
        check_company=True,
    )
    note = fields.Char()

    @api.depends("loan_id")
    def _compute_company_id(self):
        for guarantee in self:
            guarantee.company_id = guarantee.loan_id.company_id or guarantee.company_id

    @api.depends("loan_id.amount")
    def _compute_amount(self):
        for guarantee in self:
            if not guarantee.amount:
                guarantee.amount = guarantee.loan_id.amount

    @api.constrains("partner_id", "loan_id", "amount", "period_months")
    def _check_guarantee(self):
        for guarantee in self:
            if guarantee.partner_id == guarantee.loan_id.partner_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s cannot guarantee their own loan.",
                        partner=guarantee.partner_id.display_name,
                    )
                )
            if guarantee.currency_id.compare_amounts(guarantee.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._("The guaranteed amount must be positive.")
                )
            if guarantee.period_months < 0:
                raise ValidationError(
                    self.env._("The guarantee period cannot be negative.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        guarantees = super().create(vals_list)
        guarantees._check_loan_open()
        return guarantees

    def write(self, vals):
        self._check_loan_open()
        result = super().write(vals)
        if "loan_id" in vals:
            self._check_loan_open()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_approved_loan(self):
        self._check_loan_open()

    def _check_loan_open(self):
        """Refuse, from a client, any change to the guarantees of a loan past
        its submission: the approval checked them. The module's own code
        (``sudo()``) may still record what an action decided."""
        if self.env.su:
            return
        # sudo: the loan's state, whatever loans the caller may read.
        fixed = self.sudo().filtered(
            lambda guarantee: guarantee.loan_id.state not in OPEN_LOAN_STATES
        )
        if fixed:
            raise AccessError(
                self.env._(
                    "The guarantees of %(loans)s were approved with the loan: "
                    "they can no longer be added, changed or removed.",
                    loans=", ".join(fixed.with_env(self.env).loan_id.mapped("name")),
                )
            )

    @api.depends("partner_id", "kind")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.partner_id.name, selection_label(record, "kind")
            )
