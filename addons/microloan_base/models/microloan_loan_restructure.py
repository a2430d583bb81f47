from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr, formatLang

from microloan_engine import EngineError, Frequency
from microloan_engine.classification import classify
from microloan_engine.dates import add_months
from microloan_engine.fees import installment_amount
from microloan_engine.restructure import (
    ExtensionHistory,
    ExtensionPolicy,
    ExtensionRequest,
    change_rate,
    extend,
)
from microloan_engine.schedule import Installment, Schedule

from ..tools import inputs
from ..tools.engine_messages import engine_message
from .microloan_loan_servicing import RATE_DIGITS


class MicroloanLoanRestructure(models.AbstractModel):
    """Restructuring of a loan (microloan.loan): extensions and rescheduling,
    each keeping the schedule it replaces as a version."""

    _name = "microloan.loan.restructure"
    _description = "Loan: Restructuring"

    extension_count = fields.Integer(
        string="Extensions", readonly=True, copy=False, tracking=True
    )
    original_maturity_date = fields.Date(
        readonly=True,
        copy=False,
        help="Maturity of the contract before its first extension.",
    )
    last_extension_date = fields.Date(readonly=True, copy=False)
    schedule_version_ids = fields.One2many(
        "microloan.loan.schedule.version",
        "loan_id",
        string="Schedule History",
        readonly=True,
    )

    def action_open_extend_wizard(self):
        """Open the extension (展期) wizard."""
        return self._open_restructure_wizard("extend", self.env._("Extend Loan"))

    def action_open_rate_change_wizard(self):
        """Open the rate change wizard."""
        return self._open_restructure_wizard("rate", self.env._("Change Rate"))

    def _open_restructure_wizard(self, mode, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "microloan.loan.extend",
            "view_mode": "form",
            "target": "new",
            "context": {"default_loan_id": self.id, "default_mode": mode},
        }

    def extend(
        self,
        new_maturity=None,
        extra_periods=None,
        date=None,
        new_rate=None,
        reason=None,
        guarantor_consent=True,
        financial_difficulty=False,
    ):
        """Extend the loan (展期) to ``new_maturity``, or by ``extra_periods``
        periods, applied for on ``date``; optionally at ``new_rate`` (annual, in
        percent) from the extension.

        The limits of docs/domain.md §4 and the product's maximum number of extensions
        are checked by ``microloan_engine.restructure.extend``. The installments
        not yet due are replaced by the engine's new schedule; the old schedule
        is kept as a :model:`microloan.loan.schedule.version`. An extension for
        financial difficulty, or of an overdue loan, is a restructuring.
        Returns True.
        """
        inputs.one(self)
        env = self.env
        new_maturity = inputs.day(
            env, new_maturity, env._("The new maturity"), required=False
        )
        if extra_periods is not None and extra_periods is not False:
            extra_periods = inputs.positive_int(
                env, extra_periods, env._("The number of extra periods")
            )
        date = inputs.day(env, date, env._("The application date"), required=False)
        if new_rate is not None:
            new_rate = inputs.number(
                env, new_rate, env._("The new annual rate (%)"), 0.0, 1000.0
            )
        reason = inputs.text(env, reason, env._("The reason"))
        guarantor_consent = inputs.boolean(
            env, guarantor_consent, env._("The guarantors' consent")
        )
        financial_difficulty = inputs.boolean(
            env, financial_difficulty, env._("Financial difficulty")
        )
        self._check_restructure_allowed(reason)
        date = date or fields.Date.context_today(self)
        maturity = self.maturity_date
        if date > maturity:
            raise UserError(
                self.env._(
                    "%(loan)s cannot be extended: an extension must be applied for "
                    "on or before its maturity date %(maturity)s.",
                    loan=self.name,
                    maturity=maturity,
                )
            )
        new_maturity = fields.Date.to_date(new_maturity)
        if not new_maturity and extra_periods:
            new_maturity = self._add_periods(maturity, extra_periods)
        if not new_maturity or new_maturity <= maturity:
            raise UserError(
                self.env._(
                    "The new maturity of %(loan)s must fall after its current "
                    "maturity %(maturity)s.",
                    loan=self.name,
                    maturity=maturity,
                )
            )
        kept, replaced, effective = self._split_installments(date)
        dpd = self._get_days_past_due(date)
        currency = self.currency_id
        guarantee_type = self.guarantee_type_id
        request = ExtensionRequest(
            request_date=date,
            effective_date=effective,
            new_maturity=new_maturity,
            outstanding_principal=Decimal(
                float_repr(sum(replaced.mapped("principal")), currency.decimal_places)
            ),
            new_rate=self._engine_rate(new_rate),
            financial_difficulty=bool(financial_difficulty),
            days_past_due=dpd,
            requires_guarantor_consent=bool(
                guarantee_type.requires_guarantor or guarantee_type.requires_collateral
            ),
            guarantor_consent=bool(guarantor_consent),
        )
        history = ExtensionHistory(
            original_disbursement=self.disbursement_date,
            original_maturity=self.original_maturity_date or maturity,
            current_maturity=maturity,
            extensions=self.extension_count,
        )
        product = self.product_id
        frequency = Frequency.from_spec(self.frequency)
        policy = ExtensionPolicy(
            max_extensions=product.max_extensions,
            product_max_term_months=(
                product.term_max * frequency.every
                if frequency.unit == "month" and self.borrower_type != "enterprise"
                else None
            ),
        )
        try:
            result = extend(self._engine_current_terms(), request, history, policy)
        except EngineError as error:
            raise UserError(self._get_extension_error(error)) from error
        # sudo: the approver's decision is checked above; the schedule records are
        # written by the engine's result only.
        self.sudo()._snapshot_schedule("extension", date, reason)
        self.sudo()._replace_unpaid_installments(kept, replaced, result.schedule)
        vals = {
            "extension_count": result.extension_number,
            "original_maturity_date": history.original_maturity,
            "last_extension_date": date,
        }
        if new_rate is not None:
            vals["interest_rate"] = new_rate
        if result.is_restructured:
            vals.update(
                is_restructured=True,
                restructure_date=date,
                tier_before_restructure=self.risk_tier or "normal",
                restructured_while_nonperforming=self.is_restructured
                and (self.is_npl or dpd > 0),
                **self._get_observation_period(date),
            )
        # sudo: the terms after approval change only through this action.
        self.sudo().write(vals)
        if result.is_restructured:
            self._reclassify(date, dpd)
        self.message_post(
            body=self.env._(
                "Extended to %(maturity)s (extension %(number)s): %(reason)s",
                maturity=new_maturity,
                number=result.extension_number,
                reason=reason,
            )
        )
        return True

    def change_rate(self, new_rate, date=None, reason=None):
        """Change the annual rate (percent) from ``date`` and re-amortize the
        installments due after it (``microloan_engine.restructure.change_rate``);
        the period running on ``date`` is charged at both rates by days.
        Returns True."""
        inputs.one(self)
        env = self.env
        if new_rate is None or new_rate is False:
            raise UserError(env._("Give the new annual rate."))
        new_rate = inputs.number(
            env, new_rate, env._("The new annual rate (%)"), 0.0, 1000.0
        )
        date = inputs.day(env, date, env._("The date of the new rate"), required=False)
        reason = inputs.text(env, reason, env._("The reason"))
        self._check_restructure_allowed(reason)
        date = date or fields.Date.context_today(self)
        scheduled = self.installment_ids.filtered(
            lambda i: i.kind == "scheduled"
        ).sorted("sequence")
        schedule = Schedule(
            installments=tuple(
                Installment(
                    n=index,
                    due_date=inst.due_date,
                    days=inst.days,
                    principal=self._engine_money(inst.principal),
                    interest=self._engine_money(inst.interest),
                    total=self._engine_money(inst.principal + inst.interest),
                    balance=self._engine_money(inst.balance),
                )
                for index, inst in enumerate(scheduled, start=1)
            ),
            total_principal=self._engine_money(sum(scheduled.mapped("principal"))),
            total_interest=self._engine_money(sum(scheduled.mapped("interest"))),
            total_payment=self._engine_money(
                sum(scheduled.mapped("principal")) + sum(scheduled.mapped("interest"))
            ),
        )
        try:
            result = change_rate(
                self._engine_current_terms(),
                schedule,
                date,
                self._engine_rate(new_rate),
            )
        except EngineError as error:
            field, reason = engine_message(self.env, error)
            raise UserError(
                self.env._(
                    "The rate of %(loan)s cannot change on %(date)s "
                    "(%(field)s: %(reason)s).",
                    loan=self.name,
                    date=date,
                    field=field,
                    reason=reason,
                )
            ) from error
        replaced = scheduled[result.kept :]
        kept = self.installment_ids - replaced
        self._check_replaceable(replaced)
        # sudo: the caller was checked above; the schedule records are written
        # by the engine's result only.
        self.sudo()._snapshot_schedule("rate_change", date, reason)
        self.sudo()._replace_unpaid_installments(kept, replaced, result.schedule)
        # sudo: the terms after approval change only through this action.
        self.sudo().write({"interest_rate": new_rate})
        self.message_post(
            body=self.env._(
                "Annual rate changed to %(rate)s%% from %(date)s: %(reason)s",
                rate=formatLang(self.env, new_rate, digits=2),
                date=date,
                reason=reason,
            )
        )
        return True

    def _check_restructure_allowed(self, reason):
        self._check_user_group(
            "microloan_base.group_microloan_approver",
            self.env._("Only approvers can extend loans or change their rate."),
        )
        self._check_state(
            {"active"},
            self.env._(
                "Only active loans can be extended or repriced: %(loan)s is "
                "%(state)s."
            ),
        )
        if not reason or not str(reason).strip():
            raise UserError(self.env._("Give the reason of the change."))

    def _add_periods(self, day, periods):
        """``day`` moved by ``periods`` repayment periods of the loan."""
        frequency = Frequency.from_spec(self.frequency)
        if frequency.unit == "day":
            return day + timedelta(days=frequency.every * periods)
        return add_months(
            day, frequency.every * periods, self.product_id.month_end_rule
        )

    def _split_installments(self, date):
        """Return ``(kept, replaced, effective_date)``: the installments due on
        or before ``date`` or already (partly) paid stay; the new schedule runs
        from the last due date among them."""
        self.ensure_one()
        installments = self.installment_ids.sorted("due_date")
        touched = installments.filtered(
            lambda i: i.due_date <= date or i.transaction_line_ids
        )
        effective = max(touched.mapped("due_date"), default=self.disbursement_date)
        kept = installments.filtered(lambda i: i.due_date <= effective)
        replaced = installments - kept
        if not replaced:
            raise UserError(
                self.env._(
                    "%(loan)s has no installment left to reschedule.", loan=self.name
                )
            )
        self._check_replaceable(replaced)
        return kept, replaced, effective

    def _check_replaceable(self, replaced):
        if replaced.filtered("transaction_line_ids"):
            raise UserError(
                self.env._(
                    "%(loan)s has payments on installments not yet due: reverse "
                    "them or prepay before changing the schedule.",
                    loan=self.name,
                )
            )

    def _get_days_past_due(self, day):
        """Days past due on ``day`` of the oldest installment with principal or
        interest unpaid."""
        self.ensure_one()
        currency = self.currency_id
        for inst in self.installment_ids.sorted("due_date"):
            if inst.due_date >= day:
                break
            if not currency.is_zero(
                inst.principal - inst.principal_paid
            ) or not currency.is_zero(inst.interest - inst.interest_paid):
                return (day - inst.due_date).days
        return 0

    def _engine_money(self, amount):
        return Decimal(float_repr(amount, self.currency_id.decimal_places))

    def _engine_rate(self, rate):
        if rate is None or rate is False:
            return None
        return Decimal(float_repr(rate, RATE_DIGITS)) / 100

    def _engine_current_terms(self):
        """The loan's ``ScheduleTerms`` at its current rate, anchored on the
        repayment day of its current installments."""
        terms = self._engine_terms()
        if terms.frequency.unit == "month" and self.installment_ids:
            terms = replace(
                terms,
                repayment_day=max(
                    d.day for d in self.installment_ids.mapped("due_date")
                ),
            )
        return terms

    def _get_extension_error(self, error):
        """Translated message of an extension refused by the engine."""
        messages = {
            "request_date": self.env._(
                "%(loan)s cannot be extended: an extension must be applied for on "
                "or before its maturity date."
            ),
            "extensions": self.env._(
                "%(loan)s cannot be extended again: its product allows "
                "%(max)s extension(s)."
            ),
            "guarantor_consent": self.env._(
                "%(loan)s cannot be extended without the written consent of its "
                "guarantors, mortgagors or pledgors."
            ),
        }
        if error.field == "new_maturity" and "product" in error.message:
            message = self.env._(
                "%(loan)s cannot be extended that far: the original term and the "
                "extensions would exceed the product's maximum term."
            )
        elif error.field == "new_maturity" and "limit" in error.message:
            message = self.env._(
                "%(loan)s cannot be extended that far: the cumulative extension "
                "would exceed the limit for its original term (the term itself up "
                "to one year, half of it up to five years, three years beyond)."
            )
        else:
            message = messages.get(error.field)
        if message:
            return message % {"loan": self.name, "max": self.product_id.max_extensions}
        field, reason = engine_message(self.env, error)
        return self.env._(
            "%(loan)s cannot be extended (%(field)s: %(reason)s).",
            loan=self.name,
            field=field,
            reason=reason,
        )

    def _snapshot_schedule(self, kind, date, reason):
        """Keep the current installments as a new schedule version."""
        self.ensure_one()
        version = max(self.schedule_version_ids.mapped("version"), default=0) + 1
        return self.env["microloan.loan.schedule.version"].create(
            {
                "loan_id": self.id,
                "company_id": self.company_id.id,
                "version": version,
                "date": date,
                "kind": kind,
                "reason": reason,
                "interest_rate": self.interest_rate,
                "maturity_date": self.maturity_date,
                "line_ids": [
                    Command.create(
                        {
                            "sequence": inst.sequence,
                            "due_date": inst.due_date,
                            "principal": inst.principal,
                            "interest": inst.interest,
                            "fee": inst.fee,
                            "amount": inst.amount,
                            "balance": inst.balance,
                            "amount_paid": inst.amount_paid,
                        }
                    )
                    for inst in self.installment_ids.sorted("sequence")
                ],
            }
        )

    def _replace_unpaid_installments(self, kept, replaced, schedule):
        """Replace the installments ``replaced`` by those of ``schedule``
        (``microloan_engine.Schedule``), numbered after ``kept``."""
        self.ensure_one()
        kept, replaced = kept.with_env(self.env), replaced.with_env(self.env)
        _upfront, per_installment = self._get_fees()
        fee = self._money(per_installment)
        start = max(kept.mapped("sequence"), default=0)
        # sudo: installments are written by the engine only.
        Installment = self.env["microloan.loan.installment"].sudo()
        replaced.sudo().unlink()
        Installment.create(
            [
                {
                    "loan_id": self.id,
                    "sequence": start + line.n,
                    "due_date": line.due_date,
                    "days": line.days,
                    "principal": float(line.principal),
                    "interest": float(line.interest),
                    "fee": per_installment,
                    "amount": float(installment_amount(line.total, fee)),
                    "balance": float(line.balance),
                }
                for line in schedule.installments
            ]
        )

    def _reclassify(self, day, dpd):
        """Classify the loan at once after a change of its risk data."""
        for loan in self:
            result = classify(
                loan._prepare_loan_risk(day, dpd),
                loan.product_id._engine_classification_rules(),
            )
            # sudo: the classification is the engine's (guarded field).
            loan.sudo().write(
                {
                    "risk_tier": result.tier,
                    "risk_tier_floor": result.floor,
                    "risk_tier_date": day,
                }
            )
