from odoo import api, fields, models, tools
from odoo.exceptions import UserError

# Accounts of a loan product: (key, default code, default name, account type of
# an account created when the chart has none with that code). Codes follow the
# financial-enterprise chart (docs/domain.md §5); a chart with longer codes (l10n_cn:
# 113200) matches them padded with zeros.
ACCOUNT_SPECS = [
    ("principal", "1303", "贷款—本金", "asset_current"),
    ("interest_receivable", "1132", "应收利息", "asset_current"),
    ("fee_receivable", "1221", "其他应收款—贷款手续费", "asset_current"),
    ("interest_income", "6011", "利息收入—正常利息", "income"),
    ("penalty_income", "601102", "利息收入—罚息", "income"),
    ("compound_income", "601103", "利息收入—复利", "income"),
    ("fee_income", "6021", "手续费及佣金收入", "income"),
    ("allowance", "1304", "贷款损失准备", "asset_current"),
    ("impairment_expense", "6701", "资产减值损失", "expense"),
    ("recovery_income", "6701", "资产减值损失", "expense"),
    ("borrower_credit", "2241", "其他应付款—借款人溢缴款", "liability_current"),
]
JOURNAL_KEYS = ("loan_journal", "payment_journal")
MAPPING_KEYS = tuple(spec[0] for spec in ACCOUNT_SPECS) + JOURNAL_KEYS


def mapping_field(key):
    """Name of the field holding the account or journal ``key`` of the mapping."""
    if key in JOURNAL_KEYS:
        return f"microloan_{key}_id"
    return f"microloan_{key}_account_id"


def _account_field(string, help_text, **kwargs):
    return fields.Many2one(
        "account.account",
        string=string,
        help=help_text,
        domain="[('deprecated', '=', False)]",
        **kwargs,
    )


