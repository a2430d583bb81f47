"""Extension (展期) limits and mid-life rate changes (docs/domain.md §4)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from microloan_engine.errors import EngineError
from microloan_engine.restructure import (
    ExtensionHistory,
    ExtensionPolicy,
    ExtensionRequest,
    change_rate,
    extend,
    extension_limit_months,
    months_between,
    term_class,
)
from microloan_engine.schedule import ScheduleTerms, build_schedule

D = Decimal
TERMS = ScheduleTerms(
    principal=D("100000"),
    annual_rate=D("0.12"),
    periods=12,
    disbursement_date=date(2025, 1, 10),
)
SCHEDULE = build_schedule(TERMS)
HISTORY = ExtensionHistory(date(2025, 1, 10), date(2026, 1, 10), date(2026, 1, 10))


def request(new_maturity, **kw):
    values = {
        "request_date": date(2025, 12, 20),
        "effective_date": date(2025, 12, 10),
        "new_maturity": new_maturity,
        "outstanding_principal": SCHEDULE.installments[10].balance,
    }
    values.update(kw)
    return ExtensionRequest(**values)


def test_months_between_and_limits():
    assert months_between(date(2023, 1, 15), date(2024, 1, 15)) == (12, 0)
    assert months_between(date(2025, 1, 31), date(2025, 3, 1)) == (1, 1)
    assert term_class(Fraction(12)) == "short"
    assert term_class(Fraction(12) + Fraction(1, 30)) == "medium"
    assert term_class(Fraction(61)) == "long"
    assert extension_limit_months(Fraction(6)) == 6
    assert extension_limit_months(Fraction(36)) == 18
    assert extension_limit_months(Fraction(13)) == Fraction(13, 2)
    assert extension_limit_months(Fraction(120)) == 36


def test_short_term_extension_builds_the_remaining_schedule():
    result = extend(TERMS, request(date(2026, 7, 10)), HISTORY)
    installments = result.schedule.installments
    assert len(installments) == 7
    assert installments[0].due_date == date(2026, 1, 10)
    assert installments[-1].due_date == date(2026, 7, 10)
    assert result.schedule.total_principal == SCHEDULE.installments[10].balance
    assert installments[-1].balance == 0
    assert result.cumulative_extension == (6, 0)
    assert result.term_class == "short" and result.limit_months == 12
    assert result.extension_number == 1
    assert not result.is_restructured


def test_short_term_limit_is_the_original_term():
    assert extend(TERMS, request(date(2027, 1, 10)), HISTORY).cumulative_extension == (
        12,
        0,
    )
    with pytest.raises(EngineError) as err:
        extend(TERMS, request(date(2027, 1, 11)), HISTORY)
    assert err.value.field == "new_maturity"


def test_leap_year_does_not_shorten_the_limit():
    terms = replace(TERMS, disbursement_date=date(2023, 1, 15))
    history = ExtensionHistory(date(2023, 1, 15), date(2024, 1, 15), date(2024, 1, 15))
    result = extend(
        terms,
        ExtensionRequest(
            request_date=date(2024, 1, 10),
            effective_date=date(2024, 1, 15),
            new_maturity=date(2025, 1, 15),
            outstanding_principal=D("5000"),
        ),
        history,
    )
    assert result.cumulative_extension == (12, 0)


@pytest.mark.parametrize(
    "months, ok, bad",
    [
        (24, date(2028, 1, 10), date(2028, 1, 11)),  # half: 12 months
        (13, date(2026, 8, 25), date(2026, 8, 26)),  # half: 6 months 15 days
        (120, date(2038, 1, 10), date(2038, 1, 11)),  # long: 3 years
    ],
)
def test_medium_and_long_term_limits(months, ok, bad):
    start = date(2025, 1, 10)
    maturity = date(2025 + (months // 12), 1 + months % 12, 10)
    history = ExtensionHistory(start, maturity, maturity)
    terms = replace(TERMS, periods=months)

    def ask(new_maturity):
        return ExtensionRequest(
            request_date=maturity,
            effective_date=maturity,
            new_maturity=new_maturity,
            outstanding_principal=D("50000"),
        )

    assert extend(terms, ask(ok), history).schedule.installments[-1].due_date == ok
    with pytest.raises(EngineError):
        extend(terms, ask(bad), history)


def test_extension_count_and_cumulative_across_extensions():
    extended = replace(HISTORY, current_maturity=date(2026, 7, 10), extensions=1)
    with pytest.raises(EngineError) as err:
        extend(TERMS, request(date(2026, 10, 10)), extended)
    assert err.value.field == "extensions"
    policy = ExtensionPolicy(max_extensions=2)
    second = extend(TERMS, request(date(2026, 10, 10)), extended, policy)
    assert second.extension_number == 2 and second.cumulative_extension == (9, 0)
    # Cumulative from the original maturity: 6 + 7 months > 12.
    with pytest.raises(EngineError):
        extend(TERMS, request(date(2027, 2, 10)), extended, policy)


def test_must_apply_before_maturity_and_other_refusals():
    with pytest.raises(EngineError) as err:
        extend(
            TERMS, request(date(2026, 7, 10), request_date=date(2026, 1, 11)), HISTORY
        )
    assert err.value.field == "request_date"
    # Applying on the maturity date itself is in time.
    on_time = request(date(2026, 7, 10), request_date=date(2026, 1, 10))
    assert extend(TERMS, on_time, HISTORY).extension_number == 1
    with pytest.raises(EngineError) as err:
        extend(TERMS, request(date(2026, 1, 10)), HISTORY)
    assert err.value.field == "new_maturity"
    with pytest.raises(EngineError) as err:
        extend(
            TERMS, request(date(2026, 7, 10), requires_guarantor_consent=True), HISTORY
        )
    assert err.value.field == "guarantor_consent"
    consent = request(
        date(2026, 7, 10), requires_guarantor_consent=True, guarantor_consent=True
    )
    assert extend(TERMS, consent, HISTORY)
    with pytest.raises(EngineError) as err:
        extend(TERMS, request(date(2026, 7, 10), outstanding_principal=0), HISTORY)
    assert err.value.field == "outstanding_principal"
    with pytest.raises(EngineError):
        extend(TERMS, request(date(2026, 7, 10), new_rate=D("-0.01")), HISTORY)


def test_product_maximum_term_for_long_personal_loans():
    start = date(2025, 1, 10)
    maturity = date(2027, 1, 10)
    history = ExtensionHistory(start, maturity, maturity)
    ask = ExtensionRequest(
        request_date=maturity,
        effective_date=maturity,
        new_maturity=date(2028, 1, 10),
        outstanding_principal=D("50000"),
    )
    assert extend(TERMS, ask, history).total_term == (36, 0)
    with pytest.raises(EngineError):
        extend(TERMS, ask, history, ExtensionPolicy(product_max_term_months=30))


def test_new_rate_and_restructuring_flag():
    result = extend(
        TERMS,
        request(date(2026, 7, 10), new_rate=D("0.06"), days_past_due=5),
        HISTORY,
    )
    assert result.terms.annual_rate == D("0.06")
    assert result.is_restructured
    difficulty = extend(
        TERMS, request(date(2026, 7, 10), financial_difficulty=True), HISTORY
    )
    assert difficulty.is_restructured
    # First period 2025-12-10 -> 2026-01-10 is a full month at 6%/12.
    balance = SCHEDULE.installments[10].balance
    first = result.schedule.installments[0]
    assert first.interest == (balance * D("0.005")).quantize(D("0.01"))


def test_extension_with_a_short_first_period_charges_actual_days():
    result = extend(
        TERMS,
        request(date(2026, 7, 10), effective_date=date(2025, 12, 20)),
        HISTORY,
    )
    first = result.schedule.installments[0]
    assert first.due_date == date(2026, 1, 10)
    balance = SCHEDULE.installments[10].balance
    assert first.interest == (balance * D("0.12") * 21 / 360).quantize(D("0.01"))


def test_rate_change_mid_period_is_segmented():
    result = change_rate(TERMS, SCHEDULE, date(2025, 6, 25), D("0.06"))
    assert result.kept == 5
    balance = SCHEDULE.installments[4].balance
    assert balance == D("59779.18")
    first = result.schedule.installments[0]
    # 15 days at 12% then 15 days at 6% of a whole month: 9%/12.
    assert first.interest == D("448.34")
    assert first.due_date == date(2025, 7, 10)
    assert result.schedule.total_principal == balance
    assert result.schedule.installments[-1].due_date == date(2026, 1, 10)
    assert len(result.schedule.installments) == 7
    # Afterwards the new 0.5% monthly rate.
    second = result.schedule.installments[1]
    assert second.interest == (first.balance * D("0.005")).quantize(D("0.01"))


def test_rate_change_on_a_due_date_and_before_the_first():
    on_due = change_rate(TERMS, SCHEDULE, date(2025, 6, 10), D("0.06"))
    assert on_due.kept == 5
    assert on_due.schedule.installments[0].interest == D("298.90")
    first_period = change_rate(TERMS, SCHEDULE, date(2025, 1, 25), D("0.06"))
    assert first_period.kept == 0
    # 15 of 31 days at 12%, 16 at 6%: 100,000 × (0.12×15 + 0.06×16)/31 / 12.
    expected = D("100000") * (D("0.12") * 15 + D("0.06") * 16) / 31 / 12
    assert first_period.schedule.installments[0].interest == expected.quantize(
        D("0.01")
    )
    with pytest.raises(EngineError):
        change_rate(TERMS, SCHEDULE, date(2026, 1, 10), D("0.06"))
