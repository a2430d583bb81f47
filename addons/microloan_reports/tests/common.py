import subprocess
import tempfile

from odoo.addons.microloan_base.tests.lifecycle_common import LifecycleCommon


class ReportsCommon(LifecycleCommon):
    """The base test book (branches BJ and SH, the §1.1 loan of 100,000 at 12%
    over 12 months, disbursed 2025-01-10) with Simplified Chinese active, the
    language the documents print in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(["microloan_reports"], ["zh_CN"])
        cls.borrower.write(
            {
                "street": "武侯区玉林南路 12 号",
                "city": "成都",
                "phone": "+86 28 1234 5678",
            }
        )
        cls.finance_user = cls.finance.with_company(cls.branch_bj)

    def render_pdf(self, report, records, data=None, user=None):
        """The PDF of ``report`` for ``records`` rendered by wkhtmltopdf (as
        ``user``), and its text layer as pdftotext reads it."""
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        if user:
            Report = Report.with_user(user).with_company(records.company_id)
        pdf, kind = Report._render_qweb_pdf(
            f"microloan_reports.{report}", records.ids, data=data
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf, self.pdf_text(pdf)

    @staticmethod
    def pdf_text(pdf):
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(pdf)
            file.flush()
            return subprocess.run(
                ["pdftotext", "-layout", file.name, "-"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout

    def render_html(self, report, records, data=None, user=None):
        """The HTML of ``report`` (no wkhtmltopdf): for the refusals."""
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user).with_company(user.company_id)
        return Report._render_qweb_html(
            f"microloan_reports.{report}", records.ids, data=data
        )[0]
