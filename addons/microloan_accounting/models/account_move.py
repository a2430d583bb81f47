import json

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .microloan_booking_mixin import BOOKING_CONTEXT

# Columns of the journal items inserted by _microloan_create_grouped, in order.
ITEM_COLUMNS = (
    "move_id",
    "journal_id",
    "company_id",
    "company_currency_id",
    "sequence",
    "account_id",
    "currency_id",
    "partner_id",
    "move_name",
    "parent_state",
    "ref",
    "name",
    "display_type",
    "date",
    "analytic_distribution",
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "amount_residual",
    "amount_residual_currency",
    "reconciled",
    "quantity",
    "price_unit",
    "price_subtotal",
    "price_total",
    "discount",
    "discount_amount_currency",
    "discount_balance",
    "tax_tag_invert",
    "is_imported",
    "microloan_loan_id",
    "microloan_transaction_id",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = [
        "account.move",
        "microloan.link.guard.mixin",
    ]

    microloan_transaction_id = fields.Many2one(
        "microloan.loan.transaction",
        string="Loan Transaction",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Loan transaction this entry books (its payment's entry too).",
    )
    microloan_loan_id = fields.Many2one(
        related="microloan_transaction_id.loan_id", string="Loan", store=True
    )
    microloan_credit_line_entry_id = fields.Many2one(
        "microloan.credit.line.entry",
        string="Credit Line Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Credit line draw, repayment or reversal this entry books (its "
        "payment's entry too).",
    )
    microloan_credit_line_id = fields.Many2one(
        related="microloan_credit_line_entry_id.line_id",
        string="Credit Line",
        store=True,
    )

    @api.model
    def _microloan_create_posted(self, vals_list):
        """Create and post the loan bookings ``vals_list`` (entries of
        ``move_type`` ``entry`` whose items give their account, partner,
        label, currency, ``amount_currency``, ``balance`` and analytic
        distribution) in one ``create`` and one posting, and return them.
        Each item also gets here what Odoo would otherwise compute for it one
        at a time (debit, credit, display type, taxes); the balance of each
        entry is checked once, when posted. The borrower does not become a
        follower of the entries (Odoo subscribes an entry's partner when it
        is posted): they are the branch's books, not documents sent to him."""
        companies = self.env["res.company"].browse(
            {vals["company_id"] for vals in vals_list}
        )
        company_currency = {company.id: company.currency_id.id for company in companies}
        for vals in vals_list:
            # A loan booking has no fiscal position (Odoo looks one up for
            # the partner of every entry, a search per entry).
            vals.setdefault("fiscal_position_id", False)
            # Every precomputed field of the items is given: Odoo then builds
            # no draft record per item to compute them.
            common = {
                "company_id": vals["company_id"],
                "company_currency_id": company_currency[vals["company_id"]],
                "journal_id": vals["journal_id"],
                "display_type": "product",
                "sequence": 100,
                "quantity": 1.0,
                "price_unit": 0.0,
                "product_uom_id": False,
                "tax_ids": [],
                "tax_tag_ids": [],
                "tax_line_id": False,
                "tax_group_id": False,
                "partner_id": False,
            }
            for command in vals["line_ids"]:
                line = command[2]
                balance = line["balance"]
                line.setdefault("debit", balance if balance > 0.0 else 0.0)
                line.setdefault("credit", -balance if balance < 0.0 else 0.0)
                for name, value in common.items():
                    line.setdefault(name, value)
        # sudo: the bookings are posted by the loan servicing, not by the user.
        moves = (
            self.sudo()
            .with_context(
                **BOOKING_CONTEXT, skip_invoice_sync=True, check_move_validity=False
            )
            .create(vals_list)
        )
        moves.with_context(
            **BOOKING_CONTEXT, check_move_validity=True, microloan_no_follow=True
        )._post(soft=False)
        return moves

    @api.model
    def _microloan_create_grouped(self, move_vals, items):
        """Create and post a grouped loan entry (the month-end accrual, the
        penalty and compound charges: thousands of items) from ``move_vals``
        (without ``line_ids``) and its items ``items`` (dicts with
        ``account_id``, ``partner_id``, ``name``, ``currency_id``,
        ``amount_currency``, ``balance``, ``analytic_distribution`` and the
        optional ``microloan_loan_id`` and ``microloan_transaction_id``).

        The entry is created by the ORM, its items are inserted in one query
        with every stored value they would get from ``account.move.line``'s
        create (a test compares them with items the ORM creates), the ORM is
        told of them, and the entry is posted and checked as usual (balanced,
        lock dates, accounts, analytic lines). Creating them through the ORM
        costs a draft record per item (``account.move.line`` always computes
        the debit and credit of each): most of a month end's time."""
        # sudo: the bookings are posted by the loan servicing, not by the user.
        move = (
            self.sudo()
            .with_context(skip_invoice_sync=True, check_move_validity=False)
            .create(move_vals)
        )
        accounts = self.env["account.account"].browse(
            {item["account_id"] for item in items}
        )
        with_residual = {
            account.id
            for account in accounts
            if account.reconcile
            or account.account_type in ("asset_cash", "liability_credit_card")
        }
        company_currency = move.company_id.currency_id
        uid = self.env.uid
        now = self.env.cr.now()
        rows = []
        for item in items:
            balance = company_currency.round(item["balance"])
            amount_currency = item["amount_currency"]
            residual = item["account_id"] in with_residual
            distribution = item.get("analytic_distribution")
            rows.append(
                (
                    move.id,
                    move.journal_id.id,
                    move.company_id.id,
                    company_currency.id,
                    100,
                    item["account_id"],
                    item["currency_id"],
                    item.get("partner_id") or None,
                    move.name,
                    move.state,
                    move.ref or None,
                    item["name"],
                    "product",
                    move.date,
                    json.dumps(distribution) if distribution else None,
                    balance if balance > 0.0 else 0.0,
                    -balance if balance < 0.0 else 0.0,
                    balance,
                    amount_currency,
                    balance if residual else 0.0,
                    amount_currency if residual else 0.0,
                    False,
                    1.0,
                    0.0,
                    # The prices of an item of an entry without taxes (as
                    # account.move.line._compute_totals makes them).
                    amount_currency,
                    amount_currency,
                    0.0,
                    0.0,
                    0.0,
                    False,
                    False,
                    item.get("microloan_loan_id") or None,
                    item.get("microloan_transaction_id") or None,
                    uid,
                    uid,
                    now,
                    now,
                )
            )
        Line = self.env["account.move.line"]
        self.env.flush_all()
        ids = []
        for start in range(0, len(rows), 5000):
            ids += [
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        "INSERT INTO account_move_line (%s) VALUES %s RETURNING id",
                        SQL(", ").join(map(SQL.identifier, ITEM_COLUMNS)),
                        SQL(", ").join(
                            SQL("%s", row) for row in rows[start : start + 5000]
                        ),
                    )
                )
            ]
        # What the cache holds of the records the items link (the entry's
        # items, a transaction's, a loan's) no longer holds: read it again
        # (everything was flushed above), then recompute what depends on the
        # new items.
        self.env.invalidate_all(flush=False)
        lines = Line.browse(ids)
        # What depends on the new items is reached through the two
        # relations that link them: the entry's items (its totals, its
        # payment's, its analytic lines) and the transactions' items (their
        # entry). Told through these (one record each, rather than every
        # item's fields): marking thousands of items took most of the
        # entry's time. The items' own computed fields hold their final
        # values already.
        move.modified(["line_ids"])
        transaction_ids = {
            item["microloan_transaction_id"]
            for item in items
            if item.get("microloan_transaction_id")
        }
        if transaction_ids:
            transactions = self.env["microloan.loan.transaction"].browse(
                transaction_ids
            )
            transactions.modified(["move_line_ids"])
            self._microloan_link_grouped(move, transactions)
        for field in Line._fields.values():
            if field.compute and field.store:
                self.env.remove_to_compute(field, lines)
        move.with_context(check_move_validity=True, microloan_no_follow=True)._post(
            soft=False
        )
        return move

    @api.model
    def _microloan_link_grouped(self, move, transactions):
        """Give ``transactions``, whose items ``move`` (a grouped entry) has
        just received, ``move`` as their entry (``move_id``) in one UPDATE:
        what ``_compute_move_id`` gives a transaction without an entry of
        its own. Computed, each cost its entries and items read and the
        entry written with a hundred others per query (the month end's
        thousands of charges)."""
        own = {
            transaction.id
            for transaction in self.sudo()
            .search([("microloan_transaction_id", "in", transactions.ids)])
            .microloan_transaction_id
        }
        alone = transactions.filtered(lambda t: t.id not in own)
        if not alone:
            return
        self.env.remove_to_compute(alone._fields["move_id"], alone)
        self.env.execute_query(
            SQL(
                "UPDATE microloan_loan_transaction SET move_id = %s, "
                "write_uid = %s, write_date = %s WHERE id = ANY(%s)",
                move.id,
                self.env.uid,
                self.env.cr.now(),
                alone.ids,
            )
        )
        alone.invalidate_recordset(["move_id", "write_uid", "write_date"])
        alone.modified(["move_id"])

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # The loan bookings (_microloan_create_posted, posted as superuser)
        # subscribe nobody; an RPC caller never runs as superuser, so the key
        # does nothing for him.
        if self.env.su and self.env.context.get("microloan_no_follow"):
            return True
        return super().message_subscribe(
            partner_ids=partner_ids, subtype_ids=subtype_ids
        )

    def _microloan_books_transactions(self):
        """Whether one of these entries books loan transactions: its own
        (``microloan_transaction_id``) or, grouped, through its items."""
        return any(
            move.microloan_transaction_id or move.line_ids.microloan_transaction_id
            for move in self
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_microloan(self):
        if self._microloan_books_transactions():
            raise UserError(
                self.env._(
                    "Entries of loan transactions cannot be deleted: reverse the "
                    "loan transaction instead."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_microloan_credit_line(self):
        if any(move.microloan_credit_line_entry_id for move in self):
            raise UserError(
                self.env._(
                    "Entries of credit line draws and repayments cannot be deleted: "
                    "reverse the credit line entry instead."
                )
            )

    def button_draft(self):
        if any(move.microloan_credit_line_entry_id for move in self):
            raise UserError(
                self.env._(
                    "Entries of credit line draws and repayments cannot be reset to "
                    "draft: reverse the credit line entry instead."
                )
            )
        if self._microloan_books_transactions():
            raise UserError(
                self.env._(
                    "Entries of loan transactions cannot be reset to draft: reverse "
                    "the loan transaction instead."
                )
            )
        return super().button_draft()
