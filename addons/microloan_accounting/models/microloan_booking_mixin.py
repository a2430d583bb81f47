"""Booking helpers shared by loans and credit lines.

A credit line (随借随还) is booked like a loan: its draws and repayments like
loan disbursements and repayments, with the product's accounts and the
branch's journals. The helpers live in two abstract models:

- ``microloan.booking.setup.mixin`` (microloan_booking_setup_mixin.py),
  inherited by ``microloan.loan`` and ``microloan.credit.line``: whether the
  branch books and the check of its accounting setup and lock dates.
- ``microloan.booking.mixin`` (this file), inherited by
  ``microloan.loan.transaction`` and ``microloan.credit.line.entry``: the
  entry of a movement without money (loan journal), the payment of a movement
  of money whose own entry (bank or cash journal) carries the allocation, in
  one entry, and the reversal. They read only the branch, borrower, currency,
  date, amount, reference and ``reversal_of_id`` of the record and the hooks
  below, which each model implements.

The models add a mixin with ``_inherit = [model, mixin]`` and repeat
``_name``: with more than one parent and no ``_name``, Odoo names the model
after the Python class, which would define a new model instead of extending
this one.
"""

from odoo import fields, models
from odoo.exceptions import UserError

# Context of the bookings' creation: no chatter message, tracking nor
# follower on the entries and payments (they are the branch's books, not
# documents discussed with the borrower).
BOOKING_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


