from datetime import timedelta

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
        loan.with_user(self.approver).write_off(
            self.d("2025-06-01"), "Borrower deceased, no estate"
        )
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
            loan.with_user(self.approver).write_off(self.d("2025-06-01"), "Lost")
        active = self._active_loan()
        with self.assertRefused(UserError, "Recoveries are registered on written-off"):
            active.with_user(self.finance).register_recovery(10.0, self.d("2025-06-01"))

    def test_wizards(self):
        loan = self._active_loan()
        self._close(self.d("2025-02-20"))
        self.env["microloan.loan.write.off"].with_user(self.approver).create(
            {"loan_id": loan.id, "date": "2025-02-21", "reason": "Fraud"}
        ).action_write_off()
        self.assertEqual(loan.state, "written_off")
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