def _mapping_fields(company_dependent=False):
    """The mapping fields, shared by the company (its defaults) and the
    product (company-dependent overrides)."""
    kwargs = (
        {"company_dependent": True} if company_dependent else {"check_company": True}
    )
    return {
        "microloan_principal_account_id": _account_field(
            "Loan Principal", "Loans to borrowers (1303 贷款).", **kwargs
        ),
        "microloan_interest_receivable_account_id": _account_field(
            "Interest Receivable",
            "Interest accrued or billed and not yet paid, and penalty and "
            "compound interest charged (1132 应收利息).",
            **kwargs,
        ),
        "microloan_fee_receivable_account_id": _account_field(
            "Fee Receivable",
            "Fees charged to the borrower and not yet paid (1221 其他应收款).",
            **kwargs,
        ),
        "microloan_interest_income_account_id": _account_field(
            "Interest Income", "Normal interest income (6011 利息收入).", **kwargs
        ),
        "microloan_penalty_income_account_id": _account_field(
            "Penalty Interest Income",
            "Penalty interest (6011 利息收入—罚息).",
            **kwargs,
        ),
        "microloan_compound_income_account_id": _account_field(
            "Compound Interest Income",
            "Compound interest (6011 利息收入—复利).",
            **kwargs,
        ),
        "microloan_fee_income_account_id": _account_field(
            "Fee Income",
            "Fees of the loan (6021 手续费及佣金收入).",
            **kwargs,
        ),
        "microloan_allowance_account_id": _account_field(
            "Loan-Loss Allowance",
            "Allowance for loan losses, a contra-asset (1304 贷款损失准备).",
            **kwargs,
        ),
        "microloan_impairment_expense_account_id": _account_field(
            "Impairment Expense",
            "Provisions and waived principal (6701 资产减值损失 or 信用减值损失).",
            **kwargs,
        ),
        "microloan_recovery_income_account_id": _account_field(
            "Recovery Income",
            "Money recovered after a write-off (by default the impairment account: "
            "Dr bank / Cr 资产减值损失).",
            **kwargs,
        ),
        "microloan_borrower_credit_account_id": _account_field(
            "Borrower Credit",
            "Money received beyond what the borrower owes, held until used or "
            "refunded (2241 其他应付款).",
            **kwargs,
        ),
        "microloan_loan_journal_id": fields.Many2one(
            "account.journal",
            string="Loan Journal",
            help="Journal of the loan entries (disbursements, repayments, charges, "
            "write-offs, accruals, provisions).",
            domain="[('type', '=', 'general')]",
            **kwargs,
        ),
        "microloan_payment_journal_id": fields.Many2one(
            "account.journal",
            string="Payment Journal",
            help="Bank journal of the disbursements, repayments, recoveries and "
            "refunds (Odoo payments).",
            domain="[('type', 'in', ('bank', 'cash'))]",
            **kwargs,
        ),
    }


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "res.company.microloan.backfill"]

    locals().update(_mapping_fields())

    def action_microloan_default_accounts(self):
        """Fill the branch's loan accounts and journals with the defaults in one
        step: find each account by its code in the chart (1303, 1132, 6011...,
        padded with zeros to the chart's code length) and create the missing
        ones; take or create a loan journal and take the first bank journal.
        Fields already set are kept. The caller must be allowed to change the
        branch (Settings): checked first, before any account is created."""
        self.check_access("write")
        for company in self:
            company._microloan_set_default_accounts()
        return True

    @api.model
    @tools.ormcache("company_id")
    def _microloan_has_distribution_models(self, company_id):
        """Whether analytic distribution models may apply to the entries of
        the company ``company_id`` (cached: asked by every loan booking;
        cleared by any change of the models)."""
        # sudo: loan users cannot read distribution models; only their existence.
        return bool(
            self.env["account.analytic.distribution.model"]
            .sudo()
            .search_count([("company_id", "in", [company_id, False])], limit=1)
        )

    def _microloan_fill_analytic_distribution(self, vals_list, cache=None):
        """Give these journal item values (of this company's entries) the
        ``analytic_distribution`` Odoo's analytic distribution models give
        them, as ``account.move.line`` computes it, each distinct borrower and
        account looked up once. Given in the values, it is not computed again
        for every item (Odoo computes it several times per item while an entry
        is created: most of the cost of a month-end close with thousands of
        items). ``cache`` (a dict) carries the lookups over a batch."""
        self.ensure_one()
        cache = {} if cache is None else cache
        # sudo: loan users cannot read distribution models; only the values are filled.
        Model = self.env["account.analytic.distribution.model"].sudo()
        if ("models", self.id) not in cache:
            cache["models", self.id] = self._microloan_has_distribution_models(self.id)
        for vals in vals_list:
            if "analytic_distribution" in vals:
                continue
            key = (self.id, vals.get("partner_id") or False, vals["account_id"])
            if key not in cache:
                distribution = False
                if cache["models", self.id]:
                    partner = self.env["res.partner"].browse(key[1])
                    account = self.env["account.account"].browse(key[2])
                    distribution = Model._get_distribution(
                        {
                            "product_id": False,
                            "product_categ_id": False,
                            "partner_id": partner.id,
                            "partner_category_id": partner.category_id.ids,
                            "account_prefix": account.with_company(self).code,
                            "company_id": self.id,
                        }
                    )
                cache[key] = distribution or False
            vals["analytic_distribution"] = cache[key]
        return vals_list

    def _microloan_set_default_accounts(self):
        self.ensure_one()
        root = self.root_id
        if not root.chart_template and not self.env["account.account"].search_count(
            self.env["account.account"]._check_company_domain(self), limit=1
        ):
            raise UserError(
                self.env._(
                    "Install a chart of accounts in %(company)s before choosing the "
                    "loan accounts.",
                    company=self.name,
                )
            )
        vals = {}
        found = {}
        for key, code, name, account_type in ACCOUNT_SPECS:
            field = mapping_field(key)
            if self[field]:
                continue
            if code not in found:
                found[code] = self._microloan_find_or_create_account(
                    code, name, account_type
                )
            vals[field] = found[code].id
        if not self.microloan_loan_journal_id:
            vals["microloan_loan_journal_id"] = self._microloan_loan_journal().id
        if not self.microloan_payment_journal_id:
            journals = self.env["account.journal"].search(
                [("company_id", "in", self.parent_ids.ids), ("type", "=", "bank")]
            )
            # The branch's own bank journal before its head office's.
            journal = journals.sorted(lambda j: j.company_id != self)[:1]
            if journal:
                vals["microloan_payment_journal_id"] = journal.id
        self.write(vals)
        self._microloan_set_outstanding_accounts()

    def _microloan_set_outstanding_accounts(self):
        """Give the payment journal's first inbound and outbound methods an
        outstanding account when they have none: a loan payment needs its own
        entry to be reconciled with the loan entry."""
        journal = self.microloan_payment_journal_id
        for payment_type, code, name in (
            ("inbound", "100202", self.env._("Outstanding Receipts")),
            ("outbound", "100203", self.env._("Outstanding Payments")),
        ):
            method = journal._get_available_payment_method_lines(payment_type)[:1]
            if method and not method.payment_account_id:
                account = self._microloan_find_or_create_account(
                    code, name, "asset_current"
                )
                if not account.reconcile:
                    # sudo: part of the setup; the caller has just written the branch.
                    account.sudo().reconcile = True
                # sudo: part of the setup; the caller has just written the branch.
                method.sudo().payment_account_id = account

    def _microloan_code_length(self):
        """Length of the chart's account codes (6 for l10n_cn), from its
        receivable account."""
        receivable = (
            self.env["res.partner"]
            ._fields["property_account_receivable_id"]
            .get_company_dependent_fallback(self.env["res.partner"].with_company(self))
        )
        code = receivable.with_company(self).code or ""
        return len(code) if code.isdigit() else 4

    def _microloan_find_or_create_account(self, code, name, account_type):
        Account = self.env["account.account"].with_company(self)
        domain = Account._check_company_domain(self)
        candidates = [code, code.ljust(self._microloan_code_length(), "0")]
        for candidate in candidates:
            account = Account.search(
                [*domain, ("code", "=", candidate), ("deprecated", "=", False)],
                limit=1,
            )
            if account:
                return account
        # sudo: the setup creates a missing loan account; its write of the branch
        # checks the caller (an error rolls this back).
        return (
            Account.sudo()
            .create(
                {
                    "code": candidates[1],
                    "name": name,
                    "account_type": account_type,
                    "company_ids": [fields.Command.link(self.root_id.id)],
                }
            )
            # sudo(self.env.su): back to the caller's rights for the account returned.
            .sudo(self.env.su)
        )

    def _microloan_loan_journal(self):
        Journal = self.env["account.journal"]
        journal = Journal.search(
            [("company_id", "=", self.id), ("code", "=", "LOAN")], limit=1
        )
        if journal:
            return journal
        # sudo: the setup creates the loan journal; its write of the branch checks
        # the caller (an error rolls this back).
        return (
            Journal.sudo()
            .create(
                {
                    "name": self.env._("Loans"),
                    "code": "LOAN",
                    "type": "general",
                    "company_id": self.id,
                }
            )
            # sudo(self.env.su): back to the caller's rights for the journal returned.
            .sudo(self.env.su)
        )
