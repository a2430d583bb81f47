from odoo import fields, models


class MicroloanGuaranteeType(models.Model):
    _name = "microloan.guarantee.type"
    _description = "Guarantee Type"
    _order = "sequence, id"
    _check_company_domain = models.check_company_domain_parent_of

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical code used by integrations and reports: credit, guaranty, "
        "mortgage, pledge, joint, or one of your own.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        help="Leave empty to share the type with every company; a head-office type "
        "is seen by its branches.",
    )
    requires_collateral = fields.Boolean(
        help="Loans of this type need registered collateral before approval."
    )
    collateral_kind = fields.Selection(
        selection=[("mortgage", "Mortgage"), ("pledge", "Pledge")],
        help="When set, only collateral of this kind satisfies the type.",
    )
    requires_guarantor = fields.Boolean(
        help="Loans of this type need at least one guarantor before approval."
    )
    requires_guarantee_group = fields.Boolean(
        string="Requires Joint-Guarantee Group",
        help="Loans of this type need a joint-guarantee group (联保小组) that "
        "includes the borrower.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(code, company_id)",
            "The code of a guarantee type must be unique per company.",
        ),
    ]
