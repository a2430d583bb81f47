from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CreditCommon


@tagged("post_install", "-at_install")
class TestScoring(CreditCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scorecard = cls._create_scorecard()
        cls.scorecard.with_user(cls.risk).action_activate()

    @classmethod
    def _create_scorecard(cls, code="RETAIL", amount_points=(40, 10)):
        return cls.env["microloan.scorecard"].create(
            {
                "name": "Retail",
                "code": code,
                "company_id": cls.head_office.id,
                "product_ids": [Command.set(cls.product.ids)],
                "characteristic_ids": [
                    Command.create(
                        {
                            "source": "borrower_type",
                            "sequence": 1,
                            "default_points": 0,
                            "bin_ids": [
                                Command.create(
                                    {"values": "individual, sole_trader", "points": 20}
                                ),
                                Command.create({"values": "enterprise", "points": 5}),
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "source": "debt_service_ratio",
                            "sequence": 2,
                            "default_points": 3,
                            "bin_ids": [
                                Command.create(
                                    {"lower_open": True, "upper": 30, "points": 30}
                                ),
                                Command.create(
                                    {"lower": 30, "upper": 50, "points": 15}
                                ),
                                Command.create(
                                    {"lower": 50, "upper_open": True, "points": 0}
                                ),
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "source": "amount",
                            "sequence": 3,
                            "bin_ids": [
                                Command.create(
                                    {
                                        "lower_open": True,
                                        "upper": 90000,
                                        "points": amount_points[0],
                                    }
                                ),
                                Command.create(
                                    {
                                        "lower": 90000,
                                        "upper_open": True,
                                        "points": amount_points[1],
                                    }
                                ),
                            ],
                        }
                    ),
                ],
                "cutoff_ids": [
                    Command.create(
                        {
                            "min_score": 80,
                            "grade": "A",
                            "decision": "approve",
                            "max_amount": 300000,
                            "rate_adjustment": -1,
                        }
                    ),
                    Command.create(
                        {
                            "min_score": 50,
                            "grade": "B",
                            "decision": "approve",
                            "max_amount": 90000,
                            "rate_adjustment": 0.5,
                        }
                    ),
                    Command.create(
                        {"min_score": -100, "grade": "E", "decision": "decline"}
                    ),
                ],
            }
        )

    def test_points_per_characteristic(self):
        application = self._create_application()
        self._attach_all(application)
        application.with_user(self.officer).action_submit()
        self._investigate(application)
        # DSR: (2,000 + 8,884.88 at 100,000... here 80,000 proposed) / 30,000.
        report = application.investigation_id
        self.assertAlmostEqual(report.debt_service_ratio, 30.36, places=2)
        self.assertEqual(application.scorecard_id, self.scorecard)
        self.assertEqual(
            [
                (line.characteristic_id.source, line.value, line.bin_label, line.points)
                for line in application.score_line_ids
            ],
            [
                ("borrower_type", "individual", "individual, sole_trader", 20.0),
                ("debt_service_ratio", "30.36", "[30.00, 50.00)", 15.0),
                ("amount", "100000.00", "[90,000.00, +∞)", 10.0),
            ],
        )
        self.assertRecordValues(
            application,
            [
                {
                    "score": 45.0,
                    "score_grade": "E",
                    "score_decision": "decline",
                    "score_max_amount": 0.0,
                }
            ],
        )
        application.with_user(self.risk).action_review("pass", "ok")
        self._committee_decides(application)
        with self.assertRefused(UserError, "grade E.*declines"):
            application.with_user(self.approver).action_approve()
        self.assertFalse(application.loan_id)

    def test_grade_caps_amount_and_adjusts_rate(self):
        application = self._create_application(amount=60000.0)
        self._to_approval(application)
        # individual 20 + DSR 30.36% 15 + amount < 90,000 40 = 75: grade B.
        self.assertEqual((application.score, application.score_grade), (75.0, "B"))
        wizard = Form(
            self.env["microloan.application.approve"]
            .with_user(self.approver)
            .with_context(default_application_id=application.id)
        )
        # The investigator's 12% plus grade B's 0.5 points.
        self.assertEqual(wizard.rate, 12.5)
        with self.assertRefused(
            UserError,
            r"Grade B allows at most \S*\s?90,000\.00: \S*\s?95,000\.00 asked",
        ):
            application.with_user(self.approver).action_approve(amount=95000.0)
        self.assertEqual(application.state, "approval")
        application.with_user(self.approver).action_approve(amount=90000.0)
        self.assertEqual(application.loan_id.amount, 90000.0)

    def test_versions(self):
        # Head office's administrator manages the scorecards; the one in use
        # is frozen (its name and note aside).
        self.scorecard.with_user(self.admin).name = "Retail 2025"
        with self.assertRefused(UserError, "make a new version"):
            self.scorecard.with_user(self.admin).product_ids = False
        with self.assertRefused(UserError, "make a new version"):
            self.scorecard.cutoff_ids[0].with_user(self.admin).min_score = 10
        with self.assertRefused(UserError, "make a new version"):
            self.scorecard.characteristic_ids[0].bin_ids[0].with_user(
                self.admin
            ).points = 99
        application = self._create_application(amount=60000.0)
        application.with_user(self.officer).action_compute_score()
        self.assertEqual(application.scorecard_id, self.scorecard)
        action = self.scorecard.with_user(self.admin).action_new_version()
        version2 = self.env["microloan.scorecard"].browse(action["res_id"])
        self.assertEqual((version2.version, version2.state), (2, "draft"))
        self.assertEqual(
            len(version2.characteristic_ids.bin_ids),
            len(self.scorecard.characteristic_ids.bin_ids),
        )
        version2.characteristic_ids[2].bin_ids[0].with_user(self.admin).points = 0
        version2.with_user(self.admin).action_activate()
        self.assertEqual(self.scorecard.state, "retired")
        # The application keeps the version it was scored with.
        application.with_user(self.officer).action_compute_score()
        self.assertEqual(application.scorecard_id, self.scorecard)
        self.assertEqual(application.score_line_ids[2].points, 40.0)
        fresh = self._create_application(partner_id=self.guarantor.id, amount=60000.0)
        fresh.with_user(self.officer).action_compute_score()
        self.assertEqual(fresh.scorecard_id, version2)
        self.assertEqual(fresh.score_line_ids[2].points, 0.0)

    def test_bad_scorecards_refused(self):
        draft = self._create_scorecard(code="BAD")
        draft.characteristic_ids[1].bin_ids[1].lower = 20  # overlaps [-∞, 30)
        with self.assertRefused(UserError, "debt service ratio"):
            draft.with_user(self.risk).action_activate()
        self.assertEqual(draft.state, "draft")
        with self.assertRaises(AccessError):
            draft.with_user(self.officer).write({"name": "x"})
        with self.assertRaises(AccessError):
            self.env["microloan.application.score.line"].with_user(self.risk).create(
                {"application_id": self._create_application().id, "points": 99}
            )

    def test_backtest_figures(self):
        today = fields.Date.context_today(self.env.user)
        borrowers = [self.borrower, self.guarantor]
        # Two loans lent today (nothing due yet, good) and two in January 2025
        # never repaid (bad). Amount below 90,000: 40 points, else 10; an
        # individual 20, a farmer 0; no investigation: 3. Scores: goods 63 (B)
        # and 43 (E), bads 63 (B) and 13 (E).
        plans = [
            (borrowers[0], 60000.0, today),
            (borrowers[1], 60000.0, today),
            (borrowers[0], 60000.0, fields.Date.to_date("2025-01-10")),
            (borrowers[1], 200000.0, fields.Date.to_date("2025-01-10")),
        ]
        for partner, amount, day in plans:
            loan = self._create_loan(
                partner_id=partner.id,
                amount=amount,
                application_date=day,
                disbursement_date=day,
            )
            loan.with_user(self.officer).action_submit()
            loan.with_user(self.approver).action_approve()
        self.scorecard.with_user(self.risk).action_backtest()
        rows = {row.grade: row for row in self.scorecard.backtest_line_ids}
        self.assertEqual(self.scorecard.backtest_loans, 4)
        self.assertEqual((rows["B"].loans, rows["B"].dpd30, rows["B"].dpd90), (2, 1, 1))
        self.assertEqual((rows["B"].dpd30_share, rows["B"].dpd90_share), (50.0, 50.0))
        self.assertEqual((rows["E"].loans, rows["E"].dpd90_share), (2, 50.0))
        self.assertEqual(rows["A"].loans, 0)
        # Good-bad pairs: 63-63 a tie (0.5), 63-13 and 43-13 won, 43-63 lost:
        # AUC 2.5 / 4, Gini 2 × 0.625 − 1 = 0.25. KS: at 13, half the bads and
        # no good lie at or below: 0.5.
        self.assertAlmostEqual(self.scorecard.backtest_gini, 0.25)
        self.assertAlmostEqual(self.scorecard.backtest_ks, 0.5)
        with self.assertRaises(UserError):
            self.scorecard.with_user(self.officer).action_backtest()