class MicroloanBookingMixin(models.AbstractModel):
    _name = "microloan.booking.mixin"
    _description = "Loan Booking Mixin"

    # ------------------------------------------------------------------
    # Hooks: what the record books and how it is labelled
    # ------------------------------------------------------------------

    def _microloan_move_link_vals(self):
        """Values linking an entry or a payment to the record it books."""
        raise NotImplementedError()

    def _microloan_line_link_vals(self):
        """Values linking the lines of an entry to the loan or credit line the
        record belongs to (the ledger side of its control)."""
        raise NotImplementedError()

    def _microloan_payment_type(self):
        """Payment type (``inbound`` or ``outbound``) of the record's money."""
        raise NotImplementedError()

    def _microloan_label(self):
        """Label of the lines of the record's loan entry."""
        raise NotImplementedError()

    def _microloan_memo(self):
        """Reference of the record's entry and memo of its payment."""
        raise NotImplementedError()

    # ------------------------------------------------------------------
    # Shared helpers
    # ------------------------------------------------------------------

    def _microloan_main_entry(self):
        """The record's entry: the first of ``move_ids`` (the entry of its
        payment when money moves; a disbursement whose fees the borrower pays
        apart has a second payment, created after it)."""
        return self.move_ids.sorted("id")[:1]

    def _prepare_microloan_move_vals(self, accounts, specs, analytic_cache=None):
        """Values of the loan entry of this record from its line specs
        (see :meth:`_prepare_microloan_line_specs`), converted to the company
        currency at Odoo's rate of the record's date. ``analytic_cache``: see
        ``res.company._microloan_fill_analytic_distribution``."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        company_currency = company.currency_id
        label = self._microloan_label()
        line_vals = []
        for spec in specs:
            balance = currency._convert(
                spec["amount"], company_currency, company, self.date
            )
            line_vals.append(
                {
                    "account_id": spec["account"].id,
                    "partner_id": self.partner_id.id,
                    "name": label,
                    "currency_id": currency.id,
                    "amount_currency": spec["amount"],
                    "balance": balance,
                    **self._microloan_line_link_vals(),
                }
            )
        company._microloan_fill_analytic_distribution(line_vals, analytic_cache)
        # Conversion rounding goes to the largest line.
        difference = company_currency.round(sum(v["balance"] for v in line_vals))
        if not company_currency.is_zero(difference):
            largest = max(line_vals, key=lambda v: abs(v["balance"]))
            largest["balance"] -= difference
        return {
            "move_type": "entry",
            "journal_id": accounts["loan_journal"].id,
            "company_id": company.id,
            "date": self.date,
            "ref": self._microloan_memo(),
            "currency_id": currency.id,
            "partner_id": self.partner_id.id,
            **self._microloan_move_link_vals(),
            "line_ids": [fields.Command.create(vals) for vals in line_vals],
        }

    def _microloan_book_with_payment(self, accounts, specs, analytic_cache=None):
        """Book this record in ONE entry: the entry of the payment moving its
        money (``account.payment`` of the chosen bank or cash journal, see
        :meth:`_prepare_microloan_payment_vals`), which carries the record's
        allocation items ``specs`` (see :meth:`_prepare_microloan_move_vals`)
        against the payment's outstanding account. Return the payment."""
        self.ensure_one()
        payment_vals = self._prepare_microloan_payment_vals(accounts)
        return self._microloan_book_payments(
            [(self, payment_vals, specs)], analytic_cache
        )

    def _microloan_book_payments(self, items, analytic_cache=None):
        """Book ``items``, a list of ``(record, payment_vals, specs)``: for
        each, a payment (``payment_vals``, see
        :meth:`_prepare_microloan_payment_vals`) whose own entry, on the bank
        or cash journal, carries the allocation items ``specs`` (``{"account",
        "amount"}`` in the record's currency, > 0 for a debit) and, for their
        total, the item of the payment's outstanding account. There is no
        separate loan entry and nothing to reconcile.

        What Odoo's payment posting would compute is given: the payments are
        created in one ``create`` with their outstanding and destination
        accounts, their entries in one ``create`` with every item's values
        (the analytic distribution looked up once per borrower and account)
        and posted together, then linked to their payments. Return the
        payments."""
        if not items:
            return self.env["account.payment"]
        # sudo: the payment is part of the booking; loan users cannot create payments.
        Method = self.env["account.payment.method.line"].sudo()
        methods = Method.browse(
            [vals["payment_method_line_id"] for _r, vals, _s in items]
        )
        create_vals = []
        for (_record, vals, specs), method in zip(items, methods, strict=True):
            outstanding = method.payment_account_id
            if not outstanding:
                raise UserError(
                    self.env._(
                        "The payment method of the journal %(journal)s has no "
                        "outstanding account: loan payments need one.",
                        journal=self.env["account.journal"]
                        .sudo()
                        .browse(vals["journal_id"])
                        .display_name,
                    )
                )
            # The payment's counterpart: the account of its largest allocation.
            largest = max(specs, key=lambda spec: abs(spec["amount"]))
            create_vals.append(
                {
                    **vals,
                    "outstanding_account_id": outstanding.id,
                    "destination_account_id": largest["account"].id,
                    "partner_bank_id": False,
                }
            )
        Payment = self.env["account.payment"].sudo().with_context(**BOOKING_CONTEXT)
        payments = Payment.create(create_vals)
        cache = {} if analytic_cache is None else analytic_cache
        moves = self.env["account.move"]._microloan_create_posted(
            [
                record._prepare_microloan_payment_move_vals(
                    payment, method, specs, cache
                )
                for (record, _vals, specs), payment, method in zip(
                    items, payments, methods, strict=True
                )
            ]
        )
        self._microloan_link_payments(payments, moves, methods)
        return payments

    def _microloan_link_payments(self, payments, moves, methods):
        """Give each of ``payments`` (just created, in draft, without entry)
        its posted entry of ``moves`` and its state, as
        ``account.payment.action_post`` would (paid at once through a cash
        account of its method in ``methods``, else in process).

        One ``write`` per payment (its values differ) made Odoo search the
        records depending on the payment twice per payment, most of a bulk
        disbursement's time: the values are set for the whole batch as
        ``write`` sets them (cache, inverses, the database at the next flush,
        the state protected from recomputation), then what depends on them is
        marked once for the batch and the constraints checked."""
        Payment = payments.browse()
        move_field = Payment._fields["move_id"]
        state_field = Payment._fields["state"]
        with self.env.protecting([state_field], payments):
            for payment, move, method in zip(payments, moves, methods, strict=True):
                cash = method.payment_account_id.account_type == "asset_cash"
                state_field.write(payment, "paid" if cash else "in_process")
                move_field.write(payment, move)
            payments.modified(["move_id", "state"])
        payments._validate_fields(["move_id", "state"])

    def _prepare_microloan_payment_move_vals(self, payment, method, specs, cache):
        """Values of the entry of ``payment``: the allocation items ``specs``
        labelled with the record's label, and the item of the payment's
        outstanding account (labelled like Odoo's) for their total, every
        item's value given, converted to the company currency at Odoo's rate
        of the record's date."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        company_currency = company.currency_id
        memo = payment.memo
        # The method in the user's language, as the payment's own items
        # (account.payment._get_aml_default_display_name_list).
        name = method._microloan_translated_name() or method.name
        common = {
            "partner_id": self.partner_id.id,
            "currency_id": currency.id,
            **self._microloan_line_link_vals(),
        }

        def convert(amount):
            if currency == company_currency:
                return amount
            return currency._convert(amount, company_currency, company, self.date)

        label = self._microloan_label()
        line_vals = [
            {
                **common,
                "account_id": spec["account"].id,
                "name": label,
                "amount_currency": spec["amount"],
                "balance": convert(spec["amount"]),
            }
            for spec in specs
        ]
        amount = currency.round(-sum(spec["amount"] for spec in specs))
        line_vals.insert(
            0,
            {
                **common,
                "account_id": method.payment_account_id.id,
                "name": f"{name}: {memo}" if memo else name,
                "date_maturity": self.date,
                "amount_currency": amount,
                "balance": convert(amount),
            },
        )
        company._microloan_fill_analytic_distribution(line_vals, cache)
        # Conversion rounding goes to the largest allocation item.
        difference = company_currency.round(sum(v["balance"] for v in line_vals))
        if not company_currency.is_zero(difference):
            largest = max(line_vals[1:], key=lambda v: abs(v["balance"]))
            largest["balance"] -= difference
        move_vals = {
            "move_type": "entry",
            "journal_id": payment.journal_id.id,
            "company_id": company.id,
            "date": self.date,
            "ref": memo,
            "partner_id": self.partner_id.id,
            "partner_bank_id": False,
            "origin_payment_id": payment.id,
            **self._microloan_move_link_vals(),
            "line_ids": [fields.Command.create(vals) for vals in line_vals],
        }
        # The entry's currency is computed as this one (the journal's, else
        # the company's); given, Odoo would write it again on every item.
        if currency != (payment.journal_id.currency_id or company_currency):
            move_vals["currency_id"] = currency.id
        return move_vals

    def _prepare_microloan_payment_vals(self, accounts):
        """Values of the payment of this record's money, in the branch's
        payment journal."""
        self.ensure_one()
        payment_type = self._microloan_payment_type()
        journal = accounts["payment_journal"]
        method_lines = journal._get_available_payment_method_lines(payment_type)
        return {
            "payment_type": payment_type,
            "partner_type": "customer",
            "partner_id": self.partner_id.id,
            "amount": self.amount,
            "currency_id": self.currency_id.id,
            "date": self.date,
            "journal_id": journal.id,
            "company_id": self.company_id.id,
            "payment_method_line_id": method_lines[:1].id,
            "memo": self._microloan_memo(),
            **self._microloan_move_link_vals(),
        }

    def _microloan_book_reversal(self):
        """Reverse the entries (loan entry and payment entry) of the record
        this one reverses, on the same date, and reconcile the reversals with
        what they reverse."""
        original = self.reversal_of_id
        moves = original.move_ids.filtered(lambda m: m.state == "posted").sorted("id")
        if not moves:
            return
        reversals = moves._reverse_moves(
            [
                {
                    "date": self.date,
                    "ref": self.env._("Reversal of %(ref)s", ref=move.ref or move.name),
                    **self._microloan_move_link_vals(),
                }
                for move in moves
            ]
        )
        reversals.action_post()
        for account in reversals.line_ids.account_id.filtered("reconcile"):
            lines = (moves.line_ids + reversals.line_ids).filtered(
                lambda line, account=account: line.account_id == account
                and not line.reconciled
            )
            if len(lines) > 1:
                lines.reconcile()
        if original.payment_id:
            # sudo: the reversal cancels its payment; loan users cannot write payments.
            original.payment_id.sudo().write({"state": "canceled"})
