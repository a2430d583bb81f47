from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_repr

from microloan_engine.provisioning import ProvisionRates

RATE_FIELDS = {
    "normal": "provision_rate_normal",
    "special_mention": "provision_rate_special_mention",
    "substandard": "provision_rate_substandard",
    "doubtful": "provision_rate_doubtful",
    "loss": "provision_rate_loss",
    "general_rate": "provision_rate_general",
}


class MicroloanProductProvisioning(models.AbstractModel):
    """The provision rates of a loan product, per tier of the five-category
    classification, read by the monthly provisioning."""

    _name = "microloan.product.provisioning"
    _description = "Loan Product: Provision Rates"

    # Defaults: 银发〔2002〕98号 specific rates and a 1% general provision
    # (docs/domain.md §3.3), the engine's DEFAULT_RATES.
    provision_rate_normal = fields.Float(
        string="Provision: Normal (%)", digits=(5, 2), default=0.0
    )
    provision_rate_special_mention = fields.Float(
        string="Provision: Special Mention (%)", digits=(5, 2), default=2.0
    )
    provision_rate_substandard = fields.Float(
        string="Provision: Substandard (%)", digits=(5, 2), default=25.0
    )
    provision_rate_doubtful = fields.Float(
        string="Provision: Doubtful (%)", digits=(5, 2), default=50.0
    )
    provision_rate_loss = fields.Float(
        string="Provision: Loss (%)", digits=(5, 2), default=100.0
    )
    provision_rate_general = fields.Float(
        string="General Provision (%)",
        digits=(5, 2),
        default=1.0,
        help="一般准备: share of all the loans' principal provided on top of the "
        "specific provision of each tier.",
    )

    @api.constrains(*RATE_FIELDS.values())
    def _check_provision_rates(self):
        for product in self:
            for name in RATE_FIELDS.values():
                if not 0 <= product[name] <= 100:
                    raise ValidationError(
                        self.env._(
                            "The provision rates of %(product)s must be between 0% "
                            "and 100%.",
                            product=product.name,
                        )
                    )

    def _engine_provision_rates(self):
        """The product's ``microloan_engine.provisioning.ProvisionRates``."""
        self.ensure_one()
        return ProvisionRates(
            **{
                key: Decimal(float_repr(self[name], 4)) / 100
                for key, name in RATE_FIELDS.items()
            }
        )
