from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import MicroloanCommon


@tagged("post_install", "-at_install")
class TestMultiCompany(MicroloanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loan_bj = cls._create_loan(guarantee_type_id=cls.type_guaranty.id)
        cls.loan_sh = cls._create_loan(
            company_id=cls.branch_sh.id,
            partner_id=cls.borrower_sh.id,
            user_id=cls.officer_sh.id,
        )
        cls.collateral_sh = cls.env["microloan.collateral"].create(
            {
                "name": "Warehouse, 12 Pudong Road",
                "type_id": cls.env.ref("microloan_base.collateral_type_commercial").id,
                "owner_id": cls.borrower_sh.id,
                "company_id": cls.branch_sh.id,
                "valuation_ids": [Command.create({"value": 900000.0})],
            }
        )
        cls.guarantor_sh = cls.env["res.partner"].create(
            {"name": "Shanghai Guarantee Co.", "company_id": cls.branch_sh.id}
        )
        cls.guarantee_sh = cls.env["microloan.guarantee"].create(
            {"loan_id": cls.loan_sh.id, "partner_id": cls.guarantor_sh.id}
        )
        cls.group_sh = cls.env["microloan.guarantee.group"].create(
            {"name": "Pudong Group", "company_id": cls.branch_sh.id}
        )

    def test_other_branch_records_are_invisible(self):
        for model, records in (
            ("microloan.loan", self.loan_sh),
            ("microloan.loan.installment", self.loan_sh.installment_ids),
            ("microloan.collateral", self.collateral_sh),
            ("microloan.collateral.valuation", self.collateral_sh.valuation_ids),
            ("microloan.guarantee", self.guarantee_sh),
            ("microloan.guarantee.group", self.group_sh),
        ):
            with self.subTest(model=model):
                self.assertTrue(records)
                as_officer = self.env[model].with_user(self.officer)
                self.assertFalse(as_officer.search([("id", "in", records.ids)]))
                with self.assertRaises(AccessError):
                    records.with_user(self.officer).read(["display_name"])

    def test_other_branch_records_cannot_be_changed(self):
        with self.assertRaises(AccessError):
            self.loan_sh.with_user(self.officer).write({"purpose": "Hijack"})
        with self.assertRaises(AccessError):
            self.loan_sh.with_user(self.officer).action_submit()
        with self.assertRaises(AccessError):
            self.collateral_sh.with_user(self.officer).write({"location": "Nowhere"})
        with self.assertRaises(AccessError):
            self.guarantee_sh.with_user(self.officer).write({"amount": 1.0})
        with self.assertRaises(AccessError):
            self.group_sh.with_user(self.officer).write({"name": "Renamed"})
        self.loan_sh.invalidate_recordset()
        self.assertEqual(self.loan_sh.state, "draft")
        self.assertFalse(self.loan_sh.purpose)

    def test_cannot_create_in_other_branch(self):
        with self.assertRaises(AccessError):
            self.env["microloan.loan"].with_user(self.officer).create(
                self._loan_vals(
                    company_id=self.branch_sh.id,
                    partner_id=self.borrower_sh.id,
                    user_id=self.officer_sh.id,
                )
            )

    def test_own_branch_records_are_visible(self):
        loans = self.env["microloan.loan"].with_user(self.officer).search([])
        self.assertIn(self.loan_bj, loans)
        self.assertNotIn(self.loan_sh, loans)
        sh_loans = self.env["microloan.loan"].with_user(self.officer_sh).search([])
        self.assertEqual(sh_loans, self.loan_sh)

    def test_branch_cannot_mix_companies(self):
        with self.assertRaises(UserError):
            self.loan_bj.write(
                {"collateral_ids": [Command.link(self.collateral_sh.id)]}
            )

    def test_head_office_setup_reaches_branches(self):
        for user in (self.officer, self.officer_sh):
            with self.subTest(user=user.login):
                products = self.env["microloan.product"].with_user(user).search([])
                self.assertIn(self.product, products)
                types = self.env["microloan.guarantee.type"].with_user(user).search([])
                self.assertIn(self.type_mortgage, types)
        # A branch's own product is not seen by the other branch nor the head office.
        bj_product = self.product.copy(
            {
                "name": "Beijing Farmer Loan",
                "code": "BJF",
                "company_id": self.branch_bj.id,
            }
        )
        sh_products = (
            self.env["microloan.product"].with_user(self.officer_sh).search([])
        )
        self.assertNotIn(bj_product, sh_products)
        ho_user_products = (
            self.env["microloan.product"]
            .with_user(self.admin)
            .with_context(allowed_company_ids=self.head_office.ids)
            .search([])
        )
        self.assertNotIn(bj_product, ho_user_products)

    def test_branch_admin_cannot_change_head_office_product(self):
        branch_admin = self.env["res.users"].create(
            {
                "name": "Beijing Administrator",
                "login": "admin_bj",
                "company_id": self.branch_bj.id,
                "company_ids": [Command.set(self.branch_bj.ids)],
                "groups_id": [
                    Command.set(
                        [self.env.ref("microloan_base.group_microloan_admin").id]
                    )
                ],
            }
        )
        product = self.product.with_user(branch_admin)
        self.assertEqual(product.name, "Business Loan")
        with self.assertRaises(AccessError):
            product.write({"rate_max": 36.0})
        self.assertEqual(self.product.rate_max, 24.0)
        self.assertEqual(
            product.copy({"company_id": self.branch_bj.id}).company_id, self.branch_bj
        )
