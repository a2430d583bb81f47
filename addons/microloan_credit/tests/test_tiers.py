from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestTiers(CreditCommon):
    """Approval tiers: a small application needs one approver, a large one
    three in sequence; the approvers' authority limits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.credit_committee = False

        def approver(login):
            return new_test_user(
                cls.env,
                login=login,
                groups="microloan_base.group_microloan_approver",
                company_id=cls.branch_bj.id,
                company_ids=[Command.set(cls.branch_bj.ids)],
            )

        cls.director = approver("director_bj")
        cls.manager = approver("manager_bj")
        model = cls.env["ir.model"]._get("microloan.application")
        Tier = cls.env["tier.definition"]
        common = {"model_id": model.id, "company_id": cls.branch_bj.id}
        cls.tier_small = Tier.create(
            {
                **common,
                "name": "Small: an approver",
                "review_type": "group",
                "reviewer_group_id": cls.env.ref(
                    "microloan_base.group_microloan_approver"
                ).id,
                "definition_domain": "[('amount', '<=', 100000)]",
            }
        )
        large = {
            **common,
            "definition_domain": "[('amount', '>', 100000)]",
            "approve_sequence": True,
        }
        # Asked in the order of their sequence, highest first.
        Tier.create(
            {
                **large,
                "name": "Large 1: the manager",
                "review_type": "individual",
                "reviewer_id": cls.manager.id,
                "sequence": 30,
            }
        )
        Tier.create(
            {
                **large,
                "name": "Large 2: the director",
                "review_type": "individual",
                "reviewer_id": cls.director.id,
                "sequence": 20,
            }
        )
        Tier.create(
            {
                **large,
                "name": "Large 3: an approver",
                "review_type": "group",
                "reviewer_group_id": cls.env.ref(
                    "microloan_base.group_microloan_approver"
                ).id,
                "sequence": 10,
            }
        )

    def _at_approval(self, amount):
        application = self._create_application(amount=amount)
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self._investigate(application, proposed_amount=amount)
        application.with_user(self.risk).action_review("pass", "ok")
        self.assertEqual(application.state, "approval")
        return application

    def test_small_application_one_approver(self):
        application = self._at_approval(80000.0)
        self.assertEqual(len(application.review_ids), 1)
        self.assertIn(application.validation_status, ("waiting", "pending"))
        application.with_user(self.approver).action_approve()
        self.assertEqual(application.state, "contract")
        self.assertEqual(application.review_ids.done_by, self.approver)

    def test_next_review_in_the_users_language(self):
        """The approval bar's "Next:" label is this module's, in 简体中文
        (OCA's zh_CN leaves it in English)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["microloan_credit"], ["zh_CN"])
        application = self._at_approval(80000.0)
        review = application.review_ids.sorted("sequence")[:1]
        self.assertTrue(review)
        # The label names the first pending review (the others wait for it).
        review.sudo().status = "pending"
        application.invalidate_recordset(["next_review"])
        self.assertEqual(
            application.with_context(lang="zh_CN").next_review,
            f"下一审批：{review.name}",
        )
        application.invalidate_recordset(["next_review"])
        self.assertEqual(
            application.with_context(lang="en_US").next_review, f"Next: {review.name}"
        )

    def test_tier_messages_in_the_users_language(self):
        """Who a review waits for and the tiers' chatter messages are this
        module's, in the acting user's 简体中文 (OCA's zh_CN leaves "Group %s",
        the restart and the comments in English)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["microloan_credit"], ["zh_CN"])
        self.tier_small.write(
            {
                "notify_on_create": True,
                "notify_on_accepted": True,
                "notify_on_restarted": True,
                "notify_on_rejected": True,
            }
        )
        # The web client's context carries the user's language.
        self.env = self.env(context=dict(self.env.context, lang="zh_CN"))
        application = self._at_approval(80000.0)
        review = application.review_ids
        group = self.env.ref("microloan_base.group_microloan_approver")
        self.assertEqual(
            review.todo_by, f"用户组：{group.with_context(lang='zh_CN').name}"
        )

        def bodies():
            return [
                html2plaintext(body)
                for body in application.message_ids.sorted("id").mapped("body")
            ]

        self.assertIn(f"{self.risk.name} 发起了分级审批。", bodies())
        application.with_user(self.approver).validate_tier()
        self.assertIn(f"{self.approver.name} 审批通过。", bodies())
        application.with_user(self.approver).restart_validation()
        self.assertIn(f"{self.approver.name} 重新开始了分级审批。", bodies())
        application.with_user(self.approver).request_validation()
        application.with_user(self.approver).reject_tier()
        self.assertIn(f"{self.approver.name} 驳回了审批。", bodies())
        # In English for a user working in English.
        application.with_context(lang="en_US").with_user(
            self.approver
        ).restart_validation()
        self.assertIn(f"{self.approver.name} restarted the approval tiers.", bodies())

    def test_large_application_three_approvers_in_sequence(self):
        application = self._at_approval(150000.0)
        self.assertEqual(
            application.review_ids.sorted("sequence").mapped("name"),
            ["Large 1: the manager", "Large 2: the director", "Large 3: an approver"],
        )
        with self.assertRefused(UserError, "still waits for its approval tiers"):
            application.with_user(self.approver).action_approve()
        self.assertEqual(application.state, "approval")
        # The director may not skip the manager.
        application.with_user(self.director).validate_tier()
        self.assertEqual(
            application.review_ids.filtered(lambda r: r.status == "approved"),
            self.env["tier.review"],
        )
        application.with_user(self.manager).validate_tier()
        application.with_user(self.director).validate_tier()
        application.with_user(self.approver).action_approve()
        self.assertEqual(application.state, "contract")
        self.assertEqual(
            application.review_ids.sorted("sequence").mapped("done_by"),
            self.manager | self.director | self.approver,
        )

    def test_investigator_cannot_validate_a_tier(self):
        self.officer.groups_id |= self.env.ref(
            "microloan_base.group_microloan_approver"
        )
        application = self._at_approval(80000.0)
        with self.assertRefused(UserError, "investigated it"):
            application.with_user(self.officer).validate_tier()

    def test_authority_limit(self):
        self.tier_small.active = False
        self.approver.microloan_authority_limit = 50000.0
        application = self._at_approval(80000.0)
        self.assertFalse(application.review_ids)
        with self.assertRefused(UserError, "beyond your authority limit"):
            application.with_user(self.approver).action_approve()
        self.assertEqual(application.state, "approval")
        application.with_user(self.approver).action_approve(amount=50000.0)
        self.assertEqual(application.state, "contract")

    def test_forged_context_does_not_lift_the_tiers(self):
        application = self._at_approval(150000.0)
        with self.assertRaises(UserError):
            application.with_user(self.approver).with_context(
                skip_validation_check=True, skip_check_state_condition=True
            ).action_approve()
        self.assertEqual(application.state, "approval")
