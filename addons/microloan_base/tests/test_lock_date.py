import unittest

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .lifecycle_common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestLockDate(LifecycleCommon):
    """The branch's sub-ledger lock date: no transaction dated on or before it,
    refused with a translated error before anything is written; allowed after."""

    def _lock(self, text, company=None):
        (company or self.branch_bj).microloan_lock_date = self.d(text)

    def _ledger_state(self, loan):
        """What the database holds for ``loan``: its transactions, credit-line
        entries of the branch, its ledger version and closed date."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT (SELECT COUNT(*) FROM microloan_loan_transaction "
                "WHERE loan_id = %(loan)s), "
                "(SELECT COUNT(*) FROM microloan_credit_line_entry), "
                "ledger_version, last_close_date, state "
                "FROM microloan_loan WHERE id = %(loan)s",
                loan=loan.id,
            )
        )
        return cr.fetchone()

    def assertLocked(self, loan, call):
        """``call()`` raises the lock-date error and writes nothing, checked in
        the database without rolling back to a savepoint first."""
        before = self._ledger_state(loan)
        with unittest.TestCase.assertRaises(self, UserError) as context:
            call()
        self.assertRegex(str(context.exception), "locked until")
        self.env.invalidate_all()
        self.assertEqual(self._ledger_state(loan), before)

    def test_each_operation_refused_in_closed_period(self):
        loan = self._create_loan()
        loan.with_user(self.officer).with_company(loan.company_id).action_submit()
        loan.action_approve()
        finance = loan.with_user(self.finance).with_company(self.branch_bj)
        self.assertEqual(self.branch_bj.microloan_lock_date, False)

        # Disbursement: on the lock date refused, the day after allowed.
        self._lock("2025-01-10")
        self.assertLocked(loan, lambda: finance.disburse(100000.0, "2025-01-10"))
        self.assertEqual(loan.state, "approved")
        self._lock("2025-01-09")
        finance.disburse(100000.0, "2025-01-10")
        self.assertEqual(loan.state, "active")

        # Repayment.
        self._lock("2025-02-10")
        self.assertLocked(loan, lambda: finance.register_repayment(500.0, "2025-02-10"))
        self.assertLocked(loan, lambda: finance.register_repayment(500.0, "2025-01-20"))
        repayment = self.env["microloan.loan.transaction"].browse(
            finance.register_repayment(8884.88, "2025-02-11", reference="R1")
        )
        self.assertEqual(repayment.date, self.d("2025-02-11"))

        # Prepayment and payoff.
        self.assertLocked(loan, lambda: finance.prepay(10000.0, "2025-02-10"))
        self.assertLocked(loan, lambda: finance.payoff("2025-02-10"))

        # Reversal of a repayment in the closed period (its reversal and the
        # replay would be dated then); allowed once the period is open again.
        self._lock("2025-02-11")
        self.assertLocked(
            loan, lambda: repayment.with_user(self.finance).action_reverse()
        )
        self.assertEqual(repayment.state, "posted")

        # Daily close: the month-end charges of a closed day are refused.
        self._lock("2025-02-10")
        self._close(self.d("2025-03-30"))
        self._lock("2025-03-31")
        self.assertLocked(loan, lambda: self._close(self.d("2025-03-31")))
        self.assertEqual(self.branch_bj.microloan_closed_date, self.d("2025-03-30"))
        self._lock("2025-03-30")
        self._close(self.d("2025-03-31"))
        self.assertEqual(loan.last_close_date, self.d("2025-03-31"))
        self.assertTrue(
            [c for c in self._charges(loan) if c[1] == self.d("2025-03-31")]
        )

        # A back-dated repayment dated in the closed period is refused; one
        # after it replays only what follows it.
        self._lock("2025-03-09")
        self.assertLocked(loan, lambda: finance.register_repayment(100.0, "2025-03-09"))
        finance.register_repayment(100.0, "2025-03-15")
        charges = [c for c in self._charges(loan) if c[1] == self.d("2025-03-31")]
        self.assertTrue(charges)

        # Write-off and recovery.
        approver = loan.with_user(self.approver).with_company(self.branch_bj)
        loan.product_id.write(
            {"write_off_min_tier": "normal", "write_off_min_days_past_due": 0}
        )
        self._lock("2025-06-01")
        self.assertLocked(
            loan, lambda: approver.write_off("2025-06-01", "Lost", "Court ruling 1")
        )
        self.assertEqual(loan.state, "active")
        self._lock("2025-04-30")
        approver.write_off("2025-06-01", "Lost", "Court ruling 1")
        self.assertEqual(loan.state, "written_off")
        self._lock("2025-07-01")
        self.assertLocked(loan, lambda: finance.register_recovery(100.0, "2025-07-01"))
        finance.register_recovery(100.0, "2025-07-02")
        self.assertAlmostEqual(loan.recovered_amount, 100.0, places=2)

    def test_lock_date_is_per_branch(self):
        loan = self._active_loan()
        self._lock("2025-02-10", company=self.branch_sh)
        finance = loan.with_user(self.finance).with_company(self.branch_bj)
        finance.register_repayment(500.0, "2025-02-10")
        self._lock("2025-02-10")
        with self.assertRefused(UserError, "locked until 2025-02-10"):
            finance.register_repayment(500.0, "2025-02-10")

    def test_credit_line_entries(self):
        product = self.env["microloan.product"].create(
            {
                "name": "Credit Line",
                "code": "LCL",
                "company_id": self.head_office.id,
                "currency_id": self.cny.id,
                "repayment_method": "revolving",
                "amount_min": 1000.0,
                "amount_default": 100000.0,
                "amount_max": 500000.0,
                "rate_min": 6.0,
                "rate_default": 12.0,
                "rate_max": 24.0,
            }
        )
        line = self.env["microloan.credit.line"].create(
            {
                "partner_id": self.borrower.id,
                "product_id": product.id,
                "company_id": self.branch_bj.id,
                "date_start": "2025-01-01",
                "date_end": "2025-12-31",
            }
        )
        line.with_user(self.approver).action_activate()
        line = line.with_user(self.finance).with_company(self.branch_bj)
        self._lock("2025-01-10")
        with self.assertRefused(UserError, "locked until"):
            line.draw(50000.0, self.d("2025-01-10"))
        self.assertFalse(line.entry_ids)
        line.draw(50000.0, self.d("2025-01-11"))
        self._lock("2025-01-20")
        with self.assertRefused(UserError, "locked until"):
            line.register_repayment(1000.0, self.d("2025-01-20"))
        repayment = self.env["microloan.credit.line.entry"].browse(
            line.register_repayment(1000.0, self.d("2025-02-01"))
        )
        self._lock("2025-02-01")
        with self.assertRefused(UserError, "locked until"):
            repayment.action_reverse()
        self.assertEqual(repayment.state, "posted")
        self.assertEqual(len(line.entry_ids), 2)
        self._lock("2025-01-31")
        repayment.action_reverse()
        self.assertEqual(repayment.state, "reversed")
