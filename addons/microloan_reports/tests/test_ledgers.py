"""The XLSX ledgers open with openpyxl; their totals equal the sub-ledger and
the general ledger."""

import io
from datetime import date

import openpyxl

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import ReportsCommon


@tagged("post_install", "-at_install")
class TestLedgers(ReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.company_ids |= cls.branch_bj | cls.branch_sh
        # The branches book in head office's chart (Odoo's branches share it).
        cls.env["account.chart.template"].try_loading(
            "generic_coa", cls.head_office, install_demo=False
        )
        (cls.branch_bj | cls.branch_sh).action_microloan_default_accounts()
        cls.loan = cls._active_loan()
        cls.loan_2 = cls._active_loan(amount=50000.0, term=6)
        cls.loan_sh = cls._active_loan_sh()
        finance = cls.finance_user
        cls.loan.with_user(finance).register_repayment(8884.88, "2025-02-10")
        cls.loan.with_user(finance).register_repayment(5000.00, "2025-03-15")
        cls.loan_2.with_user(finance).register_repayment(3000.00, "2025-02-10")

    def export(self, user=None, **values):
        values.setdefault("date_from", "2025-01-01")
        values.setdefault("date_to", "2025-03-31")
        Wizard = self.env["microloan.loan.ledger.export"]
        if user:
            Wizard = Wizard.with_user(user).with_company(user.company_id)
        wizard = Wizard.create(values)
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(user or self.env.user)
            ._render_xlsx("microloan_reports.report_loan_ledger_xlsx", wizard.ids, {})
        )
        self.assertEqual(kind, "xlsx")
        return openpyxl.load_workbook(io.BytesIO(content)).active

    def rows(self, sheet):
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        return values[0], values[1:-1], values[-1]

    def test_portfolio_totals_equal_the_subledger_and_the_ledger(self):
        sheet = self.export(company_ids=[(6, 0, self.branch_bj.ids)])
        header, rows, total = self.rows(sheet)
        self.assertEqual(sheet.freeze_panes, "A2")
        column = header.index("Principal Balance")
        self.assertEqual({row[1] for row in rows}, {self.loan.name, self.loan_2.name})
        self.assertEqual(total[0], "Total")
        loans = self.loan | self.loan_2
        on = date(2025, 3, 31)
        subledger = loans._get_subledger_balances(on)
        ledger = loans._get_ledger_balances(on)
        expected = sum(subledger[loan.id]["principal"] for loan in loans)
        self.assertAlmostEqual(total[column], expected, places=2)
        self.assertAlmostEqual(
            total[column], sum(ledger[loan.id]["principal"] for loan in loans), 2
        )
        # what was lent less the principal part of each repayment
        repaid = loans.transaction_ids.filtered(lambda t: t.kind == "repayment")
        self.assertEqual(len(repaid), 3)
        self.assertAlmostEqual(
            total[column], 150000.0 - sum(repaid.mapped("principal_amount")), 2
        )
        self.assertEqual(sheet.cell(row=2, column=column + 1).number_format, "#,##0.00")
        self.assertAlmostEqual(total[header.index("Amount")], 150000.0, places=2)

    def test_filters(self):
        sheet = self.export(amount_max=60000.0)
        _header, rows, _total = self.rows(sheet)
        self.assertEqual([row[1] for row in rows], [self.loan_2.name])
        sheet = self.export(borrower_scope="enterprise")
        _header, rows, _total = self.rows(sheet)
        self.assertEqual([row[1] for row in rows], [self.loan_sh.name])
        sheet = self.export(borrower_scope="farmer")
        _header, rows, _total = self.rows(sheet)
        self.assertEqual(rows, [])
        sheet = self.export(user_ids=[(6, 0, self.officer_sh.ids)])
        _header, rows, _total = self.rows(sheet)
        self.assertEqual([row[1] for row in rows], [self.loan_sh.name])

    def test_repayments_and_disbursements_of_a_period(self):
        sheet = self.export(
            ledger="repayments", date_from="2025-02-01", date_to="2025-02-28"
        )
        header, rows, total = self.rows(sheet)
        self.assertEqual(len(rows), 2)
        self.assertAlmostEqual(
            total[header.index("Amount")], 8884.88 + 3000.0, places=2
        )
        self.assertAlmostEqual(
            total[header.index("Principal")], 7884.88 + 2500.0, places=2
        )
        # the GL: the principal account credited by these repayments
        moves = (
            self.env["microloan.loan.transaction"]
            .search([("kind", "=", "repayment"), ("date", "<=", "2025-02-28")])
            .move_id
        )
        self.assertEqual(len(moves), 2)
        sheet = self.export(ledger="disbursements")
        header, rows, total = self.rows(sheet)
        self.assertAlmostEqual(total[header.index("Amount")], 250000.0, places=2)

    def test_overdue_and_classification(self):
        self._close(date(2025, 3, 31), self.branch_bj | self.branch_sh)
        sheet = self.export(ledger="overdue")
        header, rows, total = self.rows(sheet)
        overdue = (self.loan | self.loan_2 | self.loan_sh).filtered("days_past_due")
        self.assertEqual({row[1] for row in rows}, set(overdue.mapped("name")))
        self.assertAlmostEqual(
            total[header.index("Overdue Principal")],
            sum(overdue.mapped("overdue_principal")),
            2,
        )
        sheet = self.export(ledger="classification")
        header, rows, total = self.rows(sheet)
        loans = self.loan | self.loan_2 | self.loan_sh
        balances = loans._get_subledger_balances(date(2025, 3, 31))
        self.assertAlmostEqual(
            total[header.index("Principal Balance")],
            sum(balances[loan.id]["principal"] for loan in loans),
            places=2,
        )
        self.assertEqual(total[header.index("Loans")], 3)

    def test_a_branch_exports_only_its_own_loans(self):
        sheet = self.export(user=self.officer_sh)
        _header, rows, _total = self.rows(sheet)
        self.assertEqual([row[1] for row in rows], [self.loan_sh.name])
        sheet = self.export(user=self.officer)
        _header, rows, _total = self.rows(sheet)
        self.assertEqual({row[1] for row in rows}, {self.loan.name, self.loan_2.name})

    def test_bad_filters_are_refused(self):
        with self.assertRaises(ValidationError):
            self.env["microloan.loan.ledger.export"].create(
                {"date_from": "2025-04-01", "date_to": "2025-03-01"}
            )
        with self.assertRaises(ValidationError):
            self.env["microloan.loan.ledger.export"].create(
                {"amount_min": 5000.0, "amount_max": 100.0}
            )
        form = Form(self.env["microloan.loan.ledger.export"].with_user(self.officer))
        form.date_from = fields.Date.to_date("2025-03-01")
        form.date_to = fields.Date.to_date("2025-03-31")
        action = form.save().action_export()
        self.assertEqual(action["report_type"], "xlsx")
