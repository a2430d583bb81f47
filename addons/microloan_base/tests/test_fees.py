from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .lifecycle_common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestFees(LifecycleCommon):
    """Product fees charged on the loan (issue 12, item 3): each says when it
    is due; the fees at disbursement are deducted from the amount paid out or
    paid by the borrower with the first disbursement, those of each
    installment are in the schedule; all count in the loan's totals and are
    explained next to the annualized rate."""

    def _fee(self, name, timing, **vals):
        vals.setdefault("calculation", "percent")
        return self.env["microloan.product.fee"].create(
            {"product_id": self.product.id, "name": name, "timing": timing, **vals}
        )

    def _approved_loan(self, **vals):
        loan = self._create_loan(**vals)
        loan.with_user(self.officer).with_company(loan.company_id).action_submit()
        loan.action_approve()
        return loan

    def _disbursement(self, loan):
        return loan.transaction_ids.filtered(lambda t: t.kind == "disbursement")

    def test_fee_deducted_at_disbursement_reduces_what_is_paid_out(self):
        self._fee("Arrangement Fee", "deducted", percentage=1.0)
        loan = self._approved_loan()
        self.assertEqual(loan.upfront_fee_amount, 1000.0)
        self.assertEqual(loan.fee_deducted_amount, 1000.0)
        installments_total = sum(loan.installment_ids.mapped("amount"))
        # 还款总额: the installments and the fee; the cost: interest and fee.
        self.assertAlmostEqual(loan.total_payment, installments_total + 1000.0)
        self.assertAlmostEqual(loan.fee_amount, 1000.0)
        self.assertAlmostEqual(loan.total_cost, loan.total_interest + 1000.0)
        self.assertAlmostEqual(loan.total_payment - loan.amount, loan.total_cost)
        self.assertIn("due at disbursement", str(loan.fee_table))

        loan.with_user(self.finance).with_company(loan.company_id).disburse(
            100000.0, loan.disbursement_date
        )
        disbursement = self._disbursement(loan)
        self.assertEqual(disbursement.amount, 100000.0)
        self.assertEqual(disbursement.principal_amount, 100000.0)
        self.assertEqual(disbursement.fee_amount, 1000.0)
        self.assertEqual(disbursement.fee_deducted_amount, 1000.0)
        self.assertEqual(disbursement.fee_collected_amount, 0.0)
        self.assertEqual(disbursement.paid_out_amount, 99000.0)
        # The borrower owes the whole amount lent.
        self.assertEqual(loan.principal_outstanding, 100000.0)
        self.assertEqual(loan.amount_disbursed, 100000.0)
        loan.invalidate_recordset(["fee_table", "rate_explanation"])
        # In English whatever the company's language (the dates too).
        table = str(loan.with_context(lang="en_US").fee_table)
        self.assertIn("Arrangement Fee", table)
        self.assertIn("Deducted at Disbursement", table)
        self.assertIn(f"deducted on 01/10/2025 ({disbursement.name})", table)
        explanation = str(loan.rate_explanation)
        self.assertRegex(explanation, r"Principal in use: \S+\s?100,000\.00 lent")
        self.assertRegex(explanation, r"= \S+\s?99,000\.00")
        self.assertRegex(explanation, r"total cost of credit .*: \S+\s?[\d,]+\.\d\d")
        # Same rate as the §3.6 example: 1,000 borne at the start.
        self.assertAlmostEqual(loan.annualized_rate, 13.91, places=2)

    def test_fee_paid_at_disbursement_is_collected_and_paid_out_whole(self):
        self._fee("Notary Fee", "upfront", calculation="fixed", amount=300.0)
        loan = self._approved_loan()
        loan.disburse(100000.0, loan.disbursement_date)
        loan.invalidate_recordset(["fee_table"])
        disbursement = self._disbursement(loan)
        self.assertEqual(disbursement.fee_amount, 300.0)
        self.assertEqual(disbursement.fee_deducted_amount, 0.0)
        self.assertEqual(disbursement.fee_collected_amount, 300.0)
        self.assertEqual(disbursement.paid_out_amount, 100000.0)
        table = str(loan.with_context(lang="en_US").fee_table)
        self.assertIn(f"paid on 01/10/2025 ({disbursement.name})", table)
        self.assertIn("Paid at Disbursement", str(loan.fee_table))
        self.assertAlmostEqual(
            loan.total_payment, sum(loan.installment_ids.mapped("amount")) + 300.0
        )
        # The fee lines of the disbursement neither pay nor charge an installment.
        fee_line = disbursement.line_ids.filtered(lambda x: x.component == "fee")
        self.assertEqual(
            (fee_line.effect, fee_line.installment_id.id), ("other", False)
        )
        self.assertEqual(loan.repayment_guidance(self.d("2025-02-10"))["due"], 8884.88)

    def test_fee_with_each_installment_is_in_the_schedule_and_its_payments(self):
        self._fee("Service Fee", "installment", calculation="fixed", amount=20.0)
        loan = self._active_loan()
        self.assertEqual(set(loan.installment_ids.mapped("fee")), {20.0})
        self.assertAlmostEqual(loan.fee_amount, 240.0)
        self.assertEqual(self._disbursement(loan).fee_amount, 0.0)
        self.assertIn("paid with 0 of 12 installments", str(loan.fee_table))
        loan.register_repayment(8904.88, self.d("2025-02-10"))
        loan.invalidate_recordset(["fee_table"])
        self.assertIn("paid with 1 of 12 installments", str(loan.fee_table))

    def test_a_further_tranche_charges_no_fee(self):
        self._fee("Arrangement Fee", "deducted", percentage=1.0)
        loan = self._approved_loan()
        loan.disburse(60000.0, loan.disbursement_date)
        first = self._disbursement(loan)
        # The fee is on the amount lent, charged once.
        self.assertEqual(first.fee_deducted_amount, 1000.0)
        self.assertEqual(first.paid_out_amount, 59000.0)
        loan.disburse(40000.0, self.d("2025-01-20"))
        second = self._disbursement(loan) - first
        self.assertEqual(
            (second.fee_amount, second.fee_deducted_amount, second.paid_out_amount),
            (0.0, 0.0, 40000.0),
        )

    def test_fees_deducted_must_leave_something_to_pay_out(self):
        self._fee("Arrangement Fee", "deducted", calculation="fixed", amount=3000.0)
        loan = self._approved_loan()
        # A first tranche of 2,500 cannot bear 3,000 of fees.
        with self.assertRaisesRegex(UserError, "leave nothing to pay out"):
            loan.disburse(2500.0, loan.disbursement_date)
        self.assertEqual(loan.state, "approved")
        self.assertFalse(loan.transaction_ids)

    def test_disburse_wizard_shows_the_fees(self):
        self._fee("Arrangement Fee", "deducted", percentage=1.0)
        self._fee("Notary Fee", "upfront", calculation="fixed", amount=300.0)
        loan = self._approved_loan()
        action = loan.action_open_disburse_wizard()
        wizard = Form(
            self.env["microloan.loan.disburse"].with_context(**action["context"])
        )
        self.assertEqual(wizard.amount, 100000.0)
        self.assertEqual(wizard.fee_deducted_amount, 1000.0)
        self.assertEqual(wizard.fee_collected_amount, 300.0)
        self.assertEqual(wizard.paid_out_amount, 99000.0)

    def test_fees_explained_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self._fee("Arrangement Fee", "deducted", percentage=1.0)
        loan = self._approved_loan().with_context(lang="zh_CN")
        loan.disburse(100000.0, loan.disbursement_date)
        loan.invalidate_recordset(["fee_table", "rate_explanation"])
        table = str(loan.fee_table)
        self.assertIn("放款时扣除", table)
        self.assertNotIn("deducted on", table)
        self.assertNotIn("Principal in use", str(loan.rate_explanation))
