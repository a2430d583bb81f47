from odoo import api, fields, models
from odoo.exceptions import ValidationError


class MicroloanProduct(models.Model):
    _inherit = "microloan.product"  # pylint: disable=consider-merging-classes-inherited

    prepayment_fee_rate = fields.Float(
        string="Prepayment Fee (%)",
        digits=(7, 4),
        help="Fee charged on principal repaid before its due date, as a percentage "
        "of that principal (提前还款违约金).",
    )

    @api.constrains("prepayment_fee_rate")
    def _check_prepayment_fee_rate(self):
        for product in self:
            if not 0 <= product.prepayment_fee_rate <= 100:
                raise ValidationError(
                    self.env._("The prepayment fee must be between 0% and 100%.")
                )
