from odoo import fields, models


class MicroloanApplicationLimits(models.AbstractModel):
    """The regulatory limits (microloan.regulatory.limit) checked before a
    loan application (microloan.application) is approved."""

    _name = "microloan.application.limits"
    _description = "Loan Application: Regulatory Limits"

    def _check_before_approval(self, amount):
        """Refuse an approval of ``amount`` that breaches a limit in force."""
        result = super()._check_before_approval(amount)
        company = self.company_id
        today = fields.Date.context_today(self)
        self.env["microloan.regulatory.limit"]._check_new_exposure(
            self.partner_id,
            self.product_id,
            company,
            self.currency_id._convert(amount, company.currency_id, company, today),
            today,
        )
        return result
