"""Every document prints on real wkhtmltopdf, in Chinese, with the borrower,
the amount in figures and in capitals and the rate in its text layer."""

from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from microloan_engine.capitals import cny_capitals

from ..models.ir_actions_report import ASSET_LINK
from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestDocuments(ReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loan = cls._create_loan(guarantee_type_id=cls.type_guaranty.id)
        cls.env["microloan.guarantee"].create(
            {"loan_id": cls.loan.id, "partner_id": cls.guarantor.id, "kind": "joint"}
        )
        cls.loan.with_user(cls.officer).with_company(cls.branch_bj).action_submit()
        cls.loan.action_approve()
        cls.loan.disburse(cls.loan.amount, cls.loan.disbursement_date)

    def assertCommon(self, text, loan=None):
        loan = loan or self.loan
        self.assertIn("Zhang San", text)
        self.assertIn("人民币（大写）", text)
        self.assertIn("Beijing Branch", text)  # the branch's letterhead
        self.assertRegex(text, r"-\s*1\s*/\s*\d+\s*-")  # page numbers
        self.assertNotRegex(text, "[\u2e80-\u2fdf]")  # no radical in the text layer
        self.assertIn(loan.name, text)

    def test_contract(self):
        pdf, text = self.render_pdf("report_loan_contract", self.loan)
        self.assertCommon(text)
        self.assertIn("借款合同", text)
        self.assertIn("100,000.00", text)
        self.assertIn("壹拾万元整", text)
        self.assertIn("年利率", text)
        self.assertIn("12.00%", text)
        # the PBOC 2021 disclosure, with the engine's annualized rate
        self.assertIn("中国人民银行公告〔2021〕第3号", text)
        self.assertIn(f"{self.loan.annualized_rate:.2f}%", text)
        # the product's articles, the signature blocks and the schedule annex
        self.assertIn("第五条 借款用途", text)
        self.assertIn("借款人（签字）", text)
        self.assertIn("Li Si", text)  # the guarantor, with a signature block
        self.assertIn("保证人（签字）", text)
        self.assertIn("附件：还款计划表", text)
        self.assertIn("8,884.88", text)
        total = self.loan.total_payment
        self.assertIn(cny_capitals(f"{total:.2f}"), text)

    def wkhtmltopdf_delays(self, report, records):
        """The PDF of ``report`` and its text, and the ``--javascript-delay``
        of each wkhtmltopdf run it took."""
        from odoo.addons.base.models import ir_actions_report

        delays = []
        popen = ir_actions_report.subprocess.Popen

        def recording_popen(command, *args, **kwargs):
            if "--javascript-delay" in command:
                delays.append(command[command.index("--javascript-delay") + 1])
            return popen(command, *args, **kwargs)

        with patch.object(ir_actions_report.subprocess, "Popen", recording_popen):
            pdf, text = self.render_pdf(report, records)
        return pdf, text, delays

    def test_documents_print_without_waiting_for_scripts(self):
        """The documents load no script: wkhtmltopdf prints them without
        Odoo's wait of report.print_delay (1 s), and they keep their text,
        amounts, page numbers and letterhead."""
        _pdf, text, delays = self.wkhtmltopdf_delays("report_loan_contract", self.loan)
        self.assertEqual(delays, ["0"])
        self.assertCommon(text)
        self.assertIn("壹拾万元整", text)
        self.assertIn("附件：还款计划表", text)
        # a company can set another wait for its documents
        self.env["ir.config_parameter"].set_param(
            "microloan_reports.document_print_delay", "250"
        )
        _pdf, text, delays = self.wkhtmltopdf_delays("report_loan_schedule", self.loan)
        self.assertEqual(delays, ["250"])
        self.assertCommon(text)
        # the other reports keep Odoo's wait
        paperformat = self.env.company.paperformat_id
        args = self.env["ir.actions.report"]._build_wkhtmltopdf_args(paperformat, False)
        odoo_delay = (
            self.env["ir.config_parameter"].get_param("report.print_delay") or "1000"
        )
        self.assertEqual(args[args.index("--javascript-delay") + 1], odoo_delay)

    def test_documents_write_the_style_sheets_inline(self):
        """wkhtmltopdf gets the documents with the asset bundles' CSS written
        in (no request to report.url), a bundle not built yet as a link; the
        other reports keep their links."""
        self.env["ir.attachment"].create(
            {
                "name": "web.test_assets.min.css",
                "type": "binary",
                "raw": b".o_test_bundle { color: #123456; }",
                "url": "/web/assets/abc1234/web.test_assets.min.css",
                "res_model": "ir.ui.view",
                "public": True,
            }
        )
        html = (
            '<head><link type="text/css" rel="stylesheet" '
            'href="/web/assets/abc1234/web.test_assets.min.css"/>'
            '<link type="text/css" rel="stylesheet" '
            'href="/web/assets/fff0000/web.not_built.min.css"/></head>'
        )
        Report = self.env["ir.actions.report"]
        inlined = Report._microloan_inline_styles(html)
        self.assertIn("<style>.o_test_bundle { color: #123456; }</style>", inlined)
        self.assertNotIn("abc1234", inlined)
        self.assertIn('href="/web/assets/fff0000/web.not_built.min.css"', inlined)
        # what the contract gives wkhtmltopdf: the bundles built are inline
        from odoo.addons.base.models import ir_actions_report

        pages = []
        popen = ir_actions_report.subprocess.Popen

        def reading_popen(command, *args, **kwargs):
            for path in command:
                if str(path).endswith(".html"):
                    with open(path, encoding="utf-8") as page:
                        pages.append(page.read())
            return popen(command, *args, **kwargs)

        with patch.object(ir_actions_report.subprocess, "Popen", reading_popen):
            _pdf, text = self.render_pdf("report_loan_contract", self.loan)
        self.assertCommon(text)
        body = pages[-1]
        for url in ASSET_LINK.findall(body):
            self.assertFalse(
                self.env["ir.attachment"].sudo().search_count([("url", "=", url)]),
                f"{url} is built but linked",
            )

    def test_contract_template_per_product(self):
        template = self.env["microloan.contract.template"].create(
            {
                "name": "Business",
                "title": "Business Loan Contract",
                "clauses": "<p>Article 5. A clause of our own.</p>",
            }
        )
        self.product.contract_template_id = template
        _pdf, text = self.render_pdf("report_loan_contract", self.loan)
        self.assertIn("Business Loan Contract", text)
        self.assertIn("A clause of our own.", text)
        self.assertNotIn("第五条 借款用途", text)

    def test_schedule(self):
        _pdf, text = self.render_pdf("report_loan_schedule", self.loan)
        self.assertCommon(text)
        self.assertIn("还款计划表", text)
        self.assertIn("壹拾万元整", text)
        self.assertIn("12.00%", text)
        self.assertIn("2026年01月10日", text)  # the maturity, in the Chinese format
        self.assertIn(cny_capitals(f"{self.loan.total_payment:.2f}"), text)

    def test_receipt(self):
        tx_id = self.loan.with_user(self.finance_user).register_repayment(
            8884.88, "2025-02-10", reference="R-1"
        )
        transaction = self.env["microloan.loan.transaction"].browse(tx_id)
        _pdf, text = self.render_pdf("report_loan_receipt", transaction)
        self.assertCommon(text)
        self.assertIn("还款凭证", text)
        self.assertIn("8,884.88", text)
        self.assertIn("捌仟捌佰捌拾肆元捌角捌分", text)
        self.assertIn("12.00%", text)
        # the allocation: interest 1,000.00 and principal 7,884.88 of installment 1
        self.assertIn("1,000.00", text)
        self.assertIn("7,884.88", text)
        self.assertIn(transaction.name, text)
        disbursement = self.loan.transaction_ids.filtered(
            lambda t: t.kind == "disbursement"
        )
        with self.assertRaises(UserError):
            self.render_html("report_loan_receipt", disbursement)

    def test_statement(self):
        self.loan.with_user(self.finance_user).register_repayment(8884.88, "2025-02-10")
        self.loan.with_user(self.finance_user).register_repayment(8884.88, "2025-03-10")
        wizard = Form(
            self.env["microloan.loan.statement"]
            .with_user(self.officer)
            .with_company(self.branch_bj)
            .with_context(default_loan_id=self.loan.id)
        )
        wizard.date_from = fields.Date.to_date("2025-03-01")
        wizard.date_to = fields.Date.to_date("2025-03-31")
        action = wizard.save().action_print()
        self.assertEqual(
            action["data"], {"date_from": "2025-03-01", "date_to": "2025-03-31"}
        )
        _pdf, text = self.render_pdf("report_loan_statement", self.loan, action["data"])
        self.assertCommon(text)
        self.assertIn("对账单", text)
        # only the March repayment is in the period
        self.assertIn("捌仟捌佰捌拾肆元捌角捌分", text)
        self.assertIn("12.00%", text)
        # its row, the totals row and the amount repaid in the period
        self.assertEqual(text.count("8,884.88"), 3)
        self.assertNotIn("02/10", text.replace("2025年02月10日", "02/10"))
        with self.assertRaises(ValidationError):
            self.env["microloan.loan.statement"].create(
                {
                    "loan_id": self.loan.id,
                    "date_from": "2025-04-01",
                    "date_to": "2025-03-01",
                }
            )

    def test_overdue_notice(self):
        # nothing paid: installments 1 (02-10) and 2 (03-10) overdue on 03-20
        wizard = Form(
            self.env["microloan.loan.overdue.notice"]
            .with_user(self.officer)
            .with_company(self.branch_bj)
            .with_context(default_loan_id=self.loan.id)
        )
        wizard.date = fields.Date.to_date("2025-03-20")
        action = wizard.save().action_print()
        _pdf, text = self.render_pdf(
            "report_loan_overdue_notice", self.loan, action["data"]
        )
        self.assertCommon(text)
        self.assertIn("逾期催收通知书", text)
        self.assertIn("12.00%", text)
        report = self.env["report.microloan_reports.report_loan_overdue_notice"]
        values = report._get_report_values(self.loan.ids, action["data"])
        figures = values["figures"][self.loan.id]
        notice = figures["notice"]
        # the engine's figures: 2 installments, 38 days for the first
        self.assertEqual(figures["overdue_installments"], 2)
        self.assertEqual(figures["days_past_due"], 38)
        self.assertGreater(notice["penalty"], 0)
        self.assertAlmostEqual(
            notice["total"],
            notice["principal"]
            + notice["interest"]
            + notice["penalty"]
            + notice["compound"]
            + notice["fees"],
            places=2,
        )
        self.assertIn(f"{notice['total']:,.2f}", text)
        self.assertIn(f"{notice['penalty']:,.2f}", text)
        self.assertIn(cny_capitals(f"{notice['total']:.2f}"), text)
        # the payoff on the day is the servicing API's quote
        self.assertEqual(figures["payoff"], self.loan.payoff_quote("2025-03-20"))

    def test_settlement_certificate(self):
        with self.assertRaises(UserError):
            self.render_html("report_loan_settlement", self.loan)
        self.loan.with_user(self.finance_user).payoff("2025-03-10")
        self.assertEqual(self.loan.state, "closed")
        _pdf, text = self.render_pdf("report_loan_settlement", self.loan)
        self.assertCommon(text)
        self.assertIn("结清证明", text)
        self.assertIn("壹拾万元整", text)  # disbursed
        self.assertIn("100,000.00", text)
        self.assertIn("12.00%", text)

    def test_extension_agreement(self):
        with self.assertRaises(UserError):
            self.render_html("report_loan_extension", self.loan)
        self.loan.with_user(self.finance_user).register_repayment(8884.88, "2025-02-10")
        self.loan.with_user(self.approver).with_company(self.branch_bj).extend(
            extra_periods=3, date="2025-02-20", reason="Harvest delayed"
        )
        _pdf, text = self.render_pdf("report_loan_extension", self.loan)
        self.assertCommon(text)
        self.assertIn("展期协议", text)
        self.assertIn("展期前", text)
        self.assertIn("展期后", text)
        self.assertIn("Harvest delayed", text)
        self.assertIn("壹拾万元整", text)
        # the maturity before (12 periods) and after (15 periods)
        version = self.loan.schedule_version_ids[:1]
        self.assertEqual(str(version.maturity_date), "2026-01-10")
        self.assertEqual(str(self.loan.maturity_date), "2026-04-10")
        self.assertRegex(text, "到期日 +2026年01月10日 +2026年04月10日")

    def test_print_menus(self):
        """The loan's and the transaction's Print menus list the documents."""
        Report = self.env["ir.actions.report"]
        loan_reports = Report.search(
            [("binding_model_id.model", "=", "microloan.loan")]
        ).mapped("report_name")
        for name in ("contract", "schedule", "settlement", "extension"):
            self.assertIn(f"microloan_reports.report_loan_{name}", loan_reports)
        wizards = self.env["ir.actions.act_window"].search(
            [
                ("binding_model_id.model", "=", "microloan.loan"),
                ("binding_type", "=", "report"),
            ]
        )
        self.assertEqual(
            set(wizards.mapped("res_model")),
            {"microloan.loan.statement", "microloan.loan.overdue.notice"},
        )
        transaction_reports = Report.search(
            [("binding_model_id.model", "=", "microloan.loan.transaction")]
        ).mapped("report_name")
        self.assertIn("microloan_reports.report_loan_receipt", transaction_reports)
