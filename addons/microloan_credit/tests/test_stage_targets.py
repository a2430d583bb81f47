from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestStageTargets(CreditCommon):
    """Time in stage against the product's target for that stage: late in
    red, from 80% of the target in yellow, in the kanban and the filter."""

    def _in_stage_since(self, application, days):
        application.sudo().stage_date = fields.Datetime.now() - timedelta(days=days)
        application.invalidate_recordset(
            ["stage_days", "stage_target_days", "stage_late", "stage_color"]
        )

    def test_target_per_stage(self):
        self.product.write(
            {"credit_stage_days": 3, "credit_stage_days_investigation": 10}
        )
        application = self._create_application()
        self._in_stage_since(application, 2.5)
        # The draft has no target of its own: the product's three days.
        self.assertRecordValues(
            application,
            [{"stage_target_days": 3, "stage_late": False, "stage_color": 3}],
        )
        self.assertAlmostEqual(application.stage_days, 2.5, places=2)
        self._in_stage_since(application, 4)
        self.assertRecordValues(application, [{"stage_late": True, "stage_color": 1}])
        Application = self.env["microloan.application"]
        self.assertIn(application, Application.search([("stage_late", "=", True)]))
        self.assertNotIn(application, Application.search([("stage_late", "!=", True)]))

        # In the investigation, the same four days are within its ten.
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self.assertEqual(application.state, "investigation")
        self._in_stage_since(application, 4)
        self.assertRecordValues(
            application,
            [{"stage_target_days": 10, "stage_late": False, "stage_color": 0}],
        )
        self._in_stage_since(application, 8.5)
        self.assertEqual(application.stage_color, 3)
        self._in_stage_since(application, 11)
        self.assertTrue(application.stage_late)

    def test_closed_application_is_never_late(self):
        application = self._create_application()
        application.with_user(self.officer).action_withdraw("Gave up")
        self._in_stage_since(application, 100)
        self.assertRecordValues(
            application,
            [{"stage_late": False, "stage_target_days": 0, "stage_color": 0}],
        )

    def test_negative_target_refused(self):
        with self.assertRaises(ValidationError):
            self.product.credit_stage_days_review = -1

    def test_kanban_highlights_the_stage_color(self):
        arch = self.env["microloan.application"].get_view(view_type="kanban")["arch"]
        self.assertIn('highlight_color="stage_color"', arch)
        self.assertIn("stage_target_days", arch)
