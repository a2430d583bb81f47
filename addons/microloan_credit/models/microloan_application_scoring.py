from decimal import Decimal

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from odoo.addons.microloan_base.tools import inputs

from microloan_engine.scoring import adjusted_rate

from .microloan_scorecard_cutoff import DECISIONS, GRADES

OFFICER = "microloan_base.group_microloan_officer"
RISK = "microloan_base.group_microloan_risk"


class MicroloanApplicationScoring(models.AbstractModel):
    """The score of a loan application (microloan.application): the version
    of the scorecard it was scored with, the points of each characteristic,
    and the grade's decision, maximum amount and rate adjustment."""

    _name = "microloan.application.scoring"
    _description = "Loan Application: Score"

    scorecard_id = fields.Many2one(
        "microloan.scorecard", string="Scorecard", readonly=True, copy=False
    )
    score = fields.Float(digits=(10, 2), readonly=True, copy=False, tracking=True)
    score_grade = fields.Selection(
        selection=GRADES, string="Grade", readonly=True, copy=False, tracking=True
    )
    score_decision = fields.Selection(selection=DECISIONS, readonly=True, copy=False)
    # The application's own currency field (declared here for the mixin).
    currency_id = fields.Many2one("res.currency")
    score_max_amount = fields.Monetary(
        string="Maximum by Score", readonly=True, copy=False
    )
    score_rate_adjustment = fields.Float(
        string="Rate Adjustment (Points)", digits=(7, 4), readonly=True, copy=False
    )
    score_line_ids = fields.One2many(
        "microloan.application.score.line",
        "application_id",
        string="Score Details",
        readonly=True,
    )

    def _credit_score_values(self):
        self.ensure_one()
        return self.env["microloan.scorecard"]._values_for(
            self.partner_id,
            {
                "amount": Decimal(
                    float_repr(self.amount, self.currency_id.decimal_places)
                ),
                "term": Decimal(self.term),
                "channel": self.channel,
                "purpose": self.purpose_id.code or None,
                "guarantee_type": self.guarantee_type_id.code or None,
            },
            self.investigation_id,
        )

    def action_compute_score(self):
        """Score open applications on the scorecard they were scored with, or
        else on the active scorecard of their product (loan and risk
        officers). Return ``True``."""
        if not self.env.su and not (
            self.env.user.has_group(OFFICER) or self.env.user.has_group(RISK)
        ):
            raise UserError(
                self.env._("Only loan and risk officers can score applications.")
            )
        for application in self:
            if application.state not in (
                "draft",
                "investigation",
                "review",
                "committee",
                "approval",
            ):
                raise UserError(
                    self.env._(
                        "%(application)s is closed: its score stays as it was.",
                        application=application.name,
                    )
                )
            application._compute_credit_score()
        return True

    def _compute_credit_score(self):
        """Score the application and store the points of each characteristic
        (nothing without a scorecard)."""
        self.ensure_one()
        scorecard = self.scorecard_id or self.env["microloan.scorecard"]._find_for(
            self.product_id, self.company_id
        )
        if not scorecard:
            return
        result, cutoff = scorecard._score(self._credit_score_values())
        lines = []
        for position, (characteristic, line) in enumerate(
            zip(scorecard.characteristic_ids, result.lines, strict=True)
        ):
            bin_record = (
                characteristic.bin_ids[line.bin_index]
                if line.bin_index is not None
                else False
            )
            lines.append(
                Command.create(
                    {
                        "sequence": position,
                        "characteristic_id": characteristic.id,
                        "value": "" if line.value is None else str(line.value),
                        "bin_label": bin_record._label() if bin_record else "",
                        "points": float(line.points),
                    }
                )
            )
        # sudo: the score is guarded; it is the engine's, for this scorecard.
        self.sudo().write(
            {
                "scorecard_id": scorecard.id,
                "score": float(result.total),
                "score_grade": cutoff.grade,
                "score_decision": cutoff.decision,
                "score_max_amount": float(cutoff.max_amount or 0),
                "score_rate_adjustment": float(cutoff.rate_adjustment),
                "score_line_ids": [Command.clear(), *lines],
            }
        )

    def _credit_scored_cutoff(self):
        """The scored grade's cut-off as the engine's (``None`` unscored)."""
        self.ensure_one()
        if not self.score_grade:
            return None
        return self.scorecard_id._engine_cutoffs_by_grade().get(self.score_grade)

    def _credit_adjusted_rate(self, rate):
        """``rate`` with the scored grade's rate adjustment and the
        repeat-borrower rule's reduction (the engine's)."""
        self.ensure_one()
        cutoff = self._credit_scored_cutoff()
        if cutoff is not None:
            rate = float(adjusted_rate(Decimal(float_repr(rate, 4)), cutoff))
        # then the repeat-borrower rule (microloan_application_repeat_pricing.py)
        return self._credit_repeat_terms(rate, 0.0)[0]

    def _check_score(self, amount):
        """Refuse an approval the score declines, or above its maximum."""
        self.ensure_one()
        if not self.score_grade:
            return
        if self.score_decision == "decline":
            raise UserError(
                self.env._(
                    "%(application)s scored %(score)s (grade %(grade)s): the "
                    "scorecard declines it.",
                    application=self.name,
                    score=self.score,
                    grade=self.score_grade,
                )
            )
        amount = inputs.money(
            self.env, amount, self.currency_id, self.env._("The approved amount")
        )
        # The maximum by score, raised by a repeat-borrower rule.
        maximum = self.repeat_max_amount
        if maximum and self.currency_id.compare_amounts(amount, maximum) > 0:
            raise UserError(
                self.env._(
                    "Grade %(grade)s allows at most %(maximum)s: %(amount)s asked "
                    "for %(application)s.",
                    grade=self.score_grade,
                    maximum=self.currency_id.format(maximum),
                    amount=self.currency_id.format(amount),
                    application=self.name,
                )
            )

    def action_finish_investigation(self):
        """Score the applications once the report is handed in."""
        result = super().action_finish_investigation()
        for application in self:
            application._compute_credit_score()
        return result

    def _check_before_approval(self, amount):
        """Score an application not scored yet, then apply its score."""
        result = super()._check_before_approval(amount)
        if not self.score_grade:
            self._compute_credit_score()
        self._check_score(amount)
        return result
