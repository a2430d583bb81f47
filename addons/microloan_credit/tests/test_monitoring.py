from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestMonitoring(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.product.write(
            {
                "inspection_first_days": 15,
                "inspection_interval_months": 6,
                "inspection_watch_months": 2,
            }
        )
        # The rules of the data file bind every company; the tests set theirs.
        cls.env["microloan.warning.rule"].search([]).active = False
        Rule = cls.env["microloan.warning.rule"]
        cls.rule_dpd = Rule.create(
            {"name": "DPD 90", "kind": "days_past_due", "days": 90, "level": "red"}
        )
        cls.rule_guarantor = Rule.create(
            {
                "name": "Guarantor",
                "kind": "guarantor_overdue",
                "days": 30,
                "level": "orange",
            }
        )
        cls.rule_inspection = Rule.create(
            {"name": "Finding", "kind": "inspection", "level": "orange"}
        )

    def _active_loan(self, partner=None, **vals):
        loan = self._create_loan(
            partner_id=(partner or self.borrower).id,
            application_date=self.today,
            disbursement_date=self.today,
            **vals,
        )
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.approver).action_approve()
        loan.with_user(self.finance).disburse(loan.amount, self.today)
        return loan

    def test_first_inspection_planned_at_disbursement(self):
        loan = self._active_loan()
        inspection = loan.inspection_ids
        self.assertRecordValues(
            inspection,
            [
                {
                    "kind": "first",
                    "state": "planned",
                    "user_id": self.officer.id,
                    "date_planned": self.today + relativedelta(days=15),
                }
            ],
        )
        activity = inspection.activity_ids
        self.assertEqual(activity.user_id, self.officer)
        self.assertEqual(activity.date_deadline, inspection.date_planned)

    def test_inspection_done_with_a_finding(self):
        loan = self._active_loan()
        inspection = loan.inspection_ids.with_user(self.officer)
        with self.assertRefused(UserError, "Say what the inspection found"):
            inspection.action_done()
        inspection.write(
            {
                "fund_use": "diverted",
                "business_condition": "stable",
                "collateral_condition": "none",
                "findings": "Half the loan bought shares.",
            }
        )
        inspection.action_done()
        self.assertEqual(inspection.state, "done")
        signal = inspection.signal_id
        self.assertRecordValues(
            signal,
            [{"rule_id": self.rule_inspection.id, "level": "orange", "state": "open"}],
        )
        self.assertIn("Diverted", signal.description)
        self.assertIn("bought shares", signal.description)
        # Next: six months after the inspection; two once classified 关注.
        following = loan.inspection_ids.filtered(lambda i: i.state == "planned")
        self.assertEqual(following.date_planned, self.today + relativedelta(months=6))
        with self.assertRefused(UserError, "Only a planned inspection"):
            inspection.action_done()
        following.sudo().state = "cancelled"
        loan.sudo().risk_tier = "special_mention"
        loan._schedule_inspections()
        again = loan.inspection_ids.filtered(lambda i: i.state == "planned")
        self.assertEqual(again.date_planned, self.today + relativedelta(months=2))
        with self.assertRaises(UserError):
            again.with_user(self.finance).action_done()

    def test_red_signal_blocks_new_applications(self):
        loan = self._active_loan()
        loan.sudo().days_past_due = 95
        self.env["microloan.warning.rule"]._cron_evaluate()
        signal = loan.warning_signal_ids
        self.assertRecordValues(
            signal, [{"rule_id": self.rule_dpd.id, "level": "red", "state": "open"}]
        )
        self.assertTrue(loan.warning_red)
        self.assertTrue(self.borrower.with_user(self.officer).microloan_red_signal)
        self.assertFalse(self.guarantor.microloan_red_signal)
        self.assertEqual(signal.activity_ids.user_id, self.officer)
        # Evaluated again: no second signal while one is open.
        self.env["microloan.warning.rule"]._cron_evaluate()
        self.assertEqual(len(loan.warning_signal_ids), 1)
        with self.assertRefused(UserError, "open red early-warning signal"):
            self._create_application()
        # Closed with a note by its owner, the borrower may apply again.
        with self.assertRefused(UserError, "is missing"):
            signal.with_user(self.officer).action_close("  ")
        with self.assertRaises(UserError):
            signal.with_user(self.finance).action_close("Paid")
        signal.with_user(self.officer).action_close("Repaid in full on the 5th.")
        self.assertEqual(signal.state, "closed")
        self.assertFalse(loan.warning_red)
        self.assertEqual(self._create_application().state, "draft")

    def test_guarantor_overdue_and_switched_off_rules(self):
        other = self.env["res.partner"].create(
            {
                "name": "Wu Yi",
                "company_id": self.branch_bj.id,
                "microloan_borrower_type": "individual",
                "microloan_id_type": "passport",
                "microloan_id_number": "E12345678",
            }
        )
        guaranteed = self._active_loan(
            partner=other,
            guarantee_type_id=self.type_guaranty.id,
            guarantee_ids=[Command.create({"partner_id": self.guarantor.id})],
        )
        late = self._active_loan(partner=self.guarantor)
        late.sudo().days_past_due = 40
        self.rule_dpd.active = False
        self.env["microloan.warning.rule"]._cron_evaluate()
        self.assertFalse(late.warning_signal_ids)
        signal = guaranteed.warning_signal_ids
        self.assertEqual(signal.rule_id, self.rule_guarantor)
        self.assertIn(self.guarantor.name, signal.description)

    def test_manual_signal_and_branches(self):
        loan = self._active_loan()
        signal = (
            self.env["microloan.warning.signal"]
            .with_user(self.officer)
            .create(
                {
                    "loan_id": loan.id,
                    "level": "yellow",
                    "owner_id": self.officer.id,
                    "description": "The shop was closed at noon on a weekday.",
                }
            )
        )
        self.assertEqual(signal.company_id, self.branch_bj)
        with self.assertRaises(AccessError):
            signal.with_user(self.officer_sh).read(["description"])
        with self.assertRaises(AccessError):
            signal.with_user(self.officer).write({"state": "closed"})

    def test_texts_in_branch_and_recipient_languages(self):
        """Run in English, the rules describe a signal in its branch's language
        and give the officer activities in the officer's."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.officer.lang = "zh_CN"
        english = self.env(context=dict(self.env.context, lang="en_US"))
        loan = self._active_loan()
        loan.company_id.microloan_lang = "zh_CN"
        self.assertEqual(loan.inspection_ids.activity_ids.summary, "贷后检查")
        loan.sudo().days_past_due = 95
        english["microloan.warning.rule"]._cron_evaluate()
        signal = loan.warning_signal_ids
        self.assertEqual(signal.description, "逾期 95 天。")
        self.assertEqual(signal.activity_ids.summary, "预警信号")
