"""The loan approval form and the investigation report of an application:
rendered by wkhtmltopdf in Chinese, with the applicant, the amounts in figures
and in capitals and the grade; refused to another branch."""

import subprocess
import tempfile

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.microloan_credit.tests.common import CreditCommon

APPROVAL = "microloan_reports_credit.report_approval_form"
INVESTIGATION = "microloan_reports_credit.report_investigation"


@tagged("post_install", "-at_install")
class TestCreditDocuments(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["microloan_credit", "microloan_reports", "microloan_reports_credit"],
            ["zh_CN"],
        )
        cls.borrower.write({"name": "张晓梅", "street": "武侯区玉林南路 12 号"})
        scorecard = cls.env["microloan.scorecard"].create(
            {
                "name": "Retail",
                "code": "RETAIL",
                "company_id": cls.head_office.id,
                "product_ids": [Command.set(cls.product.ids)],
                "characteristic_ids": [
                    Command.create(
                        {
                            "source": "amount",
                            "sequence": 1,
                            "bin_ids": [
                                Command.create(
                                    {"lower_open": True, "upper": 200000, "points": 85}
                                ),
                                Command.create(
                                    {"lower": 200000, "upper_open": True, "points": 0}
                                ),
                            ],
                        }
                    )
                ],
                "cutoff_ids": [
                    Command.create(
                        {
                            "min_score": 80,
                            "grade": "A",
                            "decision": "approve",
                            "max_amount": 300000,
                        }
                    ),
                    Command.create(
                        {"min_score": -100, "grade": "E", "decision": "decline"}
                    ),
                ],
            }
        )
        scorecard.with_user(cls.risk).action_activate()

    def _approved_application(self):
        application = self._create_application()
        self._to_approval(application)
        application.with_user(self.officer).action_compute_score()
        application.with_user(self.approver).action_approve(amount=80000.0)
        return application

    def render_pdf(self, report, records, user=None):
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        if user:
            Report = Report.with_user(user).with_company(records.company_id)
        pdf, kind = Report._render_qweb_pdf(report, records.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            return subprocess.run(
                ["pdftotext", "-layout", file.name, "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout

    def test_approval_form(self):
        application = self._approved_application()
        self.assertEqual(application.score_grade, "A")
        text = self.render_pdf(APPROVAL, application, user=self.officer)
        self.assertIn("贷款审批表", text)
        self.assertIn("张晓梅", text)
        self.assertIn(application.name, text)
        # requested 100,000 and approved 80,000, in figures and in capitals
        self.assertIn("100,000.00", text)
        self.assertIn("壹拾万元整", text)
        self.assertIn("80,000.00", text)
        self.assertIn("捌万元整", text)
        self.assertIn("85.00", text)
        self.assertRegex(text, r"\bA\b")
        self.assertIn("Cash flow covers it.", text)
        self.assertIn("Opinion of committee2_bj", text)
        self.assertIn("Steady shop, six years at the same market.", text)

    def test_investigation_report(self):
        application = self._create_application()
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self._investigate(application, business_description="杂货批发，门店两间")
        text = self.render_pdf(INVESTIGATION, application, user=self.officer)
        self.assertIn("调查报告", text)
        self.assertIn("张晓梅", text)
        self.assertIn("杂货批发", text)
        self.assertIn("壹拾万元整", text)
        self.assertIn("捌万元整", text)
        self.assertIn("80,000.00", text)
        # the figures of the report: cash flow, net worth and the other debt
        self.assertIn("12,000.00", text)
        self.assertIn("380,000.00", text)
        self.assertIn("ICBC", text)
        self.assertIn(f"{application.investigation_id.debt_service_ratio:.2f}", text)

    def test_another_branch_cannot_print(self):
        application = self._approved_application()
        for report in (APPROVAL, INVESTIGATION):
            with self.subTest(report=report), self.assertRaises(AccessError):
                self.env["ir.actions.report"].with_user(self.officer_sh).with_company(
                    self.officer_sh.company_id
                )._render_qweb_html(report, application.ids)
            # the branch's own officer and head office print it
            self.env["ir.actions.report"].with_user(self.officer)._render_qweb_html(
                report, application.ids
            )
            self.env["ir.actions.report"].with_user(self.admin)._render_qweb_html(
                report, application.ids
            )

    def test_print_menu(self):
        bindings = self.env["ir.actions.report"].search(
            [("binding_model_id.model", "=", "microloan.application")]
        )
        self.assertIn(APPROVAL, bindings.mapped("report_name"))
        self.assertIn(INVESTIGATION, bindings.mapped("report_name"))
