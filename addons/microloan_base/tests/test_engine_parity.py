"""The ORM keeps state, the engine owns the money rules (issue 11).

Random small books (a disbursement, repayments of any amount, some of them
back-dated, daily closes with their month-end charges) are serviced through
the ORM; the same inputs are then replayed by the engine alone
(``microloan_engine.allocation.replay``). Every stored figure must be the
engine's: a model that computed a rule of its own would drift from it.
"""

import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from odoo import Command
from odoo.tests import tagged

from microloan_engine import build_schedule
from microloan_engine.allocation import (
    Charge,
    Payment,
    payoff_quote,
    position_from_schedule,
    replay,
)
from microloan_engine.collateral import Pledge, loan_to_value
from microloan_engine.fees import Fee, fee_totals

from .common import MicroloanCommon

D = Decimal
START = date(2025, 1, 15)
END = date(2025, 6, 30)
FIELDS = (
    "principal_paid",
    "interest_paid",
    "fee_paid",
    "penalty",
    "compound",
    "penalty_paid",
    "compound_paid",
    "penalty_product",
    "compound_product",
)


@tagged("post_install", "-at_install")
class TestEngineParity(MicroloanCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Month-end charges on every closed month end, whatever the arrears.
        cls.product.non_accrual_days = 0

    def _loan(self, amount):
        loan = self._create_loan(amount=amount)
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.approver).action_approve()
        loan = loan.with_user(self.finance).with_company(loan.company_id)
        loan.disburse(amount, START)
        return loan

    def _expected(self, loan, payments, closed_to, as_of):
        """The engine's own replay of the book from the disbursement."""
        terms = replace(
            loan._engine_terms(), principal=D(str(loan.amount)), disbursement_date=START
        )
        position = position_from_schedule(
            build_schedule(terms),
            START,
            D("0.12"),
            day_count=loan.product_id.day_count,
            penalty_terms=loan._engine_penalty_terms(),
        )
        month_ends = []
        day = START
        while day <= closed_to:
            if (day + timedelta(days=1)).day == 1:
                month_ends.append(Charge(day))
            day += timedelta(days=1)
        order, by_installment = loan.product_id._get_allocation_order()
        return replay(
            position,
            [*payments, *month_ends],
            as_of,
            order,
            by_installment=by_installment,
            credit_on_due_dates=False,
        )

    def test_random_books_match_the_engine(self):
        rng = random.Random(11)
        loans = [self._loan(rng.choice([30000.0, 50000.0, 100000.0])) for _ in range(6)]
        payments = {loan: [] for loan in loans}
        closed_to = START
        day = START
        while day < END:
            day += timedelta(days=rng.randint(4, 15))
            for loan in loans:
                if loan.state != "active" or rng.random() < 0.5:
                    continue
                on = day
                if rng.random() < 0.35:
                    on = max(day - timedelta(days=rng.randint(1, 25)), START)
                amount = round(rng.uniform(300, 9000), 2)
                loan.register_repayment(amount, on)
                payments[loan].append(
                    Payment(on, D(f"{amount:.2f}"), sequence=len(payments[loan]))
                )
            if rng.random() < 0.5:
                self.env["microloan.loan"]._run_daily_close(
                    day, companies=self.branch_bj
                )
                closed_to = day
        self.assertTrue(any(len(p) > 5 for p in payments.values()))
        ledger = self.env["microloan.loan.transaction"].search(
            [("loan_id", "in", [loan.id for loan in loans])]
        )
        # The books did replay back-dated payments and charge month ends.
        self.assertIn("reversal", ledger.mapped("kind"))
        self.assertTrue(
            ledger.filtered(lambda t: t.kind == "penalty" and not t.payment_charge)
        )
        for loan in loans:
            loan.invalidate_recordset()
            as_of = max(
                loan.microloan_accrued_to, *(p.on for p in payments[loan]), START
            )
            expected = self._expected(loan, payments[loan], closed_to, as_of)
            with self.subTest(loan=loan.name):
                self.assertEqual(
                    [
                        {name: loan._money(inst[name]) for name in FIELDS}
                        for inst in loan._engine_installments()
                    ],
                    [
                        {name: getattr(inst, name) for name in FIELDS}
                        for inst in expected.position.installments
                    ],
                )
                self.assertEqual(loan._money(loan.credit_balance), expected.credit)
                if loan.state == "active":
                    self.assertEqual(
                        D(str(loan.payoff_quote(as_of)["total"])),
                        payoff_quote(
                            expected.position, as_of, loan._prepayment_fee_rate()
                        ).total,
                    )
                else:
                    self.assertEqual(loan.state, "closed")

    def test_fees_and_loan_to_value_are_the_engines(self):
        self.product.fee_ids = [
            Command.create(
                {"name": name, "calculation": calc, "timing": timing, **value}
            )
            for name, calc, timing, value in [
                ("Arrangement", "percent", "upfront", {"percentage": 1.2345}),
                ("Notary", "fixed", "upfront", {"amount": 300.0}),
                ("Account", "percent", "installment", {"percentage": 0.0333}),
                ("Insurance", "fixed", "installment", {"amount": 12.5}),
            ]
        ]
        flat = self._create_collateral()  # 250,000 at 70%
        car = self._create_collateral(
            "collateral_type_vehicle",
            name="Car",
            valuation_ids=[Command.create({"date": "2025-01-02", "value": 83333.33})],
        )
        amount = 213456.78
        loan = self._create_loan(
            amount=amount, collateral_ids=[Command.set((flat | car).ids)]
        )
        totals = fee_totals(
            [
                Fee("percent", "upfront", percentage=D("1.2345")),
                Fee("fixed", "upfront", amount=D("300")),
                Fee("percent", "installment", percentage=D("0.0333")),
                Fee("fixed", "installment", amount=D("12.5")),
            ],
            D("213456.78"),
        )
        # 2,635.12 + 300.00 upfront; 71.08 + 12.50 with each installment.
        self.assertEqual(totals.upfront, D("2935.12"))
        self.assertEqual(totals.per_installment, D("83.58"))
        self.assertEqual(
            loan._get_fees(), (float(totals.upfront), float(totals.per_installment))
        )
        self.assertEqual(set(loan.installment_ids.mapped("fee")), {83.58})
        cover = loan_to_value(
            D("213456.78"),
            [Pledge(D("250000"), D("70")), Pledge(D("83333.33"), D("60"))],
        )
        self.assertFalse(cover.exceeded)
        self.assertRecordValues(
            loan,
            [
                {
                    "collateral_value": float(cover.collateral_value),
                    "ltv": round(float(cover.ltv), 2),
                    "max_ltv": round(float(cover.max_ltv), 2),
                    "ltv_exceeded": False,
                }
            ],
        )
