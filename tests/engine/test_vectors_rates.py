"""Published TVM and APR numbers (data/public_vectors.json) reproduced by the engine.

Every vector whose id starts with one of RATE_PREFIXES is checked here, or listed in
UNSUPPORTED_RATE_VECTORS with the reason; a test fails when one is neither. Each
number is compared at the precision its source discloses: values printed to k
decimals must match after rounding to k decimals; values a source states with a
relative tolerance are compared with that tolerance.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from engine_vectors import load_public_vectors

from microloan_engine import apr, tvm
from microloan_engine.dates import add_months
from microloan_engine.errors import EngineError

RATE_PREFIXES = ("npf-", "excel-", "filemaker-", "mescius-", "regz-", "eu-aprc-")
UNSUPPORTED_RATE_VECTORS = {}


VECTORS = load_public_vectors()


def D(value):
    """Decimal of a vector number: floats through repr, strings as written."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def rate_expr(value):
    """Rates written as in the sources: 0.005, "0.08/12", "8%/12", ".069/12"."""
    if not isinstance(value, str):
        return D(value)
    result = None
    with tvm.decimal_context():
        for part in value.split("/"):
            number = (
                Decimal(part[:-1]) / 100 if part.endswith("%") else Decimal(part or "0")
            )
            result = number if result is None else result / number
    return result


def displayed(value, expected):
    """``value`` rounded to as many decimals as ``expected`` shows."""
    places = -D(expected).as_tuple().exponent
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def assert_shown(value, expected):
    assert displayed(value, expected) == D(expected), (value, expected)


def assert_rel(value, expected, rtol):
    expected = D(expected)
    assert abs(value - expected) <= abs(expected) * Decimal(str(rtol)), (
        value,
        expected,
    )


# --- numpy-financial ------------------------------------------------------------


def check_npf_pmt_15000(v):
    i, e = v["inputs"], v["expected"]
    result = tvm.pmt(rate_expr(i["rate_per_period"]), i["nper"], i["pv"], i["fv"])
    assert_shown(result, e["pmt"])
    # numpy-financial computes its Decimal result in Python's default 28-digit
    # context: the engine's 34-digit value agrees to 1e-20.
    assert abs(result - D(e["pmt_decimal"])) < Decimal("1e-20")
    assert tvm.pmt(rate_expr(i["rate_per_period"]), i["nper"], i["pv"], when=0) == (
        result
    )


def check_npf_pmt_zero_rate(v):
    for case, expected in zip(v["inputs"]["cases"], v["expected"]["pmt"], strict=True):
        result = tvm.pmt(D(case["rate"]), case["nper"], case["pv"])
        assert_rel(result, expected, 1e-14)


def check_npf_ppmt_55000(v):
    i, e = v["inputs"], v["expected"]
    args = (rate_expr(i["rate_per_period"]), i["per"], i["nper"], i["pv"], i["fv"])
    end = tvm.ppmt(*args)
    assert_shown(end, e["ppmt_end"])
    assert abs(end - D(e["ppmt_end_decimal"])) < Decimal("1e-20")
    assert_shown(tvm.ppmt(*args, when="begin"), e["ppmt_begin"])


def check_npf_ppmt_15000(v):
    i, e = v["inputs"], v["expected"]
    args = (rate_expr(i["rate_per_period"]), i["per"], i["nper"], i["pv"])
    assert_shown(tvm.ppmt(*args, when="begin"), e["ppmt_begin"])
    assert_shown(tvm.ppmt(*args, when="end"), e["ppmt_end"])


