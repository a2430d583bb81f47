from odoo.tests import TransactionCase, tagged

from odoo.addons.microloan_base.tests.common import untranslated_terms


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_simplified_chinese_is_complete(self):
        self.assertEqual(
            untranslated_terms(self.env, "microloan_reports_dashboard"), []
        )
