"""Product fees: amount on a loan, totals by timing (docs/domain.md §1.0, §3.6)."""

import doctest
from decimal import Decimal

import pytest

from microloan_engine import fees
from microloan_engine.errors import EngineError
from microloan_engine.fees import Fee, fee_amount, fee_totals

D = Decimal


@pytest.mark.parametrize(
    "fee, principal, expected",
    [
        # 1% of the §1.1 loan: the 1,000 fee of the §3.6 example.
        (Fee("percent", "upfront", percentage=D("1")), D("100000"), D("1000.00")),
        # 0.125% of 33,333.33 = 41.6666625: half-up to the fen.
        (Fee("percent", "upfront", percentage=D("0.125")), D("33333.33"), D("41.67")),
        # 0.0015% of 100,000 = 1.5 exactly.
        (Fee("percent", "installment", percentage=D("0.0015")), D("100000"), D("1.50")),
        # 0.0005% of 1,000 = 0.005: a tie, rounded up (四舍五入).
        (Fee("percent", "installment", percentage=D("0.0005")), D("1000"), D("0.01")),
        # A fixed fee does not depend on the amount.
        (Fee("fixed", "installment", amount=D("15")), D("50000"), D("15.00")),
        (Fee("percent", "upfront"), D("100000"), D("0.00")),
    ],
)
def test_fee_amount(fee, principal, expected):
    assert fee_amount(fee, principal) == expected


def test_fee_amount_uses_the_currency_decimals_and_rounding():
    fee = Fee("percent", "upfront", percentage=D("1.2345"))
    # 1.2345% of 10,001 = 123.462345.
    assert fee_amount(fee, D("10001")) == D("123.46")
    assert fee_amount(fee, D("10001"), decimals=0) == D("123")
    assert fee_amount(fee, D("10001"), rounding="ceiling") == D("123.47")


def test_fee_totals_by_timing():
    product_fees = [
        Fee("percent", "upfront", percentage=D("1.5")),  # 1,500.00
        Fee("fixed", "upfront", amount=D("200")),  # 200.00
        Fee("fixed", "installment", amount=D("20")),  # 20.00
        Fee("percent", "installment", percentage=D("0.0333")),  # 33.30
    ]
    totals = fee_totals(product_fees, D("100000"))
    assert (totals.upfront, totals.per_installment) == (D("1700.00"), D("53.30"))


def test_each_fee_is_rounded_before_the_sum():
    # 0.00455% of 10,000 = 0.455 each: 0.46 + 0.46 = 0.92, not round(0.91) = 0.91.
    fee = Fee("percent", "upfront", percentage=D("0.00455"))
    assert fee_totals([fee, fee], D("10000")).upfront == D("0.92")


def test_no_fees():
    totals = fee_totals([], D("100000"))
    assert (totals.upfront, totals.per_installment) == (D("0.00"), D("0.00"))


@pytest.mark.parametrize(
    "fee, field",
    [
        (Fee("percent", "upfront", percentage=D("-1")), "percentage"),
        (Fee("fixed", "upfront", amount=D("-1")), "amount"),
        (Fee("flat", "upfront"), "calculation"),
    ],
)
def test_bad_fees_are_refused(fee, field):
    with pytest.raises(EngineError) as error:
        fee_amount(fee, D("1000"))
    assert error.value.field == field


def test_bad_timing_is_refused():
    with pytest.raises(EngineError) as error:
        fee_totals([Fee("fixed", "monthly", amount=D("1"))], D("1000"))
    assert error.value.field == "timing"
    assert error.value.code == "one_of"


def test_doctests():
    result = doctest.testmod(fees)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    "total, fee, expected",
    [
        # The §1.1 installment with the 53.30 per-installment fee of the module doc.
        (D("8884.88"), D("53.30"), D("8938.18")),
        (D("8884.88"), D("0.00"), D("8884.88")),
        (D("0.00"), D("15.00"), D("15.00")),
    ],
)
def test_installment_amount_adds_the_fee(total, fee, expected):
    assert fees.installment_amount(total, fee) == expected


def test_installment_amount_refuses_a_negative_fee():
    with pytest.raises(EngineError):
        fees.installment_amount(D("100.00"), D("-1.00"))


def test_deducted_fees_are_counted_at_disbursement_apart():
    product_fees = [
        Fee("percent", "deducted", percentage=D("1")),  # 1,000.00
        Fee("fixed", "upfront", amount=D("300")),  # 300.00
        Fee("fixed", "installment", amount=D("20")),
    ]
    totals = fee_totals(product_fees, D("100000"))
    assert totals.upfront == D("1300.00")
    assert totals.deducted == D("1000.00")
    assert totals.paid_at_disbursement == D("300.00")
    assert totals.per_installment == D("20.00")


def test_disbursement_pays_out_the_principal_less_the_fees_deducted():
    totals = fee_totals(
        [
            Fee("percent", "deducted", percentage=D("1")),
            Fee("fixed", "upfront", amount=D("300")),
        ],
        D("100000"),
    )
    paid = fees.disbursement(D("100000.00"), totals)
    assert paid.principal == D("100000.00")
    assert paid.fees_deducted == D("1000.00")
    assert paid.paid_out == D("99000.00")
    assert paid.fees_paid == D("300.00")
    assert paid.fees == D("1300.00")


def test_disbursement_without_fees_pays_out_the_principal():
    paid = fees.disbursement(D("5000.00"), fee_totals([], D("5000")))
    assert (paid.paid_out, paid.fees) == (D("5000.00"), D("0.00"))


@pytest.mark.parametrize(
    "principal, deducted, field",
    [
        (D("1000"), D("1000"), "fees_deducted"),
        (D("1000"), D("1200"), "fees_deducted"),
        (D("0"), D("0"), "principal"),
        (D("-5"), D("0"), "principal"),
    ],
)
def test_disbursement_refuses_nothing_to_pay_out(principal, deducted, field):
    totals = fees.FeeTotals(upfront=deducted, per_installment=D("0"), deducted=deducted)
    with pytest.raises(EngineError) as caught:
        fees.disbursement(principal, totals)
    assert caught.value.field == field


def test_loan_cost_counts_every_fee_once():
    # 2 installments of principal, interest and a 100 fee, and 1,000 at disbursement.
    cost = fees.loan_cost(
        [
            (D("50600.00"), D("500.00"), D("100.00")),
            (D("50350.00"), D("250.00"), D("100.00")),
        ],
        D("1000.00"),
    )
    assert cost.fees == D("1200.00")
    # The installments (principal 100,000, interest 750, fees 200) and 1,000.
    assert cost.total_payment == D("101950.00")
    # What the loan costs above the principal: interest and every fee.
    assert cost.total_cost == D("1950.00")
    assert cost.total_payment - D("100000") == cost.total_cost


def test_loan_cost_refuses_negative_fees_at_disbursement():
    with pytest.raises(EngineError):
        fees.loan_cost([], D("-1"))


def test_unknown_timing_is_refused_with_the_choices():
    with pytest.raises(EngineError) as caught:
        fees.check_timing("monthly")
    assert caught.value.params == {"choices": "deducted, upfront, installment"}
