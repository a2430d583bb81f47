from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MicroloanAccountingCommon

# GB 11643 resident identity numbers (check digit computed), one per branch.
ID_NUMBERS = {"SH": "110105194912310038", "GZ": "110105194912310046"}

# The documents of a loan whose lists head office reads, by model and the way
# each is found from the loans.
DOCUMENTS = {
    "microloan.loan": lambda loans: loans,
    "res.partner": lambda loans: loans.partner_id,
    "microloan.loan.transaction": lambda loans: loans.transaction_ids,
    "microloan.loan.installment": lambda loans: loans.installment_ids,
    "account.move": lambda loans: loans.transaction_ids.move_id,
    "account.move.line": lambda loans: loans.transaction_ids.move_id.line_ids,
    "account.payment": lambda loans: loans.transaction_ids.payment_id,
    "account.journal": lambda loans: loans.transaction_ids.payment_id.journal_id,
}


@tagged("post_install", "-at_install")
class TestHeadOffice(MicroloanAccountingCommon):
    """Head office (the test company) with two branches, SH and GZ: a head
    office user working with head office alone selected in the switcher sees
    the loans, borrowers, transactions, installments, entries and payments of
    both branches, in lists and by id; each branch sees only its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.head_office = cls.company
        Journal = cls.env["account.journal"]
        cls.branches = cls.env["res.company"]
        for code in ("SH", "GZ"):
            branch = cls.env["res.company"].create(
                {
                    "name": f"Branch {code}",
                    "parent_id": cls.head_office.id,
                    "microloan_branch_code": code,
                }
            )
            cls.branches |= branch
        # Odoo loads the branches' share of the chart at commit.
        cls.env.cr.precommit.run()
        cls.env.user.company_ids |= cls.branches
        for branch in cls.branches:
            if not Journal.search(
                [("company_id", "=", branch.id), ("type", "=", "bank")]
            ):
                Journal.create(
                    {
                        "name": f"Bank {branch.microloan_branch_code}",
                        "code": f"BK{branch.microloan_branch_code}",
                        "type": "bank",
                        "company_id": branch.id,
                    }
                )
            branch.action_microloan_default_accounts()
        cls.branch_sh, cls.branch_gz = cls.branches
        cls.hq_user = new_test_user(
            cls.env,
            login="hq_finance",
            groups="microloan_base.group_microloan_finance,base.group_multi_company",
            company_id=cls.head_office.id,
            company_ids=[Command.set((cls.head_office | cls.branches).ids)],
        )
        cls.finance = {
            branch: cls._microloan_user(
                f"finance_{branch.microloan_branch_code.lower()}_ho", "finance", branch
            )
            for branch in cls.branches
        }
        cls.loans = {}
        for branch in cls.branches:
            code = branch.microloan_branch_code.lower()
            officer = cls._microloan_user(f"officer_{code}_ho", "officer", branch)
            borrower = cls.env["res.partner"].create(
                {
                    "name": f"Borrower {code}",
                    "company_id": branch.id,
                    "microloan_borrower_type": "individual",
                    "microloan_id_type": "resident_id",
                    "microloan_id_number": ID_NUMBERS[branch.microloan_branch_code],
                }
            )
            loan = cls._active_loan(
                officer=officer,
                company_id=branch.id,
                partner_id=borrower.id,
                amount=50000.0,
            )
            loan.register_repayment(4442.44, "2025-02-10")
            cls.loans[branch] = loan

    def _as(self, user, company):
        """``user``'s environment with ``company`` alone selected."""
        return self.env(
            user=user,
            context=dict(self.env.context, allowed_company_ids=company.ids),
        )

    def test_head_office_lists_every_branch(self):
        env = self._as(self.hq_user, self.head_office)
        self.assertEqual(env.companies, self.head_office)
        for model, documents in DOCUMENTS.items():
            for branch, loan in self.loans.items():
                records = documents(loan)
                self.assertTrue(records, f"{model} of {branch.name}")
                found = env[model].search([("id", "in", records.ids)])
                self.assertEqual(
                    found.ids, records.ids, f"{model} of {branch.name} in the list"
                )
                # By id too: the form reads them.
                env[model].browse(records.ids).read(["display_name"])
        # The list of loans, unfiltered, holds both branches'.
        listed = env["microloan.loan"].search([])
        self.assertGreaterEqual(
            set(listed.ids), {loan.id for loan in self.loans.values()}
        )

    def test_branches_do_not_see_each_other(self):
        for branch, other in (
            (self.branch_sh, self.branch_gz),
            (self.branch_gz, self.branch_sh),
        ):
            env = self._as(self.finance[branch], branch)
            own, foreign = self.loans[branch], self.loans[other]
            for model, documents in DOCUMENTS.items():
                mine, theirs = documents(own), documents(foreign)
                self.assertEqual(
                    env[model].search([("id", "in", mine.ids)]).ids,
                    mine.ids,
                    f"{branch.name} lists its own {model}",
                )
                self.assertFalse(
                    env[model].search([("id", "in", theirs.ids)]),
                    f"{branch.name} lists {other.name}'s {model}",
                )
                with self.assertRaises(AccessError, msg=f"{model} by id"):
                    env[model].browse(theirs.ids).read(["display_name"])
            self.assertFalse(
                env["microloan.loan"].search([("company_id", "=", other.id)])
            )

    def test_branch_does_not_see_head_office_documents(self):
        loan = self._active_loan()  # head office's own loan
        env = self._as(self.finance[self.branch_sh], self.branch_sh)
        self.assertFalse(env["microloan.loan"].search([("id", "=", loan.id)]))
        with self.assertRaises(AccessError):
            env["account.move"].browse(loan.transaction_ids.move_id.ids).read(["name"])

    def test_only_branches_the_user_works_in(self):
        """A head office user who may not work in a branch does not see it."""
        user = new_test_user(
            self.env,
            login="hq_sh_only",
            groups="microloan_base.group_microloan_finance,base.group_multi_company",
            company_id=self.head_office.id,
            company_ids=[Command.set((self.head_office | self.branch_sh).ids)],
        )
        env = self._as(user, self.head_office)
        loans = env["microloan.loan"].search(
            [("id", "in", [loan.id for loan in self.loans.values()])]
        )
        self.assertEqual(loans, self.loans[self.branch_sh].with_env(env))
        gz_moves = self.loans[self.branch_gz].transaction_ids.move_id
        self.assertFalse(env["account.move"].search([("id", "in", gz_moves.ids)]))
        self.assertEqual(
            env["res.company"]._microloan_visible_companies(),
            (self.head_office | self.branch_sh).with_env(env),
        )

    def test_head_office_reads_its_branches(self):
        """With head office alone selected, the branches it works in are read
        (the report wizards and the ledger control list them by name), not
        a branch it does not work in; a branch does not read another."""
        env = self._as(self.hq_user, self.head_office)
        control = env["microloan.ledger.control"].new({})
        companies = self.head_office | self.branches
        self.assertEqual(set(control.company_ids._origin.ids), set(companies.ids))
        self.assertEqual(
            sorted(control.company_ids.mapped("name")),
            sorted(companies.mapped("name")),
        )
        user = new_test_user(
            self.env,
            login="hq_finance_sh_only",
            groups="microloan_base.group_microloan_finance,base.group_multi_company",
            company_id=self.head_office.id,
            company_ids=[Command.set((self.head_office | self.branch_sh).ids)],
        )
        env = self._as(user, self.head_office)
        self.assertEqual(
            env["res.company"].search([("id", "in", self.branches.ids)]),
            self.branch_sh.with_env(env),
        )
        env = self._as(self.finance[self.branch_sh], self.branch_sh)
        self.assertFalse(env["res.company"].search([("id", "=", self.branch_gz.id)]))

    def test_head_office_services_a_branch_loan(self):
        """The repayment wizard of a branch's loan opened at head office is the
        branch's: head office collects for its branches."""
        loan = self.loans[self.branch_sh]
        env = self._as(self.hq_user, self.head_office)
        wizard = (
            env["microloan.loan.repay"]
            .with_context(default_loan_id=loan.id)
            .create({"amount": 100.0, "date": "2025-03-10"})
        )
        self.assertEqual(wizard.company_id, self.branch_sh.with_env(env))
