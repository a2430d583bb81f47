from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class MicroloanCollateral(models.Model):
    _name = "microloan.collateral"
    _description = "Collateral"
    _inherit = ["mail.thread", "mail.activity.mixin", "microloan.guard.mixin"]
    _order = "id desc"
    _check_company_auto = True
    # Registered and released only through action_register and action_release
    # (which checks that no approved or active loan relies on it); the release
    # date and the appraised value are read-only, hence guarded too.
    _microloan_guarded_fields = ("state",)

    name = fields.Char(string="Description", required=True, tracking=True)
    type_id = fields.Many2one(
        "microloan.collateral.type",
        string="Type",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
    )
    kind = fields.Selection(related="type_id.kind", store=True)
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    owner_id = fields.Many2one(
        "res.partner",
        string="Owner",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        help="Mortgagor or pledgor: the borrower or a third party.",
    )
    state = fields.Selection(
        selection=[
            ("draft", "Draft"),
            ("registered", "Registered"),
            ("released", "Released"),
        ],
        required=True,
        default="draft",
        copy=False,
        index=True,
        tracking=True,
    )
    lien_rank = fields.Selection(
        selection=[("1", "First"), ("2", "Second"), ("3", "Third")],
        default="1",
        help="Rank of this lender's lien (一抵, 二抵...).",
    )
    lien_number = fields.Char(
        string="Registration Number",
        copy=False,
        tracking=True,
        help="Lien registration certificate number (不动产登记证明号, 动产融资统一登记 "
        "number) or the receipt of the pledged item.",
    )
    lien_date = fields.Date(string="Registration Date", copy=False, tracking=True)
    release_date = fields.Date(copy=False, readonly=True, tracking=True)
    location = fields.Char(help="Address of the asset or custodian of a pledge.")
    valuation_ids = fields.One2many(
        "microloan.collateral.valuation", "collateral_id", string="Valuations"
    )
    value = fields.Monetary(
        string="Appraised Value",
        compute="_compute_value",
        store=True,
        tracking=True,
        help="Value of the latest valuation.",
    )
    value_date = fields.Date(compute="_compute_value", store=True)
    max_ltv = fields.Float(
        string="Maximum Loan-to-Value (%)",
        digits=(5, 2),
        compute="_compute_max_ltv",
        store=True,
        readonly=False,
        precompute=True,
    )
    loan_ids = fields.Many2many(
        "microloan.loan",
        "microloan_loan_collateral_rel",
        "collateral_id",
        "loan_id",
        string="Loans",
        readonly=True,
    )
    note = fields.Html()

    @api.depends("valuation_ids.value", "valuation_ids.date")
    def _compute_value(self):
        for collateral in self:
            latest = collateral.valuation_ids.sorted(
                lambda v: (v.date, v.id), reverse=True
            )[:1]
            collateral.value = latest.value
            collateral.value_date = latest.date

    @api.depends("type_id")
    def _compute_max_ltv(self):
        for collateral in self:
            collateral.max_ltv = collateral.type_id.max_ltv

    @api.constrains("max_ltv")
    def _check_max_ltv(self):
        for collateral in self:
            if not 0 < collateral.max_ltv <= 100:
                raise ValidationError(
                    self.env._(
                        "The maximum loan-to-value of %(collateral)s must be above "
                        "0%% and at most 100%%.",
                        collateral=collateral.name,
                    )
                )

    @api.constrains("state", "lien_number", "lien_date")
    def _check_registration(self):
        for collateral in self:
            if collateral.state == "registered" and not (
                collateral.lien_number and collateral.lien_date
            ):
                raise ValidationError(
                    self.env._(
                        "Registered collateral needs its registration number and "
                        "date: %(collateral)s.",
                        collateral=collateral.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_registered(self):
        if any(collateral.state == "registered" for collateral in self):
            raise UserError(
                self.env._("Release registered collateral instead of deleting it.")
            )

    def action_register(self):
        """Record the lien registration (or delivery of a pledge)."""
        for collateral in self:
            if collateral.state != "draft":
                raise UserError(
                    self.env._(
                        "Only draft collateral can be registered: %(collateral)s.",
                        collateral=collateral.name,
                    )
                )
            if collateral.currency_id.compare_amounts(collateral.value, 0.0) <= 0:
                raise UserError(
                    self.env._(
                        "Value %(collateral)s before registering it.",
                        collateral=collateral.name,
                    )
                )
        # sudo: the state is guarded; the state and the value were checked.
        self.sudo().write({"state": "registered"})
        return True

    def action_release(self):
        """Release the lien once no approved or active loan relies on it."""
        for collateral in self:
            if collateral.state != "registered":
                raise UserError(
                    self.env._(
                        "Only registered collateral can be released: %(collateral)s.",
                        collateral=collateral.name,
                    )
                )
            secured = collateral.loan_ids.filtered(
                lambda loan: loan.state in ("approved", "active")
            )
            if secured:
                raise UserError(
                    self.env._(
                        "%(collateral)s still secures %(loans)s.",
                        collateral=collateral.name,
                        loans=", ".join(secured.mapped("name")),
                    )
                )
        # sudo: the state and the release date are guarded; no approved or
        # active loan relies on the collateral.
        self.sudo().write(
            {"state": "released", "release_date": fields.Date.context_today(self)}
        )
        return True
