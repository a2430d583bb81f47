from datetime import date
from decimal import Decimal
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.sql_db import Cursor
from odoo.tests import tagged

from odoo.addons.microloan_accounting.models.res_partner import PENDING_RANKS

from .common import MicroloanAccountingCommon

# Differ between any two journal items by nature.
OWN_FIELDS = {
    "id",
    "move_id",
    "move_name",
    "create_date",
    "write_date",
    "display_name",
    "matching_number",
}


@tagged("post_install", "-at_install")
class TestGroupedItems(MicroloanAccountingCommon):
    """The items of the grouped entries (month-end accrual and charges) are
    inserted in one query (``account.move._microloan_create_grouped``): they
    must be what ``account.move.line``'s create makes of the same values."""

    def _items(self, loan):
        currency = self.company.currency_id
        return [
            {
                "account_id": self.accounts["interest_receivable"].id,
                "partner_id": self.borrower.id,
                "name": "CHARGE 1",
                "currency_id": currency.id,
                "amount_currency": 39.42,
                "balance": 39.42,
                "analytic_distribution": False,
                "microloan_loan_id": loan.id,
            },
            {
                "account_id": self.borrower.property_account_receivable_id.id,
                "partner_id": self.borrower.id,
                "name": "RECEIVABLE",
                "currency_id": currency.id,
                "amount_currency": 5.0,
                "balance": 5.0,
                "analytic_distribution": {str(self.analytic_account.id): 100.0},
                "microloan_loan_id": loan.id,
            },
            {
                "account_id": self.accounts["penalty_income"].id,
                "name": "INCOME",
                "currency_id": currency.id,
                "amount_currency": -44.42,
                "balance": -44.42,
                "analytic_distribution": False,
            },
        ]

    def _move_vals(self, ref):
        return {
            "move_type": "entry",
            "company_id": self.company.id,
            "journal_id": self.accounts["loan_journal"].id,
            "date": "2025-02-28",
            "ref": ref,
        }

    def test_items_as_the_orm_makes_them(self):
        plan = self.env["account.analytic.plan"].create({"name": "Branches"})
        self.analytic_account = self.env["account.analytic.account"].create(
            {"name": "BJ", "plan_id": plan.id, "company_id": self.company.id}
        )
        loan = self._active_loan()
        Move = self.env["account.move"].with_company(self.company)
        items = self._items(loan)
        # sudo: the loan links are written by the bookings only (link guard).
        orm = Move.sudo().create(
            {
                **self._move_vals("ORM"),
                "line_ids": [Command.create(dict(item)) for item in items],
            }
        )
        orm.action_post()
        grouped = Move._microloan_create_grouped(self._move_vals("SQL"), items)
        self.assertEqual(grouped.state, "posted")
        self.assertRecordValues(
            grouped,
            [
                {
                    "amount_total": orm.amount_total,
                    "amount_total_signed": orm.amount_total_signed,
                    "amount_residual": orm.amount_residual,
                    "currency_id": orm.currency_id.id,
                    "partner_id": orm.partner_id.id,
                    "commercial_partner_id": orm.commercial_partner_id.id,
                    "payment_state": orm.payment_state,
                    "journal_id": orm.journal_id.id,
                }
            ],
        )
        self.assertEqual(len(grouped.line_ids), 3)
        self.env.invalidate_all()
        names = [
            name
            for name, field in self.env["account.move.line"]._fields.items()
            if field.store and field.type != "one2many" and name not in OWN_FIELDS
        ]
        for orm_line, line in zip(
            orm.line_ids.sorted("name"), grouped.line_ids.sorted("name"), strict=True
        ):
            expected = orm_line.read(names)[0]
            got = line.read(names)[0]
            for name in names:
                if name == "ref":
                    continue
                self.assertEqual(got[name], expected[name], name)
            self.assertEqual(line.move_name, grouped.name)
            self.assertEqual(line.ref, "SQL")
        # The analytic line of the distributed item, as for the ORM's.
        self.assertEqual(
            grouped.line_ids.analytic_line_ids.mapped("amount"),
            orm.line_ids.analytic_line_ids.mapped("amount"),
        )
        # A grouped entry must balance, as any entry.
        unbalanced = self._items(loan)[:2]
        with self.assertRaises(UserError):
            with self.env.cr.savepoint():
                Move._microloan_create_grouped(self._move_vals("BAD"), unbalanced)

    def test_partner_ranks_increased_once(self):
        """Posting a grouped entry increases the customer rank of the
        partners of its receivable items as Odoo's posting does (one each),
        gathered and increased in one UPDATE rather than one per partner."""
        loan = self._active_loan()
        Partner = self.env["res.partner"]
        partners = self.borrower | Partner.create({"name": "Rank Partner"})
        receivable = self.borrower.property_account_receivable_id
        currency = self.company.currency_id
        items = [
            {
                "account_id": receivable.id,
                "partner_id": partner.id,
                "name": f"CHARGE {index}",
                "currency_id": currency.id,
                "amount_currency": 10.0,
                "balance": 10.0,
                "microloan_loan_id": loan.id,
            }
            for index, partner in enumerate(partners)
        ]
        items.append(
            {
                "account_id": self.accounts["penalty_income"].id,
                "name": "INCOME",
                "currency_id": currency.id,
                "amount_currency": -20.0,
                "balance": -20.0,
            }
        )
        Move = self.env["account.move"].with_company(self.company)
        # sudo: the loan links are written by the bookings only (link guard).
        orm = Move.sudo().create(
            {
                **self._move_vals("ORM"),
                "line_ids": [Command.create(dict(item)) for item in items],
            }
        )
        before = partners.mapped("customer_rank")
        orm.action_post()
        by_odoo = [
            rank - old
            for rank, old in zip(partners.mapped("customer_rank"), before, strict=True)
        ]
        self.assertEqual(by_odoo, [1, 1])
        before = partners.mapped("customer_rank")
        Move._microloan_create_grouped(self._move_vals("SQL"), items)
        self.assertEqual(
            [
                rank - old
                for rank, old in zip(
                    partners.mapped("customer_rank"), before, strict=True
                )
            ],
            by_odoo,
        )
        self.assertNotIn(PENDING_RANKS, self.env.cr.cache)
        # The ranks increased once: a savepoint, the lock and the UPDATE, and
        # the savepoint released (4 queries per partner through Odoo's loop).
        statements = []
        execute = Cursor.execute

        def record(cr, query, params=None, log_exceptions=True):
            statements.append(str(getattr(query, "code", query)))
            return execute(cr, query, params, log_exceptions)

        with patch.object(Cursor, "execute", record):
            Move._microloan_create_grouped(self._move_vals("SQL 2"), items)
            self.env.flush_all()
        ranks = [s for s in statements if "customer_rank" in s and "UPDATE" in s]
        self.assertEqual(len(ranks), 1, ranks)

    def test_accruals_as_the_orm_makes_them(self):
        """The month-end run inserts its accrual rows in one query
        (``microloan.loan.accrual._insert_accruals``): they must be what the
        ORM's create makes of the same values, the period included; only the
        run (as superuser) inserts them."""
        loan = self._active_loan()
        move = self.env["microloan.loan"]._run_interest_accrual(
            "2025-01-31", companies=self.company
        )
        Accrual = self.env["microloan.loan.accrual"].sudo()
        base = {
            "loan_id": loan.id,
            "company_id": self.company.id,
            "product_id": self.product.id,
            "currency_id": loan.currency_id.id,
            "component": "interest",
            "move_id": move.id,
        }
        vals_list = [
            # An ordinary month, a catch-up, an adjustment without a start.
            {
                **base,
                "date": date(2025, 2, 28),
                "kind": "accrual",
                "amount": Decimal("322.58"),
                "date_from": date(2025, 1, 31),
            },
            {
                **base,
                "date": date(2025, 4, 30),
                "kind": "accrual",
                "amount": Decimal("1234.56"),
                "date_from": date(2025, 2, 10),
            },
            {
                **base,
                "date": date(2025, 4, 30),
                "kind": "adjustment",
                "amount": Decimal("-12.30"),
                "date_from": False,
            },
        ]
        orm = Accrual.create(
            [{**vals, "amount": float(vals["amount"])} for vals in vals_list]
        )
        inserted = Accrual.browse(Accrual._insert_accruals(vals_list))
        self.assertEqual(len(inserted), 3)
        self.env.invalidate_all()
        names = [
            name
            for name, field in Accrual._fields.items()
            if name not in ("id", "create_date", "write_date", "display_name")
            and (field.store or name == "description")
        ]
        for orm_row, row in zip(orm, inserted, strict=True):
            expected = orm_row.read(names)[0]
            got = row.read(names)[0]
            for name in names:
                self.assertEqual(got[name], expected[name], name)
        self.assertEqual(inserted.mapped("days"), [28, 79, 0])
        self.assertEqual(inserted.mapped("catch_up"), [False, True, False])
        # The loan's list of accruals shows them at once.
        self.assertLessEqual(inserted, loan.accrual_ids)
        # Like create, refused to anyone but the run.
        with self.assertRaises(UserError):
            self.env["microloan.loan.accrual"].with_user(self.officer)._insert_accruals(
                vals_list[:1]
            )
