from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MicroloanCommon


@tagged("post_install", "-at_install")
class TestInstallmentInsert(MicroloanCommon):
    """The installments of a schedule inserted in one query
    (``microloan.loan.installment._insert_schedule_rows``, issue 13 item 5)
    hold what the ORM's ``create`` gives them, and the ORM knows of them."""

    # What differs between two rows of the same schedule on two loans.
    OWN_COLUMNS = {"id", "loan_id", "create_date", "write_date"}

    def _rows(self, loan):
        return [
            {key: value for key, value in row.items() if key not in self.OWN_COLUMNS}
            for row in self.env.execute_query_dict(
                self.env["microloan.loan.installment"]
                ._search([("loan_id", "=", loan.id)], order="sequence")
                .select("*")
            )
        ]

    def _schedule_vals(self, loan):
        return [
            {
                "loan_id": loan.id,
                "company_id": loan.company_id.id,
                "currency_id": loan.currency_id.id,
                "partner_id": loan.partner_id.id,
                "sequence": row["sequence"],
                "due_date": row["due_date"],
                "days": row["days"],
                "principal": row["principal"],
                "interest": row["interest"],
                # An amount with more digits than the currency has: both
                # paths round it the same way.
                "fee": row["fee"] + 0.004,
                "amount": row["amount"] + 0.004,
                "balance": row["balance"],
            }
            for row in loan.installment_ids.read(
                ["sequence", "due_date", "days", "principal", "interest", "fee"]
                + ["amount", "balance"],
                load=False,
            )
        ]

    def _replace(self, loan, vals_list, insert):
        Installment = self.env["microloan.loan.installment"].sudo()
        loan.installment_ids.sudo().unlink()
        if insert:
            return Installment._insert_schedule_rows(vals_list)
        return Installment.create(vals_list)

    def test_rows_as_orm_creates_them(self):
        """Every column of an inserted installment is what ``create`` stores,
        in draft and for an approved loan (open installments; one of 0 is
        paid), and the loans' stored totals are recomputed the same way."""
        for state in ("draft", "approved"):
            with self.subTest(state=state):
                by_orm = self._create_loan()
                inserted = self._create_loan()
                vals_list = self._schedule_vals(by_orm)
                vals_list[-1]["fee"] = 0.0
                if state == "approved":
                    (by_orm | inserted).sudo().write({"state": "approved"})
                    vals_list[0].update(principal=0.0, interest=0.0, amount=0.0)
                self._replace(by_orm, vals_list, insert=False)
                self._replace(
                    inserted,
                    [dict(vals, loan_id=inserted.id) for vals in vals_list],
                    insert=True,
                )
                self.env.flush_all()
                orm_rows = self._rows(by_orm)
                self.assertEqual(len(orm_rows), 12)
                self.assertEqual(self._rows(inserted), orm_rows)
                expected = "draft" if state == "draft" else "open"
                self.assertEqual(orm_rows[1]["state"], expected)
                if state == "approved":
                    self.assertEqual(orm_rows[0]["state"], "paid")
                totals = [
                    "total_interest",
                    "total_payment",
                    "fee_amount",
                    "total_cost",
                    "maturity_date",
                    "principal_outstanding",
                ]
                self.assertEqual(
                    inserted.read(totals, load=False)[0] | {"id": 0},
                    by_orm.read(totals, load=False)[0] | {"id": 0},
                )
                self.assertAlmostEqual(
                    inserted.total_payment,
                    sum(inserted.installment_ids.mapped("amount")),
                    places=2,
                )

    def test_orm_told(self):
        """The loan's schedule, totals and state are read again after the
        insert, and the installments' computes run as usual afterwards."""
        loan = self._create_loan()
        self.assertEqual(len(loan.installment_ids), 12)
        vals_list = self._schedule_vals(loan)[:3]
        before = loan.total_interest
        inserted = self._replace(loan, vals_list, insert=True)
        self.assertEqual(loan.installment_ids, inserted)
        self.assertEqual(loan.maturity_date, vals_list[-1]["due_date"])
        self.assertLess(loan.total_interest, before)
        self.assertEqual(set(inserted.mapped("state")), {"draft"})
        loan.sudo().write({"state": "approved"})
        self.assertEqual(set(inserted.mapped("state")), {"open"})
        self.assertEqual(inserted[0].amount_residual, inserted[0].amount)

    def test_refused_to_clients(self):
        """Like ``create``, only the module's own code (superuser) inserts."""
        loan = self._create_loan()
        vals_list = self._schedule_vals(loan)
        with self.assertRefused(UserError, "computed from the loan terms"):
            self.env["microloan.loan.installment"].with_user(
                self.officer
            )._insert_schedule_rows(vals_list)
