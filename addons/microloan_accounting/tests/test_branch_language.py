from datetime import date

from odoo.tests import tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestBranchLanguage(MicroloanAccountingCommon):
    """The scheduled runs write a branch's texts in the branch's language
    (``res.company.microloan_lang``), not in the language of whoever runs
    them: branch SH works in 简体中文, head office (the test company) in
    English, and the runs are started by an English user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.branch_sh = cls.env["res.company"].create(
            {
                "name": "Shanghai Branch",
                "parent_id": cls.company.id,
                "microloan_branch_code": "SH",
            }
        )
        cls.env.cr.precommit.run()
        cls.env.user.company_ids |= cls.branch_sh
        Journal = cls.env["account.journal"]
        if not Journal.search(
            [("company_id", "=", cls.branch_sh.id), ("type", "=", "bank")]
        ):
            Journal.create(
                {
                    "name": "Bank SH",
                    "code": "BKSH",
                    "type": "bank",
                    "company_id": cls.branch_sh.id,
                }
            )
        cls.branch_sh.action_microloan_default_accounts()
        cls.company.microloan_lang = "en_US"
        cls.branch_sh.microloan_lang = "zh_CN"
        cls.officer_sh = cls._microloan_user(
            "officer_sh_lang", "officer", cls.branch_sh
        )
        cls.english = cls.env(context=dict(cls.env.context, lang="en_US"))

    def test_branch_language(self):
        self.assertEqual(self.branch_sh._microloan_lang(), "zh_CN")
        self.assertEqual(self.company._microloan_lang(), "en_US")
        # A branch without a language of its own takes head office's.
        self.company.microloan_lang = "zh_CN"
        self.branch_sh.partner_id.lang = False
        self.assertEqual(self.branch_sh._microloan_lang(), "zh_CN")

    def test_month_end_entries_in_branch_language(self):
        loan_hq = self._active_loan()
        loan_sh = self._active_loan(
            officer=self.officer_sh, company_id=self.branch_sh.id, amount=50000.0
        )
        moves = self.english["microloan.loan"]._run_interest_accrual(
            "2025-01-31", companies=self.company | self.branch_sh
        )
        by_company = {move.company_id: move for move in moves}
        self.assertTrue(by_company[self.branch_sh].ref.startswith("利息计提"))
        self.assertTrue(by_company[self.company].ref.startswith("Interest accrual"))
        self.assertTrue(loan_hq.accrual_ids and loan_sh.accrual_ids)

    def test_daily_close_charges_in_branch_language(self):
        loan_sh = self._active_loan(
            officer=self.officer_sh, company_id=self.branch_sh.id, amount=50000.0
        )
        # Nothing paid on 2025-02-10: the month end of February charges the
        # penalty interest, in an entry of the branch labelled in Chinese.
        self.english["microloan.loan"]._run_daily_close(
            "2025-02-28", companies=self.branch_sh
        )
        charges = loan_sh.transaction_ids.filtered(
            lambda t: t.kind in ("penalty", "compound")
        )
        self.assertTrue(charges)
        refs = charges.move_line_ids.move_id.mapped("ref") or charges.move_id.mapped(
            "ref"
        )
        self.assertTrue(refs)
        self.assertTrue(all(ref.startswith("罚息和复利") for ref in refs), refs)

    def test_nightly_run_named_in_branch_language(self):
        # sudo: runs are written by the close only.
        Run = self.english["microloan.close.run"].sudo()
        nightly = Run._create_inline_run(date(2025, 1, 31), self.branch_sh)
        self.assertTrue(nightly.name.startswith("日终处理至"), nightly.name)
        # A run a user starts is named in the user's language.
        started = Run._create_inline_run(
            date(2025, 1, 31), self.branch_sh, user=self.env.user
        )
        self.assertTrue(started.name.startswith("Daily close to"), started.name)
