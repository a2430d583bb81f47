"""Errors raised by the calculation core."""

# Every message the engine raises, with its stable code: callers (the Odoo
# modules) translate by code, never by the English text. A message changes
# wording here and in its ``raise`` together; tests/engine/test_errors.py checks
# that every message raised has a code.
MESSAGE_CODES = {
    "a bucket appears twice": "bucket_appears_twice",
    "a bullet loan has no stub installment": "bullet_loan_no_stub_installment",
    "a custom plan cannot be re-scheduled automatically": (
        "custom_plan_cannot_re_scheduled"
    ),
    "a custom plan expresses grace with zero principal amounts": (
        "custom_plan_expresses_grace_zero"
    ),
    "a payment is dated after the as-of date": "payment_dated_after_as_date",
    "a payment is dated before the loan starts": "payment_dated_before_loan_starts",
    "a payment precedes an advance": "payment_precedes_advance",
    "a payment precedes the first advance": "payment_precedes_first_advance",
    "amounts must be positive": "amounts_positive",
    "amounts must not be negative": "amounts_not_negative",
    "amounts must sum to the principal": "amounts_sum_principal",
    "an entry is either a draw or a repayment": "entry_either_draw_repayment",
    "an extension must be applied for before maturity": (
        "extension_applied_before_maturity"
    ),
    "an installment before it is not cleared": "installment_before_not_cleared",
    "appears twice": "appears_twice",
    "at least one advance is needed": "at_least_one_advance_needed",
    "at least one payment is needed": "at_least_one_payment_needed",
    "balances must not be negative": "balances_not_negative",
    "divided by npery must exceed -1": "divided_by_npery_exceed",
    "does not apply to a bullet loan": "does_not_apply_bullet_loan",
    "does not apply to payment in advance": "does_not_apply_payment_in",
    "end must not be before start": "end_not_before_start",
    "event dates must be dates": "event_dates_dates",
    "every cash flow needs a date": "every_cash_flow_needs_date",
    "every must be a positive integer": "every_positive_integer",
    "exceeds the outstanding principal": "exceeds_outstanding_principal",
    "expected a LoanPosition": "expected_loanposition",
    "expected (date, value) pairs": "expected_date_value_pairs",
    "fees must be amounts of money >= 0": "fees_amounts_money_ge",
    "expected payments, charges or refunds": "expected_payments_charges_refunds",
    "fraction must be at least 0 and below 1": "fraction_at_least_0",
    "give either a date or unit_periods, not both": "give_either_date_unit_periods",
    "give one fee per installment": "give_one_fee_per_installment",
    "gives installments without principal": "gives_installments_without_principal",
    "has more decimals than the currency": "more_decimals_than_currency",
    "has more than 18 decimal places": "more_than_18_decimal_places",
    "has no installments": "no_installments",
    "installments must be in due-date order": "installments_in_due_date",
    "installments not yet due are already partly repaid": (
        "installments_not_yet_due_partly_repaid"
    ),
    "installments not yet due must be unpaid to prepay": (
        "installments_not_yet_due_must"
    ),
    "interest is already settled beyond that date": (
        "interest_already_settled_beyond_date"
    ),
    "interest is already settled for that date": "interest_already_settled_date",
    "is not a number": "not_number",
    "is not UTF-8 text": "not_utf_8_text",
    "is required": "required",
    "is required for a balloon loan": "required_balloon_loan",
    "is required for this method": "required_method",
    "is required with dated payments": "required_dated_payments",
    "is too large": "too_large",
    "must be 360, 364, 365 or 366": "day_basis_choice",
    "must be a date": "date",
    "must be a date as YYYY-MM-DD": "date_as_yyyy_mm",
    "must be a decimal string": "decimal_string",
    "must be a finite number": "finite_number",
    "must be a JSON object": "json_object",
    "must be a list": "list",
    "must be a list of amounts": "list_amounts",
    "must be a number": "number",
    "must be a number, not a boolean": "number_not_boolean",
    "must be a positive integer": "positive_integer",
    "must be a string": "string",
    "must be a whole number >= 0": "whole_number_ge_0",
    "must be a whole number of days >= 0": "whole_number_days_ge",
    "must be a whole number of periods": "whole_number_periods",
    "must be a whole period number": "whole_period_number",
    "must be after the current maturity": "after_current_maturity",
    "must be after the disbursement": "after_disbursement",
    "must be after the disbursement date": "after_disbursement_date",
    "must be an integer": "integer",
    "must be at least 0, below 1": "at_least_0_below",
    "must be between 0 and 1": "between_0_1",
    "must be between 0 and 12": "between_0_12",
    "must be between 1 and 31": "between_1_31",
    "must be 'end' or 'begin'": "end_begin",
    "must be greater than -1": "greater_than_1",
    "must be in (0, 1]": "in_0_1",
    "must be less than amount_advanced": "less_than_amount_advanced",
    "must be less than the first advance": "less_than_first_advance",
    "must be less than the principal": "less_than_principal",
    "must be 'months' or 'days'": "months_days",
    "must be one of: schedule, apr, servicing": "one_schedule_apr",
    "must be positive": "positive",
    "must be ScheduleTerms": "scheduleterms",
    "must be whole numbers >= 0": "whole_numbers_ge_0",
    "must exceed -1": "exceed_1",
    "must fall between the disbursement and the new maturity": (
        "fall_between_disbursement_new"
    ),
    "must increase from 关注 to 损失": "increase_from",
    "must lie between 1 and nper": "lie_between_1_nper",
    "must not be before the original maturity": "not_before_original_maturity",
    "must not be before the start date": "not_before_start_date",
    "must not be empty": "not_empty",
    "must not be negative": "not_negative",
    "must not be zero": "not_zero",
    "must not be zero when rate is zero": "not_zero_when_rate",
    "must not exceed 10 (1000%)": "not_exceed_10",
    "must not precede start_period": "not_precede_start_period",
    "must not precede the start of the term": "not_precede_start_term",
    "need both an outflow and an inflow": "need_both_outflow_inflow",
    "no balance known on the start date": "no_balance_known_start_date",
    "no cash flows": "no_cash_flows",
    "no installment falls due after that date": "no_installment_falls_due_after",
    "no installment is due after that date": "no_installment_due_after_date",
    "no LPR in force on that date": "no_lpr_in_force_date",
    "no number of periods solves these values": "no_number_periods_solves_these",
    "no rate in (-100%, +1e11%) solves these cash flows": "no_rate_in_100_1e11",
    "no rate known on the start date": "no_rate_known_start_date",
    "no rate solves these cash flows": "no_rate_solves_these_cash",
    "no such PAR bucket": "no_such_par_bucket",
    "only applies to month-based frequencies": "only_applies_month_based_frequencies",
    "only applies to the balloon method": "only_applies_balloon_method",
    "only applies to the custom method": "only_applies_custom_method",
    "only applies to the fixed_principal_percentage method": (
        "only_applies_fixed_principal_percentage"
    ),
    "options only apply when replaying a schedule": "options_only_apply_when_replaying",
    "out of range": "out_range",
    "paid more than due": "paid_more_than_due",
    "pay everything due on or before the prepayment date first": (
        "pay_everything_due_before_prepayment"
    ),
    "payment in advance applies to annuity and equal_principal only": (
        "payment_in_advance_applies_annuity"
    ),
    "payment in advance starts on the disbursement date: no first due date or repayment day": (  # noqa: E501
        "payment_in_advance_starts_disbursement"
    ),
    "precedes the consummation date": "precedes_consummation_date",
    "products must not be negative": "products_not_negative",
    "rates must not be negative": "rates_not_negative",
    "repays the loan before its last installment": (
        "repays_loan_before_last_installment"
    ),
    "settle what is owed before a further tranche": "settle_before_tranche",
    "shorten_term needs an annuity or equal-principal loan": (
        "shorten_term_needs_annuity_equal"
    ),
    "start and end must be dates": "start_end_dates",
    "the amount has more decimals than money": "amount_more_decimals_than_money",
    "the amount must be positive": "amount_positive",
    "the credit limit must not be negative": "credit_limit_not_negative",
    "the cumulative extension exceeds the limit for this term": (
        "cumulative_extension_exceeds_limit_term"
    ),
    "the draw would exceed the credit limit": "draw_would_exceed_credit_limit",
    "the entry date must be a date": "entry_date_date",
    "the guarantor's written consent is required": "guarantor_written_consent_required",
    "the maximum number of extensions has been reached": (
        "maximum_number_extensions_reached"
    ),
    "the payoff does not match its quote": "payoff_not_match_quote",
    "the position is already accrued beyond that date": (
        "position_already_accrued_beyond_date"
    ),
    "the rate did not converge": "rate_did_not_converge",
    "the rate must not be negative": "rate_not_negative",
    "the repayment exceeds the outstanding principal": (
        "repayment_exceeds_outstanding_principal"
    ),
    "the repayment exceeds the payoff": "repayment_exceeds_payoff",
    "the total term exceeds the product's maximum term": (
        "total_term_exceeds_product_maximum"
    ),
    "times must not be negative": "times_not_negative",
    "unit must be 'day' or 'month'": "unit_day_month",
    "unit_periods must be a whole number, not negative": "unit_periods_whole_number",
    "unknown classification tier": "unknown_classification_tier",
    "unknown day count": "unknown_day_count",
    "unknown field": "unknown_field",
    "use reduce_installment or shorten_term": "use_reduce_installment_shorten_term",
    "values must not be negative": "values_not_negative",
    # Lender conventions (schedule, rates, CLI servicing).
    "applies to the annuity method only": "applies_annuity_method_only",
    "cannot be combined with installment_amount": ("not_combined_installment_amount"),
    "does not cover the interest of a period": "not_cover_interest_period",
    "must be true or false": "boolean",
    "pro_rata applies to the period basis only": "pro_rata_period_basis_only",
    "applies to rate, not to annual_rate": "applies_rate_not_annual_rate",
    "comes from disbursements": "comes_from_disbursements",
    "give either annual_rate or rate, not both": "either_annual_rate_or_rate",
    "must follow the first disbursement": "follow_first_disbursement",
    "must match the day count's year": "match_day_count_year",
    "names an installment the loan does not have": "names_unknown_installment",
}

