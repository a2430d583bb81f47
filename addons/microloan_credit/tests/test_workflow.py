import math

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestWorkflow(CreditCommon):
    def test_whole_flow_creates_the_loan(self):
        collateral = self._create_collateral()
        application = self._create_application(
            guarantee_type_id=self.type_guaranty.id,
            collateral_ids=[Command.set(collateral.ids)],
            guarantor_ids=[
                Command.create(
                    {"partner_id": self.guarantor.id, "kind": "joint", "amount": 0.0}
                )
            ],
        )
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self.assertEqual(application.state, "investigation")
        report = application.investigation_id
        self.assertTrue(report)
        self._investigate(application)
        self.assertRecordValues(
            application,
            [{"state": "review", "investigator_id": self.officer.id}],
        )
        self.assertEqual(report.investigator_id, self.officer)
        application.with_user(self.risk).action_review("pass", "Cash flow covers it.")
        self.assertRecordValues(
            application, [{"state": "committee", "reviewer_id": self.risk.id}]
        )
        self._committee_decides(
            application, ("approve", "approve_conditions", "reject")
        )
        self.assertEqual(application.state, "approval")
        self.assertEqual(application.committee_conditions, "Quarterly visit")
        # The approver's wizard proposes the investigator's terms.
        wizard = Form(
            self.env["microloan.application.approve"]
            .with_user(self.approver)
            .with_context(default_application_id=application.id)
        )
        self.assertEqual(wizard.amount, 80000.0)
        wizard.rate = 13.5
        wizard.conditions = "Monthly sales report to the officer."
        action = wizard.save().action_approve()
        loan = application.loan_id
        self.assertEqual(action["res_id"], loan.id)
        self.assertRecordValues(
            application,
            [
                {
                    "state": "contract",
                    "approved_by_id": self.approver.id,
                    "approved_amount": 80000.0,
                    "approved_term": 12,
                    "approved_rate": 13.5,
                }
            ],
        )
        self.assertGreaterEqual(application.turnaround_days, 0.0)
        self.assertRecordValues(
            loan,
            [
                {
                    "state": "draft",
                    "partner_id": self.borrower.id,
                    "product_id": self.product.id,
                    "company_id": self.branch_bj.id,
                    "user_id": self.officer.id,
                    "amount": 80000.0,
                    "term": 12,
                    "interest_rate": 13.5,
                    "guarantee_type_id": self.type_guaranty.id,
                    "application_id": application.id,
                    "purpose": "Buying Stock: Stock for the spring season",
                }
            ],
        )
        self.assertEqual(loan.collateral_ids, collateral)
        self.assertEqual(loan.guarantee_ids.partner_id, self.guarantor)
        self.assertEqual(loan.guarantee_ids.amount, 80000.0)
        self.assertIn("Monthly sales report", loan.note)
        self.assertIn("Quarterly visit", loan.note)
        self.assertEqual(len(loan.installment_ids), 12)
        self.assertEqual(
            [(r.stage, r.round, r.decision) for r in application.review_round_ids],
            [("review", 1, "pass"), ("committee", 1, "pass")],
        )
        self.assertIn(
            "3 of 3 members present; 1 approve, 1 approve with conditions, 1 reject",
            application.review_round_ids[1].opinion,
        )

    def test_send_back_keeps_rounds(self):
        application = self._create_application()
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self._investigate(application)
        application.with_user(self.risk).action_review(
            "send_back", "Verify the rent contract."
        )
        self.assertEqual(application.state, "investigation")
        # The report can be corrected again while under investigation.
        application.investigation_id.with_user(self.officer).opinion = "Rent verified."
        application.with_user(self.officer).action_finish_investigation()
        application.with_user(self.risk).action_review("pass", "Now fine.")
        self.assertEqual(
            [
                (r.round, r.decision, r.opinion, r.user_id)
                for r in application.review_round_ids
            ],
            [
                (1, "send_back", "Verify the rent contract.", self.risk),
                (2, "pass", "Now fine.", self.risk),
            ],
        )
        self.assertTrue(
            application.activity_ids.filtered(lambda a: a.user_id == self.officer)
        )
        # The report is frozen once handed in.
        with self.assertRefused(UserError, "only change while the application"):
            application.investigation_id.with_user(self.officer).opinion = "Changed"

    def test_investigator_may_not_review_nor_approve(self):
        # An officer who is also a risk officer and an approver investigates.
        self.officer.groups_id |= self.env.ref(
            "microloan_base.group_microloan_risk"
        ) | self.env.ref("microloan_base.group_microloan_approver")
        application = self._create_application()
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self._investigate(application)
        with self.assertRefused(UserError, "investigated it"):
            application.with_user(self.officer).action_review("pass", "Mine is fine")
        self.assertFalse(application.review_round_ids)
        application.with_user(self.risk).action_review("pass", "Fine")
        self._committee_decides(application)
        with self.assertRefused(UserError, "investigated it"):
            application.with_user(self.officer).action_approve()
        self.assertEqual(application.state, "approval")
        self.assertFalse(application.loan_id)

    def test_groups_of_each_stage(self):
        application = self._create_application()
        self._attach_all(application)
        with self.assertRaises(AccessError):
            application.with_user(self.risk).action_submit()
        application.with_user(self.officer).action_submit()
        self._investigate(application)
        with self.assertRaises(AccessError):
            application.with_user(self.approver).action_review("pass", "x")
        application.with_user(self.risk).action_review("pass", "ok")
        with self.assertRefused(UserError, "not under review"):
            application.with_user(self.risk).action_review("pass", "x")
        self._committee_decides(application)
        with self.assertRaises(AccessError):
            application.with_user(self.committee).action_approve()
        with self.assertRefused(UserError, "not awaiting approval"):
            self._create_application(partner_id=self.guarantor.id).with_user(
                self.approver
            ).action_approve()

    def test_stages_per_product(self):
        self.product.write({"credit_investigation": False, "credit_review": False})
        self.product.credit_committee = False
        application = self._create_application()
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self.assertEqual(application.state, "approval")
        self.assertFalse(application.investigation_id)
        loan_id = application.with_user(self.approver).action_approve()
        self.assertEqual(application.loan_id.id, loan_id)
        self.assertEqual(application.loan_id.amount, 100000.0)

    def test_reject_and_withdraw_need_a_reason(self):
        application = self._create_application()
        for reason in ("", "   ", None, 42):
            with self.subTest(reason=reason), self.assertRaises(UserError):
                application.with_user(self.risk).action_reject(reason)
        self.assertEqual(application.state, "draft")
        with self.assertRaises(AccessError):
            application.with_user(self.officer).action_reject("no")
        application.with_user(self.risk).action_reject("Income not proven.")
        self.assertRecordValues(
            application, [{"state": "rejected", "close_reason": "Income not proven."}]
        )
        with self.assertRefused(UserError, "closed already"):
            application.with_user(self.officer).action_withdraw("late")
        self.assertIn("Income not proven.", application.message_ids[0].body)

    def test_close_wizard(self):
        application = self._create_application()
        wizard = Form(
            self.env["microloan.application.close"]
            .with_user(self.officer)
            .with_context(
                default_application_id=application.id, default_outcome="withdrawn"
            )
        )
        wizard.reason = "Found cheaper money."
        wizard.save().action_confirm()
        self.assertEqual(application.state, "withdrawn")

    def test_approve_bad_input_changes_nothing(self):
        application = self._to_approval(self._create_application())
        for kwargs, message in (
            ({"amount": math.nan}, "finite"),
            ({"amount": "80000"}, "must be a number"),
            ({"amount": 900000.0}, "between"),
            ({"amount": 80000.001}, "more decimals"),
            ({"term": 0}, "whole number"),
            ({"term": 2.5}, "whole number"),
            ({"rate": 99.0}, "between"),
            ({"rate": True}, "must be a number"),
            ({"conditions": ["x"]}, "must be text"),
        ):
            with self.subTest(kwargs=kwargs), self.assertRefused(UserError, message):
                application.with_user(self.approver).action_approve(**kwargs)
        self.assertRecordValues(
            application, [{"state": "approval", "approved_amount": 0.0}]
        )
        self.assertFalse(application.loan_id)
        with self.assertRefused(UserError, "decision must be one of"):
            self._create_application(partner_id=self.guarantor.id).with_user(
                self.risk
            ).action_review("maybe", "x")

    def test_investigation_figures_from_the_engine(self):
        application = self._create_application()
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        report = application.investigation_id.with_user(self.officer)
        report.write(
            {
                "monthly_income": 30000.0,
                "monthly_expenses": 18000.0,
                "assets_total": 500000.0,
                "liabilities_total": 120000.0,
                "debt_ids": [
                    Command.create(
                        {"creditor": "ICBC", "balance": 1.0, "monthly_payment": 2000.0}
                    )
                ],
                "proposed_amount": 100000.0,
                "proposed_term": 12,
                "proposed_rate": 12.0,
            }
        )
        # 100,000 at 12% over 12 months: 8,884.88 a month (docs/domain.md §1.1).
        self.assertRecordValues(
            report,
            [
                {
                    "net_cash_flow": 12000.0,
                    "net_worth": 380000.0,
                    "new_installment": 8884.88,
                    "debt_payments": 10884.88,
                    "debt_service_ratio": 36.28,
                }
            ],
        )
        with self.assertRefused(UserError, "missing"):
            application.with_user(self.officer).action_finish_investigation()
        with self.assertRefused(ValidationError, "cannot be negative"):
            report.monthly_income = -5.0

    def test_review_rounds_written_by_actions_only(self):
        application = self._create_application()
        with self.assertRaises(AccessError):
            self.env["microloan.review.round"].with_user(self.risk).create(
                {
                    "application_id": application.id,
                    "stage": "review",
                    "round": 1,
                    "user_id": self.risk.id,
                    "date": "2025-01-01 00:00:00",
                    "decision": "pass",
                    "opinion": "forged",
                }
            )
