from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import MicroloanCommon, make_resident_id


@tagged("post_install", "-at_install")
class TestApproval(MicroloanCommon):
    def _submitted_loan(self, **vals):
        loan = self._create_loan(user=self.officer, **vals)
        loan.action_submit()
        return loan.with_user(self.approver)

    def test_workflow(self):
        loan = self._create_loan(user=self.officer)
        self.assertEqual(loan.user_id, self.officer)
        loan.action_submit()
        self.assertRecordValues(
            loan, [{"state": "submitted", "submitted_by_id": self.officer.id}]
        )
        loan.with_user(self.approver).action_approve()
        self.assertRecordValues(
            loan, [{"state": "approved", "approved_by_id": self.approver.id}]
        )
        loan.with_user(self.finance).disburse(loan.amount, loan.disbursement_date)
        self.assertEqual(loan.state, "active")
        with self.assertRefused(UserError, "unpaid installments"):
            loan.with_user(self.finance).action_close()
        # As the servicing code does it (sudo): no user writes installments.
        for installment in loan.installment_ids.sudo():
            installment.write(
                {
                    "principal_paid": installment.principal,
                    "interest_paid": installment.interest,
                }
            )
        self.assertEqual(loan.principal_outstanding, 0.0)
        loan.with_user(self.finance).action_close()
        self.assertEqual(loan.state, "closed")

    def test_officer_cannot_approve_own_loan(self):
        officer_approver = new_test_user(
            self.env,
            login="officer_approver",
            groups="microloan_base.group_microloan_officer,"
            "microloan_base.group_microloan_approver",
            company_id=self.branch_bj.id,
            company_ids=[Command.set(self.branch_bj.ids)],
        )
        loan = self._create_loan(user=officer_approver)
        loan.action_submit()
        with self.assertRefused(UserError, "You cannot approve"):
            loan.action_approve()
        self.assertEqual(loan.state, "submitted")
        # Submitting a colleague's loan does not make it approvable by oneself.
        other = self._create_loan(user=self.officer)
        other.with_user(officer_approver).action_submit()
        with self.assertRefused(UserError, "You cannot approve"):
            other.with_user(officer_approver).action_approve()
        # Another approver can.
        loan.with_user(self.approver).action_approve()
        self.assertEqual(loan.state, "approved")

    def test_four_eyes_on_facts_nobody_rewrites(self):
        """A user holding every role cannot make his own loan approvable by
        rewriting its officer or its submitter: the submitter is stamped by
        the action and guarded, the officer is fixed once submitted, and the
        creator (create_uid) counts as one of the first eyes."""
        all_roles = new_test_user(
            self.env,
            login="all_roles",
            groups="microloan_base.group_microloan_officer,"
            "microloan_base.group_microloan_approver,"
            "microloan_base.group_microloan_finance,"
            "microloan_base.group_microloan_risk",
            company_id=self.branch_bj.id,
            company_ids=[Command.set(self.branch_bj.ids)],
        )
        loan = self._create_loan(user=all_roles)
        # In draft he may hand the loan to a colleague...
        loan.write({"user_id": self.officer.id})
        loan.action_submit()
        # ...but the stamps and, once submitted, the officer are not his to set.
        for vals in (
            {"submitted_by_id": self.officer.id},
            {"submit_date": "2025-01-01 00:00:00"},
            {"user_id": self.approver.id},
            {"approved_by_id": self.approver.id},
        ):
            with self.assertRaises(UserError):
                loan.write(vals)
        self.assertRecordValues(
            loan, [{"submitted_by_id": all_roles.id, "user_id": self.officer.id}]
        )
        with self.assertRefused(UserError, "You cannot approve"):
            loan.action_approve()
        # Submitted by someone else, he still created it.
        loan.with_user(self.officer).action_draft()
        loan.with_user(self.officer).action_submit()
        with self.assertRefused(UserError, "You cannot approve"):
            loan.action_approve()
        self.assertEqual(loan.state, "submitted")
        loan.with_user(self.approver).action_approve()
        self.assertEqual(loan.state, "approved")

    def test_rejection_reason_is_plain_text(self):
        loan = self._create_loan(user=self.officer)
        loan.action_submit()
        reason = "<b>Income</b> <script>alert(1)</script> & debts"
        loan.with_user(self.approver).action_reject(reason)
        self.assertEqual(loan.reject_reason, reason)
        activity = loan.activity_ids.filtered(lambda a: a.summary == "Loan rejected")
        self.assertIn("&lt;b&gt;Income&lt;/b&gt;", str(activity.note))
        self.assertNotIn("<script>", str(activity.note))

    def test_officer_cannot_approve(self):
        loan = self._create_loan(user=self.officer)
        loan.action_submit()
        with self.assertRaises(AccessError):
            loan.action_approve()
        with self.assertRaises(AccessError):
            loan.action_reject("No")
        self.assertEqual(loan.state, "submitted")

    def test_state_transitions(self):
        loan = self._create_loan(user=self.officer)
        with self.assertRefused(UserError, "Only submitted loans can be approved"):
            loan.with_user(self.approver).action_approve()
        with self.assertRefused(UserError, "Only approved or active loans can be"):
            loan.with_user(self.finance).disburse(1000.0, loan.disbursement_date)
        loan.action_submit()
        with self.assertRefused(UserError, "Only draft loans can be submitted"):
            loan.action_submit()
        loan.action_draft()
        self.assertEqual(loan.state, "draft")
        loan.action_cancel()
        self.assertEqual(loan.state, "cancelled")
        self.assertEqual(set(loan.installment_ids.mapped("state")), {"cancelled"})

    def test_cancel_approved_loan_needs_approver(self):
        loan = self._submitted_loan()
        loan.action_approve()
        with self.assertRaises(AccessError):
            loan.with_user(self.officer).action_cancel()
        loan.action_cancel()
        self.assertEqual(loan.state, "cancelled")

    def test_reject_with_wizard(self):
        loan = self._submitted_loan()
        action = loan.action_open_reject_wizard()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.approver)
            .with_context(**action["context"])
        )
        wizard.reason = "Insufficient repayment capacity"
        wizard.save().action_reject()
        self.assertRecordValues(
            loan,
            [{"state": "rejected", "reject_reason": "Insufficient repayment capacity"}],
        )
        self.assertEqual(loan.activity_ids.user_id, self.officer)
        with self.assertRefused(UserError, "reason"):
            self._submitted_loan().action_reject("  ")

    def test_mortgage_needs_registered_collateral(self):
        loan = self._submitted_loan(guarantee_type_id=self.type_mortgage.id)
        with self.assertRefused(UserError, "add registered collateral"):
            loan.action_approve()
        self.assertEqual(loan.state, "submitted")
        collateral = self._create_collateral()
        loan.sudo().collateral_ids = [Command.link(collateral.id)]
        # Not registered yet.
        with self.assertRefused(UserError, "add registered collateral"):
            loan.action_approve()
        collateral.with_user(self.risk).action_register()
        loan.action_approve()
        self.assertEqual(loan.state, "approved")
        with self.assertRefused(UserError, "still secures"):
            collateral.with_user(self.risk).action_release()

    def test_pledge_needs_pledged_collateral(self):
        mortgage = self._create_collateral(state="registered")
        loan = self._submitted_loan(
            guarantee_type_id=self.type_pledge.id,
            collateral_ids=[Command.set(mortgage.ids)],
        )
        with self.assertRefused(UserError, "add registered collateral"):
            loan.action_approve()
        deposit = self._create_collateral(
            "collateral_type_deposit", name="Deposit certificate", state="registered"
        )
        loan.sudo().collateral_ids = [Command.link(deposit.id)]
        loan.action_approve()
        self.assertEqual(loan.state, "approved")

    def test_guaranty_needs_guarantor(self):
        loan = self._submitted_loan(guarantee_type_id=self.type_guaranty.id)
        with self.assertRefused(UserError, "add its guarantors"):
            loan.action_approve()
        self.env["microloan.guarantee"].with_user(self.officer).create(
            {"loan_id": loan.id, "partner_id": self.guarantor.id}
        )
        self.assertRecordValues(
            loan.guarantee_ids, [{"amount": 100000.0, "kind": "joint"}]
        )
        loan.action_approve()
        self.assertEqual(loan.state, "approved")

    def test_joint_guarantee_group(self):
        members = self.borrower | self.guarantor
        group = self.env["microloan.guarantee.group"].create(
            {
                "name": "Xiaohe Village Group 3",
                "company_id": self.branch_bj.id,
                "member_ids": [Command.set(members.ids)],
                "min_members": 3,
            }
        )
        loan = self._submitted_loan(guarantee_type_id=self.type_joint.id)
        with self.assertRefused(UserError, "needs a joint-guarantee group"):
            loan.action_approve()
        loan.sudo().guarantee_group_id = group
        with self.assertRefused(UserError, "needs at least 3 members"):
            loan.action_approve()
        third = self.env["res.partner"].create(
            {
                "name": "Zhao Liu",
                "company_id": self.branch_bj.id,
                "microloan_borrower_type": "farmer",
                "microloan_id_type": "resident_id",
                "microloan_id_number": make_resident_id("32010619820202002"),
            }
        )
        group.member_ids = [Command.link(third.id)]
        group.amount_limit = 50000.0
        with self.assertRefused(UserError, "above its limit"):
            loan.action_approve()
        group.amount_limit = 300000.0
        loan.action_approve()
        self.assertEqual(loan.state, "approved")
        # The other members guarantee the loan jointly and severally.
        self.assertRecordValues(
            loan.guarantee_ids.sorted(lambda g: g.partner_id.id),
            [
                {"partner_id": p.id, "kind": "joint", "guarantee_group_id": group.id}
                for p in (self.guarantor | third).sorted("id")
            ],
        )
