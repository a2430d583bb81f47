from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestLimits(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        # Net assets 1,000,000 at the end of last year: one borrower 100,000,
        # with his related parties 150,000.
        cls.net_assets = cls.env["microloan.net.assets"].create(
            {
                "company_id": cls.head_office.id,
                "year": cls.today.year - 1,
                "amount": 1000000.0,
            }
        )
        Limit = cls.env["microloan.regulatory.limit"]
        cls.single = Limit.create(
            {
                "name": "Single borrower 10%",
                "scope": "borrower",
                "basis": "net_assets",
                "percent": 10.0,
                "date_from": "2025-01-01",
                "company_id": cls.head_office.id,
            }
        )
        cls.related = Limit.create(
            {
                "name": "Related parties 15%",
                "scope": "related",
                "basis": "net_assets",
                "percent": 15.0,
                "date_from": "2025-01-01",
                "company_id": cls.head_office.id,
            }
        )
        cls.product.credit_committee = False

    def _approved_loan(self, partner, amount):
        loan = self._create_loan(
            partner_id=partner.id,
            amount=amount,
            application_date=self.today,
            disbursement_date=self.today,
        )
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.approver).action_approve()
        return loan

    def test_approval_stopped_with_the_figures(self):
        self._approved_loan(self.borrower, 60000.0)
        application = self._to_approval_without_committee(amount=50000.0)
        with self.assertRefused(
            UserError,
            r"Single borrower 10%.*owe ¥\s?60,000\.00.*50,000\.00 more.*"
            r"110,000\.00.*limit of ¥\s?100,000\.00.*headroom ¥\s?40,000\.00",
        ):
            application.with_user(self.approver).action_approve(amount=50000.0)
        self.assertEqual(application.state, "approval")
        self.assertFalse(application.loan_id)
        # Within the headroom it goes through.
        application.with_user(self.approver).action_approve(amount=40000.0)
        self.assertEqual(application.state, "contract")

    def _to_approval_without_committee(self, **vals):
        application = self._create_application(**vals)
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self._investigate(application, proposed_amount=vals.get("amount", 80000.0))
        application.with_user(self.risk).action_review("pass", "ok")
        return application

    def test_disbursement_stopped(self):
        loan = self._approved_loan(self.borrower, 60000.0)
        # Last year's net assets corrected down: the limit falls to 50,000.
        self.net_assets.amount = 500000.0
        with self.assertRefused(
            UserError, r"Single borrower 10%.*limit of ¥\s?50,000\.00"
        ):
            loan.with_user(self.finance).disburse(60000.0, self.today)
        self.assertEqual(loan.state, "approved")
        self.assertFalse(loan.transaction_ids)
        self.net_assets.amount = 1000000.0
        loan.with_user(self.finance).disburse(60000.0, self.today)
        self.assertEqual(loan.state, "active")

    def test_related_parties_and_guarantees_given(self):
        self.borrower.microloan_related_partner_ids = [Command.link(self.guarantor.id)]
        self._approved_loan(self.guarantor, 90000.0)
        # The borrower alone owes nothing: the single limit is free, but with
        # his related party 90,000 + 70,000 > 150,000.
        usage = self.single._usage(self.borrower, self.branch_bj, self.today)
        self.assertEqual(usage.exposure, 0)
        with self.assertRefused(UserError, r"Related parties 15%.*headroom ¥\s?60,000"):
            self._approved_loan(self.borrower, 70000.0)
        # A guarantee the borrower gave counts in his own exposure, up to what
        # the guaranteed loan owes.
        other = self.env["res.partner"].create(
            {
                "name": "Wu Yi",
                "company_id": self.branch_bj.id,
                "microloan_borrower_type": "individual",
                "microloan_id_type": "passport",
                "microloan_id_number": "E12345678",
            }
        )
        loan = self._create_loan(
            partner_id=other.id,
            amount=40000.0,
            guarantee_type_id=self.type_guaranty.id,
            application_date=self.today,
            disbursement_date=self.today,
            guarantee_ids=[
                Command.create({"partner_id": self.borrower.id, "amount": 25000.0})
            ],
        )
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.approver).action_approve()
        usage = self.single._usage(self.borrower, self.branch_bj, self.today)
        self.assertEqual(usage.exposure, 25000)

    def test_missing_net_assets_is_said(self):
        self.net_assets.unlink()
        loan = self._create_loan(
            application_date=self.today, disbursement_date=self.today
        )
        loan.with_user(self.officer).action_submit()
        with self.assertRefused(UserError, "net assets at the end of"):
            loan.with_user(self.approver).action_approve()
        self.assertEqual(loan.state, "submitted")

    def test_other_company_limits_do_not_bind(self):
        self.single.company_id = self.branch_sh
        self.related.company_id = self.branch_sh
        self._approved_loan(self.borrower, 300000.0)

    def test_limit_usage_view(self):
        self._approved_loan(self.borrower, 80000.0)
        # Head office sees the borrowers of its branches.
        action = (
            self.env["microloan.limit.usage"]
            .with_user(self.admin)
            .with_company(self.head_office)
            .action_open()
        )
        lines = self.env["microloan.limit.usage"].search(action["domain"])
        line = lines.filtered(
            lambda u: u.limit_id == self.single and u.partner_id == self.borrower
        )
        self.assertRecordValues(
            line,
            [
                {
                    "exposure": 80000.0,
                    "limit_amount": 100000.0,
                    "headroom": 20000.0,
                    "usage": 80.0,
                    "breached": False,
                }
            ],
        )

    def test_bad_limits_refused(self):
        Limit = self.env["microloan.regulatory.limit"]
        for vals, message in (
            ({"basis": "net_assets", "percent": 0.0}, "above 0"),
            ({"basis": "net_assets", "percent": 120.0}, "at most 100"),
            ({"basis": "amount", "amount": -5.0}, "must be positive"),
            ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "cannot precede"),
        ):
            with self.subTest(vals=vals), self.assertRefused(ValidationError, message):
                Limit.create({"name": "Bad", **vals})
        with self.assertRefused(ValidationError, "1970 and 2999"):
            self.env["microloan.net.assets"].create(
                {"company_id": self.head_office.id, "year": 20250, "amount": 1.0}
            )
