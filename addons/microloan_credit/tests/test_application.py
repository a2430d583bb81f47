from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.microloan_base.tests.common import make_resident_id

from .common import CreditCommon

PROSPECT_ID = make_resident_id("51010719850312004")


@tagged("post_install", "-at_install")
class TestApplication(CreditCommon):
    def test_number_documents_and_request(self):
        application = self._create_application()
        self.assertRegex(application.name, r"^BJ-SQ\d{4}-\d{5}$")
        self.assertEqual(application.state, "draft")
        self.assertEqual(
            application.document_ids.document_type_id, self.doc_id | self.doc_bank
        )
        self.assertEqual(application.documents_missing, 2)
        self.assertEqual(application.repayment_method, "annuity")
        self.assertEqual(application.id_number, self.borrower.microloan_id_number)

    def test_document_files_follow_the_application(self):
        application = self._create_application()
        attachment = (
            self.env["ir.attachment"]
            .with_user(self.officer)
            .create({"name": "id.pdf", "raw": b"%PDF"})
        )
        line = application.document_ids.filtered(
            lambda d: d.document_type_id == self.doc_id
        )
        line.with_user(self.officer).attachment_ids = [Command.link(attachment.id)]
        self.assertEqual(
            (attachment.res_model, attachment.res_id), (line._name, line.id)
        )
        # The approver of the branch reads it; another branch does not.
        self.assertEqual(
            attachment.with_user(self.approver).read(["name"])[0]["name"], "id.pdf"
        )
        with self.assertRaises(AccessError):
            attachment.with_user(self.officer_sh).read(["name"])

    def test_prospect_becomes_borrower(self):
        application = self._create_application(
            partner_id=False,
            prospect_name="王小明",
            prospect_borrower_type="sole_trader",
            prospect_id_type="resident_id",
            prospect_id_number=" " + PROSPECT_ID.lower(),
            prospect_phone="13800000000",
        )
        self.assertEqual(application.id_number, PROSPECT_ID)
        self._attach_all(application)
        with self.assertRefused(UserError, "Create the borrower"):
            application.with_user(self.officer).action_submit()
        partner_id = application.with_user(self.officer).action_create_borrower()
        partner = self.env["res.partner"].browse(partner_id)
        self.assertRecordValues(
            partner,
            [
                {
                    "name": "王小明",
                    "company_id": self.branch_bj.id,
                    "microloan_borrower_type": "sole_trader",
                    "microloan_id_number": PROSPECT_ID,
                    "phone": "13800000000",
                }
            ],
        )
        self.assertEqual(application.partner_id, partner)
        application.with_user(self.officer).action_submit()
        self.assertEqual(application.state, "investigation")

    def test_borrower_or_prospect_required(self):
        with self.assertRefused(ValidationError, "Choose the borrower"):
            self._create_application(partner_id=False, prospect_name="Nobody")

    def test_request_within_product(self):
        for vals, message in (
            ({"amount": 600000.0}, "amount asked"),
            ({"amount": -1.0}, "amount asked"),
            ({"term": 48}, "term asked"),
            ({"interest_rate": 30.0}, "annual rate asked"),
        ):
            with self.subTest(vals=vals), self.assertRefused(ValidationError, message):
                self._create_application(**vals)
        self.assertFalse(
            self.env["microloan.application"].search(
                [("partner_id", "=", self.borrower.id)]
            )
        )

    def test_bad_input_types(self):
        for vals in ({"amount": "lots"}, {"term": 1.5}, {"channel": "fax"}):
            with (
                self.subTest(vals=vals),
                self.assertRefused(ValidationError, "cannot be"),
            ):
                self._create_application(**vals)

    def test_second_open_application_same_product_refused(self):
        first = self._create_application()
        with self.assertRefused(ValidationError, "already has an open application"):
            self._create_application()
        # Once the first is withdrawn, a new one is welcome.
        first.with_user(self.officer).action_withdraw("The borrower changed his mind.")
        second = self._create_application()
        self.assertEqual(second.state, "draft")

    def test_duplicates_are_shown(self):
        other_product = self.product.copy({"name": "Farm Loan", "code": "FARM"})
        first = self._create_application()
        second = self._create_application(product_id=other_product.id)
        loan = self._create_loan()
        loan.with_user(self.officer).action_submit()
        self.assertEqual(second.duplicate_application_ids, first)
        self.assertEqual(first.duplicate_application_ids, second)
        self.assertIn(loan, second.duplicate_loan_ids)

    def test_blacklist_blocks_with_reason(self):
        self.env["microloan.blacklist"].with_user(self.risk).create(
            {
                "id_number": self.borrower.microloan_id_number.lower(),
                "kind": "blacklist",
                "reason": "Forged bank statements in 2024.",
                "date_from": "2024-06-01",
                "company_id": False,
            }
        )
        application = self._create_application()
        self._attach_all(application)
        self.assertEqual(application.list_hit_kind, "blacklist")
        self.assertEqual(application.list_hit_reason, "Forged bank statements in 2024.")
        with self.assertRefused(UserError, "Forged bank statements in 2024"):
            application.with_user(self.officer).action_submit()
        self.assertEqual(application.state, "draft")

    def test_expired_blacklist_and_watchlist_do_not_block(self):
        Blacklist = self.env["microloan.blacklist"]
        Blacklist.create(
            {
                "id_number": self.borrower.microloan_id_number,
                "kind": "blacklist",
                "reason": "Old case",
                "date_from": "2020-01-01",
                "date_to": "2021-01-01",
                "company_id": False,
            }
        )
        Blacklist.create(
            {
                "id_number": self.borrower.microloan_id_number,
                "kind": "watchlist",
                "reason": "Guarantor of an overdue loan",
                "date_from": "2024-01-01",
                "company_id": self.branch_bj.id,
            }
        )
        application = self._create_application()
        self.assertEqual(application.list_hit_kind, "watchlist")
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self.assertEqual(application.state, "investigation")

    def test_blacklist_dates_and_rights(self):
        with self.assertRefused(ValidationError, "cannot precede"):
            self.env["microloan.blacklist"].create(
                {
                    "id_number": "X1",
                    "reason": "r",
                    "date_from": "2025-01-02",
                    "date_to": "2025-01-01",
                }
            )
        with self.assertRaises(AccessError):
            self.env["microloan.blacklist"].with_user(self.officer).create(
                {"id_number": "X1", "reason": "r"}
            )

    def test_missing_document_blocks_the_stage(self):
        application = self._create_application()
        with self.assertRefused(UserError, "Identity Card"):
            application.with_user(self.officer).action_submit()
        self._attach(application, self.doc_id)
        # The bank statements are required to leave the review only.
        application.with_user(self.officer).action_submit()
        self._investigate(application)
        self.assertEqual(application.state, "review")
        with self.assertRefused(UserError, "Bank Statements"):
            application.with_user(self.risk).action_review("pass", "Fine")
        self.assertEqual(application.state, "review")
        self.assertFalse(application.review_round_ids)
        # A document the product requires cannot be removed.
        with self.assertRefused(UserError, "cannot be removed"):
            application.document_ids[0].with_user(self.officer).unlink()

    def test_request_frozen_after_draft(self):
        application = self._create_application()
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        with self.assertRefused(UserError, "only change while it is a draft"):
            application.with_user(self.officer).amount = 200000.0
        with self.assertRaises(AccessError):
            application.with_user(self.officer).state = "approval"
        with self.assertRaises(AccessError):
            application.with_user(self.officer).approved_amount = 1.0

    def test_forged_fields_refused_at_create(self):
        for vals in (
            {"state": "contract"},
            {"approved_amount": 5000.0},
            {"investigator_id": self.risk.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(AccessError):
                self._create_application(**vals)
