from odoo import api, fields, models
from odoo.exceptions import UserError

from microloan_engine import EngineError
from microloan_engine.classification import (
    NPL_TIERS,
    LoanRisk,
    classify,
)
from microloan_engine.restructure import months_between, observation_period

from ..tools import inputs
from ..tools.risk_tiers import RISK_TIERS

CLASSIFIED_STATES = ("active", "written_off")


class MicroloanLoanRisk(models.AbstractModel):
    """Risk of a loan (microloan.loan): days past due, overdue amounts, the
    five-category classification (五级分类) and non-accrual."""

    _name = "microloan.loan.risk"
    _description = "Loan: Risk Classification"

    # The loan's own currency field (microloan.loan), declared here for the
    # amounts of this mixin.
    currency_id = fields.Many2one("res.currency")

    days_past_due = fields.Integer(
        readonly=True,
        copy=False,
        index=True,
        help="Days past due of the oldest unpaid installment, as of the last daily "
        "close.",
    )
    overdue_principal = fields.Monetary(readonly=True, copy=False)
    overdue_interest = fields.Monetary(readonly=True, copy=False)
    penalty_due = fields.Monetary(
        readonly=True,
        copy=False,
        help="Penalty interest (罚息) owed as of the last daily close.",
    )
    compound_due = fields.Monetary(
        string="Compound Interest Due",
        readonly=True,
        copy=False,
        help="Compound interest (复利) owed as of the last daily close.",
    )
    risk_tier = fields.Selection(
        selection=RISK_TIERS,
        string="Classification",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Five-category classification (五级分类) of the last daily close.",
    )
    risk_tier_floor = fields.Selection(
        selection=RISK_TIERS,
        string="Classification by the Rules",
        readonly=True,
        copy=False,
        help="The tier the rules give before the Risk Officer's override.",
    )
    risk_tier_date = fields.Date(string="Classified On", readonly=True, copy=False)
    is_npl = fields.Boolean(
        string="Non-Performing",
        compute="_compute_is_npl",
        store=True,
        index=True,
    )
    manual_tier = fields.Selection(
        selection=RISK_TIERS,
        string="Override Classification",
        readonly=True,
        copy=False,
        tracking=True,
        help="Tier set by a Risk Officer. It can only make the classification "
        "worse than the rules give.",
    )
    manual_tier_reason = fields.Text(
        string="Override Reason", readonly=True, copy=False, tracking=True
    )
    manual_tier_user_id = fields.Many2one(
        "res.users", string="Override By", readonly=True, copy=False
    )
    manual_tier_date = fields.Date(string="Override On", readonly=True, copy=False)
    arrears_cleared_date = fields.Date(
        readonly=True,
        copy=False,
        help="Day the loan last came back to no arrears: the start of the normal "
        "payment record that an upgrade out of non-performing needs.",
    )
    non_accrual = fields.Boolean(
        string="Non-Accrual",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="More days past due than the product's non-accrual days: penalty and "
        "compound interest are no longer charged by the daily close.",
    )
    non_accrual_date = fields.Date(readonly=True, copy=False)

    # Restructuring (docs/domain.md §4)
    is_restructured = fields.Boolean(
        string="Restructured",
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
        help="Terms adjusted because of the borrower's financial difficulty "
        "(重组资产): classified at least Special Mention during the observation "
        "period.",
    )
    restructure_date = fields.Date(readonly=True, copy=False)
    tier_before_restructure = fields.Selection(
        selection=RISK_TIERS, readonly=True, copy=False
    )
    restructured_while_nonperforming = fields.Boolean(readonly=True, copy=False)
    observation_start = fields.Date(
        string="Observation From",
        readonly=True,
        copy=False,
        help="First repayment date after the restructuring.",
    )
    observation_end = fields.Date(
        string="Observation Until",
        readonly=True,
        copy=False,
        help="At least two repayment periods and one year after the observation "
        "start; a missed payment restarts it.",
    )

    @api.depends("risk_tier")
    def _compute_is_npl(self):
        for loan in self:
            loan.is_npl = loan.risk_tier in NPL_TIERS

    def action_override_classification(self, tier, reason):
        """Set the Risk Officer's classification ``tier`` with its ``reason``.

        The override may only be worse than what the rules give
        (``microloan_engine.classification``); a better one is refused.
        """
        self._check_user_group(
            "microloan_base.group_microloan_risk",
            self.env._("Only risk officers can override the classification."),
        )
        reason = inputs.text(self.env, reason, self.env._("The reason"))
        if not reason:
            raise UserError(self.env._("Give the reason of the override."))
        tier_labels = dict(RISK_TIERS)
        if not isinstance(tier, str) or tier not in tier_labels:
            raise UserError(self.env._("Choose a classification tier."))
        self._check_state(
            set(CLASSIFIED_STATES),
            self.env._("Only disbursed loans are classified: %(loan)s is %(state)s."),
        )
        day = fields.Date.context_today(self)
        for loan in self:
            result = classify(
                loan._prepare_loan_risk(day, loan.days_past_due, manual_tier=tier),
                loan.product_id._engine_classification_rules(),
            )
            if result.override_ignored:
                raise UserError(
                    self.env._(
                        "%(loan)s cannot be classified %(tier)s: the rules give at "
                        "least %(floor)s, and an override can only make the "
                        "classification worse.",
                        loan=loan.name,
                        tier=tier_labels[tier],
                        floor=tier_labels[result.floor],
                    )
                )
            # sudo: guarded fields, set by this action only.
            loan.sudo().write(
                {
                    "manual_tier": tier,
                    "manual_tier_reason": reason.strip(),
                    "manual_tier_user_id": self.env.user.id,
                    "manual_tier_date": day,
                    "risk_tier": result.tier,
                    "risk_tier_floor": result.floor,
                    "risk_tier_date": day,
                }
            )
        return True

    def action_clear_classification_override(self):
        """Remove the Risk Officer's override; the rules classify the loan."""
        self._check_user_group(
            "microloan_base.group_microloan_risk",
            self.env._("Only risk officers can override the classification."),
        )
        # sudo: the override is guarded; the caller is a risk officer.
        self.sudo().write(
            {
                "manual_tier": False,
                "manual_tier_reason": False,
                "manual_tier_user_id": False,
                "manual_tier_date": False,
            }
        )
        for loan in self.filtered(lambda loan: loan.state in CLASSIFIED_STATES):
            # sudo: the classification is guarded; the caller is a risk officer.
            loan.sudo().risk_tier = loan.risk_tier_floor or "normal"
        return True

    def action_open_classification_override(self):
        """Open the wizard of the classification override."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Override Classification"),
            "res_model": "microloan.loan.classify",
            "view_mode": "form",
            "target": "new",
            "context": {"default_loan_id": self.id},
        }

    def _in_observation(self, day):
        self.ensure_one()
        return bool(
            self.is_restructured
            and self.observation_end
            and self.restructure_date <= day <= self.observation_end
        )

    def _prepare_loan_risk(self, day, dpd, manual_tier=None, normal_periods=0):
        """Return the ``microloan_engine.classification.LoanRisk`` of this loan on
        ``day`` with ``dpd`` days past due."""
        self.ensure_one()
        cleared = self.arrears_cleared_date
        months = months_between(cleared, day)[0] if cleared and cleared <= day else 0
        return LoanRisk(
            days_past_due=dpd,
            restructured=self._in_observation(day),
            restructured_while_nonperforming=self.restructured_while_nonperforming
            and self._in_observation(day),
            in_observation_period=self._in_observation(day),
            tier_before_restructure=self.tier_before_restructure or None,
            # The rules' tier: an override is applied again on each run, and
            # clearing it must not leave its tier behind.
            previous_tier=self.risk_tier_floor or None,
            overdue_cleared=not dpd,
            consecutive_normal_periods=normal_periods,
            months_normal_payment=months,
            manual_tier=manual_tier
            if manual_tier is not None
            else self.manual_tier or None,
        )

    def _get_risk_vals(self, day, statuses):
        """Return ``{loan: vals}``: days past due, overdue figures, classification
        and non-accrual of these loans on ``day``.

        ``statuses`` maps each loan to its
        ``microloan_engine.overdue.OverdueStatus`` on ``day``. The normal-payment
        record is counted for non-performing loans only, in one query.
        """
        normal_periods = {}
        upgrading = self.filtered(
            lambda loan: loan.risk_tier_floor in NPL_TIERS
            and loan.arrears_cleared_date
            and not statuses[loan].days_past_due
        )
        if upgrading:
            rows = self.env["microloan.loan.installment"]._read_group(
                [
                    ("loan_id", "in", upgrading.ids),
                    ("due_date", "<", day),
                    ("state", "=", "paid"),
                ],
                ["loan_id", "due_date:day"],
                ["__count"],
            )
            for loan, due_date, _count in rows:
                if due_date >= loan.arrears_cleared_date:
                    normal_periods[loan.id] = normal_periods.get(loan.id, 0) + 1
        result = {}
        for loan in self:
            status = statuses[loan]
            dpd = status.days_past_due
            try:
                classification = classify(
                    loan._prepare_loan_risk(
                        day, dpd, normal_periods=normal_periods.get(loan.id, 0)
                    ),
                    loan.product_id._engine_classification_rules(),
                )
            except EngineError as error:
                raise UserError(
                    self.env._(
                        "%(loan)s cannot be classified (%(field)s: %(reason)s).",
                        loan=loan.name,
                        field=error.field,
                        reason=error.message,
                    )
                ) from error
            vals = {
                "days_past_due": dpd,
                "overdue_principal": float(status.overdue_principal),
                "overdue_interest": float(status.overdue_interest),
                "penalty_due": float(status.penalty),
                "compound_due": float(status.compound),
                "risk_tier": classification.tier,
                "risk_tier_floor": classification.floor,
                "risk_tier_date": day,
            }
            if dpd and loan.days_past_due == 0 and loan.arrears_cleared_date:
                vals["arrears_cleared_date"] = False
            elif not dpd and loan.days_past_due:
                vals["arrears_cleared_date"] = day
            threshold = loan.product_id.non_accrual_days
            if not loan.non_accrual and threshold and dpd > threshold:
                vals.update(non_accrual=True, non_accrual_date=day)
            elif loan.non_accrual and not dpd:
                vals.update(non_accrual=False, non_accrual_date=False)
            if loan._in_observation(day) and dpd and loan.observation_start:
                # A missed payment restarts the observation period.
                vals.update(loan._get_observation_period(day))
            result[loan] = vals
        return result

    def _get_observation_period(self, after):
        """Return the observation start and end of a restructuring on ``after``
        (``microloan_engine.restructure.observation_period``)."""
        self.ensure_one()
        start, end = observation_period(after, self.installment_ids.mapped("due_date"))
        return {"observation_start": start, "observation_end": end}
