from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import VALID_USCC, MicroloanCommon, make_resident_id

# Wizards acting on a loan, with the group allowed to open them.
LOAN_WIZARDS = (
    ("microloan.loan.disburse", "finance", {"amount": 1.0}),
    ("microloan.loan.repay", "finance", {"amount": 1.0}),
    ("microloan.loan.prepay", "finance", {}),
    ("microloan.loan.extend", "approver", {"reason": "x"}),
    ("microloan.loan.write.off", "approver", {"reason": "x"}),
    ("microloan.loan.recover", "finance", {"amount": 1.0}),
    ("microloan.loan.classify", "risk", {"tier": "loss", "reason": "x"}),
)


@tagged("post_install", "-at_install")
class TestSecurityGuards(MicroloanCommon):
    """Issue 9: states, stamps and figures only through the actions; no context
    key as a permission; nothing of another branch through a wizard."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revolving = cls._create_revolving_product("BCL", day_count="ACT/360")
        cls.line = cls.env["microloan.credit.line"].create(
            {
                "partner_id": cls.borrower.id,
                "product_id": cls.revolving.id,
                "company_id": cls.branch_bj.id,
                "date_start": "2025-01-01",
                "date_end": "2099-12-31",
                "limit_amount": 100000.0,
            }
        )
        cls.loan_sh = cls.env["microloan.loan"].create(
            cls._loan_vals(
                partner_id=cls.borrower_sh.id,
                company_id=cls.branch_sh.id,
                user_id=cls.officer_sh.id,
                amount=77777.0,
            )
        )

    def _as(self, user, record):
        return record.with_user(user).with_company(self.branch_bj)

    def _approved_loan(self):
        loan = self._create_loan(user=self.officer)
        self._as(self.officer, loan).action_submit()
        self._as(self.approver, loan).action_approve()
        return loan

    # 1. States and stamps only through the actions

    def test_credit_line_state_only_through_actions(self):
        for user in (self.finance, self.officer, self.approver):
            with self.subTest(user=user.login):
                with self.assertRefused(AccessError, "can only be set"):
                    self._as(user, self.line).write({"state": "active"})
        with self.assertRefused(AccessError, "can only be set"):
            self._as(self.officer, self.line).write({"name": "BJ-CL-FAKE"})
        with self.assertRefused(AccessError, "can only be set"):
            self.env["microloan.credit.line"].with_user(self.officer).with_company(
                self.branch_bj
            ).create(
                {
                    "partner_id": self.borrower.id,
                    "product_id": self.revolving.id,
                    "company_id": self.branch_bj.id,
                    "date_end": "2099-12-31",
                    "state": "active",
                }
            )
        self.assertEqual(self.line.state, "draft")
        # A no-op value is accepted, the action does the change.
        self._as(self.officer, self.line).write({"state": "draft"})
        self._as(self.approver, self.line).action_activate()
        self.assertEqual(self.line.state, "active")

    def test_credit_line_entry_context_flag_is_no_permission(self):
        self._as(self.approver, self.line).action_activate()
        Entry = (
            self.env["microloan.credit.line.entry"]
            .with_user(self.finance)
            .with_company(self.branch_bj)
            .with_context(microloan_credit_line_posting=True)
        )
        with self.assertRaises(UserError):
            Entry.create(
                {
                    "line_id": self.line.id,
                    "sequence": 1,
                    "kind": "draw",
                    "date": "2025-01-02",
                    "amount": 1000000.0,
                }
            )
        self.assertFalse(self.line.entry_ids)
        # The draw action posts, within the limit only.
        line = self._as(self.finance, self.line)
        line.draw(1000.0, "2025-01-02")
        entry = self.line.entry_ids
        self.assertRecordValues(entry, [{"kind": "draw", "amount": 1000.0}])
        with self.assertRaises(UserError):
            self._as(self.finance, entry).with_context(
                microloan_credit_line_posting=True
            ).write({"state": "reversed"})
        with self.assertRefused(UserError, "beyond its limit"):
            line.draw(1000000.0, "2025-01-03")
        self.assertEqual(self.line.principal_outstanding, 1000.0)

    def test_collateral_released_only_by_its_action(self):
        collateral = self._create_collateral()
        self._as(self.risk, collateral).action_register()
        loan = self._create_loan(
            user=self.officer,
            guarantee_type_id=self.type_mortgage.id,
            collateral_ids=[Command.set(collateral.ids)],
        )
        self._as(self.officer, loan).action_submit()
        self._as(self.approver, loan).action_approve()
        self.assertEqual(loan.state, "approved")
        for vals in (
            {"state": "released"},
            {"release_date": "2025-02-01"},
            {"state": "draft"},
        ):
            with self.subTest(vals=vals):
                with self.assertRefused(AccessError, "can only be set"):
                    self._as(self.risk, collateral).write(vals)
        with self.assertRefused(UserError, "still secures"):
            self._as(self.risk, collateral).action_release()
        self.assertEqual(collateral.state, "registered")
        # Its valuation cannot be changed under the approved loan either.
        with self.assertRaises(AccessError):
            self._as(self.risk, collateral.valuation_ids).write({"value": 900000.0})
        self.assertEqual(collateral.value, 250000.0)

    def test_guarantees_fixed_once_approved(self):
        loan = self._create_loan(user=self.officer)
        guarantee = (
            self.env["microloan.guarantee"]
            .with_user(self.officer)
            .with_company(self.branch_bj)
            .create({"loan_id": loan.id, "partner_id": self.guarantor.id})
        )
        self._as(self.officer, loan).action_submit()
        self._as(self.approver, loan).action_approve()
        with self.assertRefused(AccessError, "were approved with the loan"):
            self._as(self.officer, guarantee).write({"amount": 1.0})
        with self.assertRefused(AccessError, "were approved with the loan"):
            self._as(self.officer, guarantee).unlink()
        with self.assertRaises(AccessError):
            self._as(self.officer, guarantee).write({"company_id": self.branch_sh.id})

    def test_branch_closed_date_set_by_the_close_only(self):
        settings_user = new_test_user(
            self.env,
            login="settings_bj",
            groups="base.group_system,microloan_base.group_microloan_admin",
            company_id=self.branch_bj.id,
            company_ids=[Command.set(self.branch_bj.ids)],
        )
        with self.assertRefused(AccessError, "daily close only"):
            self.branch_bj.with_user(settings_user).write(
                {"microloan_closed_date": "2030-01-01"}
            )
        self.assertFalse(self.branch_bj.microloan_closed_date)
        # Other settings still change.
        self.branch_bj.with_user(settings_user).write({"microloan_lpr_rate": 3.1})

    # 9. Nothing of another branch through a transient record

    def _assert_hides(self, error, record):
        message = str(error.exception)
        for text in (
            record.name,
            self.borrower_sh.name,
            self.branch_sh.name,
            "77777",
            "77,777",
        ):
            self.assertNotIn(text, message)

    def test_wizards_refuse_other_branch_records(self):
        for model, group, vals in LOAN_WIZARDS:
            user = getattr(self, group)
            Wizard = self.env[model].with_user(user).with_company(self.branch_bj)
            with self.subTest(model=model):
                with self.assertRaises(UserError) as error:
                    Wizard.create({"loan_id": self.loan_sh.id, **vals})
                self._assert_hides(error, self.loan_sh)
                # Nor by naming the other branch as the wizard's.
                with self.assertRaises(UserError) as error:
                    Wizard.create(
                        {
                            "loan_id": self.loan_sh.id,
                            "company_id": self.branch_sh.id,
                            **vals,
                        }
                    )
                self._assert_hides(error, self.loan_sh)
        Reject = (
            self.env["microloan.loan.reject"]
            .with_user(self.approver)
            .with_company(self.branch_bj)
        )
        with self.assertRaises(UserError) as error:
            Reject.create({"loan_ids": [Command.set(self.loan_sh.ids)], "reason": "x"})
        self._assert_hides(error, self.loan_sh)
        line_sh = self.env["microloan.credit.line"].create(
            {
                "partner_id": self.borrower_sh.id,
                "product_id": self.revolving.id,
                "company_id": self.branch_sh.id,
                "date_end": "2099-12-31",
            }
        )
        for model in ("microloan.credit.line.draw", "microloan.credit.line.repay"):
            Wizard = self.env[model].with_user(self.finance)
            with self.subTest(model=model):
                with self.assertRaises(UserError) as error:
                    Wizard.with_company(self.branch_bj).create(
                        {"line_id": line_sh.id, "amount": 1.0}
                    )
                self._assert_hides(error, line_sh)

    def test_wizard_of_own_branch(self):
        loan = self._approved_loan()
        wizard = Form(
            self.env["microloan.loan.disburse"]
            .with_user(self.finance)
            .with_company(self.branch_bj)
            .with_context(default_loan_id=loan.id)
        ).save()
        self.assertEqual(wizard.company_id, self.branch_bj)
        self.assertEqual(wizard.amount_approved, 100000.0)
        wizard.action_disburse()
        self.assertEqual(loan.state, "active")

    # 15. and the identity number: borrowers of the officer's branch

    def test_officer_creates_borrowers(self):
        Partner = self.env["res.partner"].with_user(self.officer)
        Partner = Partner.with_company(self.branch_bj)
        form = Form(Partner)
        form.name = "Wang Wu"
        form.microloan_borrower_type = "individual"
        form.microloan_id_type = "resident_id"
        form.microloan_id_number = make_resident_id("11010819850615003")
        partner = form.save()
        self.assertEqual(partner.microloan_borrower_type, "individual")
        partner.write({"company_id": self.branch_bj.id, "microloan_occupation": "Shop"})
        with self.assertRaises(AccessError):
            partner.unlink()

    def test_identity_number_tells_nothing_of_another_branch(self):
        Partner = self.env["res.partner"].with_user(self.officer)
        Partner = Partner.with_company(self.branch_bj)
        # Branch SH has this enterprise: BJ registers it as its own, or shared.
        for company in (self.branch_bj, False):
            with self.subTest(company=company):
                partner = Partner.create(
                    {
                        "name": "Fuzhou Trading (BJ)",
                        "company_id": company and company.id,
                        "microloan_borrower_type": "enterprise",
                        "microloan_id_type": "uscc",
                        "microloan_id_number": VALID_USCC,
                    }
                )
                self.assertEqual(partner.microloan_id_number, VALID_USCC)
                partner.sudo().unlink()
        # A duplicate within the branch is refused without naming anyone.
        with self.assertRaises(ValidationError) as error:
            Partner.create(
                {
                    "name": "Zhang San again",
                    "company_id": self.branch_bj.id,
                    "microloan_borrower_type": "individual",
                    "microloan_id_type": "resident_id",
                    "microloan_id_number": self.borrower.microloan_id_number,
                }
            )
        self.assertIn("of this branch", str(error.exception))
        self.assertNotIn(self.borrower.name, str(error.exception))
