from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """The branch's credit-bureau (征信) settings, and the accounts of the
    company's funding, whose balances the monthly return reports against the
    limits of docs/domain.md §3.4."""

    _inherit = "res.company"

    microloan_credit_bureau_code = fields.Char(
        string="Credit-Bureau Institution Code",
        size=14,
        help="The 14-character code (金融机构代码) under which the branch reports "
        "to the credit bureau (征信).",
    )
    microloan_credit_notice_days = fields.Integer(
        string="Days Between Notice and Report",
        default=0,
        help="Negative information is reported only after the borrower was "
        "notified, and at least this many days after the notice.",
    )

    microloan_bank_funding_account_ids = fields.Many2many(
        "account.account",
        "microloan_company_bank_funding_account_rel",
        "company_id",
        "account_id",
        string="Bank Borrowing Accounts",
        help="Liability accounts of the money borrowed from banks (monthly return).",
    )
    microloan_shareholder_funding_account_ids = fields.Many2many(
        "account.account",
        "microloan_company_shareholder_funding_account_rel",
        "company_id",
        "account_id",
        string="Shareholder Borrowing Accounts",
        help="Liability accounts of the money borrowed from shareholders.",
    )
    microloan_bond_funding_account_ids = fields.Many2many(
        "account.account",
        "microloan_company_bond_funding_account_rel",
        "company_id",
        "account_id",
        string="Bond Accounts",
        help="Liability accounts of the bonds issued.",
    )
    microloan_abs_funding_account_ids = fields.Many2many(
        "account.account",
        "microloan_company_abs_funding_account_rel",
        "company_id",
        "account_id",
        string="Asset-Backed Securities Accounts",
        help="Liability accounts of the asset-backed securities issued.",
    )

    @api.constrains("microloan_credit_bureau_code", "microloan_credit_notice_days")
    def _check_microloan_credit_bureau(self):
        for company in self:
            code = company.microloan_credit_bureau_code
            if code and not (code.isalnum() and len(code) == 14):
                raise ValidationError(
                    self.env._(
                        "The credit-bureau institution code has 14 letters or digits."
                    )
                )
            if not 0 <= company.microloan_credit_notice_days <= 365:
                raise ValidationError(
                    self.env._(
                        "The days between notice and report are between 0 and 365."
                    )
                )
