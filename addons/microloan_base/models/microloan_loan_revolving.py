from odoo import models
from odoo.exceptions import ValidationError


class MicroloanLoan(models.Model):
    _inherit = "microloan.loan"  # pylint: disable=consider-merging-classes-inherited

    def _build_schedule(self):
        revolving = self.filtered(
            lambda loan: loan.product_id.repayment_method == "revolving"
        )
        if revolving:
            raise ValidationError(
                self.env._(
                    "%(product)s is a revolving credit line product: open a credit "
                    "line instead of a loan.",
                    product=revolving[0].product_id.name,
                )
            )
        return super()._build_schedule()
