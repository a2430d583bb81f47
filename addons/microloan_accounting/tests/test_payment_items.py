from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MicroloanAccountingCommon

# Differ between the items of two entries by nature (the entry, its name and
# payment are checked apart).
OWN_COLUMNS = {
    "id",
    "move_id",
    "move_name",
    "payment_id",
    "create_date",
    "write_date",
}


@tagged("post_install", "-at_install")
class TestPaymentItems(MicroloanAccountingCommon):
    """The items of the payment entries (disbursements, repayments, every
    movement of money) are inserted in one query
    (``account.move._microloan_insert_items``): they must be what
    ``account.move.line``'s create makes of the same values, and the entry
    what Odoo posts."""

    def _rows(self, move):
        return sorted(
            (
                {
                    key: value
                    for key, value in row.items()
                    if key not in OWN_COLUMNS and value is not None
                }
                for row in self.env.execute_query_dict(
                    self.env["account.move.line"]
                    ._search([("move_id", "=", move.id)])
                    .select("*")
                )
            ),
            key=lambda row: (row["account_id"], row["balance"]),
        )

    def test_items_as_the_orm_makes_them(self):
        plan = self.env["account.analytic.plan"].create({"name": "Branches"})
        analytic = self.env["account.analytic.account"].create(
            {"name": "BJ", "plan_id": plan.id, "company_id": self.company.id}
        )
        loan = self._active_loan()
        journal = self.accounts["payment_journal"]
        currency = self.company.currency_id
        outstanding = journal._get_available_payment_method_lines("inbound")[
            :1
        ].payment_account_id
        self.assertTrue(outstanding)
        Payment = self.env["account.payment"].sudo()
        Move = self.env["account.move"].with_company(self.company)

        def entry(ref):
            payment = Payment.create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": self.borrower.id,
                    "amount": 1234.57,
                    "date": "2025-02-10",
                    "journal_id": journal.id,
                }
            )
            common = {
                "partner_id": self.borrower.id,
                "currency_id": currency.id,
                "microloan_loan_id": loan.id,
            }
            items = [
                {
                    **common,
                    "account_id": outstanding.id,
                    "name": "Manual: R-1",
                    "date_maturity": "2025-02-10",
                    "amount_currency": 1234.57,
                    "balance": 1234.57,
                    "analytic_distribution": False,
                },
                {
                    **common,
                    "account_id": self.accounts["principal"].id,
                    "name": "Repayment",
                    "amount_currency": -1000.0,
                    "balance": -1000.0,
                    "analytic_distribution": {str(analytic.id): 100.0},
                },
                {
                    **common,
                    "account_id": self.accounts["interest_receivable"].id,
                    "name": "Repayment",
                    # More digits than the currency has: rounded alike.
                    "amount_currency": -234.574,
                    "balance": -234.574,
                    "analytic_distribution": False,
                },
            ]
            return {
                "move_type": "entry",
                "journal_id": journal.id,
                "company_id": self.company.id,
                "date": "2025-02-10",
                "ref": ref,
                "partner_id": self.borrower.id,
                "partner_bank_id": False,
                "fiscal_position_id": False,
                "origin_payment_id": payment.id,
                "line_ids": [Command.create(item) for item in items],
            }

        # sudo: the loan links are written by the bookings only (link guard).
        orm = Move.sudo().create(entry("R-1"))
        orm.action_post()
        inserted = Move._microloan_create_posted([entry("R-1"), entry("R-2")])
        self.assertEqual(inserted.mapped("state"), ["posted", "posted"])
        self.env.invalidate_all()
        expected = self._rows(orm)
        self.assertEqual(len(expected), 3)
        for move in inserted:
            rows = self._rows(move)
            for row, orm_row in zip(rows, expected, strict=True):
                if move.ref == "R-2":
                    orm_row = dict(orm_row, ref="R-2")
                self.assertEqual(row, orm_row)
            self.assertEqual(set(move.line_ids.mapped("move_name")), {move.name})
            self.assertEqual(move.line_ids.payment_id, move.origin_payment_id)
            self.assertRecordValues(
                move,
                [
                    {
                        "amount_total": orm.amount_total,
                        "amount_total_signed": orm.amount_total_signed,
                        "currency_id": orm.currency_id.id,
                        "partner_id": orm.partner_id.id,
                        "commercial_partner_id": orm.commercial_partner_id.id,
                        "payment_state": orm.payment_state,
                    }
                ],
            )
            self.assertEqual(
                move.line_ids.analytic_line_ids.mapped("amount"),
                orm.line_ids.analytic_line_ids.mapped("amount"),
            )
        self.assertNotEqual(inserted[0].name, inserted[1].name)

    def test_items_checked_as_created(self):
        """The inserted items are checked as ``create`` checks new items: an
        account the journal does not allow (Control-Access) refuses the
        booking, as it refuses an entry created by the ORM."""
        loan = self._approved_loan()
        journal = self.accounts["payment_journal"]
        outstanding = journal._get_available_payment_method_lines("outbound")[
            :1
        ].payment_account_id
        journal.sudo().account_control_ids = outstanding
        with self.assertRefused(UserError, "cannot use this account"):
            loan.disburse(loan.amount, loan.disbursement_date)
