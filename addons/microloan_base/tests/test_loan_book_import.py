import io
from dataclasses import replace
from datetime import date
from decimal import Decimal

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import file_open

from microloan_engine import build_schedule
from microloan_engine.allocation import (
    Payment,
    payoff_quote,
    position_from_schedule,
    replay,
)

from .common import MicroloanCommon, make_resident_id

D = Decimal
FIELDS = (
    "principal_paid",
    "interest_paid",
    "fee_paid",
    "penalty",
    "compound",
    "penalty_paid",
    "compound_paid",
)
HEADER = (
    "loan_ref,row_type,borrower_name,borrower_type,id_type,id_number,"
    "product_code,amount,interest_rate,term,date,reference,officer"
)


def csv_bytes(*rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode()


@tagged("post_install", "-at_install")
class TestLoanBookImport(MicroloanCommon):
    """Issue 12, item 9: an existing loan book imported from the template,
    checked row by row, all or nothing, through the servicing API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Import = cls.env["microloan.loan.book.import"]
        cls.new_id = make_resident_id("51010719850312002")
        cls.admin_bj = new_test_user(
            cls.env,
            login="admin_bj",
            groups="microloan_base.group_microloan_admin",
            company_id=cls.branch_bj.id,
            company_ids=[Command.set(cls.branch_bj.ids)],
        )

    def _import(self, content, user=None, company=None, name="book.csv"):
        user = user or self.admin_bj
        company = company or self.branch_bj
        return (
            self.Import.with_user(user)
            .with_company(company)
            ._import_loan_book(company, content, name)
        )

    def _book(self):
        borrower_id = self.borrower.microloan_id_number
        return csv_bytes(
            f"OLD-1,loan,,,,{borrower_id},BIZ,100000,12,12,2025-01-10,,",
            "OLD-1,repayment,,,,,,8884.88,,,2025-02-10,R1-1,",
            "OLD-1,repayment,,,,,,5000,,,2025-03-20,R1-2,",
            "OLD-1,repayment,,,,,,12000.5,,,2025-04-10,R1-3,",
            f"OLD-2,loan,Chen Ming,individual,resident_id,{self.new_id},BIZ,"
            "30000,9.6,6,2025-02-01,,officer_bj",
            "OLD-2,repayment,,,,,,5200,,,2025-03-01,,",
        )

    def _expected(self, loan, start, payments, as_of):
        terms = replace(
            loan._engine_terms(),
            principal=D(str(loan.amount)),
            disbursement_date=start,
        )
        position = position_from_schedule(
            build_schedule(terms),
            start,
            D(str(loan.interest_rate)) / 100,
            day_count=loan.product_id.day_count,
            penalty_terms=loan._engine_penalty_terms(),
        )
        order, by_installment = loan.product_id._get_allocation_order()
        return replay(
            position,
            [
                Payment(on, D(amount), sequence=i)
                for i, (on, amount) in enumerate(payments)
            ],
            as_of,
            order,
            by_installment=by_installment,
            credit_on_due_dates=False,
        )

    def test_import_reconciles_to_the_engine(self):
        loan_ids = self._import(self._book())
        loans = self.env["microloan.loan"].browse(loan_ids)
        self.assertEqual(len(loans), 2)
        old1, old2 = loans
        self.assertEqual(old1.partner_id, self.borrower)
        self.assertEqual(old2.partner_id.name, "Chen Ming")
        self.assertEqual(old2.partner_id.company_id, self.branch_bj)
        self.assertEqual(old2.user_id, self.officer)
        self.assertEqual(set(loans.mapped("state")), {"active"})
        self.assertEqual(set(loans.mapped("company_id")), {self.branch_bj})
        self.assertEqual(old1.approved_by_id, self.admin_bj)
        books = {
            old1: (
                date(2025, 1, 10),
                [
                    (date(2025, 2, 10), "8884.88"),
                    (date(2025, 3, 20), "5000"),
                    (date(2025, 4, 10), "12000.5"),
                ],
            ),
            old2: (date(2025, 2, 1), [(date(2025, 3, 1), "5200")]),
        }
        for loan, (start, payments) in books.items():
            kinds = loan.transaction_ids.mapped("kind")
            self.assertEqual(kinds.count("disbursement"), 1)
            self.assertEqual(kinds.count("repayment"), len(payments))
            self.assertEqual(loan.amount_disbursed, loan.amount)
            as_of = payments[-1][0]
            expected = self._expected(loan, start, payments, as_of)
            with self.subTest(loan=loan.name):
                self.assertEqual(
                    [
                        {name: loan._money(inst[name]) for name in FIELDS}
                        for inst in loan._engine_installments()
                    ],
                    [
                        {name: getattr(inst, name) for name in FIELDS}
                        for inst in expected.position.installments
                    ],
                )
                self.assertEqual(loan._money(loan.credit_balance), expected.credit)
                self.assertEqual(
                    D(str(loan.payoff_quote(as_of)["total"])),
                    payoff_quote(
                        expected.position, as_of, loan._prepayment_fee_rate()
                    ).total,
                )
        # Ready for the nightly close: not closed yet, from its disbursement.
        self.assertFalse(old1.last_close_date)
        self.env["microloan.loan"]._run_daily_close(date(2025, 4, 30), self.branch_bj)
        self.assertEqual(old1.last_close_date, date(2025, 4, 30))

    def test_xlsx_with_translated_headers(self):
        import openpyxl

        Import = self.Import.with_context(lang="zh_CN")
        self.env["res.lang"]._activate_lang("zh_CN")
        template = openpyxl.load_workbook(io.BytesIO(Import._template_xlsx()))
        header = [cell.value for cell in template.active[1]]
        self.assertEqual(header, [label for _key, label in Import._columns()])
        sheet = template.active
        sheet.append(
            [
                "OLD-9",
                Import._row_types()["loan"],
                None,
                None,
                None,
                self.borrower.microloan_id_number,
                "BIZ",
                20000,
                12,
                6,
                date(2025, 1, 10),
                None,
                None,
            ]
        )
        sheet.append(
            [
                "OLD-9",
                Import._row_types()["repayment"],
                *[None] * 5,
                3450.1,
                None,
                None,
                "2025/02/10",
                "X-1",
                None,
            ]
        )
        out = io.BytesIO()
        template.save(out)
        loan_ids = self._import(out.getvalue(), name="book.xlsx")
        loan = self.env["microloan.loan"].browse(loan_ids)
        self.assertEqual(loan.amount, 20000)
        self.assertEqual(
            loan.transaction_ids.filtered(lambda t: t.kind == "repayment").amount,
            3450.1,
        )

    def test_sample_file_of_the_module_reads(self):
        """The sample shipped in static/import (Chinese headers and row types)."""
        self.env["res.lang"]._activate_lang("zh_CN")
        with file_open(
            "microloan_base/static/import/loan_book_sample.csv", "rb"
        ) as sample:
            rows = self.Import.with_context(lang="zh_CN")._read_file(
                sample.read(), "loan_book_sample.csv"
            )
        self.assertEqual(len(rows), 6)
        number, first = rows[0]
        self.assertEqual(number, 2)
        self.assertEqual(first["loan_ref"], "CD-OLD-001")
        self.assertEqual(first["product_code"], "EMI12")
        self.assertEqual(rows[1][1]["reference"], "OLD-001-01")

    def test_bad_row_imports_nothing(self):
        Loan = self.env["microloan.loan"]
        before = Loan.search_count([])
        partners = self.env["res.partner"].search_count([])
        book = self._book() + b"OLD-2,repayment,,,,,,abc,,,2025-03-05,,\n"
        with self.assertRaises(UserError) as caught:
            self._import(book)
        message = str(caught.exception)
        self.assertIn("Row 8", message)
        self.assertIn("Amount", message)
        self.assertIn("Nothing was imported", message)
        # Several errors are all listed, each with its row and column.
        book = csv_bytes(
            "OLD-1,loan,,,,,NOPE,100000,12,12,2025-01-10,,",
            "OLD-1,payment,,,,,,10,,,2025-02-10,,",
            "OLD-3,repayment,,,,,,10,,,2025-13-10,,",
        )
        with self.assertRaises(UserError) as caught:
            self._import(book)
        message = str(caught.exception)
        for expected in (
            "Row 2, column ID Number",
            "Row 2, column Product Code",
            "Row 3, column Row Type",
            "Row 4, column Date",
        ):
            self.assertIn(expected, message)
        # A refusal while posting (an invalid identity number, found when the
        # borrower is created after the first loan was posted) rolls back the
        # loans already posted: the caller's transaction is rolled back.
        book = self._book().replace(
            self.new_id.encode(),
            make_resident_id("51010719850312002")[:-1].encode()
            + (b"0" if not self.new_id.endswith("0") else b"1"),
        )
        with self.assertRaises(UserError) as caught:
            self._import(book)
        self.assertIn("row 6, column ID Number", str(caught.exception))
        self.assertEqual(Loan.search_count([]), before)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        # Outside the product's limits: named on the row.
        with self.assertRaises(UserError) as caught:
            self._import(
                csv_bytes(
                    f"OLD-1,loan,,,,{self.borrower.microloan_id_number},BIZ,"
                    "900000,30,48,2025-01-10,,"
                )
            )
        for expected in (
            "Row 2, column Amount",
            "Row 2, column Annual Rate (%)",
            "Row 2, column Term (Months)",
        ):
            self.assertIn(expected, str(caught.exception))
        self.assertEqual(Loan.search_count([]), before)
        # A product whose loans need guarantors: the import brings none.
        self.product.guarantee_type_ids = self.type_guaranty
        with self.assertRaises(UserError) as caught:
            self._import(self._book())
        self.assertIn("Row 2, column Product Code", str(caught.exception))
        self.assertEqual(Loan.search_count([]), before)

    def test_branch_security(self):
        """A branch administrator imports into his branch only; the loans and
        borrowers are his branch's; a borrower of another branch is not
        found (a new one is made in the branch)."""
        with self.assertRaises(AccessError):
            self._import(self._book(), company=self.branch_sh)
        wizard = (
            self.env["microloan.loan.import"]
            .with_user(self.admin_bj)
            .create({"company_id": self.branch_bj.id})
        )
        self.assertEqual(wizard.company_id, self.branch_bj)
        wizard.company_id = self.branch_sh
        with self.assertRaises(AccessError):
            wizard.action_import()
        with self.assertRaises(AccessError):
            self._import(self._book(), user=self.officer)
        sh_id = self.borrower_sh.microloan_id_number
        book = csv_bytes(
            f"OLD-5,loan,Fuzhou Copy,enterprise,uscc,{sh_id},BIZ,20000,12,6,"
            "2025-01-10,,"
        )
        loan = self.env["microloan.loan"].browse(self._import(book))
        self.assertEqual(loan.company_id, self.branch_bj)
        self.assertNotEqual(loan.partner_id, self.borrower_sh)
        self.assertEqual(loan.partner_id.company_id, self.branch_bj)
