from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_limits import TestLimits


@tagged("post_install", "-at_install")
class TestBulkLimits(TestLimits):
    """The regulatory limits of a bulk approval or disbursement (issue 13,
    item 5): checked as if the loans were taken one after the other, the
    exposure outside the batch read once per limit and borrower."""

    # The tests of TestLimits are not run twice.
    test_approval_stopped_with_the_figures = None
    test_disbursement_stopped = None
    test_related_parties_and_guarantees_given = None

    def _submitted(self, partner, amounts):
        rows = [
            {
                "reference": f"LIM-{partner.id}-{index}",
                "partner_id": partner.id,
                "product_id": self.product.id,
                "company_id": self.branch_bj.id,
                "guarantee_type_id": self.type_credit.id,
                "user_id": self.officer.id,
                "amount": amount,
                "interest_rate": 12.0,
                "term": 12,
                "application_date": self.today,
                "disbursement_date": self.today,
            }
            for index, amount in enumerate(amounts)
        ]
        Loan = self.env["microloan.loan"].with_user(self.officer)
        Loan = Loan.with_company(self.branch_bj)
        ids = [row["id"] for row in Loan.create_loans(rows)]
        Loan.submit_loans(ids)
        return self.env["microloan.loan"].browse(ids)

    def _approve(self, loans):
        return (
            self.env["microloan.loan"]
            .with_user(self.approver)
            .with_company(self.branch_bj)
            .approve_loans(loans.ids)
        )

    def _disburse(self, loans, amounts):
        return (
            self.env["microloan.loan"]
            .with_user(self.finance)
            .with_company(self.branch_bj)
            .disburse_loans(
                [
                    {
                        "loan_id": loan.id,
                        "amount": amount,
                        "date": self.today,
                        "reference": f"LIMD-{loan.id}",
                    }
                    for loan, amount in zip(loans, amounts, strict=True)
                ]
            )
        )

    def test_batch_approval_counts_the_batch(self):
        """Two loans of one borrower approved together count each other: the
        second breaches the single-borrower limit (100,000) and nothing is
        approved."""
        loans = self._submitted(self.borrower, [60000.0, 50000.0])
        with self.assertRefused(
            UserError,
            r"Single borrower 10%.*owe ¥\s?60,000\.00.*50,000\.00 more.*headroom "
            r"¥\s?40,000\.00",
        ):
            self._approve(loans)
        self.assertEqual(set(loans.mapped("state")), {"submitted"})
        # Within the limit, both go through; a third borrower's loan too.
        loans = self._submitted(self.guarantor, [60000.0, 40000.0])
        self._approve(loans)
        self.assertEqual(set(loans.mapped("state")), {"approved"})

    def test_batch_approval_counts_what_is_outside(self):
        self._approved_loan(self.borrower, 70000.0)
        loans = self._submitted(self.borrower, [20000.0, 20000.0])
        with self.assertRefused(UserError, r"owe ¥\s?90,000\.00.*20,000\.00 more"):
            self._approve(loans)

    def test_batch_disbursement(self):
        """Approved loans disbursed together: each counts at its amount until
        disbursed, then at what was paid out; the net assets corrected down
        stop the batch as they stop a single disbursement."""
        loans = self._submitted(self.borrower, [50000.0, 50000.0])
        self._approve(loans)
        self.net_assets.amount = 900000.0
        with self.assertRefused(UserError, r"Single borrower 10%.*limit of ¥\s?90,000"):
            self._disburse(loans, [50000.0, 50000.0])
        self.assertEqual(set(loans.mapped("state")), {"approved"})
        # Paying out less of the first leaves room for the second.
        self._disburse(loans, [40000.0, 50000.0])
        self.assertEqual(set(loans.mapped("state")), {"active"})
        self.assertEqual(loans.mapped("principal_outstanding"), [40000.0, 50000.0])
        # The first inspections are planned, as for a single disbursement.
        self.assertEqual(len(loans.inspection_ids), 2)
