from odoo import models


class MicroloanLoanDisburse(models.TransientModel):
    _name = "microloan.loan.disburse"
    _inherit = ["microloan.payment.choice.mixin", "microloan.loan.disburse"]
    _microloan_payment_type = "outbound"
