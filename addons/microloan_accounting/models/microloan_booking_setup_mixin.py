"""Accounting checks shared by loans and credit lines.

``microloan.booking.setup.mixin`` is inherited by ``microloan.loan`` and
``microloan.credit.line``: whether the branch books and the check of its
accounting setup and lock dates. It reads only the branch (``company_id``),
product, borrower (``partner_id``) and ``name``. Their transactions and
entries are booked by ``microloan.booking.mixin`` (microloan_booking_mixin.py).
"""

from odoo import models
from odoo.exceptions import UserError

from .res_company import MAPPING_KEYS, mapping_field


class MicroloanBookingSetupMixin(models.AbstractModel):
    _name = "microloan.booking.setup.mixin"
    _description = "Loan Booking Setup Mixin"

    def _microloan_accounting_active(self):
        """Whether the record's branch books its loans: loan accounts or
        journals are set for the branch (Use Default Accounts) or on the
        product for it. Until then the branch keeps the sub-ledger only, so
        installing the module changes nothing for branches not yet configured;
        once one mapping is set, every missing one is an error before
        posting."""
        # sudo: the branch's mappings, read only to tell whether the branch books.
        company = self.company_id.sudo()
        # sudo: the product's mappings in the branch, read only to tell the same.
        product = self.product_id.sudo().with_company(company)
        return any(
            company[field] or product[field]
            for field in map(mapping_field, MAPPING_KEYS)
        )

    def _microloan_check_accounting(self, date):
        """Return the record's accounts (``product._get_microloan_accounts``)
        after checking them and the lock dates of ``date``: a translated
        ``UserError`` before anything is posted."""
        self.ensure_one()
        company = self.company_id
        accounts = self.product_id._get_microloan_accounts(company)
        for key in ("loan_journal", "payment_journal"):
            journal = accounts[key]
            # sudo: the company tree's lock dates, which branch users cannot read.
            violations = company.sudo()._get_violated_lock_dates(date, False, journal)
            if violations:
                raise UserError(
                    self.env._(
                        "%(loan)s cannot be booked on %(date)s: the period of "
                        "%(company)s is locked until %(lock)s.",
                        loan=self.name,
                        date=date,
                        company=company.name,
                        lock=violations[-1][0],
                    )
                )
        directions = {
            "inbound": self.env._("incoming"),
            "outbound": self.env._("outgoing"),
        }
        for payment_type, direction in directions.items():
            method = accounts["payment_journal"]._get_available_payment_method_lines(
                payment_type
            )[:1]
            if not method.payment_account_id:
                raise UserError(
                    self.env._(
                        "The payment journal %(journal)s has no %(direction)s "
                        "payment method with an outstanding account: loan payments "
                        "need one (Use Default Accounts sets it).",
                        journal=accounts["payment_journal"].display_name,
                        direction=direction,
                    )
                )
        return accounts

    @staticmethod
    def _microloan_ledger_difference(currency, sub, led):
        """The ledger-control difference of one record, or None when its ledger
        (``led``) and sub-ledger (``sub``) agree: both dicts of ``principal``
        and ``interest``, compared in ``currency``."""
        if not currency.compare_amounts(
            sub["principal"], led["principal"]
        ) and not currency.compare_amounts(sub["interest"], led["interest"]):
            return None
        return {
            "principal_ledger": currency.round(led["principal"]),
            "principal_subledger": currency.round(sub["principal"]),
            "interest_ledger": currency.round(led["interest"]),
            "interest_subledger": currency.round(sub["interest"]),
        }
