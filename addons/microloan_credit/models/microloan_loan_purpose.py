from odoo import fields, models


class MicroloanLoanPurpose(models.Model):
    _name = "microloan.loan.purpose"
    _description = "Loan Purpose"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        index=True,
        help="Leave empty to share the purpose with every branch.",
    )

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(code, company_id)",
            "The code of a loan purpose must be unique per branch.",
        ),
    ]
