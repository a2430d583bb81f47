from odoo import fields, models


class MicroloanLoanScheduleVersion(models.Model):
    _name = "microloan.loan.schedule.version"
    _description = "Replaced Repayment Schedule"
    _order = "loan_id, version desc, id desc"
    _check_company_auto = True

    loan_id = fields.Many2one(
        "microloan.loan",
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
    )
    currency_id = fields.Many2one(related="loan_id.currency_id")
    version = fields.Integer(required=True, readonly=True)
    date = fields.Date(string="Replaced On", required=True, readonly=True)
    kind = fields.Selection(
        selection=[
            ("extension", "Extension (展期)"),
            ("rate_change", "Rate Change"),
            ("other", "Other"),
        ],
        required=True,
        readonly=True,
    )
    reason = fields.Text(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="By", readonly=True, default=lambda self: self.env.user
    )
    interest_rate = fields.Float(string="Annual Rate (%)", digits=(7, 4), readonly=True)
    maturity_date = fields.Date(readonly=True)
    line_ids = fields.One2many(
        "microloan.loan.schedule.version.line",
        "version_id",
        string="Installments",
        readonly=True,
    )

    _sql_constraints = [
        (
            "version_loan_unique",
            "unique(loan_id, version)",
            "A loan cannot have two schedule versions with the same number.",
        ),
    ]

    def _compute_display_name(self):
        for version in self:
            version.display_name = self.env._(
                "%(loan)s, schedule %(version)s",
                loan=version.loan_id.name,
                version=version.version,
            )
