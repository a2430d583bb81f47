from odoo.tests import tagged

from .lifecycle_common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestReminderMail(LifecycleCommon):
    """The daily close emails the borrower before a due date (mail template,
    in his language), once per installment; a borrower without an email
    address gets none."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["microloan_base"], ["zh_CN"])

    def _reminder_mails(self, loan):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "microloan.loan.installment"),
                ("res_id", "in", loan.installment_ids.ids),
            ]
        )

    def test_reminder_mailed_in_the_borrowers_language(self):
        self.borrower.write({"email": "zhang.san@example.com", "lang": "zh_CN"})
        loan = self._active_loan()
        self._close(self.d("2025-02-06"))
        self.assertFalse(self._reminder_mails(loan))
        self._close(self.d("2025-02-07"))  # 3 days before the 10th
        mail = self._reminder_mails(loan)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.borrower)
        self.assertIn("还款提醒", mail.subject)
        self.assertIn(loan.name, mail.subject)
        self.assertIn("应还金额", mail.body_html)
        self.assertIn("8,884.88", mail.body_html)
        # Once per installment.
        self._close(self.d("2025-02-08"))
        self.assertEqual(len(self._reminder_mails(loan)), 1)

    def test_no_email_no_mail(self):
        loan = self._active_loan()
        self._close(self.d("2025-02-07"))
        self.assertFalse(self._reminder_mails(loan))
        self.assertTrue(loan.activity_ids)
