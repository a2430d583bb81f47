from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(CreditCommon):
    def test_branches_see_their_own_applications(self):
        application = self._create_application()
        Application = self.env["microloan.application"]
        self.assertFalse(
            Application.with_user(self.officer_sh).search([("id", "=", application.id)])
        )
        with self.assertRaises(AccessError):
            application.with_user(self.officer_sh).read(["name"])
        with self.assertRaises(AccessError):
            application.with_user(self.officer_sh).action_submit()

    def test_branch_borrower_and_product(self):
        with self.assertRaises(UserError):
            self._create_application(partner_id=self.borrower_sh.id)

    def test_duplicates_of_another_branch_are_not_shown(self):
        # The same person known in both branches (identity numbers are unique
        # per branch).
        twin = self.borrower.copy(
            {
                "company_id": self.branch_sh.id,
                "microloan_id_number": self.borrower.microloan_id_number,
                "microloan_id_type": "resident_id",
            }
        )
        self._create_application()
        other = (
            self.env["microloan.application"]
            .with_user(self.officer_sh)
            .with_company(self.branch_sh)
            .create(
                self._application_vals(partner_id=twin.id, company_id=self.branch_sh.id)
            )
        )
        self.assertFalse(other.duplicate_application_ids)

    def test_wizard_refuses_another_branch(self):
        application = self._create_application()
        wizard = Form(
            self.env["microloan.application.close"]
            .with_user(self.officer_sh)
            .with_company(self.branch_sh)
            .with_context(default_application_id=application.id)
        )
        wizard.reason = "Not mine"
        with self.assertRaises(UserError):
            wizard.save()
        self.assertEqual(application.state, "draft")
