from odoo import fields, models


class MicroloanContractTemplate(models.Model):
    _name = "microloan.contract.template"
    _description = "Loan Contract Template"
    _order = "sequence, id"
    _check_company_domain = models.check_company_domain_parent_of

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        index=True,
        help="Leave empty to share the template with every company; a head-office "
        "template is used by its branches.",
    )
    title = fields.Char(
        required=True,
        translate=True,
        default=lambda self: self.env._("Loan Contract"),
        help="Title printed at the top of the contract.",
    )
    clauses = fields.Html(
        translate=True,
        sanitize_overridable=True,
        help="The articles of the contract printed after the loan's own terms "
        "(amount, term, rate, repayment, guarantees), which the contract fills in "
        "from the loan.",
    )
    product_ids = fields.One2many(
        "microloan.product", "contract_template_id", string="Products"
    )
