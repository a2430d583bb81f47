from odoo.tests import TransactionCase, tagged

from .common import untranslated_terms


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_simplified_chinese_is_complete(self):
        self.assertEqual(untranslated_terms(self.env, "microloan_base"), [])
