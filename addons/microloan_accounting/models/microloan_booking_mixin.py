"""Booking helpers shared by loans and credit lines.

A credit line (随借随还) is booked like a loan: its draws and repayments like
loan disbursements and repayments, with the product's accounts and the
branch's journals. The helpers live in two abstract models:

- ``microloan.booking.setup.mixin`` (microloan_booking_setup_mixin.py),
  inherited by ``microloan.loan`` and ``microloan.credit.line``: whether the
  branch books and the check of its accounting setup and lock dates.
- ``microloan.booking.mixin`` (this file), inherited by
  ``microloan.loan.transaction`` and ``microloan.credit.line.entry``: the loan
  entry, the payment reconciled with it and the reversal of both. They read
  only the branch, borrower, currency, date, amount, reference and
  ``reversal_of_id`` of the record and the hooks below, which each model
  implements.

The models add a mixin with ``_inherit = [model, mixin]`` and repeat
``_name``: with more than one parent and no ``_name``, Odoo names the model
after the Python class, which would define a new model instead of extending
this one.
"""

from odoo import fields, models
from odoo.exceptions import UserError


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

    def _microloan_loan_entries(self):
        """The record's entries in the loan journal (``move_ids``): neither its
        payment's entry nor that entry's reversal (which has no payment)."""
        return self.move_ids.filtered(
            lambda m: not (m.origin_payment_id or m.reversed_entry_id.origin_payment_id)
        )

    def _microloan_clearing_account(self):
        """The borrower's receivable account, through which the loan entry and
        the payment are reconciled."""
        account = self.partner_id.with_company(
            self.company_id
        ).property_account_receivable_id
        if not account:
            raise UserError(
                self.env._(
                    "The borrower %(partner)s has no receivable account in "
                    "%(company)s.",
                    partner=self.partner_id.display_name,
                    company=self.company_id.name,
                )
            )
        return account

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
        """Post this record's loan entry (from ``specs``, see
        :meth:`_prepare_microloan_move_vals`) and the payment moving its money
        (``account.payment`` of the chosen bank or cash journal, see
        :meth:`_prepare_microloan_payment_vals`) with the payment's entry, and
        reconcile the borrower's receivable items of the two entries. What
        Odoo's payment posting would compute is given: the payment is created
        with its outstanding account, both entries are created in one
        ``create`` with every item's values (the analytic distribution looked
        up once for both) and posted together, then linked to the payment.
        Return the payment."""
        self.ensure_one()
        clearing = self._microloan_clearing_account()
        payment_vals = self._prepare_microloan_payment_vals(accounts, clearing)
        # sudo: the payment is part of the booking; loan users cannot create payments.
        method = (
            self.env["account.payment.method.line"]
            .sudo()
            .browse(payment_vals["payment_method_line_id"])
        )
        outstanding = method.payment_account_id
        if not outstanding:
            raise UserError(
                self.env._(
                    "The payment method of the journal %(journal)s has no "
                    "outstanding account: loan payments need one.",
                    journal=self.env["account.journal"]
                    .sudo()
                    .browse(payment_vals["journal_id"])
                    .display_name,
                )
            )
        payment = (
            self.env["account.payment"]
            .sudo()
            .create(
                {
                    **payment_vals,
                    "outstanding_account_id": outstanding.id,
                    "partner_bank_id": False,
                }
            )
        )
        cache = {} if analytic_cache is None else analytic_cache
        vals_list = [
            self._prepare_microloan_move_vals(accounts, specs, cache),
            self._prepare_microloan_payment_move_vals(payment, method, clearing, cache),
        ]
        # sudo: the entries book the record; loan users cannot create entries.
        moves = self.env["account.move"]._microloan_create_posted(vals_list)
        # As account.payment.action_post: paid at once through a cash account.
        state = "paid" if outstanding.account_type == "asset_cash" else "in_process"
        payment.write({"move_id": moves[1].id, "state": state})
        moves.line_ids.filtered(
            lambda line: line.account_id == clearing and not line.reconciled
        )._microloan_reconcile_pair()
        return payment

    def _prepare_microloan_payment_move_vals(self, payment, method, clearing, cache):
        """Values of the entry of ``payment`` (the items Odoo's payment
        builds: its outstanding account against the borrower's receivable
        ``clearing``, labelled like Odoo's), every item's value given."""
        self.ensure_one()
        company = self.company_id
        currency = self.currency_id
        sign = 1 if payment.payment_type == "inbound" else -1
        amount = sign * self.amount
        balance = currency._convert(amount, company.currency_id, company, self.date)
        memo = payment.memo
        # The method in the user's language, as the payment's own items
        # (account.payment._get_aml_default_display_name_list).
        name = method._microloan_translated_name() or method.name
        label = f"{name}: {memo}" if memo else name
        common = {
            "name": label,
            "date_maturity": self.date,
            "currency_id": currency.id,
            "partner_id": self.partner_id.id,
            **self._microloan_line_link_vals(),
        }
        line_vals = [
            {
                **common,
                "account_id": method.payment_account_id.id,
                "amount_currency": amount,
                "balance": balance,
            },
            {
                **common,
                "account_id": clearing.id,
                "amount_currency": -amount,
                "balance": -balance,
            },
        ]
        company._microloan_fill_analytic_distribution(line_vals, cache)
        return {
            "move_type": "entry",
            "journal_id": payment.journal_id.id,
            "company_id": company.id,
            "date": self.date,
            "ref": memo,
            "currency_id": currency.id,
            "partner_id": self.partner_id.id,
            "partner_bank_id": False,
            "origin_payment_id": payment.id,
            **self._microloan_move_link_vals(),
            "line_ids": [fields.Command.create(vals) for vals in line_vals],
        }

    def _prepare_microloan_payment_vals(self, accounts, clearing):
        """Values of the payment of this record's money, in the branch's
        payment journal, against ``clearing`` (the borrower's receivable)."""
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
            "destination_account_id": clearing.id,
            **self._microloan_move_link_vals(),
        }

    def _microloan_book_reversal(self):
        """Reverse the entries (loan entry and payment entry) of the record
        this one reverses, on the same date, and reconcile the reversals with
        what they reverse."""
        original = self.reversal_of_id
        moves = original.move_ids.filtered(lambda m: m.state == "posted")
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
