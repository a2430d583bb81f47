from datetime import date
from decimal import Decimal

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from microloan_engine import Frequency, ScheduleTerms, build_schedule

from .common import MicroloanCommon


@tagged("post_install", "-at_install")
class TestSchedule(MicroloanCommon):
    def _assert_schedule(self, loan, terms):
        """Every installment of ``loan`` equals the engine's schedule of ``terms``."""
        expected = build_schedule(terms).installments
        installments = loan.installment_ids.sorted("sequence")
        self.assertEqual(len(installments), len(expected))
        self.assertRecordValues(
            installments,
            [
                {
                    "sequence": line.n,
                    "due_date": line.due_date,
                    "days": line.days,
                    "principal": float(line.principal),
                    "interest": float(line.interest),
                    "amount": float(line.total),
                    "balance": float(line.balance),
                }
                for line in expected
            ],
        )
        self.assertAlmostEqual(
            loan.total_interest, float(sum(line.interest for line in expected))
        )

    def test_annuity_matches_engine(self):
        loan = self._create_loan()
        terms = ScheduleTerms(
            principal=Decimal("100000"),
            annual_rate=Decimal("0.12"),
            periods=12,
            disbursement_date=date(2025, 1, 10),
        )
        self._assert_schedule(loan, terms)
        # docs/domain.md §1.1 worked example.
        installments = loan.installment_ids.sorted("sequence")
        first, last = installments[0], installments[-1]
        self.assertRecordValues(
            first, [{"amount": 8884.88, "principal": 7884.88, "interest": 1000.0}]
        )
        self.assertRecordValues(last, [{"amount": 8884.85, "balance": 0.0}])

    def test_product_options_reach_the_engine(self):
        self.product.write(
            {
                "repayment_method": "equal_principal",
                "day_count": "ACT/365",
                "interest_basis": "daily",
                "rounding": "half_even",
                "first_period": "actual_days",
                "month_end_rule": "next_month_first",
                "grace_principal_periods": 2,
                "interest_free_periods": 1,
            }
        )
        loan = self._create_loan(
            amount=123456.78,
            interest_rate=10.5,
            term=18,
            repayment_day=31,
            disbursement_date="2025-01-15",
        )
        terms = ScheduleTerms(
            principal=Decimal("123456.78"),
            annual_rate=Decimal("0.105"),
            periods=18,
            disbursement_date=date(2025, 1, 15),
            method="equal_principal",
            repayment_day=31,
            first_period="actual_days",
            month_end_rule="next_month_first",
            day_count="ACT/365",
            interest_basis="daily",
            rounding="half_even",
            grace_principal_periods=2,
            interest_free_periods=1,
        )
        self._assert_schedule(loan, terms)
        self.assertEqual(loan._engine_terms(), terms)

    def test_balloon_and_frequency(self):
        self.product.write(
            {"repayment_method": "balloon", "amortization_periods": 60, "term_max": 24}
        )
        loan = self._create_loan(frequency="quarterly", term=8, amount=200000.0)
        terms = ScheduleTerms(
            principal=Decimal("200000"),
            annual_rate=Decimal("0.12"),
            periods=8,
            disbursement_date=date(2025, 1, 10),
            method="balloon",
            frequency=Frequency("month", 3),
            amortization_periods=60,
        )
        self._assert_schedule(loan, terms)
        self.assertEqual(loan.maturity_date, date(2027, 1, 10))

    def test_installment_fee(self):
        self.product.fee_ids = [
            Command.create(
                {
                    "name": "Account fee",
                    "calculation": "percent",
                    "percentage": 0.1,
                    "timing": "installment",
                }
            )
        ]
        loan = self._create_loan()
        self.assertEqual(set(loan.installment_ids.mapped("fee")), {100.0})
        self.assertAlmostEqual(loan.fee_amount, 1200.0)
        first = loan.installment_ids.sorted("sequence")[0]
        self.assertAlmostEqual(first.amount, 8984.88)

    def test_preview_follows_draft_changes(self):
        loan = self._create_loan()
        loan.write({"amount": 50000.0, "term": 6})
        terms = ScheduleTerms(
            principal=Decimal("50000"),
            annual_rate=Decimal("0.12"),
            periods=6,
            disbursement_date=date(2025, 1, 10),
        )
        self._assert_schedule(loan, terms)
        loan.first_due_date = "2025-02-20"
        self._assert_schedule(
            loan,
            ScheduleTerms(
                principal=Decimal("50000"),
                annual_rate=Decimal("0.12"),
                periods=6,
                disbursement_date=date(2025, 1, 10),
                first_due_date=date(2025, 2, 20),
            ),
        )
        # Product options are not loan fields: the button recomputes.
        self.product.interest_basis = "daily"
        loan.action_compute_schedule()
        self.assertEqual(loan._engine_terms().interest_basis, "daily")
        self._assert_schedule(loan, loan._engine_terms())

    def test_schedule_fixed_on_approval(self):
        loan = self._create_loan()
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.approver).action_approve()
        installments = loan.installment_ids
        self.assertEqual(set(installments.mapped("state")), {"open"})
        # No user writes installments, whatever context he sends (the old
        # flags included): only the engine's code, through sudo().
        forged = {"microloan_schedule_change": True, "microloan_terms_change": True}
        for user in (self.officer, self.approver, self.finance, self.risk):
            mine = installments.with_user(user).with_context(**forged)
            with self.assertRaises(UserError):
                mine[0].write({"interest": 0.0})
            with self.assertRaises(UserError):
                mine.unlink()
            with self.assertRaises(UserError):
                mine.create(
                    {"loan_id": loan.id, "sequence": 99, "due_date": "2030-01-01"}
                )
        with self.assertRaises(UserError):
            loan.action_compute_schedule()
        self.assertEqual(loan.installment_ids, installments)
        self.assertAlmostEqual(installments[0].interest, 1000.0)
        # Servicing records payments without touching the schedule.
        installments[0].write(
            {"principal_paid": installments[0].principal, "interest_paid": 1000.0}
        )
        self.assertEqual(installments[0].state, "paid")

    def test_schedule_rebuilt_only_when_it_changes(self):
        """Submitting, approving and disbursing a loan on its planned terms
        keep its installment records; a change of terms replaces them."""
        loan = self._create_loan()
        installments = loan.installment_ids
        loan.with_user(self.officer).action_submit()
        self.assertEqual(loan.installment_ids, installments)
        loan.with_user(self.officer).action_draft()
        loan.with_user(self.officer).write({"amount": loan.amount - 1000.0})
        self.assertFalse(loan.installment_ids & installments)
        self.assertEqual(len(loan.installment_ids), len(installments))
        installments = loan.installment_ids
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.approver).action_approve()
        loan.with_user(self.finance).disburse(loan.amount, loan.disbursement_date)
        self.assertEqual(loan.installment_ids, installments)
        self.assertEqual(set(installments.mapped("state")), {"open"})

    def test_schedule_query_counts(self):
        """The query counts that must not grow with the term: a 360-month
        schedule is stored in one batch, and submitting a loan whose schedule
        is unchanged reads it once and writes no installment (benchmark:
        tests/bench/bench_schedule_records.py)."""
        self.product.term_max = 360
        counts = {}
        for term in (12, 360):
            self.env.flush_all()
            start = self.env.cr.sql_log_count
            loan = self._create_loan(term=term)
            self.env.flush_all()
            created = self.env.cr.sql_log_count - start
            self.assertEqual(len(loan.installment_ids), term)
            start = self.env.cr.sql_log_count
            loan.with_user(self.officer).action_submit()
            self.env.flush_all()
            counts[term] = (created, self.env.cr.sql_log_count - start)
        # Measured 23 and 32 queries to create, 9 and 12 to submit.
        self.assertLessEqual(counts[360][0], 40)
        self.assertLessEqual(counts[360][1], 20)
        self.assertLessEqual(counts[360][0] - counts[12][0], 15, counts)
        self.assertLessEqual(counts[360][1] - counts[12][1], 6, counts)

    def test_manual_installment_edit_refused_in_draft(self):
        loan = self._create_loan()
        with self.assertRaises(UserError):
            loan.installment_ids[0].with_user(self.officer).principal = 1.0
        with self.assertRefused(UserError, "computed from the loan terms"):
            loan.with_user(self.officer)._check_schedule_editable()

    def test_bulk_create_query_counts(self):
        """Loans created in one call (an import) get their schedules in one
        installment create and their numbers from one sequence lookup: five
        loans cost about the queries of one (benchmark:
        tests/bench/bench_bulk_loans.py)."""
        counts = {}
        # The first create of the test also creates the year's number range.
        for count in (1, 1, 5):
            self.env.flush_all()
            start = self.env.cr.sql_log_count
            loans = self.env["microloan.loan"].create(
                [self._loan_vals(user_id=self.officer.id) for _index in range(count)]
            )
            self.env.flush_all()
            counts[count] = self.env.cr.sql_log_count - start
            self.assertEqual(len(loans.installment_ids), 12 * count)
            self.assertEqual(len(set(loans.mapped("name"))), count)
        # Measured: 10 queries for one loan, 23 for five (12 and 25 with the
        # installments created by the ORM). Each further loan
        # costs its number (a gapless sequence: the year's range is read,
        # locked and updated, three queries); a batch looks the year's range
        # up once to keep it for its further numbers (a single number does
        # not).
        self.assertLessEqual(counts[1], 20, counts)
        self.assertLessEqual(counts[5] - counts[1], 4 * 3 + 1, counts)
