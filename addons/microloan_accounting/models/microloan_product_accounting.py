from odoo import models
from odoo.exceptions import UserError

from .res_company import (
    ACCOUNT_SPECS,
    JOURNAL_KEYS,
    MAPPING_KEYS,
    _mapping_fields,
    mapping_field,
)


class MicroloanProductAccounting(models.AbstractModel):
    """The accounts and journals of a loan product, per branch, and their
    check before anything is posted."""

    _name = "microloan.product.accounting"
    _description = "Loan Product: Accounts"

    # Company-dependent: a head-office product lent by several branches has its
    # accounts per branch; an empty value takes the branch's default.
    locals().update(_mapping_fields(company_dependent=True))

    def action_microloan_default_accounts(self):
        """Use the current company's default accounts for this product: clear
        the product's own accounts of this company (so the defaults apply) and
        fill the defaults that are missing."""
        company = self.env.company
        company.action_microloan_default_accounts()
        self.with_company(company).write(
            dict.fromkeys(map(mapping_field, MAPPING_KEYS), False)
        )
        return True

    def _get_microloan_accounts(self, company):
        """Return the accounts and journals of this product in ``company``: a
        dict keyed by ``principal``, ``interest_receivable``,
        ``fee_receivable``, ``interest_income``, ``penalty_income``,
        ``compound_income``, ``fee_income``, ``allowance``,
        ``impairment_expense``, ``recovery_income``, ``borrower_credit``
        (``account.account``) and ``loan_journal``, ``payment_journal``
        (``account.journal``). The product's own value for ``company`` wins
        over the company's default.

        Raise a translated ``UserError`` naming what is missing or belongs to
        another company, before anything is posted.
        """
        self.ensure_one()
        # sudo: the product's and the branch's accounts and journals, which loan users
        # cannot read, checked here before anything is posted.
        product = self.sudo().with_company(company)
        defaults = company.sudo()
        result = {}
        missing = []
        for key in MAPPING_KEYS:
            field = mapping_field(key)
            value = product[field] or defaults[field]
            if not value:
                missing.append(
                    self.env["res.company"]._fields[field]._description_string(self.env)
                )
            result[key] = value
        if missing:
            raise UserError(
                self.env._(
                    "The loan product %(product)s has no %(fields)s in %(company)s: "
                    "set them in the product or in the accounting settings (Use "
                    "Default Accounts).",
                    product=self.display_name,
                    fields=", ".join(missing),
                    company=company.name,
                )
            )
        allowed = defaults.parent_ids
        # The accounts' and journals' fields in one read each, not one per record.
        accounts = self.env["account.account"].sudo()
        journals = self.env["account.journal"].sudo()
        for key in MAPPING_KEYS:
            if key in JOURNAL_KEYS:
                journals |= result[key]
            else:
                accounts |= result[key]
        accounts.fetch(["deprecated", "company_ids"])
        journals.fetch(["company_id", "active"])
        for key, _code, _name, _type in ACCOUNT_SPECS:
            account = result[key]
            if account.deprecated or not (account.company_ids & allowed):
                raise UserError(
                    self.env._(
                        "The account %(account)s of the loan product %(product)s "
                        "cannot be used in %(company)s (deprecated or of another "
                        "company).",
                        account=account.with_company(company).display_name,
                        product=self.display_name,
                        company=company.name,
                    )
                )
        for key in JOURNAL_KEYS:
            journal = result[key]
            if journal.company_id not in allowed or not journal.active:
                raise UserError(
                    self.env._(
                        "The journal %(journal)s of the loan product %(product)s "
                        "belongs to %(other)s, not to %(company)s.",
                        journal=journal.display_name,
                        product=self.display_name,
                        other=journal.company_id.name,
                        company=company.name,
                    )
                )
        return result
