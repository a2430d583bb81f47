from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestRepeatPricing(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["microloan.repeat.pricing.rule"]
        # The demo rules are shared: keep them out of these figures.
        Rule.search([]).write({"active": False})
        cls.rule = Rule.create(
            {
                "name": "Loyal borrower",
                "company_id": cls.head_office.id,
                "sequence": 10,
                "min_settled_loans": 2,
                "max_days_past_due": 30,
                "rate_reduction": 1.0,
                "max_increase_percent": 20.0,
            }
        )
        # Another branch's rule, more generous, first by sequence: not Beijing's.
        cls.rule_sh = Rule.create(
            {
                "name": "Shanghai special",
                "company_id": cls.branch_sh.id,
                "sequence": 1,
                "min_settled_loans": 1,
                "max_days_past_due": 365,
                "rate_reduction": 3.0,
            }
        )

    def _settled_loan(self, paid_off_on, partner=None):
        """A loan disbursed on 10 January 2025 (first installment due on 10
        February) and paid off on ``paid_off_on``: settled (closed)."""
        loan = self._create_loan(
            user=self.officer,
            partner_id=(partner or self.borrower).id,
            amount=20000.0,
            application_date="2025-01-05",
            disbursement_date="2025-01-10",
        )
        loan.action_submit()
        loan.with_user(self.approver).action_approve()
        loan.with_user(self.finance).disburse(loan.amount, "2025-01-10")
        loan.with_user(self.finance).payoff(paid_off_on)
        self.assertEqual(loan.state, "closed")
        return loan

    def test_rule_applies_to_qualified_borrower(self):
        # Before: no loan settled, no rule.
        application = self._create_application()
        self.assertFalse(application.repeat_rule_id)
        self._settled_loan("2025-01-20")
        self._settled_loan("2025-02-15")  # 5 days late on its first installment
        application.invalidate_recordset()
        self.assertRecordValues(
            application,
            [
                {
                    "repeat_rule_id": self.rule.id,
                    "repeat_settled_loans": 2,
                    "repeat_worst_days_past_due": 5,
                }
            ],
        )
        # The engine's terms: one point off, the maximum 20% higher.
        self.assertEqual(
            application._credit_repeat_terms(12.0, 90000.0), (11.0, 108000.0)
        )
        self._to_approval(application)
        wizard = Form(
            self.env["microloan.application.approve"]
            .with_user(self.approver)
            .with_context(default_application_id=application.id)
        )
        # The investigator's 12% less the rule's point.
        self.assertEqual(wizard.rate, 11.0)
        self.assertEqual(wizard.repeat_rule_id, self.rule)
        wizard.save().action_approve()
        self.assertEqual(application.loan_id.interest_rate, 11.0)
        # The rule that applied is kept on the application; a client cannot
        # set it.
        self.assertEqual(application.repeat_rule_applied_id, self.rule)
        with self.assertRaises(AccessError):
            application.with_user(self.officer).write({"repeat_rule_applied_id": False})

    def test_rule_raises_the_maximum_by_score(self):
        scorecard = self.env["microloan.scorecard"].create(
            {
                "name": "Flat",
                "code": "FLAT",
                "company_id": self.head_office.id,
                "product_ids": [Command.set(self.product.ids)],
                "characteristic_ids": [
                    Command.create(
                        {
                            "source": "amount",
                            "sequence": 1,
                            "bin_ids": [
                                Command.create(
                                    {
                                        "lower_open": True,
                                        "upper_open": True,
                                        "points": 10,
                                    }
                                )
                            ],
                        }
                    )
                ],
                "cutoff_ids": [
                    Command.create(
                        {
                            "min_score": 0,
                            "grade": "B",
                            "decision": "approve",
                            "max_amount": 90000,
                            "rate_adjustment": 0.5,
                        }
                    )
                ],
            }
        )
        scorecard.with_user(self.risk).action_activate()
        self._settled_loan("2025-01-20")
        self._settled_loan("2025-01-21")
        application = self._to_approval(self._create_application())
        self.assertEqual(
            (application.score_max_amount, application.repeat_max_amount),
            (90000.0, 108000.0),
        )
        wizard = Form(
            self.env["microloan.application.approve"]
            .with_user(self.approver)
            .with_context(default_application_id=application.id)
        )
        # 12% + grade B's 0.5 point - the rule's point; the maximum 90,000 + 20%.
        self.assertEqual((wizard.rate, wizard.max_amount), (11.5, 108000.0))
        with self.assertRefused(UserError, r"at most \S*\s?108,000\.00"):
            application.with_user(self.approver).action_approve(amount=108000.01)
        self.assertEqual(application.state, "approval")
        application.with_user(self.approver).action_approve(amount=100000.0)
        self.assertEqual(application.loan_id.amount, 100000.0)

    def test_no_rule_after_a_90_day_delinquency(self):
        self._settled_loan("2025-01-20")
        # Paid off on 11 May 2025: the first installment was 90 days late.
        self._settled_loan("2025-05-11")
        application = self._create_application()
        self.assertEqual(application.repeat_settled_loans, 2)
        self.assertEqual(application.repeat_worst_days_past_due, 90)
        self.assertFalse(application.repeat_rule_id)
        self.assertEqual(application._credit_adjusted_rate(12.0), 12.0)
        # A rule that tolerates it applies.
        self.rule.max_days_past_due = 90
        application.invalidate_recordset()
        self.assertEqual(application.repeat_rule_id, self.rule)

    def test_product_filter_and_branch(self):
        self._settled_loan("2025-01-20")
        self._settled_loan("2025-01-21")
        other = self.product.copy({"code": "OTHER", "name": "Other"})
        self.rule.product_id = other
        application = self._create_application()
        self.assertFalse(application.repeat_rule_id)
        self.rule.product_id = self.product
        application.invalidate_recordset()
        self.assertEqual(application.repeat_rule_id, self.rule)

    def test_shown_on_application_form(self):
        self._settled_loan("2025-01-20")
        self._settled_loan("2025-01-21")
        form = Form(self._create_application().with_user(self.officer))
        self.assertEqual(form.repeat_rule_id, self.rule)
        self.assertEqual(form.repeat_settled_loans, 2)
        arch = self.env["microloan.application"].get_view(view_type="form")["arch"]
        self.assertIn("repeat_rule_id", str(arch))

    def test_bad_input_refused(self):
        Rule = self.env["microloan.repeat.pricing.rule"].with_user(self.admin)
        count = Rule.search_count([])
        base = {"name": "Bad", "company_id": self.head_office.id}
        for vals, message in (
            ({"min_settled_loans": 0, "rate_reduction": 1.0}, "loans settled"),
            ({"max_days_past_due": -1, "rate_reduction": 1.0}, "worst days"),
            ({"rate_reduction": -1.0}, "rate reduction"),
            ({"max_increase_amount": -5.0, "rate_reduction": 1.0}, "maximum"),
            ({}, "must lower the rate or raise the maximum"),
        ):
            with self.assertRefused(ValidationError, message):
                Rule.create({**base, **vals})
        self.assertEqual(Rule.search_count([]), count)
        with self.assertRefused(UserError, "rate reduction must be a finite"):
            self.rule.with_user(self.admin).write({"rate_reduction": float("nan")})
        with self.assertRefused(UserError, "loans settled must be a number"):
            self.rule.with_user(self.admin).write({"min_settled_loans": "two"})
        self.assertEqual(self.rule.rate_reduction, 1.0)
        # Officers read the rules, they do not change them.
        with self.assertRaises(AccessError):
            self.rule.with_user(self.officer).rate_reduction = 5.0
