from odoo import fields, models


class ResCompany(models.Model):
    """The accounts of the company's funding, whose balances the monthly
    return reports against the limits of docs/domain.md §3.4."""

    _inherit = "res.company"

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
