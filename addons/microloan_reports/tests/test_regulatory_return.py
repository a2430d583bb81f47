"""The monthly return of a 小额贷款公司: its figures against hand
computations (tests/analytics_common.py), its loan balance against the general
ledger, the XLSX read back with openpyxl, each branch kept to its own, bad
input refused."""

import io
from datetime import date
from decimal import Decimal

import openpyxl

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .analytics_common import AnalyticsCommon

D = Decimal
MAY_END = date(2025, 5, 31)


@tagged("post_install", "-at_install")
class TestRegulatoryReturn(AnalyticsCommon):
    def make(self, user=None, company=None, year=2025, month="5"):
        user = user or self.finance
        company = company or user.company_id
        return (
            self.env["microloan.regulatory.return"]
            .with_user(user)
            .with_company(user.company_id)
            .create({"company_id": company.id, "year": year, "month": month})
        )

    def xlsx(self, wizard):
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(self.env.user)
            ._render_xlsx(
                "microloan_reports.report_regulatory_return_xlsx", wizard.ids, {}
            )
        )
        self.assertEqual(kind, "xlsx")
        return openpyxl.load_workbook(io.BytesIO(content))

    def gl_principal(self, companies, day):
        """The general ledger's balance of the loans' principal accounts."""
        loans = self.env["microloan.loan"].search([("company_id", "in", companies.ids)])
        accounts = set()
        for loan in loans:
            accounts.add(
                loan.product_id._get_microloan_accounts(loan.company_id)["principal"].id
            )
        rows = self.env["account.move.line"]._read_group(
            [
                ("company_id", "in", companies.ids),
                ("account_id", "in", list(accounts)),
                ("parent_state", "=", "posted"),
                ("date", "<=", day),
            ],
            [],
            ["balance:sum"],
        )
        return rows[0][0]

    def test_figures_by_hand(self):
        figures = self.make()._get_return()
        self.assertEqual(figures["month_end"], MAY_END)
        self.assertEqual(
            figures["total"],
            {
                "balance": D("139615.12"),
                "loans": 2,
                "borrowers": 1,
                "new_amount": D("0.00"),
                "new_loans": 0,
                "ytd_amount": D("150000.00"),
            },
        )
        sections = dict(figures["sections"])
        by_term = dict(sections["By Term"])
        self.assertEqual(by_term["6 to 12 Months"]["balance"], D("92115.12"))
        self.assertEqual(by_term["3 to 6 Months"]["balance"], D("47500.00"))
        self.assertEqual(by_term["Up to 3 Months"]["loans"], 0)
        by_tier = dict(sections["By Classification"])
        self.assertEqual(
            [label for label, _row in sections["By Classification"]],
            [
                "Normal (正常)",
                "Special Mention (关注)",
                "Substandard (次级)",
                "Doubtful (可疑)",
                "Loss (损失)",
            ],
        )
        self.assertEqual(by_tier["Special Mention (关注)"]["balance"], D("92115.12"))
        self.assertEqual(by_tier["Substandard (次级)"]["balance"], D("47500.00"))
        by_type = dict(sections["By Borrower Type"])
        self.assertEqual(by_type["Individual"]["borrowers"], 1)
        by_guarantee = dict(sections["By Guarantee Method"])
        self.assertEqual(
            by_guarantee[self.type_credit.display_name]["balance"], D("139615.12")
        )
        # every breakdown adds up to the total
        for _title, lines in figures["sections"]:
            for name in ("balance", "loans", "new_amount", "ytd_amount"):
                self.assertEqual(
                    sum(row[name] for _label, row in lines), figures["total"][name]
                )
        funding = figures["funding"]
        self.assertEqual(funding["net_assets"], D("5000000.00"))
        self.assertEqual(funding["sources"]["bank"], D("1000000.00"))
        leverage = funding["leverage"]
        self.assertEqual(leverage.bank_and_shareholder.limit, D("5000000.00"))
        self.assertEqual(leverage.bank_and_shareholder.usage, D("0.2"))
        self.assertFalse(leverage.bank_and_shareholder.breached)
        self.assertEqual(leverage.bonds_and_abs.limit, D("20000000.00"))
        self.assertEqual(funding["single_borrower"].limit, D("500000.00"))
        self.assertEqual(funding["single_borrower"].exposure, D("139615.12"))

    def test_january_new_loans(self):
        total = self.make(month="1")._get_return()["total"]
        self.assertEqual(total["new_loans"], 2)
        self.assertEqual(total["new_amount"], D("150000.00"))
        self.assertEqual(total["balance"], D("150000.00"))

    def test_balances_reconcile_to_the_general_ledger(self):
        for month, day in (("1", date(2025, 1, 31)), ("2", date(2025, 2, 28))):
            total = self.make(month=month)._get_return()["total"]
            self.assertAlmostEqual(
                float(total["balance"]), self.gl_principal(self.branch_bj, day), 2
            )
        total = self.make()._get_return()["total"]
        self.assertAlmostEqual(
            float(total["balance"]), self.gl_principal(self.branch_bj, MAY_END), 2
        )
        self.assertAlmostEqual(self.gl_principal(self.branch_bj, MAY_END), 139615.12, 2)
        # head office: its branches too
        companies = self.head_office | self.branch_bj | self.branch_sh
        total = self.make(user=self.admin, company=self.head_office)._get_return()[
            "total"
        ]
        self.assertEqual(total["balance"], D("239615.12"))
        self.assertAlmostEqual(
            float(total["balance"]), self.gl_principal(companies, MAY_END), 2
        )

    def view_rows(self, companies, month):
        """The month view's rows of ``month``, by loan."""
        rows = self.env["microloan.performance.report"].search_read(
            [("company_id", "in", companies.ids), ("month", "=", month)],
            [
                "loan_id",
                "partner_id",
                "borrower_type",
                "term_band",
                "guarantee_type_id",
                "rate_band",
                "risk_tier",
                "new_loan_count",
                "balance_end",
                "disbursed_amount",
            ],
            load=None,
        )
        for row in rows:
            del row["id"]
        return {row.pop("loan_id"): row for row in rows}

    def test_rows_equal_the_month_view_and_the_ledger(self):
        """The return's rows, read per table, are the month view's rows of the
        month, and their balances the sub-ledger's of the ledger control."""
        Report = self.env["microloan.performance.report"]
        companies = self.head_office | self.branch_bj | self.branch_sh
        loans = self.loan | self.loan_2 | self.loan_sh
        for month in range(1, 13):
            start = date(2025, month, 1)
            end = self.make(month=str(month))._month_end
            rows = Report._get_month_end_rows(companies, start, end)
            view = self.view_rows(companies, start)
            self.assertEqual(set(rows), set(loans.ids))
            subledger = loans._get_subledger_balances(end)
            ytd = dict(
                Report._read_group(
                    [
                        ("company_id", "in", companies.ids),
                        ("month", ">=", date(2025, 1, 1)),
                        ("month", "<=", start),
                    ],
                    ["loan_id"],
                    ["disbursed_amount:sum"],
                )
            )
            for loan in loans:
                row, expected = rows[loan.id], view.get(loan.id)
                self.assertIsNotNone(expected, f"{loan.name} {start}")
                for name, value in expected.items():
                    if name in ("balance_end", "disbursed_amount"):
                        self.assertEqual(
                            row[name], D(str(value)).quantize(D("0.01")), name
                        )
                    else:
                        self.assertEqual(row[name], value, name)
                self.assertEqual(
                    row["ytd_amount"], D(str(ytd.get(loan, 0.0))).quantize(D("0.01"))
                )
                self.assertAlmostEqual(
                    float(row["balance_end"]), subledger[loan.id]["principal"], 2
                )
        # before the first disbursement: no row
        self.assertFalse(
            Report._get_month_end_rows(companies, date(2024, 12, 1), date(2024, 12, 31))
        )

    def test_queries_do_not_grow_with_the_book(self):
        wizard = self.make()
        wizard._get_return()
        self.env.invalidate_all()
        with self.assertQueryCount(15):
            wizard._get_return()
        for amount in (20000.0, 30000.0, 40000.0):
            self._active_loan(amount=amount)
        self.env.invalidate_all()
        with self.assertQueryCount(15):
            wizard._get_return()

    def test_xlsx(self):
        workbook = self.xlsx(self.make())
        self.assertEqual(workbook.sheetnames, ["Loans", "Funding and Leverage"])
        sheet = workbook["Loans"]
        self.assertEqual(sheet.freeze_panes, "B5")
        rows = [list(row) for row in sheet.iter_rows(min_row=5, values_only=True)]
        self.assertEqual(rows[0][0], "Total")
        self.assertAlmostEqual(rows[0][1], 139615.12, 2)
        self.assertEqual(rows[0][2:4], [2, 1])
        self.assertAlmostEqual(rows[0][6], 150000.0, 2)
        self.assertEqual(sheet.cell(row=5, column=2).number_format, "#,##0.00")
        # each section (a title row, then its categories) adds up to the total
        sections = []
        for row in rows[1:]:
            if row[1] is None:
                sections.append([])
            else:
                sections[-1].append(row)
        self.assertEqual(len(sections), 5)
        for section in sections:
            # a borrower may owe in two categories: his count does not add up
            for col in (1, 2, 4, 5, 6):
                self.assertAlmostEqual(
                    sum(row[col] for row in section), rows[0][col], 2
                )
        funding = workbook["Funding and Leverage"]
        values = {
            row[0]: row[1:]
            for row in funding.iter_rows(min_row=5, values_only=True)
            if row[0]
        }
        self.assertEqual(
            values["Net Assets at the End of the Previous Year"][0], 5000000.0
        )
        self.assertEqual(values["Borrowing from Banks"][0], 1000000.0)
        limit = values["Banks and Shareholders (at most 1 × net assets)"]
        self.assertEqual(limit[:4], (1000000.0, 5000000.0, 0.2, "Yes"))

    def test_a_branch_returns_only_its_own(self):
        total = self.make(user=self.finance_sh)._get_return()["total"]
        self.assertEqual(total["balance"], D("100000.00"))
        self.assertEqual(total["ytd_amount"], D("100000.00"))
        with self.assertRaises(ValidationError):
            self.make(user=self.finance_sh, company=self.branch_bj)
        with self.assertRaises(ValidationError):
            self.make(user=self.finance, company=self.head_office)
        with self.assertRaises(AccessError):
            self.make(user=self.officer)

    def test_bad_input(self):
        with self.assertRaises(ValidationError):
            self.make(year=1899)
        with self.assertRaises(ValueError):
            self.make(month="13")
        form = Form(self.env["microloan.regulatory.return"].with_user(self.finance))
        self.assertEqual(form.company_id, self.branch_bj)
        form.year = 2025
        form.month = "5"
        action = form.save().action_export()
        self.assertEqual(action["report_type"], "xlsx")
