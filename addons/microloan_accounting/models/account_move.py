import json
from contextlib import contextmanager

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.microloan_base.tools.sql import insert_rows

from .microloan_booking_mixin import BOOKING_CONTEXT
from .res_partner import PENDING_RANKS

# Key of the cursor's cache holding the sequence formats of the entries that
# _microloan_create_posted posts (see _get_next_sequence_format).
SEQUENCE_FORMATS = "microloan_account_move_sequence_formats"
# The ids of the loan bookings being posted, in the cursor's cache (server side:
# no RPC caller reaches it): Odoo's posting subscribes each entry's partner; a
# booking subscribes nobody.
POSTING_WITHOUT_FOLLOWERS = "microloan_account_move_posting_without_followers"

# Columns of the payment entries' items inserted by _microloan_insert_items, in
# order.
PAYMENT_ITEM_COLUMNS = (
    "move_id",
    "journal_id",
    "company_id",
    "company_currency_id",
    "payment_id",
    "move_name",
    "parent_state",
    "ref",
    "date",
    "sequence",
    "account_id",
    "currency_id",
    "partner_id",
    "name",
    "display_type",
    "date_maturity",
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
    "tax_tag_invert",
    "microloan_loan_id",
    "microloan_credit_line_id",
    "create_uid",
    "write_uid",
    "create_date",
    "write_date",
)

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
        label, currency, ``amount_currency``, ``balance``, analytic
        distribution, optional ``date_maturity`` and links to the loan or
        credit line) in one ``create`` and one posting, and return them.

        The entries are created by the ORM without their items, which are
        then inserted in one query with every stored value
        ``account.move.line``'s create would give them
        (``_microloan_insert_items``; ``test_payment_items.py`` compares them
        field by field with items the ORM creates) and checked as its create
        checks them (companies, accounts allowed in the journal), and the
        entries are posted and checked as any other (balance, lock dates,
        accounts, analytic lines). Through the ORM each item cost a draft record to
        compute its values and a recompute of its totals and residual: most
        of a bulk disbursement's time. The borrower does not become a
        follower of the entries (Odoo subscribes an entry's partner when it
        is posted): they are the branch's books, not documents sent to him."""
        items = []
        for vals in vals_list:
            # A loan booking has no fiscal position (Odoo looks one up for
            # the partner of every entry, a search per entry).
            vals.setdefault("fiscal_position_id", False)
            items.append([command[2] for command in vals.pop("line_ids")])
        # sudo: the bookings are posted by the loan servicing, not by the user.
        Move = self.sudo().with_context(
            **BOOKING_CONTEXT, skip_invoice_sync=True, check_move_validity=False
        )
        moves = Move.create(vals_list)
        Move._microloan_insert_items(moves, items)
        # The entries' names are drawn from their journal's sequence by
        # Odoo's posting (sequence.mixin), the format read once per journal,
        # kind and date rather than once per entry (_get_next_sequence_format).
        memo = self.env.cr.cache.setdefault(SEQUENCE_FORMATS, {})
        # The posting sets each entry's ``checked`` (from its journal) by an
        # assignment per entry, each a write checking that entry's balance
        # in a query of its own: protected, the value is only stored (the
        # balance of every entry is checked once, when they are posted).
        checked = self._fields["checked"]
        try:
            with (
                self.env.protecting([checked], moves),
                self._microloan_without_followers(moves),
            ):
                moves.with_context(**BOOKING_CONTEXT, check_move_validity=True)._post(
                    soft=False
                )
        finally:
            memo.clear()
            self.env.cr.cache.pop(SEQUENCE_FORMATS, None)
        return moves

    def _get_next_sequence_format(self):
        """The format of the entry's next name and the values of the last one
        (sequence.mixin), read once per journal, kind (payment or not, refund
        or not) and date while ``_microloan_create_posted`` posts a batch.

        Odoo reads them for every entry it names: two searches for the
        period's reset rule and one for the last name, most of a bulk
        disbursement's posting. The entries of one journal, kind and date
        follow one sequence: after the first, which locks the sequence and
        starts Odoo's transaction cache of it (``_locked_increment``), each
        takes the next number from that cache whatever the last number read
        (the format alone is used), so the names are those Odoo gives one
        entry at a time (``test_bulk_disbursement.py``)."""
        memo = self.env.cr.cache.get(SEQUENCE_FORMATS)
        if memo is None or not self.journal_id or not self.date:
            return super()._get_next_sequence_format()
        key = (
            self.journal_id.id,
            bool(self.origin_payment_id),
            self.move_type in ("out_refund", "in_refund"),
            self.date,
        )
        if key not in memo:
            memo[key] = super()._get_next_sequence_format()
        format_string, format_values = memo[key]
        # _locked_increment takes the number out of the values it is given.
        return format_string, dict(format_values)

    @api.model
    def _microloan_insert_items(self, moves, items):
        """Insert the items of ``moves`` (draft entries of ``move_type``
        ``entry``, just created without items), ``items`` a list per entry
        of dicts with ``account_id``, ``partner_id``, ``name``,
        ``currency_id``, ``amount_currency``, ``balance`` and optionally
        ``analytic_distribution``, ``date_maturity``, ``microloan_loan_id``
        and ``microloan_credit_line_id``, in one query with every stored
        value ``account.move.line``'s create gives such an item (no taxes,
        no product; debit and credit, residual and prices as its computes
        make them), then tell the ORM: the entries' items and what depends
        on them are read again (their totals, their payments')."""
        accounts = self.env["account.account"].browse(
            {item["account_id"] for entry in items for item in entry}
        )
        # The accounts whose items keep a residual (_compute_amount_residual).
        with_residual = {
            account.id
            for account in accounts
            if account.reconcile
            or account.account_type in ("asset_cash", "liability_credit_card")
        }
        currencies = {
            currency.id: currency
            for currency in self.env["res.currency"].browse(
                {item["currency_id"] for entry in items for item in entry}
                | set(moves.company_id.currency_id.ids)
            )
        }
        uid = self.env.uid
        now = self.env.cr.now()
        rows = []
        for move, entry in zip(moves, items, strict=True):
            company_currency = move.company_id.currency_id
            common = (
                move.id,
                move.journal_id.id,
                move.company_id.id,
                company_currency.id,
                move.origin_payment_id.id or None,
                move.name or None,
                move.state,
                move.ref or None,
                move.date,
            )
            for item in entry:
                currency = currencies[item["currency_id"]]
                balance = company_currency.round(item["balance"])
                amount_currency = currency.round(item["amount_currency"])
                residual = item["account_id"] in with_residual
                distribution = item.get("analytic_distribution")
                rows.append(
                    (
                        *common,
                        100,
                        item["account_id"],
                        currency.id,
                        item.get("partner_id") or None,
                        item["name"],
                        "product",
                        item.get("date_maturity") or None,
                        json.dumps(distribution) if distribution else None,
                        balance if balance > 0.0 else 0.0,
                        -balance if balance < 0.0 else 0.0,
                        balance,
                        amount_currency,
                        balance if residual else 0.0,
                        amount_currency if residual else 0.0,
                        residual
                        and company_currency.is_zero(balance)
                        and currency.is_zero(amount_currency),
                        1.0,
                        0.0,
                        # The prices of an item of an entry without taxes (as
                        # account.move.line._compute_totals makes them).
                        amount_currency,
                        amount_currency,
                        0.0,
                        False,
                        item.get("microloan_loan_id") or None,
                        item.get("microloan_credit_line_id") or None,
                        uid,
                        uid,
                        now,
                        now,
                    )
                )
        Line = self.env["account.move.line"]
        # The entries are in the table (created above) and every value is
        # given: nothing pending needs flushing first.
        ids = insert_rows(self.env, "account_move_line", PAYMENT_ITEM_COLUMNS, rows)
        lines = Line.browse(ids)
        # Tell the ORM as its create would: the entries' items are the new
        # ones (in their order); the new items have no taxes, tags,
        # reconciliations nor analytic lines yet; what the cache holds of the
        # other records the items link (a loan's, a partner's: every one2many
        # of their many2ones) is read again.
        registry = self.env.registry
        line_ids = self.env["account.move"]._fields["line_ids"]
        for name in PAYMENT_ITEM_COLUMNS:
            field = Line._fields[name]
            if field.type == "many2one":
                for inverse in registry.field_inverses[field]:
                    if inverse != line_ids:
                        self.env[inverse.model_name].invalidate_model(
                            [inverse.name], flush=False
                        )
        counts = [len(entry) for entry in items]
        starts = [sum(counts[:index]) for index in range(len(counts))]
        self.env.cache.update(
            moves,
            line_ids,
            [
                tuple(ids[start : start + count])
                for start, count in zip(starts, counts, strict=True)
            ],
        )
        for field in Line._fields.values():
            if field.type in ("one2many", "many2many"):
                self.env.cache.update(lines, field, [()] * len(lines))
        moves.modified(["line_ids"])
        for field in Line._fields.values():
            if field.compute and field.store:
                self.env.remove_to_compute(field, lines)
        # The checks create runs on new items: their companies, the
        # constraints on what was given, and the accounts allowed in the
        # journal (account.move.line.create).
        lines._check_company()
        lines._validate_fields(PAYMENT_ITEM_COLUMNS)
        lines._check_constrains_account_id_journal_id()
        return lines

    @api.model
    def _microloan_create_grouped(self, move_vals, items, move=None):
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
        the debit and credit of each): most of a month end's time.

        ``move``: the draft entry, without items, already created from
        ``move_vals`` (the month-end charges are inserted with their entry,
        ``microloan.loan.transaction._microloan_charge_entries``): its
        transactions hold it already and are not written again."""
        if move is None:
            # sudo: the bookings are posted by the loan servicing, not by the user.
            move = (
                self.sudo()
                .with_context(skip_invoice_sync=True, check_move_validity=False)
                .create(move_vals)
            )
            linked = False
        else:
            linked = True
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
        # The entry's number drawn now, as its posting would draw it
        # (account.move._compute_name), so that its items are inserted with
        # the number and state they have once it is posted: the posting then
        # does not write them all again (see below).
        if not move.name or move.name == "/":
            move._set_next_sequence()
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
                    "posted",
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
        ids = insert_rows(self.env, "account_move_line", ITEM_COLUMNS, rows)
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
            if linked:
                # Inserted with this entry as theirs: what the compute would
                # give them again.
                self.env.remove_to_compute(
                    transactions._fields["move_id"], transactions
                )
            else:
                self._microloan_link_grouped(move, transactions)
        for field in Line._fields.values():
            if field.compute and field.store:
                self.env.remove_to_compute(field, lines)
        # The borrowers' ranks (customer_rank: items on a receivable account,
        # as the Chinese chart's 1132 interest receivable) increased at once
        # after the posting rather than one partner at a time.
        Partner = self.env["res.partner"]
        pending = Partner._microloan_pending_ranks()
        # The items hold their posted number and state already: their
        # related copies (move_name, parent_state) are not recomputed and
        # written again item by item when the entry is posted.
        protected = [Line._fields["move_name"], Line._fields["parent_state"]]
        try:
            with (
                self.env.protecting(protected, lines),
                self._microloan_without_followers(move),
            ):
                move.with_context(check_move_validity=True)._post(soft=False)
        finally:
            self.env.cr.cache.pop(PENDING_RANKS, None)
        Partner._microloan_increase_ranks(pending)
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

    @contextmanager
    def _microloan_without_followers(self, moves):
        """Post ``moves`` (loan bookings) without the followers Odoo's posting
        subscribes: marked in the cursor's cache, which no caller sets."""
        posting = self.env.cr.cache.setdefault(POSTING_WITHOUT_FOLLOWERS, set())
        posting.update(moves.ids)
        try:
            yield
        finally:
            posting.difference_update(moves.ids)

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        # The loan bookings being posted subscribe nobody.
        posting = self.env.cr.cache.get(POSTING_WITHOUT_FOLLOWERS)
        if posting and self.ids and posting.issuperset(self.ids):
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
