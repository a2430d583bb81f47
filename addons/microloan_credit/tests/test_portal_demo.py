from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPortalDemo(TransactionCase):
    """The two demo portal borrowers (item 13): each has applications and
    loans, and reads only his own."""

    def test_demo_portal_borrowers(self):
        ref = self.env.ref
        self.assertTrue(ref("microloan_base.product_annuity_12").credit_portal)
        users = {
            "borrower_wangwei": ref("microloan_credit.user_portal_wang_wei"),
            "borrower_chenjing": ref("microloan_credit.user_portal_chen_jing"),
        }
        seen = {}
        for login, user in users.items():
            self.assertEqual(user.login, login)
            self.assertTrue(user.has_group("base.group_portal"))
            self.assertTrue(user._is_portal())
            partner = user.partner_id
            applications = self.env["microloan.application"].with_user(user).search([])
            loans = self.env["microloan.loan"].with_user(user).search([])
            self.assertTrue(applications, login)
            self.assertTrue(loans, login)
            self.assertEqual(applications.sudo().partner_id, partner)
            self.assertEqual(loans.sudo().partner_id, partner)
            seen[login] = applications | loans.sudo().application_id
        self.assertFalse(
            seen["borrower_wangwei"] & seen["borrower_chenjing"],
        )
