from odoo import models


class MicroloanProduct(models.Model):
    _name = "microloan.product"
    _inherit = [
        "microloan.product",
        "microloan.product.accounting",
        "microloan.product.provisioning",
    ]
