from odoo.tests import tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestFeeEntries(MicroloanAccountingCommon):
    """The product's fees due at disbursement booked as fee income on the
    disbursement's entry (issue 12, item 3): deducted fees lower the payment
    to the borrower, fees paid at disbursement come in by a payment of their
    own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receivable = cls.borrower.property_account_receivable_id
        journal = cls.accounts["payment_journal"]
        cls.outstanding_in = journal._get_available_payment_method_lines("inbound")[
            :1
        ].payment_account_id
        cls.outstanding_out = journal._get_available_payment_method_lines("outbound")[
            :1
        ].payment_account_id

    def _fee(self, name, timing, **vals):
        vals.setdefault("calculation", "percent")
        return self.env["microloan.product.fee"].create(
            {"product_id": self.product.id, "name": name, "timing": timing, **vals}
        )

    def _disburse(self, loan):
        return self.env["microloan.loan.transaction"].browse(
            loan.disburse(loan.amount, loan.disbursement_date, reference="BANK-F-1")
        )

    def _expect(self, move, *lines):
        expected = []
        for account, debit, credit in lines:
            if isinstance(account, str):
                account = self.accounts[account]
            expected.append((account.code, debit, credit))
        self.assertEqual(self._lines(move), sorted(expected))

    def _no_receivable(self, loan):
        """The disbursement's entries (its payments') carry the allocation:
        nothing goes through the borrower's receivable, nothing to
        reconcile."""
        lines = self.env["account.move.line"].search(
            [("microloan_loan_id", "=", loan.id)]
        )
        self.assertTrue(lines)
        self.assertNotIn(self.receivable, lines.account_id)
        self.assertFalse(lines.matched_debit_ids + lines.matched_credit_ids)

    def test_deducted_fee_is_income_and_lowers_the_payment(self):
        self._fee("Arrangement Fee", "deducted", percentage=1.0)
        loan = self._approved_loan()
        transaction = self._disburse(loan)
        # Dr loans 100,000 / Cr fee income 1,000 / Cr bank 99,000, in the
        # payment's entry.
        self._expect(
            transaction.move_id,
            ("principal", 100000.0, 0.0),
            ("fee_income", 0.0, 1000.0),
            (self.outstanding_out, 0.0, 99000.0),
        )
        self.assertEqual(len(transaction.payment_ids), 1)
        payment = transaction.payment_id
        self.assertEqual(payment.move_id, transaction.move_id)
        self.assertEqual((payment.payment_type, payment.amount), ("outbound", 99000.0))
        self._no_receivable(loan)
        self.assertEqual(
            self._ledger_balance(self.accounts["principal"], loan), 100000.0
        )
        self.assertEqual(
            self._ledger_balance(self.accounts["fee_income"], loan), -1000.0
        )
        self.assertAlmostEqual(self._ledger_balance(self.outstanding_out), -99000.0)
        # The ledger control finds nothing to say.
        Loan = self.env["microloan.loan"]
        self.assertEqual(Loan._check_ledger_agreement("2025-01-10", loans=loan), [])
        self.assertEqual(
            [
                row
                for row in Loan._check_subledger_integrity("2025-01-10", self.company)
                if row["loan"] == loan
            ],
            [],
        )

    def test_fee_paid_at_disbursement_is_collected_by_its_own_payment(self):
        self._fee("Notary Fee", "upfront", calculation="fixed", amount=300.0)
        loan = self._approved_loan()
        transaction = self._disburse(loan)
        # The payment out carries the principal; the payment in, the fee.
        self._expect(
            transaction.move_id,
            ("principal", 100000.0, 0.0),
            (self.outstanding_out, 0.0, 100000.0),
        )
        fee_move = transaction.move_ids - transaction.move_id
        self._expect(
            fee_move, (self.outstanding_in, 300.0, 0.0), ("fee_income", 0.0, 300.0)
        )
        payments = transaction.payment_ids
        self.assertEqual(
            sorted((p.payment_type, p.amount) for p in payments),
            [("inbound", 300.0), ("outbound", 100000.0)],
        )
        # The payment of the transaction is the one paying the loan out.
        self.assertEqual(transaction.payment_id.payment_type, "outbound")
        self._no_receivable(loan)
        self.assertAlmostEqual(self._ledger_balance(self.outstanding_in), 300.0)

    def test_reversal_of_a_disbursement_with_fees(self):
        self._fee("Notary Fee", "upfront", calculation="fixed", amount=300.0)
        self._fee("Arrangement Fee", "deducted", percentage=1.0)
        loan = self._approved_loan()
        transaction = self._disburse(loan)
        transaction.action_reverse()
        self.assertEqual(loan.state, "approved")
        for key in ("principal", "fee_income"):
            self.assertEqual(self._ledger_balance(self.accounts[key], loan), 0.0)
        self.assertEqual(set(transaction.payment_ids.mapped("state")), {"canceled"})
        self.assertAlmostEqual(self._ledger_balance(self.outstanding_in), 0.0)
        self.assertAlmostEqual(self._ledger_balance(self.outstanding_out), 0.0)

    def test_installment_fee_is_income_when_paid(self):
        self._fee("Service Fee", "installment", calculation="fixed", amount=20.0)
        loan = self._approved_loan()
        transaction = self._disburse(loan)
        self.assertFalse(
            transaction.move_id.line_ids.filtered(
                lambda line: line.account_id == self.accounts["fee_income"]
            )
        )
        loan.register_repayment(8904.88, "2025-02-10")
        self.assertEqual(self._ledger_balance(self.accounts["fee_income"], loan), -20.0)


@tagged("post_install", "-at_install")
class TestRowsExplained(MicroloanAccountingCommon):
    """Accrual and provision rows say what they are (issue 12, item 4)."""

    def test_accrual_rows_name_their_period_and_catch_up(self):
        loan = self._active_loan()
        Loan = self.env["microloan.loan"]
        Loan._run_interest_accrual("2025-01-31", companies=self.company)
        first = loan.accrual_ids
        self.assertEqual(len(first), 1)
        self.assertEqual(str(first.date_from), "2025-01-10")
        self.assertEqual(first.days, 21)
        self.assertFalse(first.catch_up)
        self.assertEqual(first.description, "01/10/2025 – 01/31/2025, 21 days")
        # February was not accrued: the April run catches it up.
        Loan._run_interest_accrual("2025-04-30", companies=self.company)
        last = loan.accrual_ids - first
        self.assertEqual(len(last), 1)
        self.assertEqual((last.days, last.catch_up), (89, True))
        self.assertEqual(
            last.description, "Catch-up 01/31/2025 – 04/30/2025: 89 days caught up"
        )
        # In Chinese for a Chinese user.
        self.env["res.lang"]._activate_lang("zh_CN")
        self.assertIn("补提", last.with_context(lang="zh_CN").description)

    def test_provision_rows_explain_tiers_and_a_negative_allowance(self):
        normal = self._active_loan()
        bad = self._active_loan(amount=20000.0)
        bad.sudo().risk_tier = "substandard"
        Provision = self.env["microloan.provision"]
        Provision._run_provisioning("2025-01-31", self.company)
        january = Provision.search([("company_id", "=", self.company.id)])
        self.assertEqual(january.rate_substandard, 25.0)
        self.assertEqual(january.rate_general, 1.0)
        text = str(january.explanation)
        self.assertRegex(
            text, r"Substandard.*: base \S+\s?20,000\.00 × 25\.00% = \S+\s?5,000\.00"
        )
        self.assertRegex(
            text,
            r"General provision: all loans \S+\s?120,000\.00 × 1\.00% = "
            r"\S+\s?1,200\.00",
        )
        self.assertRegex(text, r"New provision \(required allowance\): \S+\s?6,200\.00")
        self.assertRegex(text, r"Charged to impairment: \S+\s?6,200\.00")
        # The write-off takes the loan's principal from the allowance: more
        # than was provisioned, so the allowance held is negative.
        bad.product_id.write({"write_off_min_days_past_due": 0})
        bad.write_off("2025-02-01", "Borrower absconded", "Police report 12")
        Provision._run_provisioning("2025-02-28", self.company)
        february = Provision.search([("company_id", "=", self.company.id)]) - january
        self.assertLess(february.allowance_before, 0.0)
        self.assertAlmostEqual(february.allowance_provisioned, 6200.0)
        self.assertGreaterEqual(february.allowance_written_off, 20000.0)
        self.assertAlmostEqual(
            february.allowance_before,
            february.allowance_provisioned - february.allowance_written_off,
        )
        self.assertIn("The allowance held is negative", str(february.explanation))
        self.assertRegex(
            february.summary,
            r"Held is negative: write-offs \S+\s?2\d,\d{3}\.\d\d above provisions "
            r"booked \S+\s?6,200\.00",
        )
        self.assertRegex(january.summary, r"Specific \S+\s?5,000\.00 \+ general")
        # Only the normal loan is left: 1% of its 100,000.
        self.assertEqual(normal.principal_outstanding, 100000.0)
        self.assertAlmostEqual(february.target_allowance, 1000.0)
