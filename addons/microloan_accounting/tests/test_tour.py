from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestLoanTour(MicroloanAccountingCommon, HttpCase):
    """Officer → approver → finance through the web client, in Simplified
    Chinese (issue 12, item 10; static/tests/tours/microloan_loan_tour.js)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["web", "mail", "microloan_base", "microloan_accounting"], ["zh_CN"]
        )
        cls.product.name = "经营贷·等额本息·12 期"
        cls.borrower.name = "张三"
        cls.env.ref("microloan_base.guarantee_type_credit").with_context(
            lang="zh_CN"
        ).name = "信用"

        def user(login, group):
            return new_test_user(
                cls.env,
                login=login,
                groups=f"base.group_user,microloan_base.group_microloan_{group}",
                company_id=cls.company.id,
                company_ids=[Command.set(cls.company.ids)],
                lang="zh_CN",
                tz="Asia/Shanghai",
            )

        cls.tour_officer = user("tour_officer", "officer")
        cls.tour_approver = user("tour_approver", "approver")
        cls.tour_finance = user("tour_finance", "finance")

    def test_officer_approver_finance(self):
        action = "/odoo/action-microloan_base.microloan_loan_action"
        self.start_tour(action, "microloan_officer_tour", login="tour_officer")
        loan = self.env["microloan.loan"].search(
            [("partner_id", "=", self.borrower.id)]
        )
        self.assertEqual(loan.state, "submitted")
        self.assertEqual(loan.user_id, self.tour_officer)
        self.start_tour(
            f"{action}/{loan.id}", "microloan_approver_tour", login="tour_approver"
        )
        self.assertEqual(loan.state, "approved")
        self.start_tour(
            f"{action}/{loan.id}", "microloan_finance_tour", login="tour_finance"
        )
        self.assertEqual(loan.state, "active")
        # The wizard's today is the finance user's, in Asia/Shanghai (after
        # 16:00 UTC it is already tomorrow there).
        today = fields.Date.context_today(loan.with_user(self.tour_finance))
        repayment = loan.transaction_ids.filtered(lambda t: t.kind == "repayment")
        self.assertEqual(repayment.amount, 8884.88)
        self.assertEqual(repayment.date, today)
        self.assertEqual(
            repayment.payment_id.journal_id, self.accounts["payment_journal"]
        )
