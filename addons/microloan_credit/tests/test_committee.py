from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestCommittee(CreditCommon):
    def _before_committee(self, **vals):
        application = self._create_application(**vals)
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self._investigate(application)
        application.with_user(self.risk).action_review("pass", "ok")
        self.assertEqual(application.state, "committee")
        return application

    def test_majority_rejects(self):
        application = self._before_committee()
        meeting = self._committee_decides(application, ("approve", "reject", "reject"))
        self.assertEqual(meeting.state, "closed")
        self.assertEqual(meeting.item_ids.decision, "rejected")
        self.assertEqual(application.state, "rejected")
        self.assertIn(
            "1 approve, 0 approve with conditions, 2 reject", application.close_reason
        )
        self.assertEqual(application.review_round_ids[-1].decision, "reject")

    def test_no_quorum_then_next_meeting(self):
        application = self._before_committee()
        members = self.committee | self.committee2 | self.committee3
        meeting = self._meeting(application, members=members, present=self.committee)
        meeting.item_ids.with_user(self.committee).action_vote("approve", "Fine")
        meeting.with_user(self.committee).action_close()
        self.assertEqual(meeting.item_ids.decision, "no_quorum")
        self.assertEqual(application.state, "committee")
        self._committee_decides(application)
        self.assertEqual(application.state, "approval")

    def test_who_may_vote(self):
        application = self._before_committee()
        # The loan officer who investigated sits on the committee too.
        self.officer.groups_id |= self.env.ref(
            "microloan_credit.group_microloan_committee"
        )
        members = self.committee | self.committee2 | self.officer
        meeting = self._meeting(
            application, members=members, present=self.committee | self.officer
        )
        item = meeting.item_ids
        with self.assertRefused(UserError, "investigated it"):
            item.with_user(self.officer).action_vote("approve", "Mine")
        with self.assertRefused(UserError, "members present"):
            item.with_user(self.committee2).action_vote("approve", "Absent")
        item.with_user(self.committee).action_vote("approve", "Fine")
        with self.assertRefused(UserError, "voted on"):
            item.with_user(self.committee).action_vote("reject", "Again")
        for vote, opinion, conditions, message in (
            ("maybe", "x", False, "must be one of"),
            ("approve", "  ", False, "is missing"),
            ("approve_conditions", "ok", False, "which conditions"),
        ):
            with self.subTest(vote=vote), self.assertRefused(UserError, message):
                item.with_user(self.committee).action_vote(vote, opinion, conditions)
        self.assertEqual(len(item.vote_ids), 1)
        with self.assertRaises(AccessError):
            self.env["microloan.committee.vote"].with_user(self.committee).create(
                {
                    "item_id": item.id,
                    "user_id": self.committee2.id,
                    "vote": "approve",
                    "opinion": "forged",
                }
            )
        with self.assertRefused(UserError, "not under review"):
            application.with_user(self.risk).action_review("pass", "not here")

    def test_meeting_rules(self):
        application = self._before_committee()
        Meeting = self.env["microloan.committee.meeting"].with_user(self.committee)
        with self.assertRefused(ValidationError, "fraction"):
            Meeting.create({"company_id": self.branch_bj.id, "quorum_numerator": 4})
        with self.assertRefused(ValidationError, "committee member"):
            Meeting.create(
                {
                    "company_id": self.branch_bj.id,
                    "member_ids": [Command.set(self.risk.ids)],
                }
            )
        meeting = Meeting.create(
            {
                "company_id": self.branch_bj.id,
                "member_ids": [Command.set(self.committee.ids)],
            }
        )
        with self.assertRefused(UserError, "members present"):
            meeting.action_open()
        # Only applications before the committee go on the agenda.
        draft = self._create_application(partner_id=self.guarantor.id)
        with self.assertRefused(UserError, "not before the credit committee"):
            meeting.item_ids = [Command.create({"application_id": draft.id})]
        meeting.item_ids = [Command.create({"application_id": application.id})]
        with self.assertRefused(UserError, "in session"):
            meeting.item_ids.action_vote("approve", "Too early")
        with self.assertRaises(AccessError):
            meeting.with_user(self.approver).action_open()

    def test_other_branch_cannot_see_meetings(self):
        meeting = self._committee_decides(self._before_committee())
        self.assertFalse(
            self.env["microloan.committee.meeting"]
            .with_user(self.officer_sh)
            .search([("id", "=", meeting.id)])
        )
