from contextlib import contextmanager

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# GB 11643 resident identity number of a published example.
VALID_RESIDENT_ID = "11010519491231002X"


@tagged("post_install", "-at_install")
class MicroloanAccountingCommon(AccountTestInvoicingCommon):
    """The test company of ``AccountTestInvoicingCommon`` as branch BJ with its
    default loan accounts, a product of the docs/domain.md §1.1 terms (100,000 at 12%
    over 12 months, annuity) and a borrower; ``_approved_loan`` gives a loan
    ready to disburse on 2025-01-10."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.company_data["company"]
        cls.company.microloan_branch_code = "BJ"
        cls.env.user.groups_id |= (
            cls.env.ref("microloan_base.group_microloan_admin")
            | cls.env.ref("microloan_base.group_microloan_finance")
            | cls.env.ref("microloan_base.group_microloan_approver")
        )
        cls.officer = cls._microloan_user("officer_acc", "officer", cls.company)
        cls.company.action_microloan_default_accounts()
        cls.product = cls.env["microloan.product"].create(
            {
                "name": "Business Loan",
                "code": "BIZ",
                "company_id": cls.company.id,
                "currency_id": cls.company.currency_id.id,
                "repayment_method": "annuity",
                "amount_min": 1000.0,
                "amount_default": 100000.0,
                "amount_max": 500000.0,
                "term_min": 3,
                "term_default": 12,
                "term_max": 36,
                "rate_min": 6.0,
                "rate_default": 12.0,
                "rate_max": 24.0,
                "guarantee_type_ids": [
                    Command.set(cls.env["microloan.guarantee.type"].search([]).ids)
                ],
            }
        )
        cls.accounts = cls.product._get_microloan_accounts(cls.company)
        cls.borrower = cls.env["res.partner"].create(
            {
                "name": "Zhang San",
                "microloan_borrower_type": "individual",
                "microloan_id_type": "resident_id",
                "microloan_id_number": VALID_RESIDENT_ID,
            }
        )

    @classmethod
    def _microloan_user(cls, login, group, company):
        return new_test_user(
            cls.env,
            login=login,
            groups=f"microloan_base.group_microloan_{group}",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    @classmethod
    def _loan_vals(cls, **vals):
        return {
            "partner_id": cls.borrower.id,
            "product_id": cls.product.id,
            "company_id": cls.company.id,
            "guarantee_type_id": cls.env.ref("microloan_base.guarantee_type_credit").id,
            "user_id": cls.officer.id,
            "amount": 100000.0,
            "interest_rate": 12.0,
            "term": 12,
            "application_date": "2025-01-05",
            "disbursement_date": "2025-01-10",
            **vals,
        }

    @classmethod
    def _approved_loan(cls, officer=None, **vals):
        """A loan submitted by its officer and approved, ready to disburse."""
        officer = officer or cls.officer
        vals.setdefault("user_id", officer.id)
        # Created by its officer: whoever creates a loan may not approve it.
        loan = (
            cls.env["microloan.loan"]
            .with_user(officer)
            .with_company(vals.get("company_id") or cls.company.id)
            .create(cls._loan_vals(**vals))
            .with_env(cls.env)
        )
        loan.with_user(officer).with_company(loan.company_id).action_submit()
        loan.action_approve()
        return loan

    @classmethod
    def _active_loan(cls, officer=None, **vals):
        loan = cls._approved_loan(officer=officer, **vals)
        loan.disburse(loan.amount, loan.disbursement_date)
        return loan

    def _lines(self, move):
        """``[(account code, debit, credit)]`` of ``move``, sorted."""
        return sorted(
            (line.account_id.code, line.debit, line.credit) for line in move.line_ids
        )

    def _code(self, key, company=None):
        company = company or self.company
        return self.accounts[key].with_company(company).code

    def _manual_entry_vals(self, date, *lines):
        """Values of a manual entry of the loan journal on ``date``: one item per
        ``(account, balance, links)`` of ``lines``, ``links`` the item's other
        fields (a loan or credit line link, say)."""
        return {
            "journal_id": self.accounts["loan_journal"].id,
            "date": date,
            "line_ids": [
                Command.create({"account_id": account.id, "balance": balance, **links})
                for account, balance, links in lines
            ],
        }

    def _ledger_balance(self, account, loan=None, company=None):
        domain = [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        if loan:
            domain.append(("microloan_loan_id", "=", loan.id))
        if company:
            domain.append(("company_id", "=", company.id))
        lines = self.env["account.move.line"].search(domain)
        return sum(lines.mapped("balance"))

    @contextmanager
    def assertRefused(self, exception, regex):
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), regex)
