from odoo import fields, models


class MicroloanDocumentType(models.Model):
    _name = "microloan.document.type"
    _description = "Application Document Type"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Branch",
        index=True,
        help="Leave empty to share the type with every branch.",
    )

    _sql_constraints = [
        (
            "code_company_unique",
            "unique(code, company_id)",
            "The code of a document type must be unique per branch.",
        ),
    ]
