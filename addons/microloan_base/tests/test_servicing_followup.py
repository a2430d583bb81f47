from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .lifecycle_common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestServicingFollowUp(LifecycleCommon):
    """Figures that say what they are, and the officer's follow-up (issue 12,
    items 4, 5 and 6)."""

    def _activities(self, loan, xmlid):
        kind = self.env.ref(xmlid)
        return loan.activity_ids.filtered(lambda a: a.activity_type_id == kind)

    def test_outstanding_principal_is_what_was_paid_out(self):
        loan = self._create_loan()
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.approver).action_approve()
        self.assertEqual(loan.state, "approved")
        self.assertEqual(loan.principal_outstanding, 0.0)
        loan.disburse(60000.0, loan.disbursement_date)
        self.assertEqual(loan.principal_outstanding, 60000.0)
        self.assertEqual(self.borrower.microloan_balance, 60000.0)

    def test_repayment_day_in_words(self):
        loan = self._create_loan(disbursement_date="2025-01-15")
        self.assertEqual(loan.repayment_day, 0)
        self.assertEqual(
            loan.repayment_day_rule, "Day 15 of the month (the disbursement day)"
        )
        loan.repayment_day = 20
        self.assertEqual(loan.repayment_day_rule, "Day 20 of the month")
        loan.repayment_day = 31
        self.assertEqual(
            loan.repayment_day_rule, "Day 31 of the month (else the month's last day)"
        )
        loan.write({"repayment_day": 0, "frequency": "weekly"})
        self.assertEqual(loan.repayment_day_rule, "Every period from the disbursement")

    def test_reminder_and_overdue_activity_close_when_paid(self):
        loan = self._active_loan()
        reminder = "microloan_base.mail_activity_type_repayment_reminder"
        overdue = "microloan_base.mail_activity_type_overdue"
        self._close(self.d("2025-02-07"))
        self.assertEqual(len(self._activities(loan, reminder)), 1)
        self._close_each_day(self.d("2025-02-08"), self.d("2025-02-12"))
        self.assertEqual(len(self._activities(loan, overdue)), 1)
        first = loan.installment_ids.sorted("sequence")[0]
        self.assertEqual(
            self._activities(loan, overdue).microloan_installment_id, first
        )
        loan.register_repayment(
            loan.repayment_guidance(self.d("2025-02-13"))["due"], self.d("2025-02-13")
        )
        self.assertEqual(first.state, "paid")
        self.assertFalse(self._activities(loan, reminder))
        self.assertFalse(self._activities(loan, overdue))
        # Marked done, with their feedback in the chatter.
        feedback = loan.message_ids.filtered(
            lambda m: "Settled by the loan's payments." in (m.body or "")
        )
        self.assertEqual(len(feedback), 2)

    def test_no_follow_up_on_a_written_off_loan(self):
        loan = self._active_loan()
        self._close(self.d("2025-05-31"))
        self.assertTrue(loan.activity_ids)
        loan.with_user(self.approver).write_off(
            self.d("2025-06-01"), "Borrower deceased", "Death certificate 42"
        )
        self.assertEqual(loan.state, "written_off")
        self.assertFalse(loan.activity_ids)
        self._close(self.d("2025-06-10"))
        self.assertFalse(loan.activity_ids)

    def test_activity_text_in_the_officer_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.officer.lang = "zh_CN"
        loan = self._active_loan()
        self._close(self.d("2025-02-07"))
        summary = loan.activity_ids.summary
        self.assertIn("第 1 期", summary)
        self.assertNotIn("Installment", summary)

    def test_a_failed_save_consumes_no_loan_number(self):
        first = self._create_loan()
        # The message shows money as money, not raw floats.
        with self.assertRefused(
            ValidationError, r"between \S+\s?1,000\.00 and \S+\s?500,000\.00"
        ):
            self._create_loan(amount=10.0)
        with self.assertRefused(ValidationError, "between 6.00% and 24.00%"):
            self._create_loan(interest_rate=30.0)
        second = self._create_loan()
        prefix, year, number = first.name.rsplit("-", 2)
        self.assertEqual(second.name, f"{prefix}-{year}-{int(number) + 1:05d}")

    def test_fees_shown_and_explained_next_to_the_annualized_rate(self):
        self.env["microloan.product.fee"].create(
            {
                "product_id": self.product.id,
                "name": "Arrangement Fee",
                "calculation": "percent",
                "percentage": 1.0,
                "timing": "upfront",
            }
        )
        loan = self._create_loan()
        # docs/domain.md §3.6: 100,000 at 12% with 1,000 taken at the start.
        self.assertEqual(loan.upfront_fee_amount, 1000.0)
        self.assertAlmostEqual(loan.annualized_rate, 13.91, places=2)
        explanation = str(loan.rate_explanation)
        self.assertIn("Nominal annual rate: 12.00%", explanation)
        self.assertRegex(
            explanation, r"Arrangement Fee, Paid at Disbursement: \S+\s?1,000\.00"
        )
        self.assertIn("13.91%", explanation)
