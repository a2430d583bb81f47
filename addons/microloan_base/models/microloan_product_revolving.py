from odoo import fields, models


class MicroloanProduct(models.Model):
    _inherit = "microloan.product"  # pylint: disable=consider-merging-classes-inherited

    repayment_method = fields.Selection(
        selection_add=[("revolving", "Revolving Credit Line (随借随还)")],
        ondelete={"revolving": "set default"},
    )
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
