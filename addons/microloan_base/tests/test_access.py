from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MicroloanCommon


@tagged("post_install", "-at_install")
class TestAccessRights(MicroloanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loan = cls._create_loan()
        cls.collateral = cls._create_collateral()
        cls.internal_user = new_test_user(
            cls.env,
            login="employee_bj",
            groups="base.group_user",
            company_id=cls.branch_bj.id,
            company_ids=[Command.set(cls.branch_bj.ids)],
        )

    def test_auditor_reads_only(self):
        loan = self.loan.with_user(self.auditor)
        self.assertEqual(loan.name, self.loan.name)
        self.assertTrue(loan.installment_ids.mapped("amount"))
        self.assertTrue(self.collateral.with_user(self.auditor).value)
        with self.assertRaises(AccessError):
            loan.write({"purpose": "Audit"})
        with self.assertRaises(AccessError):
            self._create_loan(user=self.auditor)
        with self.assertRaises(AccessError):
            self.collateral.with_user(self.auditor).write({"location": "Here"})
        with self.assertRaises(AccessError):
            self.product.with_user(self.auditor).write({"name": "Audit"})
        with self.assertRaises(AccessError):
            loan.action_submit()

    def test_internal_user_without_role(self):
        with self.assertRaises(AccessError):
            self.loan.with_user(self.internal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.env["microloan.product"].with_user(self.internal_user).search([])
        # Contacts stay readable without the loan figures.
        partner = self.borrower.with_user(self.internal_user)
        self.assertEqual(partner.name, "Zhang San")
        self.assertEqual(partner.microloan_id_number, self.borrower.microloan_id_number)

    def test_officer(self):
        loan = self._create_loan(user=self.officer)
        loan.write({"purpose": "Working capital"})
        self.env["microloan.collateral"].with_user(self.officer).create(
            {
                "name": "Car",
                "type_id": self.env.ref("microloan_base.collateral_type_vehicle").id,
                "owner_id": self.borrower.id,
                "company_id": self.branch_bj.id,
            }
        )
        self.env["microloan.guarantee"].with_user(self.officer).create(
            {"loan_id": loan.id, "partner_id": self.guarantor.id}
        )
        with self.assertRaises(AccessError):
            self.env["microloan.product"].with_user(self.officer).create(
                {"name": "Officer product"}
            )
        with self.assertRaises(AccessError):
            self.collateral.with_user(self.officer).unlink()

    def test_risk_officer(self):
        self.collateral.with_user(self.risk).action_register()
        self.assertEqual(self.collateral.state, "registered")
        with self.assertRaises(AccessError):
            self._create_loan(user=self.risk)
        with self.assertRaises(AccessError):
            self.loan.with_user(self.risk).action_submit()

    def test_approver_and_finance_cannot_create_loans(self):
        for user in (self.approver, self.finance):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self._create_loan(user=user)
        with self.assertRaises(AccessError):
            self.collateral.with_user(self.approver).write({"location": "Here"})

    def test_finance_only_activates(self):
        """A loan becomes active with its first disbursement, by finance only."""
        self.loan.with_user(self.officer).action_submit()
        self.loan.with_user(self.approver).action_approve()
        date = self.loan.disbursement_date
        with self.assertRaises(AccessError):
            self.loan.with_user(self.officer).disburse(self.loan.amount, date)
        with self.assertRaises(AccessError):
            self.loan.with_user(self.approver).disburse(self.loan.amount, date)
        self.assertFalse(hasattr(self.loan, "action_activate"))
        self.loan.with_user(self.finance).disburse(self.loan.amount, date)
        self.assertEqual(self.loan.state, "active")

    def test_administrator(self):
        admin = self.admin
        product = (
            self.env["microloan.product"]
            .with_user(admin)
            .create({"name": "Farmer Loan", "company_id": self.head_office.id})
        )
        product.write({"rate_default": 10.0})
        guarantee_type = (
            self.env["microloan.guarantee.type"]
            .with_user(admin)
            .create({"name": "Insurance", "code": "insurance"})
        )
        collateral_type = (
            self.env["microloan.collateral.type"]
            .with_user(admin)
            .create(
                {
                    "name": "Forest Rights",
                    "code": "forest",
                    "kind": "mortgage",
                    "max_ltv": 40,
                }
            )
        )
        self.assertTrue(guarantee_type.exists() and collateral_type.exists())
        for group in (
            "officer",
            "risk",
            "approver",
            "finance",
            "auditor",
        ):
            self.assertTrue(admin.has_group(f"microloan_base.group_microloan_{group}"))

    def test_views_load_for_every_role(self):
        views = {
            "microloan.loan": [
                "list",
                "form",
                "kanban",
                "search",
                "pivot",
                "graph",
                "activity",
            ],
            "microloan.loan.installment": ["list", "search", "pivot"],
            "microloan.product": ["list", "form", "search"],
            "microloan.collateral": ["list", "form", "search"],
            "microloan.guarantee": ["list", "form", "search"],
            "microloan.guarantee.group": ["list", "form", "search"],
            "microloan.guarantee.type": ["list", "form"],
            "microloan.collateral.type": ["list", "search"],
            "res.partner": ["form", "search"],
        }
        for user in (self.officer, self.auditor, self.approver, self.admin):
            for model, view_types in views.items():
                with self.subTest(user=user.login, model=model):
                    result = (
                        self.env[model]
                        .with_user(user)
                        .get_views([(False, view_type) for view_type in view_types])
                    )
                    self.assertEqual(set(result["views"]), set(view_types))
        # Without a microloan role the contact form hides the loan figures.
        arch = (
            self.env["res.partner"]
            .with_user(self.internal_user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertNotIn("microloan_loan_count", arch)
        officer_arch = (
            self.env["res.partner"]
            .with_user(self.officer)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("microloan_loan_count", officer_arch)
