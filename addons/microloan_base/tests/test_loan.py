from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from microloan_engine.allocation import check_order

from .common import MicroloanCommon


@tagged("post_install", "-at_install")
class TestLoan(MicroloanCommon):
    def test_create_loan(self):
        loan = self._create_loan(purpose="Working capital")
        self.assertRecordValues(
            loan,
            [
                {
                    "state": "draft",
                    "company_id": self.branch_bj.id,
                    "currency_id": self.cny.id,
                    "borrower_type": "individual",
                    "maturity_date": fields.Date.to_date("2026-01-10"),
                }
            ],
        )
        self.assertRegex(loan.name, r"^BJ-2025-\d{5}$")
        self.assertEqual(len(loan.installment_ids), 12)
        self.assertEqual(set(loan.installment_ids.mapped("state")), {"draft"})
        # docs/domain.md §1.1: 100,000 at 12% over 12 months.
        self.assertAlmostEqual(loan.total_interest, 6618.53, places=2)
        # No fee: the simple annualized rate is the nominal rate.
        self.assertAlmostEqual(loan.annualized_rate, 12.0, places=4)
        self.assertAlmostEqual(loan.annualized_rate_compound, 12.6825, places=4)

    def test_product_defaults(self):
        loan = self.env["microloan.loan"].create(
            {
                "partner_id": self.borrower.id,
                "product_id": self.product.id,
                "company_id": self.branch_bj.id,
                "guarantee_type_id": self.type_credit.id,
                "user_id": self.officer.id,
            }
        )
        self.assertRecordValues(
            loan,
            [{"amount": 100000.0, "interest_rate": 12.0, "term": 12}],
        )
        self.assertEqual(loan.frequency, "monthly")
        self.assertEqual(loan.disbursement_date, fields.Date.context_today(loan))

    def test_numbers_per_branch(self):
        first = self._create_loan()
        second = self._create_loan()
        sh = self._create_loan(
            company_id=self.branch_sh.id,
            partner_id=self.borrower_sh.id,
            user_id=self.officer_sh.id,
        )
        self.assertEqual(int(second.name[-5:]), int(first.name[-5:]) + 1)
        self.assertTrue(sh.name.startswith("SH-2025-"))
        next_year = self._create_loan(
            application_date="2026-02-01", disbursement_date="2026-02-01"
        )
        self.assertEqual(next_year.name, "BJ-2026-00001")

    def _assert_refused(self, error, message, **vals):
        Loan = self.env["microloan.loan"]
        count = Loan.search_count([])
        with self.assertRefused(error, message):
            self._create_loan(**vals)
        self.assertEqual(Loan.search_count([]), count)

    def test_amount_must_be_positive(self):
        self._assert_refused(ValidationError, "must be positive", amount=0.0)
        self._assert_refused(ValidationError, "must be positive", amount=-5000.0)

    def test_amount_within_product(self):
        self._assert_refused(ValidationError, "amount of .* must be", amount=999.0)
        self._assert_refused(ValidationError, "amount of .* must be", amount=500000.01)

    def test_rate_within_product(self):
        self._assert_refused(
            ValidationError, "annual rate of .* between", interest_rate=5.9
        )
        self._assert_refused(
            ValidationError, "annual rate of .* between", interest_rate=24.5
        )

    def test_rate_above_legal_cap(self):
        self.branch_bj.microloan_max_annual_rate = 15.0
        self._assert_refused(
            ValidationError, "exceeds the cap of 15%", interest_rate=18.0
        )
        loan = self._create_loan(interest_rate=15.0)
        self.assertEqual(loan.interest_rate, 15.0)

    def test_term_within_product(self):
        self._assert_refused(ValidationError, "at least one period", term=0)
        self._assert_refused(ValidationError, "term of .* between", term=2)
        self._assert_refused(ValidationError, "term of .* between", term=37)

    def test_inconsistent_dates(self):
        self._assert_refused(
            ValidationError,
            "cannot precede its application date",
            application_date="2025-01-11",
        )
        self._assert_refused(
            ValidationError,
            "first due date .* after its disbursement date",
            first_due_date="2025-01-10",
        )

    def test_guarantee_type_allowed_by_product(self):
        self.product.guarantee_type_ids = self.type_credit | self.type_guaranty
        self._assert_refused(
            ValidationError,
            "does not allow the guarantee type",
            guarantee_type_id=self.type_mortgage.id,
        )

    def test_borrower_required(self):
        contact = self.env["res.partner"].create({"name": "Not a borrower"})
        self._assert_refused(
            ValidationError, "is not a borrower", partner_id=contact.id
        )

    def test_invalid_write_leaves_loan_unchanged(self):
        loan = self._create_loan()
        schedule = loan.installment_ids
        with self.assertRaises(ValidationError):
            loan.write({"amount": -1.0, "term": 24})
        loan.invalidate_recordset()
        self.assertRecordValues(loan, [{"amount": 100000.0, "term": 12}])
        self.assertEqual(loan.installment_ids, schedule)

    def test_engine_error_is_translated_to_validation_error(self):
        # Grace on principal for as many periods as the term: the engine refuses.
        self.product.grace_principal_periods = 3
        with self.assertRefused(ValidationError, "grace_principal_periods"):
            self._create_loan(term=3)

    def test_terms_locked_after_draft(self):
        loan = self._create_loan()
        loan.with_user(self.officer).action_submit()
        officer = loan.with_user(self.officer)
        with self.assertRefused(UserError, "only change while the loan is a draft"):
            officer.write({"amount": 20000.0})
        # The loan officer is one of the four eyes: fixed once submitted.
        with self.assertRefused(UserError, "only change while the loan is a draft"):
            officer.write({"user_id": self.approver.id})
        # No context key unlocks them (a client sets any context it likes).
        with self.assertRefused(UserError, "only change while the loan is a draft"):
            officer.with_context(microloan_terms_change=True).write({"amount": 1.0})
        officer.purpose = "Inventory"  # not a term of the contract
        self.assertEqual(loan.amount, 100000.0)

    def test_delete_only_drafts(self):
        loan = self._create_loan()
        loan.with_user(self.officer).action_submit()
        with self.assertRefused(UserError, "Only draft and cancelled"):
            loan.unlink()
        draft = self._create_loan()
        draft.unlink()
        self.assertFalse(draft.exists())

    def test_loan_to_value(self):
        collateral = self._create_collateral()  # 250,000 residential, max 70%
        loan = self._create_loan(
            guarantee_type_id=self.type_mortgage.id,
            collateral_ids=[Command.set(collateral.ids)],
            amount=150000.0,
        )
        self.assertRecordValues(
            loan,
            [
                {
                    "collateral_value": 250000.0,
                    "ltv": 60.0,
                    "max_ltv": 70.0,
                    "ltv_exceeded": False,
                }
            ],
        )
        loan.amount = 200000.0
        self.assertAlmostEqual(loan.ltv, 80.0)
        self.assertTrue(loan.ltv_exceeded)
        # A new valuation moves the ratio.
        collateral.valuation_ids = [
            Command.create({"date": "2025-01-09", "value": 400000.0})
        ]
        self.assertAlmostEqual(loan.ltv, 50.0)
        self.assertFalse(loan.ltv_exceeded)

    def test_fees_enter_the_annualized_rate(self):
        self.product.fee_ids = [
            Command.create(
                {
                    "name": "Service fee",
                    "calculation": "fixed",
                    "amount": 1000.0,
                    "timing": "upfront",
                }
            )
        ]
        loan = self._create_loan()
        # docs/domain.md §3.6: the §1.1 loan with a 1,000 upfront fee.
        self.assertAlmostEqual(loan.annualized_rate, 13.91, places=2)
        self.assertAlmostEqual(loan.annualized_rate_compound, 14.84, places=2)
        self.branch_bj.microloan_max_annual_rate = 13.0
        loan.with_user(self.officer).action_submit()
        with self.assertRefused(ValidationError, "annualized rate .* exceeds"):
            loan.with_user(self.approver).action_approve()
        self.assertEqual(loan.state, "submitted")

    def test_lpr_warning(self):
        loan = self._create_loan(interest_rate=13.0)
        self.assertFalse(loan.rate_above_lpr)
        self.branch_bj.write({"microloan_lpr_warning": True, "microloan_lpr_rate": 3.0})
        loan.invalidate_recordset(["rate_above_lpr"])
        self.assertTrue(loan.rate_above_lpr)

    def test_borrower_totals(self):
        loan = self._create_loan(amount=80000.0)
        self._create_loan(amount=20000.0)
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.approver).action_approve()
        borrower = self.borrower.with_company(self.branch_bj)
        self.assertEqual(borrower.microloan_loan_count, 2)
        self.assertEqual(borrower.microloan_amount_total, 80000.0)
        # Approved and not yet paid out: nothing is owed (issue 12, item 4).
        self.assertEqual(borrower.microloan_balance, 0.0)
        loan.with_user(self.finance).disburse(80000.0, loan.disbursement_date)
        borrower.invalidate_recordset()
        self.assertEqual(borrower.microloan_balance, 80000.0)
        loan.installment_ids[0].principal_paid = loan.installment_ids[0].principal
        borrower.invalidate_recordset()
        self.assertAlmostEqual(
            borrower.microloan_balance, 80000.0 - loan.installment_ids[0].principal
        )

    def test_form_as_officer(self):
        form = Form(
            self.env["microloan.loan"]
            .with_user(self.officer)
            .with_company(self.branch_bj)
        )
        form.partner_id = self.borrower
        form.product_id = self.product
        self.assertEqual(form.amount, 100000.0)
        self.assertEqual(form.term, 12)
        form.guarantee_type_id = self.type_credit
        form.amount = 60000.0
        form.disbursement_date = fields.Date.today()
        loan = form.save()
        self.assertRecordValues(
            loan,
            [{"user_id": self.officer.id, "company_id": self.branch_bj.id}],
        )
        self.assertEqual(len(loan.installment_ids), 12)
        self.assertAlmostEqual(sum(loan.installment_ids.mapped("principal")), 60000.0)

    def test_overdue(self):
        loan = self._create_loan()
        loan.with_user(self.officer).action_submit()
        loan.with_user(self.approver).action_approve()
        Loan = self.env["microloan.loan"]
        with freeze_time("2025-02-10"):
            loan.invalidate_recordset(["is_overdue"])
            self.assertFalse(loan.is_overdue)
            self.assertNotIn(loan, Loan.search([("is_overdue", "=", True)]))
        with freeze_time("2025-04-15"):
            loan.invalidate_recordset(["is_overdue"])
            self.assertTrue(loan.is_overdue)
            self.assertIn(loan, Loan.search([("is_overdue", "=", True)]))
            self.assertNotIn(loan, Loan.search([("is_overdue", "!=", True)]))
            for installment in loan.installment_ids.filtered(
                lambda i: i.due_date < fields.Date.today()
            ):
                installment.write(
                    {
                        "principal_paid": installment.principal,
                        "interest_paid": installment.interest,
                    }
                )
            loan.invalidate_recordset(["is_overdue"])
            self.assertFalse(loan.is_overdue)
            self.assertIn(loan, Loan.search([("is_overdue", "=", False)]))

    def test_servicing_options_fit_the_engine(self):
        loan = self._create_loan()
        for value, _label in self.product._fields["allocation_order"].selection:
            self.product.allocation_order = value
            order, by_installment = self.product._get_allocation_order()
            self.assertEqual(check_order(order), order)
            self.assertEqual(by_installment, value == "by_installment")
        for value, _label in self.product._fields["classification_preset"].selection:
            self.product.classification_preset = value
            self.assertEqual(self.product._engine_classification_rules().name, value)
        self.product.write({"penalty_multiplier": 1.3, "grace_days": 3})
        penalty = loan._engine_penalty_terms()
        self.assertEqual(str(penalty.multiplier), "1.3000")
        self.assertEqual((penalty.grace_days, penalty.day_basis), (3, 360))
