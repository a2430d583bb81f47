import re
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from microloan_engine.overdue import close_day

from .lifecycle_common import LifecycleCommon

# Columns that differ between two loans' charges by construction.
OWN_COLUMNS = {"id", "name", "loan_id", "transaction_id", "installment_id"}


@tagged("post_install", "-at_install")
class TestChargeInsert(LifecycleCommon):
    """The month-end close inserts its charges in one batch
    (``microloan.loan.transaction._insert_charges``): the rows are those the
    ORM creates, field by field, and so are the installments' figures."""

    def _rows(self, table, column, ids):
        self.env.flush_all()
        cursor = self.env.cr
        cursor.execute(
            SQL(
                "SELECT * FROM %s WHERE %s = ANY(%s) ORDER BY id",
                SQL.identifier(table),
                SQL.identifier(column),
                list(ids),
            )
        )
        names = [description.name for description in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _month_end_postings(self, loan, day):
        """The postings the close of ``day`` (a month end) makes for ``loan``."""
        Installment = self.env["microloan.loan.installment"]
        rows = loan._close_installment_rows(day)[0][loan.id]
        position, _closed = close_day(loan._engine_position_from_rows(rows), day)
        records = {row["sequence"]: Installment.browse(row["id"]) for row in rows}
        postings = []
        loan._prepare_overdue_charges(
            position, day, day + timedelta(days=1), postings, records=records
        )
        return postings

    def test_rows_as_the_orm_creates_them(self):
        by_orm = self._active_loan()
        inserted = self._active_loan()
        day = self.d("2025-03-31")
        self._close(day - timedelta(days=1))
        postings = self._month_end_postings(by_orm, day)
        self.assertEqual([p["kind"] for p in postings], ["penalty", "compound"])
        self.assertEqual(len(postings[0]["lines"]), 2)
        # The products of the installments charged, cleared: written by the
        # ORM after the charges, and with the charges when inserted.
        cleared = {"penalty_product": 0.0, "compound_product": 0.0}
        Installment = self.env["microloan.loan.installment"].sudo()
        charged = Installment.browse(
            sorted({line["installment_id"] for line in postings[0]["lines"]})
        )
        self.assertTrue(all(charged.mapped("penalty_product")))
        orm_ids = by_orm._post_transactions(postings).ids
        charged._write_multi([cleared] * len(charged))
        Loan = self.env["microloan.loan"]
        Transaction = self.env["microloan.loan.transaction"].sudo()
        inserted_postings = self._month_end_postings(inserted, day)
        inserted_ids = Transaction._insert_charges(
            Loan._prepare_transaction_vals_list(inserted_postings),
            installment_values={
                line["installment_id"]: cleared
                for line in inserted_postings[0]["lines"]
            },
        )
        self.assertEqual(len(inserted_ids), 2)
        self.assertFalse(
            any(inserted.installment_ids.mapped("penalty_product")), "cleared"
        )
        installment_map = dict(
            zip(
                inserted.installment_ids.sorted("sequence").ids,
                by_orm.installment_ids.sorted("sequence").ids,
                strict=True,
            )
        )
        loan_map = {inserted.id: by_orm.id}

        def same(rows, other_rows, maps):
            self.assertEqual(len(rows), len(other_rows))
            for row, other in zip(rows, other_rows, strict=True):
                for column, value in row.items():
                    if column in maps:
                        self.assertEqual(
                            maps[column].get(value, value), other[column], column
                        )
                    elif column not in OWN_COLUMNS:
                        self.assertEqual(value, other[column], column)

        transaction_map = dict(zip(inserted_ids, orm_ids, strict=True))
        orm_rows = self._rows("microloan_loan_transaction", "id", orm_ids)
        rows = self._rows("microloan_loan_transaction", "id", inserted_ids)
        # Both booked, each in the grouped entry of its batch (with
        # microloan_accounting and the branch's books set up).
        for row, other in zip(rows, orm_rows, strict=True):
            self.assertEqual(bool(row.get("move_id")), bool(other.get("move_id")))
            row.pop("move_id", None)
        same(rows, orm_rows, {"loan_id": loan_map})
        # Numbered from the branch's sequence, as the ORM numbers them.
        for row in rows:
            self.assertRegex(row["name"], r"^BJ-TX-2025-\d{6}$")
        orm_numbers = [int(row["name"][-6:]) for row in orm_rows]
        numbers = [int(row["name"][-6:]) for row in rows]
        self.assertEqual(numbers, [orm_numbers[-1] + 1, orm_numbers[-1] + 2])
        same(
            self._rows(
                "microloan_loan_transaction_line", "transaction_id", inserted_ids
            ),
            self._rows("microloan_loan_transaction_line", "transaction_id", orm_ids),
            {
                "loan_id": loan_map,
                "transaction_id": transaction_map,
                "installment_id": installment_map,
            },
        )
        # The installments' figures: as their compute sums the lines.
        same(
            self._rows("microloan_loan_installment", "loan_id", [inserted.id]),
            self._rows("microloan_loan_installment", "loan_id", [by_orm.id]),
            {"loan_id": loan_map},
        )
        charged = inserted.installment_ids.filtered("penalty")
        self.assertEqual(len(charged), 2)
        self.env.invalidate_all()
        for installment in charged:
            installment._compute_ledger_amounts()
        self.env.flush_all()
        same(
            self._rows("microloan_loan_installment", "loan_id", [inserted.id]),
            self._rows("microloan_loan_installment", "loan_id", [by_orm.id]),
            {"loan_id": loan_map},
        )
        # The ORM sees them: the loan's transactions, their lines, the
        # installments' figures and the loan's dues.
        self.assertEqual(
            self._charges(inserted),
            [(kind, date, amount) for kind, date, amount in self._charges(by_orm)],
        )
        self.assertEqual(inserted.penalty_due, by_orm.penalty_due)
        self.assertEqual(inserted.compound_due, by_orm.compound_due)
        self.assertEqual(
            inserted.installment_ids.transaction_line_ids.mapped("amount"),
            by_orm.installment_ids.transaction_line_ids.mapped("amount"),
        )

    def test_two_branches(self):
        """Charges of two branches inserted together: each numbered from its
        branch's sequence, its lines in its branch."""
        bj = self._active_loan()
        sh = self._active_loan_sh()
        day = self.d("2025-03-31")
        self._close(day - timedelta(days=1), self.branch_bj | self.branch_sh)
        postings = self._month_end_postings(bj, day)
        postings += self._month_end_postings(sh, day)
        Transaction = self.env["microloan.loan.transaction"].sudo()
        transactions = Transaction.browse(
            Transaction._insert_charges(
                self.env["microloan.loan"]._prepare_transaction_vals_list(postings)
            )
        )
        self.assertEqual(len(transactions), 4)
        for transaction in transactions:
            code = transaction.company_id.microloan_branch_code
            self.assertEqual(transaction.company_id, transaction.loan_id.company_id)
            self.assertTrue(transaction.name.startswith(f"{code}-TX-2025-"))
            self.assertEqual(transaction.line_ids.company_id, transaction.company_id)
            self.assertEqual(
                transaction.line_ids.installment_id.loan_id, transaction.loan_id
            )
        self.assertEqual(bj.transaction_ids & transactions, transactions[:2])
        self.assertEqual(sh.transaction_ids & transactions, transactions[2:])

    def test_charges_only_as_superuser(self):
        Transaction = self.env["microloan.loan.transaction"]
        with self.assertRaises(UserError):
            Transaction.with_user(self.officer)._insert_charges([{"kind": "penalty"}])
        loan = self._active_loan()
        postings = [
            {
                "loan": loan,
                "kind": "repayment",
                "date": self.d("2025-03-31"),
                "amount": 1.0,
                "lines": [],
            }
        ]
        with self.assertRaises(ValueError):
            Transaction.sudo()._insert_charges(
                loan._prepare_transaction_vals_list(postings)
            )

    def test_numbers_drawn_at_once(self):
        """A batch's numbers are drawn per yearly range at once, the numbers
        one by one would have been: consecutive, in the order asked; a
        no-gap range is moved on once."""
        company = self.branch_bj
        dates = [self.d("2025-05-01"), self.d("2026-01-02"), self.d("2025-06-01")]
        for implementation in ("standard", "no_gap"):
            code = f"microloan.test.{implementation}"
            sequence = company._get_microloan_sequence(
                code, code, "%(range_year)s-", 4, implementation=implementation
            )
            first = company._microloan_next_numbers(sequence, dates[:1])
            self.assertEqual(first, ["2025-0001"])
            self.env.flush_all()
            start = self.env.cr.sql_log_count
            numbers = company._microloan_next_numbers(sequence, dates * 2)
            queries = self.env.cr.sql_log_count - start
            self.assertEqual(
                numbers,
                [
                    "2025-0002",
                    "2026-0001",
                    "2025-0003",
                    "2025-0004",
                    "2026-0002",
                    "2025-0005",
                ],
                implementation,
            )
            # Two range lookups (the 2026 one created), and per range one
            # query (standard) or a lock and an update (no gap).
            self.assertLessEqual(queries, 12, implementation)
            self.assertEqual(sequence.next_by_id(sequence_date=dates[0]), "2025-0006")
            self.assertTrue(
                all(re.fullmatch(r"\d{4}-\d{4}", number) for number in numbers)
            )
