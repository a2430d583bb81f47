from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_repr

from microloan_engine.fees import Fee, fee_amount, fee_totals


class MicroloanProductFee(models.Model):
    _name = "microloan.product.fee"
    _description = "Loan Product Fee"
    _order = "product_id, sequence, id"

    product_id = fields.Many2one(
        "microloan.product", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="product_id.company_id", store=True)
    currency_id = fields.Many2one(related="product_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    calculation = fields.Selection(
        selection=[("fixed", "Fixed Amount"), ("percent", "Percentage of Amount")],
        required=True,
        default="percent",
    )
    amount = fields.Monetary(help="Fixed fee amount.")
    percentage = fields.Float(
        digits=(7, 4), help="Fee as a percentage of the loan amount."
    )
    timing = fields.Selection(
        selection=[
            ("deducted", "Deducted at Disbursement"),
            ("upfront", "Paid at Disbursement"),
            ("installment", "With Each Installment"),
        ],
        string="When Due",
        required=True,
        default="upfront",
        help="Deducted at disbursement: taken from the amount paid out (the "
        "borrower receives the amount lent less the fee). Paid at disbursement: "
        "the borrower pays it when the loan is paid out. With each installment: "
        "added to every installment of the schedule.",
    )
    collected_by = fields.Char(
        help="Who receives the fee when it is not the lender (a guarantee company, "
        "an insurer). Disclosed in the comprehensive financing cost."
    )

    @api.constrains("amount", "percentage")
    def _check_value(self):
        for fee in self:
            if fee.amount < 0 or fee.percentage < 0:
                raise ValidationError(
                    self.env._("The fee %(fee)s cannot be negative.", fee=fee.name)
                )

    def _get_amount(self, principal):
        """Return the fee charged on ``principal`` once (per installment or at
        disbursement, depending on ``timing``)."""
        self.ensure_one()
        decimals = self.currency_id.decimal_places
        return float(
            fee_amount(
                self._engine_fee(),
                Decimal(float_repr(principal, decimals)),
                decimals,
            )
        )

    def _get_totals(self, principal):
        """Return the ``microloan_engine.fees.FeeTotals`` (upfront and per
        installment) of these fees on ``principal``."""
        decimals = self.currency_id[:1].decimal_places
        return fee_totals(
            [fee._engine_fee() for fee in self],
            Decimal(float_repr(principal, decimals)),
            decimals,
        )

    def _engine_fee(self):
        """Return the ``microloan_engine.fees.Fee`` of this fee."""
        self.ensure_one()
        return Fee(
            calculation=self.calculation,
            timing=self.timing,
            amount=Decimal(float_repr(self.amount, self.currency_id.decimal_places)),
            percentage=Decimal(float_repr(self.percentage, 4)),
        )
