from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..tools import identity
from .common import (
    VALID_RESIDENT_ID,
    VALID_USCC,
    MicroloanCommon,
    make_resident_id,
    make_uscc,
)


@tagged("post_install", "-at_install")
class TestIdentityChecksums(MicroloanCommon):
    def test_resident_id_checksum(self):
        self.assertTrue(identity.is_valid_resident_id(VALID_RESIDENT_ID))
        # GB 11643 check characters, including a remainder giving "X" and "0".
        self.assertEqual(identity.resident_id_check_char("11010519491231002"), "X")
        self.assertTrue(identity.is_valid_resident_id("110101199003074477"))
        for bad in (
            "110105194912310021",  # wrong check character
            "11010519491231002",  # 17 characters
            "11010519491231002XX",  # 19 characters
            "11010519491331002X",  # month 13
            "01010519491231002X",  # starts with 0
            "1101051949123100AX",  # letter in the body
            "",
        ):
            with self.subTest(number=bad):
                self.assertFalse(identity.is_valid_resident_id(bad))

    def test_uscc_checksum(self):
        self.assertTrue(identity.is_valid_uscc(VALID_USCC))
        self.assertEqual(identity.uscc_check_char("91350100M000100Y4"), "3")
        for bad in (
            "91350100M000100Y44",  # wrong check character
            "91350100M000100Y4",  # 17 characters
            "91350100M000100I43",  # I is not in the alphabet
            "9135010AM000100Y43",  # letter in the division code
            "",
        ):
            with self.subTest(number=bad):
                self.assertFalse(identity.is_valid_uscc(bad))

    def test_passport_and_other(self):
        self.assertTrue(identity.is_valid("passport", "E12345678"))
        self.assertFalse(identity.is_valid("passport", "E1"))
        self.assertFalse(identity.is_valid("passport", "E 1234-5678"))
        self.assertTrue(identity.is_valid("other", "HK-A123456(7)"))
        self.assertFalse(identity.is_valid("other", ""))


@tagged("post_install", "-at_install")
class TestBorrower(MicroloanCommon):
    def _borrower_vals(self, **vals):
        return {
            "name": "Wang Wu",
            "company_id": self.branch_bj.id,
            "microloan_borrower_type": "individual",
            "microloan_id_type": "resident_id",
            "microloan_id_number": make_resident_id("11010819850615003"),
            **vals,
        }

    def test_valid_borrowers(self):
        partner = self.env["res.partner"].create(
            self._borrower_vals(microloan_id_number=" 11010519491231002x ")
            | {"company_id": self.branch_sh.id}
        )
        self.assertEqual(partner.microloan_id_number, VALID_RESIDENT_ID)
        sole_trader = self.env["res.partner"].create(
            self._borrower_vals(
                name="Wang's Noodle Shop",
                microloan_borrower_type="sole_trader",
                microloan_id_type="uscc",
                microloan_id_number=make_uscc("92350100MA2XN5P84"),
            )
        )
        self.assertTrue(sole_trader.microloan_id_number)
        self.assertEqual(self.borrower.microloan_id_number, VALID_RESIDENT_ID)

    def test_invalid_numbers_are_refused(self):
        Partner = self.env["res.partner"]
        count = Partner.search_count([])
        for id_type, number in (
            ("resident_id", "110105194912310021"),
            ("resident_id", VALID_USCC),
            ("uscc", "91350100M000100Y44"),
            ("uscc", VALID_RESIDENT_ID),
            ("passport", "E-1"),
        ):
            with self.subTest(id_type=id_type, number=number):
                with self.assertRefused(ValidationError, "is not a valid"):
                    Partner.create(
                        self._borrower_vals(
                            microloan_id_type=id_type, microloan_id_number=number
                        )
                    )
        self.assertEqual(Partner.search_count([]), count)

    def test_invalid_number_on_write_leaves_partner_unchanged(self):
        with self.assertRaises(ValidationError):
            self.borrower.write({"microloan_id_number": "110105194912310021"})
        self.borrower.invalidate_recordset()
        self.assertEqual(self.borrower.microloan_id_number, VALID_RESIDENT_ID)

    def test_borrower_needs_a_number(self):
        with self.assertRefused(ValidationError, "needs an identity number"):
            self.env["res.partner"].create(
                self._borrower_vals(microloan_id_number=False)
            )

    def test_number_unique_per_company(self):
        Partner = self.env["res.partner"]
        with self.assertRefused(ValidationError, "already has the identity"):
            Partner.create(self._borrower_vals(microloan_id_number=VALID_RESIDENT_ID))
        # A shared contact clashes with the shared contacts only: checking it
        # against every branch would tell its author that one knows the person.
        shared = Partner.create(
            self._borrower_vals(microloan_id_number=VALID_RESIDENT_ID, company_id=False)
        )
        # ...and every branch's new contacts clash with it.
        with self.assertRefused(ValidationError, "already has the identity"):
            Partner.create(
                self._borrower_vals(
                    microloan_id_number=VALID_RESIDENT_ID, company_id=self.branch_sh.id
                )
            )
        shared.unlink()
        # Another branch may register the same person.
        other = Partner.create(
            self._borrower_vals(
                microloan_id_number=VALID_RESIDENT_ID, company_id=self.branch_sh.id
            )
        )
        self.assertEqual(other.microloan_id_number, VALID_RESIDENT_ID)