def check_npf_ipmt_ppmt_2000(v):
    i, e = v["inputs"], v["expected"]
    r = rate_expr(i["rate_per_period"])
    for per, ip, pp in zip(i["periods"], e["ipmt_end"], e["ppmt_end"], strict=True):
        assert_shown(tvm.ipmt(r, per, i["nper"], i["pv"]), ip)
        assert_shown(tvm.ppmt(r, per, i["nper"], i["pv"]), pp)
        with tvm.decimal_context():
            interest = tvm.ipmt(r, per, i["nper"], i["pv"])
            total = interest + tvm.ppmt(r, per, i["nper"], i["pv"])
        assert abs(total - tvm.pmt(r, i["nper"], i["pv"])) < Decimal("1e-28")
    # numpy-financial answers NaN for period 0; the engine refuses it.
    assert e["ipmt_per0"] == "NaN"
    with pytest.raises(EngineError) as error:
        tvm.ipmt(r, 0, i["nper"], i["pv"])
    assert error.value.field == "per"
    assert tvm.ipmt(r, 1, i["nper"], i["pv"], when="begin") == e["ipmt_begin_per1"]
    # numpy-financial broadcasts per = 1..4 against the list of ``when`` values.
    mixed = e["ppmt_mixed_when"]
    for per, (when, expected) in enumerate(
        zip(mixed["when"], mixed["values"], strict=True), start=1
    ):
        assert_shown(tvm.ppmt(r, per, i["nper"], i["pv"], 0, when), expected)


def check_npf_ipmt_begin(v):
    i, e = v["inputs"], v["expected"]
    r = D(i["rate_per_period"])
    assert tvm.ipmt(r, 1, i["nper"], i["pv"], when=i["when"]) == e["ipmt_per1"]
    # Google Sheets values, stated to a relative 1e-6.
    assert_rel(tvm.ipmt(r, 2, i["nper"], i["pv"], when="begin"), e["ipmt_per2"], 1e-6)
    assert_rel(tvm.ipmt(r, 3, i["nper"], i["pv"], when="begin"), e["ipmt_per3"], 1e-6)
    assert_shown(tvm.ipmt(r, 2, i["nper"], i["pv"], when="begin"), e["ipmt_per2"])
    assert e["ipmt_per0"] == "NaN"
    with pytest.raises(EngineError):
        tvm.ipmt(r, 0, i["nper"], i["pv"], when="begin")


def check_npf_rate_pv_fv_nper(v):
    i, e = v["inputs"], v["expected"]
    c = i["rate_case"]
    result = tvm.rate(c["nper"], c["pmt"], c["pv"], c["fv"])
    # With no payments the rate has a closed form, (fv / -pv)^(1/n) - 1, and the
    # engine matches it to 30 digits. numpy-financial's Newton loop stops once a
    # step is below 1e-6, so its printed 28 digits are right to about 1e-11.
    with tvm.decimal_context():
        exact = (Decimal(10000) / Decimal(3500)) ** (Decimal(1) / 10) - 1
    assert abs(result - exact) < Decimal("1e-30")
    assert abs(result - D(e["rate"])) < Decimal("1e-10")

    c = i["pv_case"]
    result = tvm.pv(D(c["rate"]), c["nper"], c["pmt"], c["fv"])
    assert abs(result - D(e["pv"])) < Decimal("1e-20")

    c = i["fv_case"]
    end = tvm.fv(D(c["rate"]), c["nper"], c["pmt"], c["pv"])
    assert_rel(end, e["fv_end"], 1e-14)
    assert_shown(
        tvm.fv(D(c["rate"]), c["nper"], c["pmt"], c["pv"], "begin"), e["fv_begin"]
    )

    c = i["nper_case"]
    args = (D(c["rate"]), c["pmt"], c["pv"], c["fv"])
    assert_shown(tvm.nper(*args), e["nper_end"])
    assert_shown(tvm.nper(*args, when="begin"), e["nper_begin"])
    assert tvm.nper(0, c["pmt"], c["pv"], c["fv"]) == e["nper_rate0"]

    b = e["fv_broadcast"]
    for rate, row in zip(b["rates"], b["values"], strict=True):
        for when, expected in zip(b["when"], row, strict=True):
            assert_shown(tvm.fv(D(rate), b["nper"], b["pmt"], 0, when), expected)


def check_npf_irr_npv(v):
    i, e = v["inputs"], v["expected"]
    cases = list(zip(i["irr_cases"], e["irr"], strict=True))
    for values, expected in cases[:-1]:
        assert_shown(tvm.irr([D(x) for x in values]), expected)
    # The last case is a Google Sheets value given to a relative 1e-4: the flows
    # have roots near -0.9998 and 1.00427; numpy-financial's guess
    # (inflows / outflows - 1) selects the second, and so does the engine.
    values, expected = cases[-1]
    result = tvm.irr([D(x) for x in values])
    assert_rel(result, expected, 1e-4)
    for values, _ in cases:
        flows = [D(x) for x in values]
        assert abs(tvm.npv(tvm.irr(flows), flows)) < Decimal("1e-20")
    c = i["npv_case"]
    assert_shown(tvm.npv(D(c["rate"]), [D(x) for x in c["values"]]), e["npv"])


