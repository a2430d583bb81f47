from odoo import models


class MicroloanLoanRepay(models.TransientModel):
    _name = "microloan.loan.repay"
    _inherit = ["microloan.payment.choice.mixin", "microloan.loan.repay"]
    _microloan_payment_type = "inbound"
