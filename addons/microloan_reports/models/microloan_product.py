from odoo import fields, models


class MicroloanProduct(models.Model):
    _inherit = "microloan.product"

    contract_template_id = fields.Many2one(
        "microloan.contract.template",
        string="Contract Template",
        check_company=True,
        help="The articles printed in the loan contract of this product; the "
        "default template when empty.",
    )

    def _get_contract_template(self):
        """The product's contract template, or the first shared one."""
        self.ensure_one()
        if self.contract_template_id:
            return self.contract_template_id
        company_ids = (self.company_id or self.env.company).ids
        return self.env["microloan.contract.template"].search(
            ["|", ("company_id", "=", False), ("company_id", "parent_of", company_ids)],
            limit=1,
        )
