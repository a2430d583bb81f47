import json
from datetime import date
from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from microloan_engine.allocation import allocate_with_credit
from microloan_engine.due import due_amounts

from .common import MicroloanCommon

D = Decimal


@tagged("post_install", "-at_install")
class TestRepaymentGuidance(MicroloanCommon):
    """The repayment wizard shows what is owed and what the amount pays, from
    the engine, and asks before taking more than the payoff (issue 12, item
    2). The docs/domain.md §1.1 loan, disbursed 2025-01-15."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        loan = cls._create_loan()
        loan.with_user(cls.officer).action_submit()
        loan.with_user(cls.approver).action_approve()
        cls.loan = loan.with_user(cls.finance).with_company(loan.company_id)
        cls.loan.disburse(100000.0, "2025-01-15")

    def _wizard(self, **values):
        action = self.loan.action_open_repay_wizard()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.finance)
            .with_context(**action["context"])
        )
        for name, value in values.items():
            setattr(form, name, value)
        return form

    def test_guidance_ten_days_late_is_the_engine_figure(self):
        on = date(2025, 2, 25)
        guidance = self.loan.repayment_guidance(on, 8929.30)
        # RPC-shaped: plain JSON values.
        json.dumps(guidance)
        expected = due_amounts(self.loan._position_at(on), on)
        self.assertEqual(guidance["due"], float(expected.due))
        # docs/domain.md §2.2: 8,884.88 + 39.42 penalty + 5.00 compound.
        self.assertEqual(guidance["overdue"], 8929.30)
        self.assertEqual(guidance["due"], 8929.30)
        self.assertEqual(guidance["charges"], 44.42)
        self.assertEqual(guidance["suggested"], 8929.30)
        self.assertEqual(guidance["next_due_date"], "2025-03-15")
        self.assertEqual(guidance["payoff"], self.loan.payoff_quote(on)["amount_due"])
        self.assertEqual(
            guidance["allocation"],
            {
                "principal": 7884.88,
                "interest": 1000.0,
                "fee": 0.0,
                "penalty": 39.42,
                "compound": 5.0,
            },
        )
        self.assertEqual(guidance["excess"], 0.0)
        self.assertFalse(guidance["above_payoff"])
        self.assertEqual({line["sequence"] for line in guidance["lines"]}, {1})
        # Nothing was written.
        self.assertFalse(self.loan.installment_ids[0].principal_paid)
        self.assertEqual(len(self.loan.transaction_ids), 1)

    def test_wizard_defaults_to_the_amount_due_and_shows_the_split(self):
        form = self._wizard(date=date(2025, 2, 25))
        self.assertEqual(form.amount, 8929.30)
        self.assertEqual(form.amount_overdue, 8929.30)
        self.assertEqual(form.amount_due, 8929.30)
        self.assertEqual(form.next_amount, 8884.88)
        self.assertEqual(form.paid_penalty, 39.42)
        self.assertEqual(form.paid_principal, 7884.88)
        self.assertFalse(form.above_payoff)
        self.assertIn("7,884.88", form.preview_html)
        form.amount = 100.0
        self.assertEqual(form.paid_penalty, 39.42)
        self.assertEqual(form.paid_compound, 5.0)
        self.assertEqual(form.paid_interest, 55.58)
        self.assertEqual(form.paid_principal, 0.0)
        form.save().action_repay()
        self.assertEqual(self.loan.installment_ids[0].interest_paid, 55.58)

    def test_before_the_first_due_date_the_next_installment_is_suggested(self):
        form = self._wizard(date=date(2025, 1, 20))
        self.assertEqual(form.amount_due, 0.0)
        self.assertEqual(form.amount, 8884.88)
        self.assertEqual(form.next_due_date, date(2025, 2, 15))

    def test_above_the_payoff_needs_a_confirmation(self):
        on = date(2025, 1, 20)
        form = self._wizard(date=on, amount=200000.0)
        self.assertTrue(form.above_payoff)
        position = self.loan._position_at(on)
        order, by_installment = self.loan.product_id._get_allocation_order()
        expected = allocate_with_credit(
            position, D("200000.00"), D(0), on, order, by_installment=by_installment
        )
        self.assertEqual(form.excess_amount, float(expected.excess))
        self.assertIn("191,115.12", form.excess_warning)
        self.assertIn("Full Payoff", form.excess_warning)
        wizard = form.save()
        with self.assertRefused(UserError, "confirmation"):
            wizard.action_repay()
        self.assertEqual(len(self.loan.transaction_ids), 1)
        wizard.confirm_above_payoff = True
        wizard.action_repay()
        self.assertEqual(self.loan.credit_balance, float(expected.excess))

    def test_unknown_payment_options_are_refused(self):
        with self.assertRefused(UserError, "Unknown payment options: state"):
            self.loan.register_repayment(100.0, "2025-02-20", state="closed")
        with self.assertRefused(UserError, "Unknown payment options"):
            self.loan.disburse(100.0, "2025-02-20", name="X")
        self.assertEqual(len(self.loan.transaction_ids), 1)

    def test_guidance_bad_input(self):
        for bad in ("x", float("nan"), -5.0):
            with self.assertRefused(UserError, "amount"):
                self.loan.repayment_guidance("2025-02-20", bad)
        with self.assertRefused(UserError, "date"):
            self.loan.repayment_guidance("2025-02-31")
        approved = self._create_loan()
        with self.assertRefused(UserError, "active"):
            approved.repayment_guidance("2025-02-20")
