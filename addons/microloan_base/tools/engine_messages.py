"""Translated explanations of the engine's refusals.

``microloan_engine.EngineError`` carries a stable ``code``, the ``field`` at
fault and the ``params`` its message quotes; the English ``message`` is for
logs and the command line. This module gives the user their own language:
:func:`engine_message` renders the code and the field with Odoo's translations.
"""

from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

# Codes of microloan_engine.errors (MESSAGE_CODES, TEMPLATES) that servicing can
# meet; the others (inconsistent internal state) get a generic message.
MESSAGES = {
    "positive": _lt("must be positive"),
    "not_negative": _lt("must not be negative"),
    "less_than_principal": _lt("must be less than the principal"),
    "amounts_not_negative": _lt("amounts must not be negative"),
    "paid_more_than_due": _lt("more is paid than is due"),
    "more_decimals_than_currency": _lt("has more decimals than the currency"),
    "exceeds_outstanding_principal": _lt("exceeds the outstanding principal"),
    "no_installment_falls_due_after": _lt("no installment falls due after that date"),
    "no_installment_due_after_date": _lt("no installment is due after that date"),
    "pay_everything_due_before_prepayment": _lt(
        "pay everything due on or before the prepayment date first"
    ),
    "installments_not_yet_due_must": _lt(
        "the installments not yet due must be unpaid to prepay"
    ),
    "installment_before_not_cleared": _lt("an earlier installment is not cleared"),
    "payment_dated_after_as_date": _lt("a payment is dated after the calculation date"),
    "payment_dated_before_loan_starts": _lt(
        "a payment is dated before the loan starts"
    ),
    "position_already_accrued_beyond_date": _lt(
        "the charges are already accrued beyond that date"
    ),
    "use_reduce_installment_shorten_term": _lt(
        "choose a lower installment (reduce_installment) or a shorter term "
        "(shorten_term)"
    ),
    "shorten_term_needs_annuity_equal": _lt(
        "a shorter term needs an annuity or equal-principal loan"
    ),
    "number": _lt("must be a number"),
    "not_number": _lt("is not a number"),
    "number_not_boolean": _lt("must be a number, not a boolean"),
    "finite_number": _lt("must be a finite number"),
    "integer": _lt("must be a whole number"),
    "positive_integer": _lt("must be a positive whole number"),
    "date": _lt("must be a date"),
    "after_disbursement_date": _lt("must be after the disbursement date"),
    "between_1_31": _lt("must be between 1 and 31"),
    "not_exceed_10": _lt("must not exceed 1000%"),
    "not_before_start_date": _lt("must not be before the start date"),
    "after_current_maturity": _lt("must be after the current maturity"),
    "fall_between_disbursement_new": _lt(
        "must fall between the disbursement and the new maturity"
    ),
    "extension_applied_before_maturity": _lt(
        "an extension must be applied for before maturity"
    ),
    "maximum_number_extensions_reached": _lt(
        "the maximum number of extensions has been reached"
    ),
    "guarantor_written_consent_required": _lt(
        "the guarantor's written consent is required"
    ),
    "cumulative_extension_exceeds_limit_term": _lt(
        "the cumulative extension exceeds the limit for this term"
    ),
    "total_term_exceeds_product_maximum": _lt(
        "the total term exceeds the product's maximum term"
    ),
    "custom_plan_cannot_re_scheduled": _lt(
        "a custom plan cannot be re-scheduled automatically"
    ),
    "draw_would_exceed_credit_limit": _lt("the draw would exceed the credit limit"),
    "repayment_exceeds_outstanding_principal": _lt(
        "the repayment exceeds the outstanding principal"
    ),
    "amount_positive": _lt("the amount must be positive"),
    "amount_more_decimals_than_money": _lt(
        "the amount has more decimals than money has"
    ),
    "interest_already_settled_date": _lt("interest is already settled for that date"),
    "interest_already_settled_beyond_date": _lt(
        "interest is already settled beyond that date"
    ),
    "unknown_classification_tier": _lt("unknown classification tier"),
    "at_least": _lt("must be at least %(minimum)s"),
    "at_most": _lt("must be at most %(maximum)s"),
    "one_of": _lt("must be one of %(choices)s"),
    "too_many_decimal_places": _lt("has more than %(decimals)s decimal places"),
    "unknown_frequency": _lt("unknown frequency %(spec)s"),
}
# Engine field names, as the user knows them.
FIELD_LABELS = {
    "amount": _lt("amount"),
    "principal": _lt("principal"),
    "interest": _lt("interest"),
    "fee": _lt("fee"),
    "fees": _lt("fees"),
    "fees_deducted": _lt("fees deducted"),
    "penalty": _lt("penalty interest"),
    "compound": _lt("compound interest"),
    "annual_rate": _lt("annual rate"),
    "new_rate": _lt("new rate"),
    "mode": _lt("prepayment mode"),
    "payment_date": _lt("payment date"),
    "date": _lt("date"),
    "periods": _lt("number of periods"),
    "term": _lt("term"),
    "repayment_day": _lt("repayment day"),
    "first_due_date": _lt("first due date"),
    "fee_rate": _lt("prepayment fee rate"),
    "prepayment_fee_rate": _lt("prepayment fee rate"),
    "position": _lt("loan position"),
    "payments": _lt("payments"),
    "new_maturity": _lt("new maturity"),
    "request_date": _lt("application date"),
    "effective_date": _lt("effective date"),
    "extensions": _lt("extensions"),
    "guarantor_consent": _lt("guarantor consent"),
    "on": _lt("entry date"),
    "to": _lt("accrual date"),
    "tier": _lt("classification"),
    "frequency": _lt("frequency"),
    "day_count": _lt("day count"),
    "outstanding_principal": _lt("outstanding principal"),
}


def engine_message(env, error):
    """``(field, reason)``: the translated label of the input ``error`` (an
    ``EngineError``) names, and the translated reason it was refused."""
    label = FIELD_LABELS.get(error.field)
    field = env._(label) if label else error.field
    template = MESSAGES.get(error.code)
    if template is None:
        return field, env._(
            "refused by the calculation (code %(code)s)", code=error.code
        )
    return field, env._(template) % {
        key: str(value) for key, value in error.params.items()
    }
