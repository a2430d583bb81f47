from odoo import fields, models


class MicroloanProductRevolving(models.AbstractModel):
    """Revolving products (随借随还): their credit lines. The ``revolving``
    repayment method itself is in the product's selection
    (microloan_product.py): a mixin cannot add to a field it does not
    define."""

    _name = "microloan.product.revolving"
    _description = "Loan Product: Revolving Credit Lines"

    credit_line_count = fields.Integer(compute="_compute_credit_line_count")

    def _compute_credit_line_count(self):
        counts = dict(
            self.env["microloan.credit.line"]._read_group(
                [("product_id", "in", self.ids)], ["product_id"], ["__count"]
            )
        )
        for product in self:
            product.credit_line_count = counts.get(product, 0)

    def action_view_credit_lines(self):
        """Open the credit lines of this revolving product."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "microloan_base.microloan_credit_line_action"
        )
        action["domain"] = [("product_id", "=", self.id)]
        action["context"] = {"default_product_id": self.id}
        return action
