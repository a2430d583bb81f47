import re

from odoo.tests import TransactionCase, tagged
from odoo.tools import html2plaintext

LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    """The demo is a Chinese company's first hour (issue 12, items 1 and 6):
    yuan on the Chinese chart, Chinese data and generated texts, users with
    their role's groups only. Skipped on a database without the demo."""

    def setUp(self):
        super().setUp()
        self.officer = self.env.ref(
            "microloan_base.user_officer_cd", raise_if_not_found=False
        )
        if not self.officer:
            self.skipTest("no demo data")

    def test_yuan_on_the_chinese_chart(self):
        head_office = self.env.ref("base.main_company")
        branches = self.env.ref("microloan_base.company_chengdu") | self.env.ref(
            "microloan_base.company_hangzhou"
        )
        self.assertEqual(head_office.chart_template, "cn")
        self.assertEqual((head_office | branches).currency_id, self.env.ref("base.CNY"))
        self.assertFalse(LATIN_WORD.search(head_office.name))
        self.assertEqual(branches.mapped("name"), ["成都分公司", "杭州分公司"])
        principal = branches[0].microloan_principal_account_id
        self.assertEqual(principal.with_company(branches[0]).code, "130300")
        loans = self.env["microloan.loan"].search([("company_id", "in", branches.ids)])
        self.assertEqual(loans.currency_id, self.env.ref("base.CNY"))

    def test_chinese_data_and_generated_texts(self):
        loans = self.env["microloan.loan"].search([])
        texts = (
            loans.mapped("purpose")
            + loans.product_id.mapped("name")
            + loans.partner_id.mapped("name")
            + self.env["microloan.collateral"].search([]).mapped("name")
        )
        self.assertEqual([t for t in texts if t and LATIN_WORD.search(t)], [])
        # The lines of the loan entries, accruals and provisions (the
        # payments' own entries are labelled by Odoo).
        labels = (
            self.env["account.move.line"]
            .search(
                [
                    ("microloan_loan_id", "in", loans.ids),
                    ("move_id.origin_payment_id", "=", False),
                ]
            )
            .mapped("name")
        )
        self.assertTrue(labels)
        english = [label for label in labels if label and LATIN_WORD.search(label)]
        self.assertEqual(english, [])
        summaries = loans.activity_ids.mapped("summary")
        self.assertEqual([s for s in summaries if s and LATIN_WORD.search(s)], [])

    def test_users_have_their_role_only(self):
        for xmlid in ("user_officer_cd", "user_finance_cd", "user_approver_hz"):
            user = self.env.ref(f"microloan_base.{xmlid}")
            self.assertFalse(user.has_group("account.group_account_manager"))
            self.assertFalse(user.has_group("base.group_no_one"))
            self.assertEqual(user.tz, "Asia/Shanghai")
        self.assertEqual(
            self.officer.action_id.id,
            self.env.ref("microloan_base.microloan_loan_action_desk").id,
        )
        admin = self.env.ref("base.user_admin")
        self.assertEqual(admin.tz, "Asia/Shanghai")
        self.assertEqual(
            admin.action_id.id, self.env.ref("microloan_base.microloan_loan_action").id
        )

    def test_odoo_terms_in_chinese_and_admin_where_the_loans_are(self):
        # The demo loads Odoo's own Chinese (its accounting's menus, payment
        # methods...), not only the language.
        menu = self.env.ref("account.menu_finance").with_context(lang="zh_CN")
        self.assertEqual(menu.name, "发票")
        payment_labels = (
            self.env["account.move.line"]
            .search(
                [
                    ("move_id.origin_payment_id.microloan_transaction_id", "!=", False),
                    ("company_id", "=", self.officer.company_id.id),
                ]
            )
            .mapped("name")
        )
        self.assertTrue(payment_labels)
        english = [label for label in payment_labels if LATIN_WORD.search(label or "")]
        self.assertEqual(english, [])
        self.assertTrue(any(label.startswith("手工支付") for label in payment_labels))
        # Head office has no loans: admin lands in a branch that has.
        admin = self.env.ref("base.user_admin")
        self.assertEqual(
            admin.company_id, self.env.ref("microloan_base.company_chengdu")
        )
        self.assertTrue(
            self.env["microloan.loan"].search_count(
                [("company_id", "=", admin.company_id.id)]
            )
        )

    def test_head_office_sees_its_branches_and_odoo_names_in_chinese(self):
        """The head office administrator, logged in with head office alone
        selected (as the web client does at login), lists the branches' loans,
        borrowers and entries; the chart's and journals' names read in
        Chinese."""
        head_office = self.env.ref("base.main_company")
        branches = self.env.ref("microloan_base.company_chengdu") | self.env.ref(
            "microloan_base.company_hangzhou"
        )
        admin_hq = self.env.ref("microloan_base.user_admin_hq")
        env = self.env(
            user=admin_hq,
            context=dict(self.env.context, allowed_company_ids=head_office.ids),
        )
        loans = env["microloan.loan"].search([])
        self.assertEqual(loans.company_id, branches.with_env(env))
        self.assertEqual(loans, env["microloan.loan"].sudo().search([]).with_env(env))
        self.assertTrue(env["res.partner"].search([("id", "in", loans.partner_id.ids)]))
        moves = env["account.move"].search([("microloan_loan_id", "in", loans.ids)])
        self.assertEqual(moves.company_id, branches.with_env(env))
        # A branch user still sees only the branch.
        officer_loans = self.env["microloan.loan"].with_user(self.officer).search([])
        self.assertEqual(officer_loans.company_id, self.officer.company_id)
        companies = head_office | branches
        zh = self.env(context=dict(self.env.context, lang="zh_CN"))
        in_companies = [("company_id", "in", companies.ids)]
        names = zh["account.journal"].search(in_companies).mapped("name")
        names += zh["account.payment.term"].search([]).mapped("name")
        names += zh["account.reconcile.model"].search(in_companies).mapped("name")
        names += (
            zh["account.account"]
            .search([("company_ids", "in", companies.ids)])
            .mapped("name")
        )
        self.assertEqual([name for name in names if LATIN_WORD.search(name)], [])

    def test_demo_messages_name_things_in_chinese(self):
        """The messages the demo makes on its loans, applications,
        inspections, signals and collection actions name the activity types
        and models in 简体中文: the terms of the modules being installed are
        loaded before their demo runs, and the demo's records are created in
        it (the chatter read "Repayment Reminder 完成", "Loan 创建" and "Loan
        created")."""
        messages = self.env["mail.message"].search([("model", "=like", "microloan.%")])
        self.assertTrue(messages)
        english = re.compile(
            r"[A-Za-z]{4,}[A-Za-z -]* (created|创建)|Repayment Reminder|"
            r"Overdue Installment"
        )
        found = sorted(
            {
                match.group(0)
                for body in messages.mapped("body")
                for match in english.finditer(body or "")
            }
        )
        self.assertEqual(found, [])

    def test_demo_texts_have_no_english_word(self):
        """No English word in what the demo wrote on its microloan records:
        messages (the negative-information notice, mailed in the borrower's
        language, was in English: its module's terms were loaded after its
        demo), activities (a rejection reason was English), the records'
        names in them (``microloan.inspection,13``)."""
        word = re.compile(r"(?<![\w@./-])[A-Za-z][a-z]{2,}(?![\w@/-])")

        def english(text):
            return [
                line.strip()
                for line in html2plaintext(text or "").splitlines()
                if "@" not in line and "://" not in line and word.search(line)
            ]

        found = set()
        for message in self.env["mail.message"].search(
            [("model", "=like", "microloan.%")]
        ):
            found.update(english(message.body))
            found.update(english(message.subject))
        for activity in self.env["mail.activity"].search(
            [("res_model", "=like", "microloan.%")]
        ):
            found.update(english(activity.summary))
            found.update(english(activity.note))
        self.assertEqual(sorted(found), [])
