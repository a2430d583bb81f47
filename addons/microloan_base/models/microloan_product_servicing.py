from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.risk_tiers import RISK_TIERS


class MicroloanProductServicing(models.AbstractModel):
    """Servicing options of a loan product: prepayment fee and write-off
    conditions, read by the loan's servicing and write-off."""

    _name = "microloan.product.servicing"
    _description = "Loan Product: Servicing Options"

    prepayment_fee_rate = fields.Float(
        string="Prepayment Fee (%)",
        digits=(7, 4),
        help="Fee charged on principal repaid before its due date, as a percentage "
        "of that principal (提前还款违约金).",
    )
    # Write-off (核销) conditions: a loan is written off only when it is this bad,
    # on the evidence of a document, by a member of this group.
    write_off_min_tier = fields.Selection(
        selection=RISK_TIERS,
        string="Write-Off: Minimum Classification",
        required=True,
        default="substandard",
        help="A loan is written off only once it is classified at least this bad.",
    )
    write_off_min_days_past_due = fields.Integer(
        string="Write-Off: Minimum Days Past Due",
        default=90,
        help="A loan is written off only once it is at least this many days past "
        "due (0: no minimum).",
    )
    write_off_requires_evidence = fields.Boolean(
        string="Write-Off: Evidence Required",
        default=True,
        help="The write-off names the document proving the loss (court ruling, "
        "death or bankruptcy certificate...), attached to the loan.",
    )
    write_off_group_id = fields.Many2one(
        "res.groups",
        string="Write-Off: Approving Group",
        default=lambda self: self.env.ref(
            "microloan_base.group_microloan_approver", raise_if_not_found=False
        ),
        help="Only members of this group write loans of the product off.",
    )

    @api.constrains("write_off_min_days_past_due")
    def _check_write_off_min_days_past_due(self):
        for product in self:
            if product.write_off_min_days_past_due < 0:
                raise ValidationError(
                    self.env._(
                        "The minimum days past due of a write-off cannot be negative."
                    )
                )

    @api.constrains("prepayment_fee_rate")
    def _check_prepayment_fee_rate(self):
        for product in self:
            if not 0 <= product.prepayment_fee_rate <= 100:
                raise ValidationError(
                    self.env._("The prepayment fee must be between 0% and 100%.")
                )
