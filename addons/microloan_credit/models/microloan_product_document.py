from odoo import api, fields, models

from odoo.addons.microloan_base.tools.display_names import joined_name

# The stages an application goes through, in order; each may be switched off
# per product except the draft, the approval and the contract.
STAGES = [
    ("draft", "Draft"),
    ("investigation", "Investigation"),
    ("review", "Review"),
    ("committee", "Credit Committee"),
    ("approval", "Approval"),
    ("contract", "Contract"),
]
STAGE_ORDER = [key for key, _label in STAGES]
# The stages a document may be required by (it must be there to leave them).
DOCUMENT_STAGES = STAGES[:-1]


class MicroloanProductDocument(models.Model):
    _name = "microloan.product.document"
    _description = "Document Required by a Loan Product"
    _order = "product_id, sequence, id"
    _check_company_auto = True

    product_id = fields.Many2one(
        "microloan.product",
        string="Product",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="product_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    document_type_id = fields.Many2one(
        "microloan.document.type",
        string="Document",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    stage = fields.Selection(
        selection=DOCUMENT_STAGES,
        string="Required to Leave",
        required=True,
        default="draft",
        help="An application cannot leave this stage, nor any later one, while "
        "the document is missing.",
    )

    _sql_constraints = [
        (
            "document_product_unique",
            "unique(product_id, document_type_id)",
            "A product requires each document once.",
        ),
    ]

    @api.depends("product_id", "document_type_id")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.product_id.name, record.document_type_id.name
            )
