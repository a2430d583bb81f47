from odoo import api, fields, models
from odoo.exceptions import ValidationError

from microloan_engine.monitoring import InspectionRule

from .microloan_product_document import STAGE_ORDER

# The stages whose time an application is measured against a target.
TIMED_STAGES = ("draft", "investigation", "review", "committee", "approval")


class MicroloanProduct(models.Model):
    _inherit = "microloan.product"

    credit_investigation = fields.Boolean(
        string="Investigation Stage",
        default=True,
        help="Applications of this product go through an investigation (调查).",
    )
    credit_review = fields.Boolean(
        string="Review Stage",
        default=True,
        help="Applications of this product go through a review (审查).",
    )
    credit_committee = fields.Boolean(
        string="Credit Committee Stage",
        help="Applications of this product go before the credit committee (贷审会).",
    )
    credit_stage_days = fields.Integer(
        string="Target Days per Stage",
        default=3,
        help="An application that stays longer in a stage is shown as late.",
    )
    credit_stage_days_draft = fields.Integer(
        string="Target Days: Draft",
        help="Target days in the draft stage; 0: the target days per stage.",
    )
    credit_stage_days_investigation = fields.Integer(
        string="Target Days: Investigation",
        help="Target days in the investigation; 0: the target days per stage.",
    )
    credit_stage_days_review = fields.Integer(
        string="Target Days: Review",
        help="Target days in the review; 0: the target days per stage.",
    )
    credit_stage_days_committee = fields.Integer(
        string="Target Days: Credit Committee",
        help="Target days before the credit committee; 0: the target days per "
        "stage.",
    )
    credit_stage_days_approval = fields.Integer(
        string="Target Days: Approval",
        help="Target days in the approval; 0: the target days per stage.",
    )
    credit_portal = fields.Boolean(
        string="Offered on the Portal",
        help="Borrowers with a portal account can apply for this product online.",
    )
    inspection_first_days = fields.Integer(
        string="First Inspection After (Days)",
        default=30,
        help="贷后检查: the first inspection falls this many days after the first "
        "disbursement.",
    )
    inspection_interval_months = fields.Integer(string="Then Every (Months)", default=3)
    inspection_watch_months = fields.Integer(
        string="Every (Months) from 关注",
        default=1,
        help="Interval of the inspections of loans classified 关注 or worse.",
    )
    credit_document_ids = fields.One2many(
        "microloan.product.document",
        "product_id",
        string="Required Documents",
        copy=True,
    )

    @api.constrains(
        "credit_stage_days",
        "credit_stage_days_draft",
        "credit_stage_days_investigation",
        "credit_stage_days_review",
        "credit_stage_days_committee",
        "credit_stage_days_approval",
        "inspection_first_days",
        "inspection_interval_months",
        "inspection_watch_months",
    )
    def _check_credit_stage_days(self):
        for product in self:
            if product.credit_stage_days < 1:
                raise ValidationError(
                    self.env._("The target days per stage must be at least one.")
                )
            if any(product[f"credit_stage_days_{stage}"] < 0 for stage in TIMED_STAGES):
                raise ValidationError(
                    self.env._("The target days of a stage cannot be negative.")
                )
            if (
                min(
                    product.inspection_first_days,
                    product.inspection_interval_months,
                    product.inspection_watch_months,
                )
                < 1
            ):
                raise ValidationError(
                    self.env._("The inspection intervals must be at least one.")
                )

    def _engine_inspection_rule(self):
        """The product's ``microloan_engine.monitoring.InspectionRule``."""
        self.ensure_one()
        return InspectionRule(
            first_days=self.inspection_first_days,
            interval_months=self.inspection_interval_months,
            watch_interval_months=self.inspection_watch_months,
        )

    def _credit_stage_target(self, stage):
        """The target days of an application in ``stage`` (0: none)."""
        self.ensure_one()
        if stage not in TIMED_STAGES:
            return 0
        return self[f"credit_stage_days_{stage}"] or self.credit_stage_days

    def _get_credit_stages(self):
        """The stages of this product's applications, in order."""
        self.ensure_one()
        skipped = {
            "investigation": not self.credit_investigation,
            "review": not self.credit_review,
            "committee": not self.credit_committee,
        }
        return [stage for stage in STAGE_ORDER if not skipped.get(stage)]
