from dataclasses import replace
from datetime import date
from decimal import Decimal

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from microloan_engine import build_schedule
from microloan_engine.allocation import (
    Payment,
    allocate,
    payoff_quote,
    position_from_schedule,
    prepay,
    replay,
)

from .common import MicroloanCommon

D = Decimal
COMPONENTS = ("principal", "interest", "fee", "penalty", "compound")


@tagged("post_install", "-at_install")
class TestServicingMoney(MicroloanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loan = cls._approved_loan()

    @classmethod
    def _approved_loan(cls, **vals):
        loan = cls._create_loan(**vals)
        loan.with_user(cls.officer).action_submit()
        loan.with_user(cls.approver).action_approve()
        return loan.with_user(cls.finance).with_company(loan.company_id)

    def _engine_position(self, loan, amount="100000.00", on=date(2025, 1, 15)):
        """A fresh engine position of the loan's terms, computed by the engine
        alone (the expected values)."""
        terms = replace(loan._engine_terms(), principal=D(amount), disbursement_date=on)
        return terms, position_from_schedule(
            build_schedule(terms),
            on,
            D("0.12"),
            penalty_terms=loan._engine_penalty_terms(),
        )

    def _state(self, loan):
        """Paid and charged amounts per installment, as Decimals."""
        return [
            {
                "principal_paid": loan._money(i.principal_paid),
                "interest_paid": loan._money(i.interest_paid),
                "penalty": loan._money(i.penalty),
                "compound": loan._money(i.compound),
                "penalty_paid": loan._money(i.penalty_paid),
                "compound_paid": loan._money(i.compound_paid),
            }
            for i in loan._engine_installments()
        ]

    def _engine_state(self, position):
        return [
            {
                "principal_paid": i.principal_paid,
                "interest_paid": i.interest_paid,
                "penalty": i.penalty,
                "compound": i.compound,
                "penalty_paid": i.penalty_paid,
                "compound_paid": i.compound_paid,
            }
            for i in position.installments
        ]

    def _snapshot(self, loan):
        loan.invalidate_recordset()
        return (
            loan.state,
            len(loan.transaction_ids),
            [
                (i.sequence, i.due_date, i.principal, i.interest, i.principal_paid)
                for i in loan.installment_ids
            ],
            loan.credit_balance,
            loan.amount_disbursed,
        )

    # Disbursement

    def test_whole_disbursement_fixes_the_schedule(self):
        loan = self.loan
        transaction = self.env["microloan.loan.transaction"].browse(
            loan.disburse(100000.0, "2025-01-15")
        )
        self.assertEqual(loan.state, "active")
        self.assertEqual(loan.amount_disbursed, 100000.0)
        self.assertEqual(loan.first_disbursement_date, date(2025, 1, 15))
        self.assertRecordValues(
            transaction,
            [{"kind": "disbursement", "amount": 100000.0, "state": "posted"}],
        )
        self.assertRegex(transaction.name, r"^BJ-TX-2025-\d{6}$")
        _terms, position = self._engine_position(loan)
        self.assertEqual(
            [(i.due_date, i.principal, i.interest) for i in loan.installment_ids],
            [
                (i.due_date, float(i.principal), float(i.interest))
                for i in position.installments
            ],
        )
        # docs/domain.md §1.1: 100,000 at 12% over 12 months.
        self.assertRecordValues(
            loan.installment_ids[0],
            [{"principal": 7884.88, "interest": 1000.0, "amount": 8884.88}],
        )
        self.assertEqual(loan.principal_outstanding, 100000.0)
        with self.assertRefused(UserError, "cannot be changed"):
            transaction.amount = 1.0
        with self.assertRefused(UserError, "cannot be deleted"):
            transaction.sudo().unlink()

    def test_tranches_re_amortize(self):
        loan = self.loan
        loan.disburse(60000.0, "2025-01-15")
        self.assertEqual(loan.state, "active")
        self.assertEqual(sum(loan.installment_ids.mapped("principal")), 60000.0)
        first = loan.installment_ids[0]
        loan.register_repayment(first.amount, "2025-02-15")
        with self.assertRefused(UserError, "beyond its approved amount"):
            loan.disburse(40000.01, "2025-03-01")
        loan.disburse(40000.0, "2025-03-01")
        self.assertEqual(loan.amount_disbursed, 100000.0)
        installments = loan.installment_ids
        self.assertEqual(len(installments), 12)
        self.assertAlmostEqual(sum(installments.mapped("principal")), 100000.0)
        self.assertEqual(installments[-1].due_date, date(2026, 1, 15))
        # The period 02-15..03-15 owes 14 days on the former principal before
        # the tranche, then actual days on the new principal.
        not_due = D("60000.00") - loan._money(first.principal)
        old_part = (not_due * D("0.12") * 14 / 360).quantize(D("0.01"))
        new_principal = not_due + D("40000.00")
        new_part = (new_principal * D("0.12") * 14 / 360).quantize(D("0.01"))
        self.assertAlmostEqual(installments[1].interest, float(old_part + new_part))
        self.assertAlmostEqual(
            installments[1].balance + installments[1].principal, float(new_principal)
        )

    def test_disbursement_bad_input_writes_nothing(self):
        loan = self.loan
        before = self._snapshot(loan)
        for amount, day, message in (
            (0.0, "2025-01-15", "must be positive"),
            (-10.0, "2025-01-15", "must be positive"),
            (100000.01, "2025-01-15", "beyond its approved amount"),
            (1000.0, "2025-01-01", "before its application date"),
            (1000.0, "2999-01-01", "in the future"),
        ):
            with self.subTest(amount=amount, day=day):
                with self.assertRefused(UserError, message):
                    loan.disburse(amount, day)
                self.assertEqual(self._snapshot(loan), before)

    # Repayment

    def test_repayment_allocation_matches_engine(self):
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        _terms, position = self._engine_position(loan)
        order, by_installment = loan.product_id._get_allocation_order()
        expected = position
        for amount, day in (
            ("5000.00", date(2025, 2, 15)),
            ("4000.00", date(2025, 2, 20)),
            ("9000.00", date(2025, 3, 28)),
        ):
            loan.register_repayment(float(amount), day)
            result = allocate(
                expected, D(amount), day, order, by_installment=by_installment
            )
            expected = result.position
            transaction = loan.transaction_ids.filtered(
                lambda t, day=day: t.kind == "repayment" and t.date == day
            )
            self.assertEqual(
                sorted(
                    (line.installment_id.sequence, line.component, line.amount)
                    for line in transaction.line_ids
                    if line.component != "excess"
                ),
                sorted(
                    (line.n, line.component, float(line.amount))
                    for line in result.lines
                ),
            )
        self.assertEqual(self._state(loan), self._engine_state(expected))
        # Paid 10 days late, installment 2 carries penalty and compound interest.
        self.assertTrue(loan.installment_ids[1].penalty)

    def test_late_repayment_charges_penalty(self):
        """docs/domain.md §2.2: installment 1 repaid 10 days late owes 39.42 penalty on
        7,884.88 and 5.00 compound interest on 1,000.00 (18%, /360)."""
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        quote = loan.payoff_quote("2025-02-25")
        self.assertEqual((quote["penalty"], quote["compound"]), (39.42, 5.0))
        transaction = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8929.30, "2025-02-25")
        )
        first = loan.installment_ids[0]
        self.assertRecordValues(
            first,
            [
                {
                    "penalty": 39.42,
                    "compound": 5.0,
                    "penalty_paid": 39.42,
                    "compound_paid": 5.0,
                    "principal_paid": 7884.88,
                    "interest_paid": 1000.0,
                    "state": "paid",
                }
            ],
        )
        self.assertRecordValues(
            transaction,
            [
                {
                    "penalty_amount": 39.42,
                    "compound_amount": 5.0,
                    "principal_amount": 7884.88,
                    "interest_amount": 1000.0,
                    "excess_amount": 0.0,
                }
            ],
        )
        charges = loan.transaction_ids.filtered(
            lambda t: t.kind in ("penalty", "compound")
        )
        self.assertEqual(sorted(charges.mapped("amount")), [5.0, 39.42])
        self.assertTrue(all(charges.mapped("payment_charge")))

    def test_partial_and_over_payment_keep_credit(self):
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        loan.register_repayment(3000.0, "2025-02-15")
        first = loan.installment_ids[0]
        self.assertRecordValues(
            first,
            [{"interest_paid": 1000.0, "principal_paid": 2000.0, "state": "open"}],
        )
        overpayment = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(7000.0, "2025-02-15")
        )
        self.assertAlmostEqual(overpayment.excess_amount, 7000.0 - 5884.88)
        self.assertAlmostEqual(loan.credit_balance, 1115.12)
        self.assertEqual(first.state, "paid")
        # The next repayment uses the credit first.
        second = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8000.0, "2025-03-15")
        )
        self.assertAlmostEqual(second.excess_amount, -884.88)
        self.assertEqual(loan.installment_ids[1].state, "paid")
        self.assertAlmostEqual(loan.credit_balance, 230.24)
        with self.assertRefused(UserError, "holds only"):
            loan.refund_credit("2025-03-16", 230.25)
        refund = self.env["microloan.loan.transaction"].browse(
            loan.refund_credit("2025-03-16")
        )
        self.assertRecordValues(refund, [{"kind": "refund", "amount": 230.24}])
        self.assertEqual(loan.credit_balance, 0.0)

    def test_duplicate_reference(self):
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        first = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(1000.0, "2025-02-15", reference="BANK-001")
        )
        retry = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(1000.0, "2025-02-15", reference=" BANK-001 ")
        )
        self.assertEqual(retry, first)
        self.assertEqual(
            len(loan.transaction_ids.filtered(lambda t: t.kind == "repayment")), 1
        )
        self.assertEqual(loan.installment_ids[0].interest_paid, 1000.0)
        with self.assertRefused(UserError, "already used"):
            loan.register_repayment(1000.01, "2025-02-15", reference="BANK-001")
        with self.assertRefused(UserError, "already used"):
            loan.register_repayment(1000.0, "2025-02-16", reference="BANK-001")
        other = self._approved_loan(amount=50000.0)
        other.disburse(50000.0, "2025-01-15")
        with self.assertRefused(UserError, "already used"):
            other.register_repayment(1000.0, "2025-02-15", reference="BANK-001")
        # Another branch may use the same reference.
        loan_sh = self._create_loan(
            partner_id=self.borrower_sh.id,
            company_id=self.branch_sh.id,
            user_id=self.officer_sh.id,
        )
        loan_sh.with_user(self.officer_sh).action_submit()
        loan_sh.action_approve()
        loan_sh.disburse(100000.0, "2025-01-15")
        transaction = self.env["microloan.loan.transaction"].browse(
            loan_sh.register_repayment(1000.0, "2025-02-15", reference="BANK-001")
        )
        self.assertEqual(transaction.company_id, self.branch_sh)
        # Once reversed, the reference is free again.
        first.action_reverse()
        again = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(500.0, "2025-02-15", reference="BANK-001")
        )
        self.assertNotEqual(again, first)

    def test_back_dated_repayment_replays_in_date_order(self):
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        late = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8929.30, "2025-02-25", reference="LATE")
        )
        self.assertEqual(loan.installment_ids[0].penalty, 39.42)
        back_dated = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(3000.0, "2025-02-20")
        )
        self.assertEqual(late.state, "reversed")
        self.assertTrue(late.reversed_by_id)
        reposted = loan.transaction_ids.filtered(
            lambda t: t.kind == "repayment" and t.state == "posted" and t.reference
        )
        self.assertRecordValues(
            reposted,
            [{"reference": "LATE", "amount": 8929.30, "date": date(2025, 2, 25)}],
        )
        self.assertTrue(back_dated)
        _terms, position = self._engine_position(loan)
        order, by_installment = loan.product_id._get_allocation_order()
        expected = replay(
            position,
            [
                Payment(date(2025, 2, 25), D("8929.30"), "a"),
                Payment(date(2025, 2, 20), D("3000.00"), "b"),
            ],
            date(2025, 2, 25),
            order,
            by_installment=by_installment,
            apply_credit=False,
        )
        self.assertEqual(self._state(loan), self._engine_state(expected.position))
        # Less overdue principal for 5 days: less penalty than 39.42.
        self.assertLess(loan.installment_ids[0].penalty, 39.42)
        self.assertAlmostEqual(loan.credit_balance, float(expected.credit))

    def test_payoff_quote_and_full_payoff_close_the_loan(self):
        self.product.prepayment_fee_rate = 1.0
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        loan.register_repayment(8884.88, "2025-02-15")
        loan.register_repayment(500.0, "2025-03-20")
        terms, position = self._engine_position(loan)
        order, by_installment = loan.product_id._get_allocation_order()
        for amount, day in (
            ("8884.88", date(2025, 2, 15)),
            ("500.00", date(2025, 3, 20)),
        ):
            position = allocate(
                position, D(amount), day, order, by_installment=by_installment
            ).position
        expected = payoff_quote(position, date(2025, 4, 10), D("0.01"))
        quote = loan.payoff_quote("2025-04-10")
        self.assertEqual(
            quote,
            {
                "date": "2025-04-10",
                "principal": float(expected.principal),
                "interest": float(expected.interest),
                "penalty": float(expected.penalty),
                "compound": float(expected.compound),
                "fee": float(expected.fees),
                "prepayment_fee": float(expected.prepayment_fee),
                "total": float(expected.total),
                "credit": 0.0,
                "amount_due": float(expected.total),
            },
        )
        self.assertTrue(quote["penalty"] and quote["prepayment_fee"])
        transaction = self.env["microloan.loan.transaction"].browse(
            loan.payoff("2025-04-10", reference="PAYOFF")
        )
        self.assertAlmostEqual(transaction.amount, quote["total"])
        self.assertEqual(loan.state, "closed")
        self.assertTrue(all(i.state == "paid" for i in loan.installment_ids))
        self.assertEqual(loan.principal_outstanding, 0.0)
        self.assertEqual(loan.installment_ids[-1].kind, "prepayment")
        self.assertEqual(loan.installment_ids[-1].due_date, date(2025, 4, 10))
        # A closed loan takes no more repayments.
        before = self._snapshot(loan)
        with self.assertRefused(UserError, "active loans only"):
            loan.register_repayment(100.0, "2025-04-11")
        self.assertEqual(self._snapshot(loan), before)

    def test_partial_prepayment_both_modes(self):
        for mode in ("reduce_installment", "shorten_term"):
            with self.subTest(mode=mode):
                loan = self._approved_loan()
                loan.disburse(100000.0, "2025-01-15")
                loan.register_repayment(8884.88, "2025-02-15")
                terms, position = self._engine_position(loan)
                order, by_installment = loan.product_id._get_allocation_order()
                position = allocate(
                    position,
                    D("8884.88"),
                    date(2025, 2, 15),
                    order,
                    by_installment=by_installment,
                ).position
                expected = prepay(
                    position,
                    loan._engine_terms(),
                    D("20000.00"),
                    date(2025, 3, 1),
                    mode,
                )
                transaction = self.env["microloan.loan.transaction"].browse(
                    loan.prepay(20000.0, "2025-03-01", mode=mode)
                )
                self.assertAlmostEqual(transaction.amount, float(expected.total))
                self.assertAlmostEqual(transaction.principal_amount, 20000.0)
                self.assertAlmostEqual(
                    transaction.interest_amount, float(expected.interest)
                )
                installments = loan.installment_ids.filtered(
                    lambda i: i.kind == "scheduled"
                )
                self.assertEqual(
                    [(i.due_date, i.principal, i.interest) for i in installments[1:]],
                    [
                        (i.due_date, float(i.principal), float(i.interest))
                        for i in expected.schedule.installments
                    ],
                )
                self.assertAlmostEqual(
                    loan.principal_outstanding, 100000.0 - 7884.88 - 20000.0
                )
                if mode == "reduce_installment":
                    self.assertEqual(len(installments), 12)
                    self.assertLess(installments[2].amount, 8884.88)
                else:
                    self.assertLess(len(installments), 12)
                    self.assertLessEqual(installments[2].amount, 8884.88)

    def test_prepayment_needs_what_is_due_paid(self):
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        before = self._snapshot(loan)
        with self.assertRefused(UserError, "pay everything due"):
            loan.prepay(10000.0, "2025-03-01")
        self.assertEqual(self._snapshot(loan), before)

    def test_reversal_restores_balances(self):
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        first = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8884.88, "2025-02-15")
        )
        second = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(8884.88, "2025-03-15")
        )
        self.assertEqual(loan.installment_ids[1].state, "paid")
        first.action_reverse()
        self.assertEqual(first.state, "reversed")
        reversal = first.reversed_by_id
        self.assertRecordValues(
            reversal, [{"kind": "reversal", "reversal_of_id": first.id}]
        )
        self.assertAlmostEqual(sum(reversal.line_ids.mapped("amount")), -8884.88)
        # The later repayment is replayed: it now pays installment 1, late.
        self.assertEqual(second.state, "reversed")
        _terms, position = self._engine_position(loan)
        order, by_installment = loan.product_id._get_allocation_order()
        expected = replay(
            position,
            [Payment(date(2025, 3, 15), D("8884.88"))],
            date(2025, 3, 15),
            order,
            by_installment=by_installment,
            apply_credit=False,
        )
        self.assertEqual(self._state(loan), self._engine_state(expected.position))
        self.assertTrue(loan.installment_ids[0].penalty)
        self.assertEqual(loan.installment_ids[1].interest_paid, 0.0)
        self.assertEqual(
            len(loan.transaction_ids.filtered(lambda t: t.kind == "repayment")), 3
        )
        with self.assertRefused(UserError, "already reversed"):
            first.action_reverse()
        with self.assertRefused(UserError, "cannot be changed"):
            first.with_context(microloan_post_transaction=True).write({"amount": 1})

    def test_reverse_only_disbursement(self):
        loan = self.loan
        transaction = self.env["microloan.loan.transaction"].browse(
            loan.disburse(100000.0, "2025-01-15")
        )
        transaction.action_reverse()
        self.assertEqual(loan.state, "approved")
        self.assertEqual(loan.amount_disbursed, 0.0)

    def test_repayment_bad_input_writes_nothing(self):
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        loan.register_repayment(1000.0, "2025-02-15")
        before = self._snapshot(loan)
        for amount, day, message in (
            (0.0, "2025-02-20", "must be positive"),
            (-1.0, "2025-02-20", "must be positive"),
            (100.0, "2025-01-14", "cannot precede its disbursement"),
            (100.0, "2999-01-01", "in the future"),
            (100.0, False, "date of the repayment is missing"),
        ):
            with self.subTest(amount=amount, day=day):
                with self.assertRefused(UserError, message):
                    loan.register_repayment(amount, day)
                self.assertEqual(self._snapshot(loan), before)

    def test_access(self):
        loan = self._create_loan()
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.approver).action_approve()
        for user in (self.officer, self.approver, self.risk):
            with self.subTest(user=user.login):
                with self.assertRefused(AccessError, "Only finance"):
                    loan.with_user(user).disburse(100000.0, "2025-01-15")
        loan.with_user(self.finance).disburse(100000.0, "2025-01-15")
        with self.assertRefused(AccessError, "Only finance"):
            loan.with_user(self.officer).register_repayment(100.0, "2025-02-15")
        transaction = self.env["microloan.loan.transaction"].browse(
            loan.with_user(self.finance).register_repayment(100.0, "2025-02-15")
        )
        # Officers read the ledger but cannot reverse it.
        self.assertEqual(transaction.with_user(self.officer).amount, 100.0)
        with self.assertRaises(AccessError):
            transaction.with_user(self.officer).action_reverse()

    def test_branch_isolation(self):
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        loan.register_repayment(100.0, "2025-02-15")
        Transaction = self.env["microloan.loan.transaction"]
        self.assertEqual(
            Transaction.with_user(self.officer).search_count(
                [("loan_id", "=", loan.id)]
            ),
            2,
        )
        self.assertEqual(
            Transaction.with_user(self.officer_sh).search_count(
                [("loan_id", "=", loan.id)]
            ),
            0,
        )
        self.assertEqual(
            self.env["microloan.loan.transaction.line"]
            .with_user(self.officer_sh)
            .search_count([("loan_id", "=", loan.id)]),
            0,
        )

    def test_transactions_are_posted_by_the_loan_only(self):
        self.loan.disburse(100000.0, "2025-01-15")
        posted = self.loan.transaction_ids
        for user in (self.finance, self.officer, self.approver, self.admin):
            Transaction = (
                self.env["microloan.loan.transaction"]
                .with_user(user)
                # The flag the module once trusted: a client can send it.
                .with_context(microloan_post_transaction=True)
            )
            with self.assertRaises(UserError):
                Transaction.create(
                    {
                        "loan_id": self.loan.id,
                        "company_id": self.branch_bj.id,
                        "currency_id": self.cny.id,
                        "date": "2025-01-15",
                        "kind": "repayment",
                        "amount": 1.0,
                    }
                )
            with self.assertRaises(UserError):
                posted.with_env(Transaction.env).write({"state": "reversed"})
            with self.assertRaises(UserError):
                posted.line_ids.with_env(Transaction.env).write({"amount": 0.0})
        self.assertEqual(self.loan.transaction_ids, posted)
        self.assertEqual(posted.state, "posted")

    def test_batch_of_transactions_numbers_and_totals(self):
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        installment = loan.installment_ids.sorted("sequence")[0]
        dates = ["2025-11-30", "2026-01-31", "2025-12-31", "2026-02-28"]
        transactions = loan._post_transactions(
            [
                {
                    "loan": loan,
                    "kind": "penalty",
                    "date": day,
                    "amount": 3.0,
                    "lines": [
                        {
                            "installment_id": installment.id,
                            "component": "penalty",
                            "amount": 1.0,
                        },
                        {
                            "installment_id": installment.id,
                            "component": "penalty",
                            "amount": 2.0,
                        },
                    ],
                }
                for day in dates
            ]
        )
        # Numbered in order within each year, after the branch's last numbers.
        first_2025 = int(loan.transaction_ids[-1].name.rsplit("-", 1)[1]) + 1
        first_2026 = int(transactions[1].name.rsplit("-", 1)[1])
        self.assertEqual(
            transactions.mapped("name"),
            [
                f"BJ-TX-2025-{first_2025:06d}",
                f"BJ-TX-2026-{first_2026:06d}",
                f"BJ-TX-2025-{first_2025 + 1:06d}",
                f"BJ-TX-2026-{first_2026 + 1:06d}",
            ],
        )
        fee = loan._post_transaction(
            "fee",
            "2026-03-31",
            1.0,
            lines=[
                {"installment_id": installment.id, "component": "fee", "amount": 1.0}
            ],
        )
        self.assertEqual(fee.name, f"BJ-TX-2026-{first_2026 + 2:06d}")
        self.assertRecordValues(
            transactions,
            [
                {"penalty_amount": 3.0, "principal_amount": 0.0, "fee_amount": 0.0}
                for _day in dates
            ],
        )
        self.assertRecordValues(
            transactions.line_ids.sorted("id"),
            [
                {
                    "loan_id": loan.id,
                    "company_id": loan.company_id.id,
                    "currency_id": loan.currency_id.id,
                    "date": date.fromisoformat(day),
                    "kind": "penalty",
                    "amount": amount,
                }
                for day in dates
                for amount in (1.0, 2.0)
            ],
        )
        self.assertEqual(installment.penalty, 12.0)
        self.assertEqual(installment.fee_charged, 1.0)

    def test_prepayment_fee_rate_is_checked(self):
        with self.assertRaises(ValidationError):
            self.product.prepayment_fee_rate = -1.0

    def test_wizards(self):
        loan = self.loan
        action = loan.action_open_disburse_wizard()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.finance)
            .with_context(**action["context"])
        )
        self.assertEqual(form.amount, 100000.0)
        form.date = date(2025, 1, 15)
        form.save().action_disburse()
        self.assertEqual(loan.state, "active")
        action = loan.action_open_repay_wizard()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.finance)
            .with_context(**action["context"])
        )
        form.amount = 8884.88
        form.date = date(2025, 2, 15)
        form.reference = "WIZ-1"
        form.save().action_repay()
        self.assertEqual(loan.installment_ids[0].state, "paid")
        action = loan.action_open_prepay_wizard()
        form = Form(
            self.env[action["res_model"]]
            .with_user(self.finance)
            .with_context(**action["context"])
        )
        form.date = date(2025, 3, 1)
        form.principal = 10000.0
        preview = loan._prepayment_preview(10000.0, date(2025, 3, 1))
        self.assertEqual(form.quote_total, preview["total"])
        self.assertEqual(form.quote_principal, 10000.0)
        form.kind = "full"
        quote = loan.payoff_quote(date(2025, 3, 1))
        self.assertEqual(form.quote_amount_due, quote["amount_due"])
        self.assertFalse(form.quote_error)
        form.save().action_prepay()
        self.assertEqual(loan.state, "closed")
        action = loan.action_view_transactions()
        self.assertEqual(
            self.env["microloan.loan.transaction"].search_count(action["domain"]), 3
        )

    def test_back_dated_repayment_after_month_end_charges(self):
        """The daily close charges penalty at month end; a repayment dated
        before it reverses the charge and replays it on the same day."""
        loan = self.loan
        loan.disburse(100000.0, "2025-01-15")
        self.env["microloan.loan"]._run_daily_close(
            date(2025, 3, 5), companies=self.branch_bj
        )
        month_end = loan.transaction_ids.filtered(
            lambda t: t.kind == "penalty" and t.date == date(2025, 2, 28)
        )
        self.assertTrue(month_end)
        self.assertFalse(month_end.payment_charge)
        self.assertEqual(loan.microloan_accrued_to, date(2025, 3, 6))
        loan.register_repayment(8907.09, "2025-02-20")
        self.assertEqual(month_end.state, "reversed")
        replayed = loan.transaction_ids.filtered(
            lambda t: t.kind == "penalty" and t.state == "posted"
        )
        # 5 days late: 19.71 penalty and 2.50 compound charged at payment, and
        # nothing left overdue on 02-28: no month-end charge any more.
        self.assertEqual(replayed.mapped("payment_charge"), [True])
        self.assertEqual(replayed.amount, 19.71)
        self.assertEqual(loan.installment_ids[0].state, "paid")
        _terms, position = self._engine_position(loan)
        order, by_installment = loan.product_id._get_allocation_order()
        expected = replay(
            position,
            [Payment(date(2025, 2, 20), D("8907.09"))],
            date(2025, 3, 6),
            order,
            by_installment=by_installment,
            apply_credit=False,
        )
        self.assertEqual(self._state(loan), self._engine_state(expected.position))
        self.assertEqual(loan.microloan_accrued_to, date(2025, 3, 6))
