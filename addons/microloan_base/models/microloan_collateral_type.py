from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MicroloanCollateralType(models.Model):
    _name = "microloan.collateral.type"
    _description = "Collateral Type"
    _order = "kind, sequence, id"
    _check_company_domain = models.check_company_domain_parent_of

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        help="Leave empty to share the type with every company; a head-office type "
        "is seen by its branches.",
    )
    kind = fields.Selection(
        selection=[("mortgage", "Mortgage"), ("pledge", "Pledge")],
        required=True,
        default="mortgage",
        help="Mortgage (抵押): the owner keeps the asset, the lien is registered. "
        "Pledge (质押): the asset or its certificate is delivered to the lender.",
    )
    max_ltv = fields.Float(
        string="Maximum Loan-to-Value (%)",
        digits=(5, 2),
        default=50.0,
        help="Highest ratio of loan amount to appraised value accepted for this "
        "type (抵押率/质押率).",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(code, company_id)",
            "The code of a collateral type must be unique per company.",
        ),
    ]

    @api.constrains("max_ltv")
    def _check_max_ltv(self):
        for collateral_type in self:
            if not 0 < collateral_type.max_ltv <= 100:
                raise ValidationError(
                    self.env._(
                        "The maximum loan-to-value of %(type)s must be above 0%% and "
                        "at most 100%%.",
                        type=collateral_type.name,
                    )
                )
