from odoo import models
from odoo.exceptions import ValidationError


class MicroloanLoanRevolving(models.AbstractModel):
    """A loan (microloan.loan) is never built on a revolving credit line
    product: those open a credit line (microloan.credit.line) instead."""

    _name = "microloan.loan.revolving"
    _description = "Loan: Revolving Products Refused"

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