# Messages with parameters: raised with an explicit ``code`` and ``params``; the
# English text is ``TEMPLATES[code].format(**params)``.
TEMPLATES = {
    "at_least": "must be at least {minimum}",
    "at_most": "must be at most {maximum}",
    "invalid_json": "is not valid JSON: {error}",
    "not_a_calendar_date": "{value} is not a calendar date",
    "one_amount_per_period": "must have one amount per period ({periods})",
    "one_of": "must be one of {choices}",
    "too_many_decimal_places": "has more than {decimals} decimal places",
    "unit_period_choice": (
        'must be one of {choices}, {{"weeks": N}} or {{"months": N}} (N up to 11)'
    ),
    "unknown_bucket": "unknown allocation bucket: {buckets}",
    "unknown_frequency": (
        'unknown frequency {spec}: use one of {choices}, {{"days": N}} or '
        '{{"months": N}}'
    ),
}


class EngineError(ValueError):
    """Invalid input to the engine.

    ``field`` names the input at fault (``"principal"``, ``"annual_rate"``...) so a
    caller can attach the message to the right form field; ``message`` is the
    English explanation; ``code`` identifies the message whatever its wording (see
    ``MESSAGE_CODES`` and ``TEMPLATES``) and ``params`` holds the values it quotes,
    so that a caller can show its own translation.
    """

    def __init__(self, field, message=None, code=None, params=None):
        params = dict(params or {})
        if message is None:
            message = TEMPLATES[code].format(**params)
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.code = code or MESSAGE_CODES.get(message, "invalid")
        self.params = params

    def __reduce__(self):
        return (type(self), (self.field, self.message, self.code, self.params))
