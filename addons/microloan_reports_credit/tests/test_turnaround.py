"""With microloan_credit, the portfolio analysis times a loan's approval from
its credit application's creation to its contract."""

from odoo import Command
from odoo.tests import tagged

from odoo.addons.microloan_credit.tests.common import CreditCommon


@tagged("post_install", "-at_install")
class TestTurnaround(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        scorecard = cls.env["microloan.scorecard"].create(
            {
                "name": "Retail",
                "code": "RETAIL",
                "company_id": cls.head_office.id,
                "product_ids": [Command.set(cls.product.ids)],
                "characteristic_ids": [
                    Command.create(
                        {
                            "source": "amount",
                            "sequence": 1,
                            "bin_ids": [
                                Command.create(
                                    {"lower_open": True, "upper": 200000, "points": 85}
                                ),
                                Command.create(
                                    {"lower": 200000, "upper_open": True, "points": 0}
                                ),
                            ],
                        }
                    )
                ],
                "cutoff_ids": [
                    Command.create(
                        {
                            "min_score": 80,
                            "grade": "A",
                            "decision": "approve",
                            "max_amount": 300000,
                        }
                    ),
                    Command.create(
                        {"min_score": -100, "grade": "E", "decision": "decline"}
                    ),
                ],
            }
        )
        scorecard.with_user(cls.risk).action_activate()

    def test_the_applications_turnaround(self):
        application = self._create_application()
        # Created three days before its approval.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE microloan_application SET create_date = create_date - "
            "interval '3 days' WHERE id = %s",
            [application.id],
        )
        self.env.invalidate_all()
        self._to_approval(application)
        application.with_user(self.officer).action_compute_score()
        application.with_user(self.approver).action_approve(amount=80000.0)
        loan = application.loan_id
        self.assertAlmostEqual(application.turnaround_days, 3.0, 1)
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.admin).action_approve()
        loan.with_user(self.finance).with_company(loan.company_id).disburse(
            loan.amount, loan.disbursement_date
        )
        row = self.env["microloan.portfolio.report"].search([("loan_id", "=", loan.id)])
        self.assertEqual(row.approved_count, 1)
        self.assertEqual(row.turnaround_days, application.turnaround_days)
        self.assertAlmostEqual(row.balance, 80000.0, 2)
