from odoo.tests import TransactionCase, tagged

from odoo.addons.microloan_base.tests.common import untranslated_terms


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_simplified_chinese_is_complete(self):
        self.assertEqual(untranslated_terms(self.env, "microloan_credit"), [])

    def test_approval_bar_of_base_tier_validation_in_chinese(self):
        """OCA base_tier_validation's zh_CN leaves its approval bar and fields
        in English; microloan_credit's i18n_extra/zh_CN.po translates them
        (the approver sees 审批通过 / 驳回, not Validate / Reject)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["base_tier_validation", "microloan_credit"], ["zh_CN"]
        )
        label = self.env.ref("base_tier_validation.tier_validation_label")
        arch = label.with_context(lang="zh_CN").arch
        self.assertIn("审批通过", arch)
        self.assertIn("驳回", arch)
        self.assertNotIn(">Validate<", arch.replace(" ", "").replace("\n", ""))
        buttons = self.env.ref("base_tier_validation.tier_validation_buttons")
        self.assertIn("重新发起审批", buttons.with_context(lang="zh_CN").arch)
        field = self.env["ir.model.fields"]._get("tier.validation", "validation_status")
        self.assertEqual(field.with_context(lang="zh_CN").field_description, "审批状态")
