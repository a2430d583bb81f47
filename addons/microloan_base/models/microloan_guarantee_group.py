from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MicroloanGuaranteeGroup(models.Model):
    _name = "microloan.guarantee.group"
    _description = "Joint-Guarantee Group"
    _inherit = ["mail.thread", "microloan.guard.mixin"]
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    member_ids = fields.Many2many(
        "res.partner",
        "microloan_guarantee_group_member_rel",
        "group_id",
        "partner_id",
        string="Members",
        check_company=True,
        domain="[('microloan_borrower_type', '!=', False)]",
        tracking=True,
    )
    member_count = fields.Integer(compute="_compute_member_count")
    min_members = fields.Integer(
        string="Minimum Members",
        default=3,
        help="A group guarantees its members' loans only with at least this many "
        "members (commonly 3 to 5 households).",
    )
    amount_limit = fields.Monetary(
        string="Group Limit",
        currency_field="currency_id",
        help="Highest total principal the group's members may borrow together; "
        "0 means no limit.",
    )
    agreement_date = fields.Date(tracking=True)
    loan_ids = fields.One2many("microloan.loan", "guarantee_group_id", string="Loans")
    note = fields.Html()

    @api.depends("member_ids")
    def _compute_member_count(self):
        for group in self:
            group.member_count = len(group.member_ids)

    @api.constrains("min_members", "amount_limit")
    def _check_limits(self):
        for group in self:
            if group.min_members < 2:
                raise ValidationError(
                    self.env._(
                        "A joint-guarantee group needs at least two members to "
                        "guarantee each other."
                    )
                )
            if group.amount_limit < 0:
                raise ValidationError(self.env._("The group limit cannot be negative."))