# --- spreadsheets ----------------------------------------------------------------


def check_excel_pmt_10000(v):
    i, e = v["inputs"], v["expected"]
    r = rate_expr(i["rate_per_period"])
    assert r == rate_expr(f"{i['annual_rate_pct']}%/12")
    assert_shown(tvm.pmt(r, i["nper"], i["pv"]), e["pmt_end"])
    assert_shown(tvm.pmt(r, i["nper"], i["pv"], 0, "begin"), e["pmt_begin_type1"])


def check_excel_pmt_savings(v):
    i, e = v["inputs"], v["expected"]
    result = tvm.pmt(rate_expr(i["rate_per_period"]), i["nper"], i["pv"], i["fv"])
    assert_shown(result, e["pmt"])


def check_excel_ipmt(v):
    e = v["expected"]
    for case, shown, full in zip(
        v["inputs"]["cases"], e["ipmt"], e["ipmt_full_precision_dax"], strict=True
    ):
        result = tvm.ipmt(
            rate_expr(case["rate"]), case["per"], case["nper"], case["pv"]
        )
        assert_shown(result, shown)
        # DAX prints 15 significant digits of a binary double.
        assert_rel(result, full, 1e-13)


def check_excel_ppmt(v):
    e = v["expected"]
    for case, shown, full in zip(
        v["inputs"]["cases"], e["ppmt"], e["ppmt_full_precision_dax"], strict=True
    ):
        result = tvm.ppmt(
            rate_expr(case["rate"]), case["per"], case["nper"], case["pv"]
        )
        assert_shown(result, shown)
        assert_rel(result, full, 1e-12)


def check_excel_rate(v):
    i, e = v["inputs"], v["expected"]
    monthly = tvm.rate(i["nper"], i["pmt"], i["pv"])
    assert_shown(monthly * 100, e["monthly_rate_displayed"].rstrip("%"))
    assert_shown(monthly * 12 * 100, e["annual_rate_displayed"].rstrip("%"))
    assert abs(tvm.pv(monthly, i["nper"], i["pmt"]) - i["pv"]) < Decimal("1e-20")


def check_excel_cumipmt(v):
    i, e = v["inputs"], v["expected"]
    r = rate_expr(i["rate_per_period"])
    for (start, end), expected in zip(i["ranges"], e["cumipmt"], strict=True):
        result = tvm.cumipmt(r, i["nper"], i["pv"], start, end, i["type"])
        assert_shown(result, expected)


def check_excel_effect(v):
    i, e = v["inputs"], v["expected"]
    result = tvm.effect(D(i["nominal_rate"]), i["npery"])
    assert_shown(result, e["effective_rate"])
    assert abs(tvm.nominal(result, i["npery"]) - D(i["nominal_rate"])) < Decimal(
        "1e-30"
    )


def check_filemaker_pmt(v):
    i, e = v["inputs"], v["expected"]
    # FileMaker's PMT(principal; rate; term) returns the payment as a positive number.
    result = -tvm.pmt(rate_expr(i["rate_per_period"]), i["nper"], i["principal"])
    assert_shown(result, e["pmt"])


def check_mescius_pmt(v):
    for case, expected in zip(v["inputs"]["cases"], v["expected"]["pmt"], strict=True):
        result = tvm.pmt(
            rate_expr(case["rate"]),
            case["nper"],
            case["pv"],
            case.get("fv", 0),
            case["type"],
        )
        assert_shown(result, expected)


# --- APR methods -------------------------------------------------------------------


def _regz_payments(inputs):
    start = date.fromisoformat(inputs["consummation_date"])
    flows = []
    for series in inputs["payments"]:
        first = date.fromisoformat(series["first_date"])
        for k in range(series["count"]):
            when = add_months(first, k)
            t, f = apr.unit_period_position(start, when, inputs["unit_period"])
            flows.append(apr.UnitPeriodFlow(D(series["amount"]), t, f))
    return flows


