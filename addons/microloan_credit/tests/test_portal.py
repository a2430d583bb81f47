import base64
import re
import xmlrpc.client
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.microloan_base.tests.common import make_resident_id

from ..controllers import portal as portal_controller
from .common import CreditCommon

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@tagged("post_install", "-at_install")
class TestPortal(HttpCase, CreditCommon):
    """The borrower portal: an application made online goes through every
    stage to a loan; two portal borrowers never see each other's
    applications (by URL or by RPC); bad input is refused with a translated
    message and writes nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["microloan_base", "microloan_credit"], ["zh_CN"]
        )
        cls.product.credit_portal = True
        cls.borrower.email = "zhang.san@example.com"
        cls.borrower2 = cls.env["res.partner"].create(
            {
                "name": "Wang Wu",
                "email": "wang.wu@example.com",
                "company_id": cls.branch_bj.id,
                "microloan_borrower_type": "individual",
                "microloan_id_type": "resident_id",
                "microloan_id_number": make_resident_id("11010519800101002"),
            }
        )

        def portal_user(login, partner, lang="en_US"):
            return new_test_user(
                cls.env,
                login=login,
                name=partner.name,
                groups="base.group_portal",
                partner_id=partner.id,
                company_id=cls.branch_bj.id,
                company_ids=[Command.set(cls.branch_bj.ids)],
                lang=lang,
            )

        cls.portal_a = portal_user("portal_a", cls.borrower)
        cls.portal_b = portal_user("portal_b", cls.borrower2, "zh_CN")
        # One small-amount tier: an approver validates it.
        cls.env["tier.definition"].create(
            {
                "model_id": cls.env["ir.model"]._get("microloan.application").id,
                "company_id": cls.branch_bj.id,
                "name": "Portal test: an approver",
                "review_type": "group",
                "reviewer_group_id": cls.env.ref(
                    "microloan_base.group_microloan_approver"
                ).id,
                "definition_domain": "[('amount', '<=', 100000)]",
            }
        )

    # Helpers

    def _form(self, login):
        self.authenticate(login, login)
        response = self.url_open(f"/my/applications/new/{self.product.id}", timeout=60)
        self.assertEqual(response.status_code, 200)
        return CSRF.search(response.text).group(1)

    def _apply(self, login, files=None, **fields):
        csrf = self._form(login)
        data = {
            "csrf_token": csrf,
            "amount": "80000",
            "term": "12",
            "purpose_id": str(self.purpose.id),
            "purpose_note": "Stock for the spring season",
            "guarantee_type_id": str(self.type_credit.id),
            **fields,
        }
        return self.url_open(
            f"/my/applications/new/{self.product.id}",
            data=data,
            files=files or {},
            timeout=60,
        )

    def _document_field(self, document_type):
        requirement = self.product.credit_document_ids.filtered(
            lambda r: r.document_type_id == document_type
        )
        return f"document_{requirement.id}"

    def _applications(self, partner):
        return self.env["microloan.application"].search(
            [("partner_id", "=", partner.id)]
        )

    def _rpc(self, user, model, method, *args, **kwargs):
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, user.login, user.login, {})
        self.assertEqual(uid, user.id)
        return self.xmlrpc_object.execute_kw(
            db, uid, user.login, model, method, list(args), kwargs
        )

    # Tests

    def test_portal_application_to_loan(self):
        """Applied on the portal with the identity card, taken through the
        investigation, review, committee and approval tier by three other
        users, the application becomes a loan the borrower follows online;
        he is mailed at each stage."""
        id_card = self._document_field(self.doc_id)
        response = self._apply(
            "portal_a",
            files={id_card: ("id.pdf", b"%PDF-1.4 id card", "application/pdf")},
        )
        application = self._applications(self.borrower)
        self.assertEqual(len(application), 1)
        self.assertIn(f"/my/applications/{application.id}", response.url)
        self.assertEqual(
            (
                application.channel,
                application.state,
                application.amount,
                application.term,
            ),
            ("portal", "draft", 80000.0, 12),
        )
        self.assertEqual(application.company_id, self.branch_bj)
        id_line = application.document_ids.filtered(
            lambda d: d.document_type_id == self.doc_id
        )
        self.assertTrue(id_line.received)
        self.assertEqual(
            base64.b64decode(id_line.attachment_ids.datas), b"%PDF-1.4 id card"
        )
        self.assertIn(application.name, response.text)

        # Officer, investigator (the officer), risk officer, committee and
        # approver take it to the contract.
        self._attach(application, self.doc_bank)
        application.with_user(self.officer).action_submit()
        self.assertEqual(application.state, "investigation")
        self._investigate(application)
        application.with_user(self.risk).action_review("pass", "Cash flow covers it.")
        self.assertEqual(application.state, "committee")
        self._committee_decides(application)
        self.assertEqual(application.state, "approval")
        self.assertEqual(len(application.review_ids), 1)
        application.with_user(self.approver).validate_tier()
        loan_id = application.with_user(self.approver).action_approve()
        self.assertEqual(application.state, "contract")
        loan = self.env["microloan.loan"].browse(loan_id)
        self.assertEqual(
            (loan.partner_id, loan.amount, loan.application_id),
            (self.borrower, 80000.0, application),
        )

        # The borrower was mailed at each stage, with the template.
        messages = application.message_ids.filtered(
            lambda m: self.borrower in m.partner_ids
        )
        subjects = messages.mapped("subject")
        for stage in ("Draft", "Investigation", "Review", "Credit Committee"):
            self.assertIn(
                f"Your loan application {application.name}: {stage}", subjects
            )
        self.assertIn(f"Your loan application {application.name}: Contract", subjects)

        # The loan, once disbursed, is on the borrower's portal.
        loan.with_user(self.officer).with_company(self.branch_bj).action_submit()
        loan.action_approve()
        loan.disburse(loan.amount, loan.disbursement_date)
        self.authenticate("portal_a", "portal_a")
        page = self.url_open(f"/my/applications/{application.id}", timeout=60).text
        self.assertIn("Contract", page)
        self.assertIn(f"/my/loans/{loan.id}", page)
        page = self.url_open(f"/my/loans/{loan.id}", timeout=60).text
        self.assertIn(loan.name, page)
        self.assertIn("Repayment Schedule", page)
        self.assertEqual(page.count("<tr") - 1 >= loan.term, True)

    def test_portal_counters(self):
        self._create_application(purpose_note="Counter application")
        self.authenticate("portal_a", "portal_a")
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["microloan_application_count", "microloan_loan_count"]},
        )
        self.assertEqual(counters["microloan_application_count"], 1)
        self.assertEqual(counters["microloan_loan_count"], 0)
        self.authenticate("portal_b", "portal_b")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["microloan_application_count"]}
        )
        self.assertEqual(counters["microloan_application_count"], 0)

    def test_two_portal_borrowers_are_isolated(self):
        """Neither portal user reads the other's application or its files,
        on the portal or by RPC; neither may create one by RPC."""
        mine = self._create_application()
        self._attach(mine, self.doc_id)
        theirs = self._create_application(partner_id=self.borrower2.id)
        document = mine.document_ids.filtered("received")
        attachment = document.attachment_ids

        # By URL: the owner sees it, the other is sent home.
        self.authenticate("portal_a", "portal_a")
        response = self.url_open(f"/my/applications/{mine.id}", timeout=60)
        self.assertIn(mine.name, response.text)
        listing = self.url_open("/my/applications", timeout=60).text
        self.assertIn(mine.name, listing)
        self.assertNotIn(theirs.name, listing)
        self.authenticate("portal_b", "portal_b")
        response = self.url_open(f"/my/applications/{mine.id}", timeout=60)
        self.assertNotIn(mine.name, response.text)
        self.assertTrue(response.url.endswith("/my"), response.url)
        response = self.url_open(
            f"/web/content/{attachment.id}?download=true", timeout=60
        )
        self.assertNotEqual(response.status_code, 200)

        # And the other way round.
        self.authenticate("portal_a", "portal_a")
        response = self.url_open(f"/my/applications/{theirs.id}", timeout=60)
        self.assertNotIn(theirs.name, response.text)
        self.assertTrue(response.url.endswith("/my"), response.url)
        with self.assertRaises(xmlrpc.client.Fault):
            self._rpc(
                self.portal_a,
                "microloan.application",
                "read",
                theirs.ids,
                fields=["id"],
            )

        # By RPC: search finds only one's own, read of the other's is refused.
        self.assertEqual(
            self._rpc(self.portal_b, "microloan.application", "search", []),
            [theirs.id],
        )
        for model, record in (
            ("microloan.application", mine),
            ("microloan.application.document", document),
            ("ir.attachment", attachment),
        ):
            with self.assertRaises(xmlrpc.client.Fault, msg=model):
                self._rpc(self.portal_b, model, "read", [record.id], fields=["id"])
        self.assertEqual(
            self._rpc(
                self.portal_a,
                "microloan.application",
                "read",
                [mine.id],
                fields=["name"],
            ),
            [{"id": mine.id, "name": mine.name}],
        )
        with self.assertRaises(xmlrpc.client.Fault):
            self._rpc(
                self.portal_a,
                "microloan.application",
                "create",
                [self._application_vals(channel="portal")],
            )
        with self.assertRaises(xmlrpc.client.Fault):
            self._rpc(
                self.portal_a,
                "microloan.application",
                "write",
                [mine.id],
                {"amount": 1},
            )
        # The ORM, as the portal user.
        with self.assertRaises(AccessError):
            mine.with_user(self.portal_b).read(["name"])
        self.assertEqual(
            self.env["microloan.application"].with_user(self.portal_a).search([]), mine
        )

    def test_bad_input_is_refused_and_writes_nothing(self):
        """Each bad input shows a translated message (the user reads
        Simplified Chinese) and creates neither an application nor a file."""
        attachments_before = self.env["ir.attachment"].search_count([])
        id_card = self._document_field(self.doc_id)
        upload = {id_card: ("id.pdf", b"%PDF-1.4 id card", "application/pdf")}
        cases = [
            ({"amount": "abc"}, "必须是正数"),
            ({"amount": "nan"}, "必须是正数"),
            ({"amount": "-5"}, "必须是正数"),
            ({"amount": "99999999"}, "申请金额必须在"),
            ({"term": "12.5"}, "整数"),
            ({"term": "999"}, "申请期限必须在"),
            ({"purpose_id": "999999"}, "从列表中选择"),
            ({"guarantee_type_id": "x"}, "从列表中选择"),
            ({"purpose_note": "x" * 3000}, "过长"),
        ]
        for fields, message in cases:
            with self.subTest(fields=fields):
                response = self._apply("portal_b", files=upload, **fields)
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_microloan_apply_error", response.text)
                self.assertIn(message, response.text)
                self.assertFalse(self._applications(self.borrower2))
        with patch.object(portal_controller, "MAX_UPLOAD_BYTES", 4):
            response = self._apply("portal_b", files=upload)
        self.assertIn("过大", response.text)
        self.assertFalse(self._applications(self.borrower2))
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments_before)

        # A second open application for the same product: refused by the model.
        self._create_application(partner_id=self.borrower2.id)
        response = self._apply("portal_b", files=upload)
        self.assertIn("o_microloan_apply_error", response.text)
        self.assertEqual(len(self._applications(self.borrower2)), 1)
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments_before)

    def test_product_not_offered_and_non_borrower(self):
        self.product.credit_portal = False
        self.authenticate("portal_a", "portal_a")
        response = self.url_open(f"/my/applications/new/{self.product.id}", timeout=60)
        self.assertTrue(response.url.endswith("/my/applications/new"), response.url)
        self.product.credit_portal = True
        new_test_user(self.env, login="portal_c", groups="base.group_portal")
        self.authenticate("portal_c", "portal_c")
        response = self.url_open("/my/applications/new", timeout=60)
        self.assertIn("not linked to a borrower", response.text)
        response = self.url_open(f"/my/applications/new/{self.product.id}", timeout=60)
        self.assertTrue(response.url.endswith("/my/applications/new"), response.url)

    def test_stage_mail_in_the_borrowers_language(self):
        """The borrower of portal_b reads Simplified Chinese: the stage mail
        is rendered from the template in his language."""
        self.assertEqual(self.borrower2.lang, "zh_CN")
        application = self._create_application(partner_id=self.borrower2.id)
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        stage = application.with_context(lang="zh_CN").portal_stage_name
        self.assertNotEqual(stage, "Investigation")
        message = application.message_ids.filtered(
            lambda m: self.borrower2 in m.partner_ids
        )[:1]
        self.assertEqual(message.subject, f"您的贷款申请 {application.name}：{stage}")
        self.assertIn("现处于以下阶段", message.body)
        self.assertIn(stage, message.body)

    def test_missing_document_added_later(self):
        """The borrower adds a missing document to his open application; the
        other portal user cannot add files to it; an empty file is refused
        and writes nothing."""
        application = self._create_application()
        line = application.document_ids.filtered(
            lambda d: d.document_type_id == self.doc_bank
        )
        field = f"document_{line.id}"
        url = f"/my/applications/{application.id}/documents"
        upload = {field: ("bank.pdf", b"%PDF-1.4 bank", "application/pdf")}

        self.authenticate("portal_b", "portal_b")
        csrf_b = self._form("portal_b")
        response = self.url_open(
            url, data={"csrf_token": csrf_b}, files=upload, timeout=60
        )
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertFalse(line.received)

        self.authenticate("portal_a", "portal_a")
        page = self.url_open(f"/my/applications/{application.id}", timeout=60).text
        self.assertIn(f'name="{field}"', page)
        csrf_a = CSRF.search(page).group(1)
        response = self.url_open(
            url,
            data={"csrf_token": csrf_a},
            files={field: ("empty.pdf", b"", "application/pdf")},
            timeout=60,
        )
        self.assertIn("o_microloan_upload_error", response.text)
        self.assertFalse(line.received)
        response = self.url_open(
            url, data={"csrf_token": csrf_a}, files=upload, timeout=60
        )
        self.assertTrue(response.url.endswith(f"/my/applications/{application.id}"))
        line.invalidate_recordset()
        self.assertTrue(line.received)
        self.assertEqual(line.attachment_ids.name, "bank.pdf")
        self.assertEqual(line.attachment_ids.res_model, line._name)
