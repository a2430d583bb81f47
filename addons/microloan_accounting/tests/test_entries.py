from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import MicroloanAccountingCommon


@tagged("post_install", "-at_install")
class TestEntries(MicroloanAccountingCommon):
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

    def _expect(self, move, *lines):
        """``lines``: (account key or account, debit, credit)."""
        expected = []
        for account, debit, credit in lines:
            if isinstance(account, str):
                account = self.accounts[account]
            expected.append((account.code, debit, credit))
        self.assertEqual(self._lines(move), sorted(expected))

    def test_default_accounts(self):
        codes = {key: self._code(key) for key in self.accounts if "journal" not in key}
        self.assertEqual(codes["principal"], "130300")
        self.assertEqual(codes["interest_receivable"], "113200")
        self.assertEqual(codes["penalty_income"], "601102")
        self.assertEqual(codes["compound_income"], "601103")
        self.assertEqual(codes["fee_income"], "602100")
        self.assertEqual(codes["allowance"], "130400")
        self.assertEqual(codes["borrower_credit"], "224100")
        self.assertEqual(self.accounts["loan_journal"].code, "LOAN")
        self.assertEqual(self.accounts["payment_journal"].type, "bank")
        self.assertTrue(self.outstanding_in.reconcile)
        # A second run keeps what is set and creates nothing.
        count = self.env["account.account"].search_count([])
        self.company.action_microloan_default_accounts()
        self.assertEqual(self.env["account.account"].search_count([]), count)

    def test_product_overrides_company_default(self):
        other = self.accounts["interest_income"].copy({"code": "601109"})
        self.product.with_company(
            self.company
        ).microloan_interest_income_account_id = other
        self.assertEqual(
            self.product._get_microloan_accounts(self.company)["interest_income"], other
        )
        self.product.action_microloan_default_accounts()
        self.assertEqual(
            self.product._get_microloan_accounts(self.company)["interest_income"],
            self.accounts["interest_income"],
        )

    def test_disbursement(self):
        loan = self._approved_loan()
        transaction = self.env["microloan.loan.transaction"].browse(
            loan.disburse(100000.0, "2025-01-10", reference="BANK-D-1")
        )
        # One entry: the payment's, on the bank journal, carrying the
        # allocation (no loan entry, nothing to reconcile).
        move = transaction.move_id
        self.assertEqual(transaction.move_ids, move)
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.microloan_transaction_id, transaction)
        self.assertEqual(move.journal_id, self.accounts["payment_journal"])
        self.assertEqual(move.company_id, self.company)
        self.assertEqual(move.date, fields.Date.to_date("2025-01-10"))
        self._expect(
            move,
            ("principal", 100000.0, 0.0),
            (self.outstanding_out, 0.0, 100000.0),
        )
        self.assertEqual(move.line_ids.microloan_loan_id, loan)
        self.assertFalse(
            move.line_ids.matched_debit_ids + move.line_ids.matched_credit_ids
        )
        payment = transaction.payment_id
        self.assertRecordValues(
            payment,
            [
                {
                    "payment_type": "outbound",
                    "amount": 100000.0,
                    "memo": "BANK-D-1",
                    "partner_id": self.borrower.id,
                    "journal_id": self.accounts["payment_journal"].id,
                    "microloan_transaction_id": transaction.id,
                }
            ],
        )
        self.assertEqual(payment.move_id, move)
        self.assertEqual(move.origin_payment_id, payment)
        self.assertEqual(payment.state, "in_process")
        self.assertTrue(payment.is_reconciled)
        self.assertFalse(payment.is_matched)
        # Net effect: Dr 1303 100,000 / Cr bank (outstanding payments) 100,000.
        self.assertEqual(
            self._ledger_balance(self.accounts["principal"], loan), 100000.0
        )
        self.assertEqual(self._ledger_balance(self.receivable, loan), 0.0)

    def test_repayment_on_due_date(self):
        loan = self._active_loan()
        transaction = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8884.88, "2025-02-10", reference="R-1")
        )
        self._expect(
            transaction.move_id,
            (self.outstanding_in, 8884.88, 0.0),
            ("principal", 0.0, 7884.88),
            ("interest_receivable", 0.0, 1000.0),
        )
        self.assertEqual(transaction.move_id.ref, "R-1")
        payment = transaction.payment_id
        self.assertEqual(payment.memo, "R-1")
        self.assertEqual(payment.payment_type, "inbound")
        self.assertEqual(payment.move_id, transaction.move_id)
        self.assertEqual(transaction.move_ids, transaction.move_id)
        self.assertAlmostEqual(
            self._ledger_balance(self.accounts["principal"], loan), 92115.12
        )

    def test_late_repayment_penalty_and_compound(self):
        loan = self._active_loan()
        repayment = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8929.30, "2025-02-20")
        )
        charges = loan.transaction_ids.filtered(
            lambda t: t.kind in ("penalty", "compound")
        )
        penalty = charges.filtered(lambda t: t.kind == "penalty")
        compound = charges.filtered(lambda t: t.kind == "compound")
        self.assertEqual((penalty.amount, compound.amount), (39.42, 5.0))
        # Charges are booked grouped (one entry per branch, product and date):
        # an item per charge on the receivable, linked to its transaction,
        # and an income item per component.
        self.assertEqual(penalty.move_id, compound.move_id)
        self.assertFalse(penalty.move_id.microloan_transaction_id)
        self._expect(
            penalty.move_id,
            ("interest_receivable", 39.42, 0.0),
            ("interest_receivable", 5.0, 0.0),
            ("penalty_income", 0.0, 39.42),
            ("compound_income", 0.0, 5.0),
        )
        self.assertEqual(
            penalty.move_line_ids.mapped(lambda line: (line.account_id, line.debit)),
            [(self.accounts["interest_receivable"], 39.42)],
        )
        self.assertEqual(compound.move_line_ids.debit, 5.0)
        self.assertEqual(penalty.move_line_ids.microloan_loan_id, loan)
        self._expect(
            repayment.move_id,
            (self.outstanding_in, 8929.30, 0.0),
            ("principal", 0.0, 7884.88),
            ("interest_receivable", 0.0, 1044.42),
        )
        self.assertFalse(penalty.payment_id)

    def test_excess_is_borrower_credit_and_refund(self):
        loan = self._active_loan()
        repayment = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(9000.0, "2025-02-10")
        )
        self._expect(
            repayment.move_id,
            (self.outstanding_in, 9000.0, 0.0),
            ("principal", 0.0, 7884.88),
            ("interest_receivable", 0.0, 1000.0),
            ("borrower_credit", 0.0, 115.12),
        )
        refund = self.env["microloan.loan.transaction"].browse(
            loan.refund_credit("2025-02-11")
        )
        self._expect(
            refund.move_id,
            ("borrower_credit", 115.12, 0.0),
            (self.outstanding_out, 0.0, 115.12),
        )
        self.assertEqual(refund.payment_id.payment_type, "outbound")
        self.assertAlmostEqual(
            self._ledger_balance(self.accounts["borrower_credit"], loan), 0.0
        )

    def test_credit_used_by_next_repayment(self):
        loan = self._active_loan()
        loan.register_repayment(9000.0, "2025-02-10")
        second = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8769.76, "2025-03-10")
        )
        lines = dict(
            (code, debit - credit)
            for code, debit, credit in self._lines(second.move_id)
        )
        self.assertAlmostEqual(lines[self._code("borrower_credit")], 115.12)
        self.assertAlmostEqual(lines[self.outstanding_in.code], 8769.76)
        self.assertAlmostEqual(
            self._ledger_balance(self.accounts["borrower_credit"], loan), 0.0
        )

    def test_analytic_distribution_models_apply(self):
        plan = self.env["account.analytic.plan"].create({"name": "Branches"})
        analytic = self.env["account.analytic.account"].create(
            {"name": "Loan book", "plan_id": plan.id, "company_id": False}
        )
        self.env["account.analytic.distribution.model"].create(
            {
                "partner_id": self.borrower.id,
                "account_prefix": self.accounts["principal"].code,
                "analytic_distribution": {str(analytic.id): 100},
                "company_id": self.company.id,
            }
        )
        move = self._active_loan().transaction_ids.move_id
        principal_line = move.line_ids.filtered(
            lambda line: line.account_id == self.accounts["principal"]
        )
        self.assertEqual(principal_line.analytic_distribution, {str(analytic.id): 100})
        other_lines = move.line_ids - principal_line
        self.assertFalse(any(other_lines.mapped("analytic_distribution")))

    def test_reversal_of_repayment(self):
        loan = self._active_loan()
        repayment = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8884.88, "2025-02-10", reference="R-9")
        )
        move, payment = repayment.move_id, repayment.payment_id
        repayment.action_reverse()
        self.assertEqual(repayment.state, "reversed")
        reversal = repayment.reversed_by_id
        reversed_moves = reversal.move_ids
        self.assertEqual(move, payment.move_id)
        self.assertEqual(len(reversed_moves), 1)
        self.assertEqual(reversed_moves.reversed_entry_id, move)
        self.assertEqual(set(reversed_moves.mapped("state")), {"posted"})
        self.assertEqual(reversal.move_id, reversed_moves)
        self.assertEqual(payment.state, "canceled")
        # Posted entries stay as they were; the reversals undo them.
        self.assertEqual(move.state, "posted")
        self.assertEqual(
            self._ledger_balance(self.accounts["principal"], loan), 100000.0
        )
        self.assertEqual(
            self._ledger_balance(self.accounts["interest_receivable"], loan), 0.0
        )
        self.assertEqual(self._ledger_balance(self.outstanding_in), 0.0)
        outstanding_lines = (move + reversed_moves).line_ids.filtered(
            lambda line: line.account_id == self.outstanding_in
        )
        self.assertEqual(len(outstanding_lines), 2)
        self.assertTrue(all(outstanding_lines.mapped("reconciled")))
        # The same bank reference can then be used again.
        again = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8884.88, "2025-02-10", reference="R-9")
        )
        self.assertNotEqual(again, repayment)

    def test_reversal_of_disbursement(self):
        loan = self._active_loan()
        disbursement = loan.transaction_ids
        disbursement.action_reverse()
        self.assertEqual(loan.state, "approved")
        self.assertEqual(self._ledger_balance(self.accounts["principal"], loan), 0.0)
        self.assertEqual(len(disbursement.reversed_by_id.move_ids), 1)
        self.assertEqual(
            disbursement.reversed_by_id.move_id.reversed_entry_id,
            disbursement.move_id,
        )
        self.assertEqual(disbursement.payment_id.state, "canceled")
        self.assertAlmostEqual(self._ledger_balance(self.outstanding_out), 0.0)
        with self.assertRaises(UserError):
            disbursement.move_id.button_draft()
        with self.assertRaises(UserError):
            disbursement.move_id.unlink()

    def test_write_off_and_recovery(self):
        loan = self._active_loan()
        loan.register_repayment(8884.88, "2025-02-10")
        # The product's write-off conditions are tested in microloan_base.
        loan.product_id.write(
            {"write_off_min_tier": "normal", "write_off_min_days_past_due": 0}
        )
        loan.write_off("2025-03-10", "Borrower absconded", "Police report 12")
        write_off = loan.transaction_ids.filtered(lambda t: t.kind == "write_off")
        principal = write_off.principal_amount
        self.assertAlmostEqual(principal, 92115.12)
        interest = write_off.interest_amount
        self._expect(
            write_off.move_id,
            ("allowance", round(principal + interest, 2), 0.0),
            ("principal", 0.0, principal),
            ("interest_receivable", 0.0, interest),
        )
        self.assertFalse(write_off.payment_id)
        self.assertEqual(self._ledger_balance(self.accounts["principal"], loan), 0.0)
        recovery = self.env["microloan.loan.transaction"].browse(
            loan.register_recovery(5000.0, "2025-04-01", reference="REC-1")
        )
        self._expect(
            recovery.move_id,
            (self.outstanding_in, 5000.0, 0.0),
            ("recovery_income", 0.0, 5000.0),
        )
        self.assertEqual(recovery.payment_id.memo, "REC-1")

    def test_non_accrual_loan(self):
        loan = self._active_loan()
        loan.sudo().write({"non_accrual": True})
        repayment = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8929.30, "2025-02-20")
        )
        charges = loan.transaction_ids.filtered(
            lambda t: t.kind in ("penalty", "compound")
        )
        self.assertEqual(len(charges), 2)
        self.assertFalse(charges.move_id)
        self._expect(
            repayment.move_id,
            (self.outstanding_in, 8929.30, 0.0),
            ("principal", 0.0, 7884.88),
            ("interest_income", 0.0, 1000.0),
            ("penalty_income", 0.0, 39.42),
            ("compound_income", 0.0, 5.0),
        )

    def test_missing_account_refused_before_posting(self):
        self.company.microloan_fee_income_account_id = False
        loan = self._approved_loan()
        with self.assertRefused(UserError, "has no Fee Income"):
            loan.disburse(100000.0, "2025-01-10")
        self.assertEqual(loan.state, "approved")
        self.assertFalse(loan.transaction_ids)
        self.assertFalse(
            self.env["account.move"].search([("microloan_loan_id", "=", loan.id)])
        )

    def test_locked_period_refused(self):
        loan = self._approved_loan()
        self.company.sudo().fiscalyear_lock_date = "2025-01-31"
        with self.assertRefused(UserError, "locked until"):
            loan.disburse(100000.0, "2025-01-10")
        self.assertFalse(loan.transaction_ids)

    def test_journal_of_another_company_refused(self):
        other = self._create_company(name="Other Lender")
        journal = self.env["account.journal"].search(
            [("company_id", "=", other.id), ("type", "=", "bank")], limit=1
        )
        self.product.with_company(self.company).microloan_payment_journal_id = journal
        loan = self._approved_loan()
        with self.assertRefused(UserError, "belongs to Other Lender"):
            loan.disburse(100000.0, "2025-01-10")
        self.assertFalse(loan.transaction_ids)

    def test_other_currency_at_odoo_rate(self):
        eur = self.setup_other_currency(
            "EUR", rates=[("2025-01-01", 2.0), ("2025-02-01", 4.0)]
        )
        self.product.currency_id = eur
        loan = self._active_loan()
        self.assertEqual(loan.currency_id, eur)
        move = loan.transaction_ids.move_id
        line = move.line_ids.filtered(
            lambda x: x.account_id == self.accounts["principal"]
        )
        self.assertRecordValues(
            line,
            [{"currency_id": eur.id, "amount_currency": 100000.0, "balance": 50000.0}],
        )
        repayment = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8884.88, "2025-02-10")
        )
        line = repayment.move_id.line_ids.filtered(
            lambda x: x.account_id == self.accounts["principal"]
        )
        self.assertRecordValues(
            line, [{"amount_currency": -7884.88, "balance": -1971.22}]
        )
        self.assertEqual(repayment.payment_id.currency_id, eur)
        self.assertEqual(repayment.payment_id.move_id, repayment.move_id)
        liquidity = repayment.move_id.line_ids.filtered(
            lambda x: x.account_id == self.outstanding_in
        )
        self.assertRecordValues(
            liquidity, [{"amount_currency": 8884.88, "balance": 2221.22}]
        )

    def test_bank_statement_line_matches_payment_by_reference(self):
        loan = self._active_loan()
        repayment = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8884.88, "2025-02-10", reference="ICBC-77")
        )
        st_line = self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.accounts["payment_journal"].id,
                "date": "2025-02-11",
                "payment_ref": "ICBC-77",
                "amount": 8884.88,
            }
        )
        candidates = self.env["account.move.line"].search(
            st_line._get_default_amls_matching_domain()
            + [("move_id.ref", "=", st_line.payment_ref)]
        )
        payment_line = repayment.payment_id.move_id.line_ids.filtered(
            lambda line: line.account_id == self.outstanding_in
        )
        self.assertEqual(candidates, payment_line)
        _liquidity, suspense, _other = st_line._seek_for_lines()
        suspense.account_id = self.outstanding_in
        (suspense + payment_line).reconcile()
        self.assertTrue(repayment.payment_id.is_matched)

    def test_payoff_clears_the_loan_accounts(self):
        loan = self._active_loan()
        loan.register_repayment(8884.88, "2025-02-10")
        loan.payoff("2025-03-01", reference="PAYOFF-1")
        self.assertEqual(loan.state, "closed")
        self.assertAlmostEqual(
            self._ledger_balance(self.accounts["principal"], loan), 0.0
        )
        self.assertAlmostEqual(self._ledger_balance(self.receivable, loan), 0.0)

    def test_full_life_on_schedule(self):
        loan = self._active_loan()
        for installment in loan.installment_ids.sorted("sequence"):
            loan.register_repayment(installment.amount, installment.due_date)
        self.assertEqual(loan.state, "closed")
        transactions = loan.transaction_ids
        self.assertEqual(len(transactions.move_id), 13)
        self.assertEqual(len(transactions.payment_id), 13)
        self.assertAlmostEqual(
            self._ledger_balance(self.accounts["principal"], loan), 0.0
        )
        self.assertAlmostEqual(self._ledger_balance(self.receivable, loan), 0.0)
        interest = sum(loan.installment_ids.mapped("interest"))
        self.assertAlmostEqual(
            self._ledger_balance(self.accounts["interest_receivable"], loan), -interest
        )
        lines = self.env["account.move.line"].search(
            [("company_id", "=", self.company.id), ("parent_state", "=", "posted")]
        )
        self.assertAlmostEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")))

    def test_back_dated_repayment_replays_entries(self):
        loan = self._active_loan()
        late = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8929.30, "2025-02-20")
        )
        early = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8884.88, "2025-02-10")
        )
        self.assertEqual(late.state, "reversed")
        reversed_moves = late.move_ids
        self.assertTrue(all(move.reversal_move_ids for move in reversed_moves))
        for transaction in loan.transaction_ids.filtered(
            lambda t: t.state == "posted" and t.kind != "reversal"
        ):
            self.assertTrue(transaction.move_id, transaction.kind)
        self.assertAlmostEqual(
            self._ledger_balance(self.accounts["principal"], loan),
            loan.principal_outstanding,
        )
        self.assertAlmostEqual(self._ledger_balance(self.receivable, loan), 0.0)
        self.assertTrue(early.move_id)

    def test_unconfigured_branch_keeps_the_sub_ledger_only(self):
        fields_ = [
            name
            for name in self.env["res.company"]._fields
            if name.startswith("microloan_")
            and (name.endswith("_account_id") or name.endswith("_journal_id"))
        ]
        self.company.write(dict.fromkeys(fields_, False))
        loan = self._active_loan()
        self.assertEqual(loan.state, "active")
        self.assertFalse(loan.transaction_ids.move_id)
        self.assertFalse(loan.transaction_ids.payment_id)

    def test_views_show_the_mapping(self):
        arch = self.env["microloan.product"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn("microloan_principal_account_id", arch)
        self.assertIn("action_microloan_default_accounts", arch)
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn("microloan_payment_journal_id", arch)
        arch = self.env["microloan.loan.transaction"].get_views([(False, "form")])[
            "views"
        ]["form"]["arch"]
        self.assertIn("move_id", arch)

    def _post(self, loan, kind, date, lines):
        """Post a sub-ledger transaction the way the loan's actions do (no
        action of microloan_base charges fees or waives yet)."""
        return loan._post_transaction(
            kind, date, sum(line["amount"] for line in lines), lines=lines
        )

    def test_fee_charged_then_paid(self):
        loan = self._active_loan()
        first = loan.installment_ids.sorted("sequence")[0]
        fee = self._post(
            loan,
            "fee",
            "2025-02-01",
            [{"installment_id": first.id, "component": "fee", "amount": 50.0}],
        )
        self._expect(
            fee.move_id, ("fee_receivable", 50.0, 0.0), ("fee_income", 0.0, 50.0)
        )
        # 80 of fees paid on the installment: the 50 charged clear the
        # receivable, the 30 scheduled are income when paid.
        payment = self._post(
            loan,
            "repayment",
            "2025-02-05",
            [{"installment_id": first.id, "component": "fee", "amount": 80.0}],
        )
        self._expect(
            payment.move_id,
            (self.outstanding_in, 80.0, 0.0),
            ("fee_receivable", 0.0, 50.0),
            ("fee_income", 0.0, 30.0),
        )
        self.assertAlmostEqual(
            self._ledger_balance(self.accounts["fee_receivable"], loan), 0.0
        )

    def test_waiver(self):
        loan = self._active_loan()
        first = loan.installment_ids.sorted("sequence")[0]
        waiver = self._post(
            loan,
            "waiver",
            "2025-02-10",
            [
                {"installment_id": first.id, "component": "interest", "amount": 100.0},
                {"installment_id": first.id, "component": "principal", "amount": 10.0},
            ],
        )
        self._expect(
            waiver.move_id,
            ("interest_income", 100.0, 0.0),
            ("interest_receivable", 0.0, 100.0),
            ("impairment_expense", 10.0, 0.0),
            ("principal", 0.0, 10.0),
        )
        self.assertFalse(waiver.payment_id)