def check_regz(v):
    i, e = v["inputs"], v["expected"]
    payments = _regz_payments(i)
    if "first_period" in i:
        assert (payments[0].unit_periods, payments[0].fraction) == (
            i["first_period"]["t"],
            i["first_period"]["f"],
        )
    assert apr.unit_periods_per_year(i["unit_period"]) == i["unit_periods_per_year"]
    result = apr.us_actuarial_apr(
        [apr.UnitPeriodFlow(D(i["amount_advanced"]), 0)],
        payments,
        i["unit_periods_per_year"],
    )
    assert_shown(result.apr * 100, e["apr_pct"])


def check_eu_aprc(v):
    i, e = v["inputs"], v["expected"]
    (series,) = i["payments"]
    assert series["first"] == "1 month"
    amount = D(series["amount"])
    # As the vector states the times: monthly instalments at k/12 of a year.
    by_times = apr.eu_aprc_from_times(
        [(0, D(i["advance"]))],
        [(0, D(i["fee_at_t0"]))]
        + [(Decimal(k) / 12, amount) for k in range(1, series["count"] + 1)],
    )
    assert_shown(by_times * 100, e["aprc_pct_1dp"])
    assert_shown(by_times * 100, e["aprc_pct_6dp"])
    # The same loan with calendar dates, month-end start included.
    for start in (date(2024, 1, 15), date(2024, 1, 31)):
        dated = apr.eu_aprc(
            [(start, D(i["advance"]))],
            [(add_months(start, k), amount) for k in range(1, series["count"] + 1)],
            fees_at_start=D(i["fee_at_t0"]),
        )
        assert abs(dated - by_times) < Decimal("1e-25")


CHECKS = {
    "npf-pmt-15000-8pct-60m": check_npf_pmt_15000,
    "npf-pmt-zero-rate-and-broadcast": check_npf_pmt_zero_rate,
    "npf-ppmt-55000-10pct-60m": check_npf_ppmt_55000,
    "npf-ppmt-15000-8pct-60m-begin-end": check_npf_ppmt_15000,
    "npf-ipmt-ppmt-2000-10pct-24m": check_npf_ipmt_ppmt_2000,
    "npf-ipmt-begin-300000-360": check_npf_ipmt_begin,
    "npf-rate-pv-fv-nper": check_npf_rate_pv_fv_nper,
    "npf-irr-npv": check_npf_irr_npv,
    "excel-pmt-10000-8pct-10m": check_excel_pmt_10000,
    "excel-pmt-savings-fv-50000": check_excel_pmt_savings,
    "excel-ipmt-8000-10pct-3y": check_excel_ipmt,
    "excel-ppmt-2000-10pct-2y-and-200000-8pct-10y": check_excel_ppmt,
    "excel-rate-8000-200-48": check_excel_rate,
    "excel-cumipmt-125000-9pct-30y": check_excel_cumipmt,
    "excel-effect-5.25pct-quarterly": check_excel_effect,
    "filemaker-pmt-21000-6.9pct-48m": check_filemaker_pmt,
    "mescius-pmt-5000-6pct-15": check_mescius_pmt,
    "regz-appj-c1i": check_regz,
    "regz-appj-c2i": check_regz,
    "eu-aprc-ec-ex1": check_eu_aprc,
}
RATE_VECTOR_IDS = tuple(sorted(CHECKS))
_FILE_RATE_IDS = sorted(id_ for id_ in VECTORS if id_.startswith(RATE_PREFIXES))


def test_every_rate_vector_is_checked_or_listed():
    missing = [
        id_
        for id_ in _FILE_RATE_IDS
        if id_ not in CHECKS and id_ not in UNSUPPORTED_RATE_VECTORS
    ]
    assert not missing, f"rate vectors neither checked nor listed: {missing}"
    assert not set(CHECKS) & set(UNSUPPORTED_RATE_VECTORS)
    stale = sorted(set(CHECKS) - set(VECTORS))
    assert not stale, f"checks for vectors no longer in public_vectors.json: {stale}"


@pytest.mark.parametrize("vector_id", _FILE_RATE_IDS)
def test_rate_vector(vector_id):
    if vector_id in UNSUPPORTED_RATE_VECTORS:
        pytest.skip(UNSUPPORTED_RATE_VECTORS[vector_id])
    CHECKS[vector_id](VECTORS[vector_id])
