from odoo.tests import TransactionCase, tagged

from ..tools.pdf_text import RADICAL_IDEOGRAPHS, fix_cmap


@tagged("post_install", "-at_install")
class TestPdfText(TransactionCase):
    def test_radicals_become_ideographs_in_destinations_only(self):
        cmap = (
            b"2 beginbfrange\n<0000> <0000> <0000>\n"
            b"<2F08> <2F0A> [<2F08> <2EA0> <5E01>]\nendbfrange\n"
            b"1 beginbfchar\n<2F5F> <2F5F>\nendbfchar\n"
        )
        fixed = fix_cmap(cmap)
        # 人民币 and 玉; the source codes (glyph ids) are left alone
        self.assertIn(b"<2F08> <2F0A> [<4EBA> <6C11> <5E01>]", fixed)
        self.assertIn(b"<2F5F> <7389>", fixed)

    def test_supplementary_ideographs_are_surrogate_pairs(self):
        fixed = fix_cmap(b"beginbfchar\n<0005> <2E87>\nendbfchar")
        self.assertEqual(RADICAL_IDEOGRAPHS[0x2E87], 0x20628)
        self.assertIn(b"<0005> <D841DE28>", fixed)

    def test_table_has_the_simplified_forms(self):
        for radical, ideograph in {
            "⺠": "民",
            "⻓": "长",
            "⻔": "门",
            "⼈": "人",
        }.items():
            self.assertEqual(chr(RADICAL_IDEOGRAPHS[ord(radical)]), ideograph)
