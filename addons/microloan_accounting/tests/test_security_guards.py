from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestSecurityGuards(MicroloanAccountingCommon):
    """Issue 9 in the books: the runs' records and the sub-ledger links only
    from the module's own code, the ledger control of the caller's branches
    only, and its other checks of the sub-ledger."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.accountant = new_test_user(
            cls.env,
            login="accountant_bj",
            groups="account.group_account_manager,"
            "microloan_base.group_microloan_finance",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.other_company = cls.setup_other_company(name="Shanghai Branch")["company"]
        cls.other_company.microloan_branch_code = "SH"

    @classmethod
    def _officer_loan(cls, active=True, **vals):
        """A loan entered and submitted by its officer, approved (and
        disbursed) by the superuser of the test."""
        officer = cls.officer
        loan = (
            cls.env["microloan.loan"]
            .with_user(officer)
            .with_company(cls.company)
            .create(cls._loan_vals(**vals))
        )
        loan.with_user(officer).with_company(cls.company).action_submit()
        loan = loan.with_env(cls.env)
        loan.action_approve()
        if active:
            loan.disburse(loan.amount, loan.disbursement_date)
        return loan

    def _as(self, user, records):
        return records.with_user(user).with_company(self.company)

    def test_default_accounts_need_the_right_to_change_the_branch(self):
        """Setting a branch's default loan accounts creates accounts and a
        journal as superuser: a caller who may not change the branch is
        refused before anything is created."""
        company = self.other_company
        company.microloan_principal_account_id = False
        Account = self.env["account.account"]
        before = Account.search_count([("company_ids", "in", company.ids)])
        finance = new_test_user(
            self.env,
            login="finance_sh_defaults",
            groups="microloan_base.group_microloan_finance",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        # Not assertRaises, which rolls back to a savepoint: what the refused
        # call left behind is counted.
        refused = False
        try:
            company.with_user(finance).action_microloan_default_accounts()
        except AccessError:
            refused = True
        self.assertTrue(refused, "set by a user who may not change the branch")
        self.assertEqual(
            Account.search_count([("company_ids", "in", company.ids)]), before
        )
        self.assertFalse(company.microloan_principal_account_id)
        self.assertFalse(company.microloan_loan_journal_id)

    # 2. The runs' records: no context key makes them

    def test_run_records_need_the_run(self):
        loan = self._officer_loan()
        values = {
            "microloan.loan.accrual": (
                "microloan_accrual_run",
                {
                    "loan_id": loan.id,
                    "company_id": self.company.id,
                    "product_id": self.product.id,
                    "currency_id": loan.currency_id.id,
                    "date": "2025-01-31",
                    "component": "interest",
                    "kind": "accrual",
                    "amount": 5000.0,
                },
            ),
            "microloan.memo.entry": (
                "microloan_accrual_run",
                {
                    "loan_id": loan.id,
                    "company_id": self.company.id,
                    "currency_id": loan.currency_id.id,
                    "date": "2025-01-31",
                    "memo_type": "interest",
                    "direction": "in",
                    "amount": 5000.0,
                },
            ),
            "microloan.provision": (
                "microloan_provision_run",
                {
                    "company_id": self.company.id,
                    "product_id": self.product.id,
                    "date": "2025-01-31",
                    "amount": 5000.0,
                },
            ),
        }
        for model, (key, vals) in values.items():
            for user in (self.accountant, self.env.ref("base.user_admin")):
                with self.subTest(model=model, user=user.login):
                    Model = self._as(user, self.env[model]).with_context(**{key: True})
                    with self.assertRaises(UserError):
                        Model.create(vals)
        self.assertFalse(
            self.env["microloan.loan.accrual"].search([("amount", "=", 5000.0)])
        )
        # The run itself still posts them.
        self.env["microloan.loan"]._run_month_end("2025-01-31", self.company)
        self.assertTrue(loan.accrual_ids)

    def test_sub_ledger_links_set_by_postings_only(self):
        loan = self._officer_loan()
        other = self._officer_loan(amount=30000.0)
        move = loan.transaction_ids.move_ids[:1]
        line = move.line_ids.filtered("microloan_loan_id")[:1]
        payment = loan.transaction_ids.payment_ids[:1]
        self.assertTrue(line and payment)
        with self.assertRaises(AccessError):
            self._as(self.accountant, line).write({"microloan_loan_id": other.id})
        with self.assertRaises(AccessError):
            self._as(self.accountant, move).write(
                {"microloan_transaction_id": other.transaction_ids[:1].id}
            )
        with self.assertRaises(AccessError):
            self._as(self.accountant, payment).write(
                {"microloan_transaction_id": False}
            )
        with self.assertRaises(AccessError):
            self._as(self.accountant, self.env["account.move"]).create(
                self._manual_entry_vals(
                    "2025-01-31",
                    (
                        self.accounts["principal"],
                        500.0,
                        {"microloan_loan_id": other.id},
                    ),
                    (
                        self.accounts["principal"],
                        -500.0,
                        {"microloan_loan_id": loan.id},
                    ),
                )
            )
        self.assertEqual(line.microloan_loan_id, loan)
        # An unchanged value is no change.
        self._as(self.accountant, line).write({"microloan_loan_id": loan.id})

    # 9. The ledger control shows the caller's branches only

    def test_control_of_own_branches_only(self):
        product = self.product.copy(
            {"company_id": self.other_company.id, "code": "BIZSH"}
        )
        loan_other = self.env["microloan.loan"].create(
            self._loan_vals(
                company_id=self.other_company.id,
                product_id=product.id,
                user_id=False,
            )
        )
        Control = self._as(self.accountant, self.env["microloan.ledger.control"])
        with self.assertRaises(ValidationError):
            Control.create({"company_ids": [Command.set(self.other_company.ids)]})
        control = Control.create({})
        self.assertEqual(control.company_ids, self.company)
        with self.assertRaises(AccessError) as error:
            self._as(self.accountant, self.env["microloan.ledger.control.line"]).create(
                {"control_id": control.id, "loan_id": loan_other.id}
            )
        for text in (loan_other.name, self.other_company.name):
            self.assertNotIn(text, str(error.exception))

    # 14. The control's other checks of the sub-ledger

    def test_tampered_sub_ledger_is_listed(self):
        schedule = self._officer_loan()
        credit = self._officer_loan(amount=30000.0)
        undisbursed = self._officer_loan(amount=20000.0, active=False)
        Loan = self.env["microloan.loan"]
        self.assertEqual(
            Loan._check_subledger_integrity("2025-01-31", self.company), []
        )
        # Tampered as superuser, as only a database user could.
        first = schedule.installment_ids.sorted("sequence")[0]
        first.sudo().write({"principal": first.principal + 100.0})
        self.env["account.move"].sudo().create(
            self._manual_entry_vals(
                "2025-01-20",
                (
                    self.accounts["borrower_credit"],
                    -50.0,
                    {"microloan_loan_id": credit.id},
                ),
                (self.accounts["interest_income"], 50.0, {}),
            )
        ).action_post()
        undisbursed.sudo().write({"state": "active"})
        found = {
            (diff["loan"], diff["check"]): (diff["expected"], diff["found"])
            for diff in Loan._check_subledger_integrity("2025-01-31", self.company)
        }
        self.assertEqual(found[schedule, "schedule"], (100000.0, 100100.0))
        self.assertEqual(found[credit, "credit"], (0.0, 50.0))
        self.assertEqual(found[undisbursed, "disbursement"], (20000.0, 0.0))
        control = Form(self.env["microloan.ledger.control"])
        control.date = date(2025, 1, 31)
        control = control.save()
        control.action_check()
        kinds = {(line.loan_id, line.kind) for line in control.line_ids}
        for key in found:
            self.assertIn(key, kinds)

    # 15. The control's default date is the runs' date

    def test_control_date_is_the_runs_date(self):
        shanghai = new_test_user(
            self.env,
            login="finance_shanghai",
            groups="microloan_base.group_microloan_finance",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
            tz="Asia/Shanghai",
        )
        self.env.ref("base.user_root").tz = "Europe/Brussels"
        # 20:00 UTC: already the next day in Shanghai, not in the runs' timezone.
        with freeze_time(datetime(2025, 1, 31, 20, 0)):
            control = self._as(shanghai, self.env["microloan.ledger.control"]).create(
                {}
            )
            self.assertEqual(control.date, date(2025, 1, 31))
            self.assertEqual(
                self.env["microloan.loan"]._microloan_run_date(), date(2025, 1, 31)
            )
