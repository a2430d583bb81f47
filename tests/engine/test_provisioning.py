"""Provisioning and ratios: the docs/domain.md §3.3 worked example."""

from decimal import Decimal

import pytest

from microloan_engine.errors import EngineError
from microloan_engine.provisioning import (
    ProvisionRates,
    balances_by_tier,
    coverage_shortfall,
    general_reserve_2012,
    provision,
    required_allowance_for_coverage,
)

D = Decimal
BOOK = {
    "normal": D("8500000"),
    "special_mention": D("800000"),
    "substandard": D("400000"),
    "doubtful": D("200000"),
    "loss": D("100000"),
}


def test_domain_worked_example():
    report = provision(BOOK)
    assert dict(report.specific_by_tier) == {
        "normal": D("0"),
        "special_mention": D("16000"),
        "substandard": D("100000"),
        "doubtful": D("100000"),
        "loss": D("100000"),
    }
    assert report.specific == D("316000")
    assert report.general == D("100000")
    assert report.total_allowance == D("416000")
    assert report.total_loans == D("10000000")
    assert report.npl == D("700000")
    assert report.npl_ratio == D("0.07")
    assert report.coverage_ratio.quantize(D("0.001")) == D("0.594")
    assert report.loan_provision_ratio == D("0.0416")
    assert required_allowance_for_coverage(report.npl) == D("1050000")
    assert coverage_shortfall(report) == D("634000")


def test_domain_standard_method_2012():
    reserve = general_reserve_2012(BOOK)
    assert dict(reserve.potential_by_tier) == {
        "normal": D("127500"),
        "special_mention": D("24000"),
        "substandard": D("120000"),
        "doubtful": D("120000"),
        "loss": D("100000"),
    }
    assert reserve.potential_risk == D("491500")
    assert reserve.floor == D("150000")
    assert reserve.required == D("491500")
    # Net of the 416,000 impairment allowance the estimate is 75,500, below the floor.
    net = general_reserve_2012(BOOK, impairment_allowance=D("416000"))
    assert net.from_estimate == D("75500")
    assert net.required == D("150000")
    assert general_reserve_2012(BOOK, D("600000")).from_estimate == 0


def test_configurable_rates_and_no_npl():
    rates = ProvisionRates(substandard=D("0.30"), doubtful=D("0.60"), general_rate=0)
    report = provision({"substandard": D("1000"), "doubtful": D("1000")}, rates)
    assert report.total_allowance == D("900")
    clean = provision({"normal": D("5000")})
    assert clean.coverage_ratio is None
    assert clean.npl_ratio == 0 and clean.total_allowance == D("50")
    empty = provision({})
    assert empty.total_allowance == 0 and empty.loan_provision_ratio == 0


def test_balances_by_tier_and_validation():
    book = balances_by_tier(
        [("normal", D("10")), ("loss", D("5")), ("normal", D("2.5"))]
    )
    assert book["normal"] == D("12.5") and book["loss"] == D("5")
    with pytest.raises(EngineError):
        balances_by_tier([("excellent", D("1"))])
    with pytest.raises(EngineError):
        provision({"normal": D("-1")})
    with pytest.raises(EngineError):
        ProvisionRates(loss=D("1.5"))
