"""A user of one branch cannot print another branch's documents, nor see its
printed contracts; head office sees all."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReportsCommon

LOAN_REPORTS = (
    "report_loan_contract",
    "report_loan_schedule",
    "report_loan_statement",
    "report_loan_overdue_notice",
    "report_loan_settlement",
    "report_loan_extension",
)


@tagged("post_install", "-at_install")
class TestBranchIsolation(ReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loan = cls._active_loan()
        tx_id = cls.loan.with_user(cls.finance_user).register_repayment(
            8884.88, "2025-02-10"
        )
        cls.transaction = cls.env["microloan.loan.transaction"].browse(tx_id)

    def test_another_branch_cannot_print(self):
        for report in LOAN_REPORTS:
            with self.subTest(report=report), self.assertRaises(AccessError):
                self.render_html(report, self.loan, user=self.officer_sh)
        with self.assertRaises(AccessError):
            self.render_html(
                "report_loan_receipt", self.transaction, user=self.officer_sh
            )
        with self.assertRaises(AccessError):
            self.loan.with_user(self.officer_sh).action_print_contract_version()

    def test_printed_contracts_stay_in_their_branch(self):
        self.render_pdf("report_loan_contract", self.loan, user=self.officer)
        contract = self.loan.contract_ids
        Contract = self.env["microloan.loan.contract"]
        self.assertFalse(Contract.with_user(self.officer_sh).search([]))
        self.assertEqual(Contract.with_user(self.officer).search([]), contract)
        with self.assertRaises(AccessError):
            contract.attachment_id.with_user(self.officer_sh).read(["raw"])
        # head office's administrator sees every branch
        self.assertEqual(Contract.with_user(self.admin).search([]), contract)

    def test_own_branch_prints(self):
        html = self.render_html("report_loan_schedule", self.loan, user=self.officer)
        self.assertIn(self.loan.name, html.decode())
        html = self.render_html(
            "report_loan_receipt", self.transaction, user=self.officer
        )
        self.assertIn(self.transaction.name, html.decode())

    def test_head_office_prints_its_branches_documents(self):
        """Head office, with head office alone selected in the switcher,
        prints a branch's documents and exports its ledger; the other branch
        still cannot."""
        admin = self.admin.with_company(self.head_office)
        self.assertEqual(admin.env.companies, self.head_office)
        Report = self.env["ir.actions.report"].with_user(admin)
        Report = Report.with_company(self.head_office)
        # The documents of an active loan (settlement and extension need
        # their events).
        for report in LOAN_REPORTS[:4]:
            html = Report._render_qweb_html(
                f"microloan_reports.{report}", self.loan.ids
            )[0]
            self.assertIn(self.loan.name, html.decode(), report)
        html = Report._render_qweb_html(
            "microloan_reports.report_loan_receipt", self.transaction.ids
        )[0]
        self.assertIn(self.transaction.name, html.decode())
        wizard = (
            self.env["microloan.loan.ledger.export"]
            .with_user(admin)
            .with_company(self.head_office)
            .create({"date_from": "2025-01-01", "date_to": "2025-03-31"})
        )
        self.assertEqual(
            set(wizard.company_ids.ids),
            {self.head_office.id, self.branch_bj.id, self.branch_sh.id},
        )
        with self.assertRaises(AccessError):
            self.render_html("report_loan_contract", self.loan, user=self.officer_sh)
