from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .lifecycle_common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestWriteOff(LifecycleCommon):
    def test_write_off_and_recovery(self):
        loan = self._active_loan()
        self._close(self.d("2025-05-31"))
        with self.assertRaises(AccessError):
            loan.with_user(self.officer).write_off(self.d("2025-06-01"), "Lost")
        with self.assertRefused(UserError, "reason"):
            loan.with_user(self.approver).write_off(self.d("2025-06-01"), "")
        with self.assertRefused(UserError, "Name the document"):
            loan.with_user(self.approver).write_off(
                self.d("2025-06-01"), "Borrower deceased, no estate"
            )
        loan.with_user(self.approver).write_off(
            self.d("2025-06-01"),
            "Borrower deceased, no estate",
            "Death certificate 110105-2025-0042",
        )
        self.assertEqual(loan.write_off_evidence, "Death certificate 110105-2025-0042")
        self.assertEqual(loan.state, "written_off")
        self.assertEqual(loan.write_off_user_id, self.approver)
        due = loan.installment_ids.filtered(
            lambda i: i.due_date <= self.d("2025-06-01")
        )
        self.assertEqual(len(due), 4)
        expected = (
            100000.0
            + sum(due.mapped("interest"))
            + sum(loan.installment_ids.mapped("penalty"))
            + sum(loan.installment_ids.mapped("compound"))
        )
        self.assertAlmostEqual(loan.write_off_amount, expected, places=2)
        # Charges of 1 June included: penalty from every original due date.
        self.assertGreater(sum(loan.installment_ids.mapped("penalty")), 0)
        write_off = loan.transaction_ids.filtered(lambda t: t.kind == "write_off")
        self.assertAlmostEqual(write_off.principal_amount, 100000.0, places=2)
        # Written-off loans leave the daily close.
        self._close(self.d("2025-06-10"))
        self.assertEqual(loan.last_close_date, self.d("2025-05-31"))

        with self.assertRaises(AccessError):
            loan.with_user(self.officer).register_recovery(100.0, self.d("2025-07-01"))
        with self.assertRefused(UserError, "cannot precede its write-off"):
            loan.with_user(self.finance).register_recovery(100.0, self.d("2025-05-01"))
        with self.assertRefused(UserError, "must be positive"):
            loan.with_user(self.finance).register_recovery(0.0, self.d("2025-07-01"))
        loan.with_user(self.finance).register_recovery(60000.0, self.d("2025-07-01"))
        self.assertEqual(loan.state, "written_off")
        self.assertAlmostEqual(loan.recovered_amount, 60000.0, places=2)
        # Principal first.
        self.assertAlmostEqual(
            sum(loan.installment_ids.mapped("principal_paid")), 60000.0, places=2
        )
        rest = round(expected - 60000.0, 2)
        loan.with_user(self.finance).register_recovery(
            rest + 10.0, self.d("2025-08-01")
        )
        self.assertEqual(loan.state, "closed")
        self.assertEqual(loan.settlement_date, self.d("2025-08-01"))
        last = loan.transaction_ids.filtered(lambda t: t.kind == "recovery").sorted(
            "id"
        )[-1]
        self.assertAlmostEqual(last.excess_amount, 10.0, places=2)

    def test_write_off_states(self):
        loan = self._create_loan()
        with self.assertRefused(UserError, "Only active loans can be written off"):
            loan.with_user(self.approver).write_off(self.d("2025-06-01"), "Lost", "X")
        active = self._active_loan()
        with self.assertRefused(UserError, "Recoveries are registered on written-off"):
            active.with_user(self.finance).register_recovery(10.0, self.d("2025-06-01"))

    def test_write_off_conditions(self):
        """A loan current or barely late is not written off (the product's
        minimum classification and days past due), nor without the document
        proving the loss, nor by a user outside the product's write-off group."""
        loan = self._active_loan()
        approver = loan.with_user(self.approver)
        # Current: classified normal, 0 days past due.
        self._close(self.d("2025-02-09"))
        self.assertEqual((loan.risk_tier, loan.days_past_due), ("normal", 0))
        with self.assertRefused(UserError, "once classified"):
            approver.write_off(self.d("2025-02-10"), "Lost", "Court ruling 1")
        # Classified worse by the risk officer, but only 20 days past due.
        self._close(self.d("2025-03-01"))
        loan.with_user(self.risk).action_override_classification(
            "substandard", "Business closed"
        )
        with self.assertRefused(UserError, "days past due"):
            approver.write_off(self.d("2025-03-02"), "Lost", "Court ruling 1")
        loan.product_id.write_off_min_days_past_due = 15
        with self.assertRefused(UserError, "Name the document"):
            approver.write_off(self.d("2025-03-02"), "Lost", "   ")
        # Written off by head office's risk committee only (a group setting).
        loan.product_id.write_off_group_id = self.env.ref(
            "microloan_base.group_microloan_admin"
        )
        with self.assertRaises(AccessError):
            approver.write_off(self.d("2025-03-02"), "Lost", "Court ruling 1")
        self.assertEqual(loan.state, "active")
        self.assertFalse(loan.transaction_ids.filtered(lambda t: t.kind == "write_off"))
        loan.product_id.write_off_group_id = self.env.ref(
            "microloan_base.group_microloan_approver"
        )
        approver.write_off(self.d("2025-03-02"), "Lost", "Court ruling 1")
        self.assertEqual(loan.state, "written_off")

    def test_wizards(self):
        loan = self._active_loan()
        loan.product_id.write(
            {"write_off_min_tier": "normal", "write_off_min_days_past_due": 0}
        )
        self._close(self.d("2025-02-20"))
        # Uploaded by the approver in the wizard.
        evidence = (
            self.env["ir.attachment"]
            .with_user(self.approver)
            .create({"name": "police-report.pdf", "raw": b"%PDF-1.4 report"})
        )
        self.env["microloan.loan.write.off"].with_user(self.approver).create(
            {
                "loan_id": loan.id,
                "date": "2025-02-21",
                "reason": "Fraud",
                "evidence": "Police report 2025-0221",
                "attachment_ids": [Command.set(evidence.ids)],
            }
        ).action_write_off()
        self.assertEqual(loan.state, "written_off")
        self.assertEqual((evidence.res_model, evidence.res_id), (loan._name, loan.id))
        self.env["microloan.loan.recover"].with_user(self.finance).create(
            {"loan_id": loan.id, "date": "2025-03-01", "amount": 500.0}
        ).action_recover()
        self.assertAlmostEqual(loan.recovered_amount, 500.0, places=2)

    def test_whole_life(self):
        """Disbursement, repayments on time and late, daily closes, settlement."""
        loan = self._active_loan()
        installments = loan.installment_ids.sorted("sequence")
        finance = loan.with_user(self.finance)
        # 1: on its due date.
        self._close(self.d("2025-02-09"))
        finance.register_repayment(installments[0].amount, self.d("2025-02-10"))
        # 2: ten days late, with penalty and compound interest.
        self._close(self.d("2025-03-19"))
        self.assertEqual(loan.days_past_due, 9)
        late = installments[1].amount_residual + loan.penalty_due + loan.compound_due
        self.assertAlmostEqual(late, 8884.88 + 39.82 + 4.61, places=2)
        finance.register_repayment(late, self.d("2025-03-20"))
        self.assertEqual(installments[1].state, "paid")
        # 3-12: on their due dates, closing every day in between.
        for installment in installments[2:]:
            self._close(installment.due_date - timedelta(days=1))
            self.assertEqual(loan.days_past_due, 0)
            finance.register_repayment(
                installment.amount_residual, installment.due_date
            )
        self._close(self.d("2026-01-10"))
        self.assertEqual(loan.state, "closed")
        self.assertTrue(loan.settlement_date)
        self.assertEqual(loan.risk_tier, "normal")
        self.assertTrue(all(i.state == "paid" for i in installments))
