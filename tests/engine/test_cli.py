"""``python -m microloan_engine schedule|apr``, run as a subprocess."""

import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from microloan_engine.dates import add_months

REPO_ROOT = Path(__file__).resolve().parents[2]


def run(args, payload):
    """Run the CLI; ``payload`` is a dict (sent as JSON) or raw text/bytes."""
    if isinstance(payload, dict | list):
        payload = json.dumps(payload)
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run(
        [sys.executable, "-m", "microloan_engine", *args],
        input=payload,
        capture_output=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=60,
        check=False,
    )


def ok(args, payload):
    done = run(args, payload)
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert done.stderr == b""
    return json.loads(done.stdout)


DOMAIN_LOAN = {
    "principal": "100000",
    "annual_rate": "0.12",
    "periods": 12,
    "disbursement_date": "2025-01-15",
}


def monthly(start, amount, count):
    first = date.fromisoformat(start)
    return [
        {"date": add_months(first, k).isoformat(), "amount": amount}
        for k in range(1, count + 1)
    ]


def test_schedule_domain_annuity():
    """docs/domain.md §1.1: 8,884.88 a month, 8,884.85 last, 6,618.53 interest."""
    result = ok(["schedule"], DOMAIN_LOAN)
    rows = result["installments"]
    assert len(rows) == 12
    assert rows[0] == {
        "n": 1,
        "due_date": "2025-02-15",
        "days": 31,
        "principal": "7884.88",
        "interest": "1000.00",
        "total": "8884.88",
        "balance": "92115.12",
    }
    assert {row["total"] for row in rows[:-1]} == {"8884.88"}
    assert rows[-1]["total"] == "8884.85"
    assert rows[-1]["balance"] == "0.00"
    assert result["total_interest"] == "6618.53"
    assert result["total_payment"] == "106618.53"
    assert result["total_principal"] == "100000.00"
    rate = result["annualized_rate"]
    assert (rate["simple_percent"], rate["compound_percent"]) == ("12.00", "12.68")
    assert rate["basis"] == "irr"
    assert rate["simple"].startswith("0.1199997")


def test_schedule_with_fee_and_options():
    result = ok(["schedule"], {**DOMAIN_LOAN, "fees_at_start": "1000"})
    rate = result["annualized_rate"]
    assert (rate["simple_percent"], rate["compound_percent"]) == ("13.91", "14.84")
    equal = ok(["schedule"], {**DOMAIN_LOAN, "method": "equal_principal"})
    assert equal["total_interest"] == "6500.00"
    assert equal["installments"][-1]["total"] == "8416.70"
    stub = ok(
        ["schedule"],
        {
            **DOMAIN_LOAN,
            "disbursement_date": "2025-01-10",
            "repayment_day": 20,
            "first_period": "actual_days",
            "day_count": "ACT/360",
            "frequency": "monthly",
            "rounding": "half_even",
            "decimals": 2,
        },
    )
    assert stub["installments"][0]["total"] == "9251.55"
    assert stub["annualized_rate"]["basis"] == "xirr"
    weekly = ok(
        ["schedule"],
        {**DOMAIN_LOAN, "frequency": {"days": 7}, "day_count": "ACT/365"},
    )
    assert weekly["installments"][0]["due_date"] == "2025-01-22"
    assert weekly["annualized_rate"]["simple_percent"] == "12.00"


def test_schedule_accepts_json_numbers_exactly():
    text = (
        '{"principal": 100000, "annual_rate": 0.12, "periods": 12,'
        ' "disbursement_date": "2025-01-15"}'
    )
    result = ok(["schedule"], text)
    assert result["installments"][0]["total"] == "8884.88"


def test_apr_pboc_official_example():
    start = "2021-03-12"
    result = ok(
        ["apr"],
        {
            "method": "pboc",
            "advances": [{"date": start, "amount": "100000"}],
            "payments": monthly(start, "8833.3", 12),
            "fees_at_start": "1000",
        },
    )
    assert result["method"] == "pboc"
    assert (result["simple_percent"], result["compound_percent"]) == ("12.80", "13.58")
    assert result["period_rate"].startswith("0.01066983")


def test_apr_eu_aprc_commission_example():
    start = "2024-01-15"
    result = ok(
        ["apr"],
        {
            "method": "eu_aprc",
            "advances": [{"date": start, "amount": "200000"}],
            "payments": monthly(start, "1432.86", 240),
            "fees_at_start": "4000",
        },
    )
    assert result["aprc_percent"] == "6.4"
    assert result["aprc"].startswith("0.06434412")


def test_apr_us_actuarial_unit_periods_and_dates():
    payments = [{"amount": "250", "unit_periods": 1}] + [
        {"amount": "230", "unit_periods": k, "fraction": "0"} for k in range(2, 25)
    ]
    result = ok(
        ["apr"],
        {
            "method": "us_actuarial",
            "amount_advanced": "5000",
            "unit_periods_per_year": 12,
            "payments": payments,
        },
    )
    assert result["apr_percent"] == "10.08"
    dated = ok(
        ["apr"],
        {
            "method": "us_actuarial",
            "amount_advanced": "5000",
            "consummation_date": "1978-01-10",
            "unit_period": "month",
            "payments": monthly("1978-01-10", "230", 24),
        },
    )
    assert dated["apr_percent"] == "9.69"
    assert dated["unit_periods_per_year"] == "12"


def test_help():
    done = run(["--help"], b"")
    assert done.returncode == 0
    assert b"schedule" in done.stdout


BAD_INPUT = [
    # (command, payload, field at fault)
    ("schedule", {k: v for k, v in DOMAIN_LOAN.items() if k != "periods"}, "periods"),
    ("schedule", {**DOMAIN_LOAN, "colour": "red"}, "colour"),
    ("schedule", {**DOMAIN_LOAN, "principal": "-100"}, "principal"),
    ("schedule", {**DOMAIN_LOAN, "periods": 0}, "periods"),
    ("schedule", {**DOMAIN_LOAN, "periods": "twelve"}, "periods"),
    (
        "schedule",
        {**DOMAIN_LOAN, "disbursement_date": "2025-02-30"},
        "disbursement_date",
    ),
    (
        "schedule",
        {**DOMAIN_LOAN, "disbursement_date": "15/01/2025"},
        "disbursement_date",
    ),
    ("schedule", {**DOMAIN_LOAN, "annual_rate": "12"}, "annual_rate"),
    ("schedule", {**DOMAIN_LOAN, "annual_rate": "-0.01"}, "annual_rate"),
    ("schedule", {**DOMAIN_LOAN, "annual_rate": "abc"}, "annual_rate"),
    ("schedule", {**DOMAIN_LOAN, "annual_rate": True}, "annual_rate"),
    ("schedule", {**DOMAIN_LOAN, "principal": "1e40"}, "principal"),
    ("schedule", {**DOMAIN_LOAN, "frequency": "fortnightly"}, "frequency"),
    ("schedule", {**DOMAIN_LOAN, "day_count": "ACT/366"}, "day_count"),
    ("schedule", {**DOMAIN_LOAN, "method": "balloon"}, "amortization_periods"),
    ("schedule", {**DOMAIN_LOAN, "fees_at_start": "-1"}, "fees_at_start"),
    ("schedule", {**DOMAIN_LOAN, "principal_plan": "all"}, "principal_plan"),
    ("schedule", '{"principal": "100000",', "request"),
    ("schedule", "[1, 2]", "request"),
    ("schedule", '{"principal": NaN}', "request"),
    ("schedule", b"\xff\xfe", "request"),
    ("schedule", '{"principal": "1", "principal": "2"}', "principal"),
    ("apr", {"method": "cheapest"}, "method"),
    ("apr", {"advances": []}, "method"),
    (
        "apr",
        {
            "method": "pboc",
            "advances": [{"date": "2025-01-01", "amount": "1000"}],
            "payments": [{"date": "2025-02-01", "amount": "-1100"}],
        },
        "payments[0].amount",
    ),
    (
        "apr",
        {
            "method": "eu_aprc",
            "advances": [{"date": "2025-01-01", "amount": "1000"}],
            "payments": [{"date": "2025-02-01", "amount": "1100", "note": "x"}],
        },
        "payments[0].note",
    ),
    (
        "apr",
        {
            "method": "pboc",
            "advances": [{"date": "2025-01-01", "amount": "1000"}],
            "payments": [{"date": "2025-02-31", "amount": "1100"}],
        },
        "payments[0].date",
    ),
    (
        "apr",
        {"method": "pboc", "advances": [{"date": "2025-01-01", "amount": "1000"}]},
        "payments",
    ),
    (
        "apr",
        {
            "method": "pboc",
            "advances": [{"date": "2025-01-01", "amount": "1000"}],
            "payments": [{"date": "2025-02-01", "amount": "1100"}],
            "fees_at_start": "1000",
        },
        "fees_at_start",
    ),
    (
        "apr",
        {
            "method": "us_actuarial",
            "amount_advanced": "1000",
            "payments": [{"date": "2025-02-01", "amount": "1100"}],
        },
        "consummation_date",
    ),
    (
        "apr",
        {
            "method": "us_actuarial",
            "amount_advanced": "1000",
            "payments": [{"amount": "1100", "unit_periods": 1, "fraction": "1.5"}],
        },
        "payments[0].fraction",
    ),
    (
        "apr",
        {
            "method": "us_actuarial",
            "amount_advanced": "0",
            "payments": [{"amount": "1100", "unit_periods": 1}],
        },
        "amount_advanced",
    ),
    (
        "apr",
        {
            "method": "eu_aprc",
            "advances": [{"date": "2025-01-01", "amount": "1000"}],
            "payments": [{"date": "2025-02-01", "amount": "1100"}],
            "time_basis": "weeks",
        },
        "time_basis",
    ),
    ("quote", DOMAIN_LOAN, "command"),
]


@pytest.mark.parametrize(
    "command, payload, field",
    BAD_INPUT,
    ids=[f"{c}-{f}-{i}" for i, (c, _, f) in enumerate(BAD_INPUT)],
)
def test_bad_input_exits_2_with_a_json_error(command, payload, field):
    done = run([command], payload)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert b"Traceback" not in done.stderr
    assert done.stderr == b""
    error = json.loads(done.stdout)["error"]
    assert error["field"] == field
    assert isinstance(error["message"], str) and error["message"]


def test_no_command_is_a_json_error():
    done = run([], b"{}")
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["field"] == "command"


def test_unexpected_failure_is_json_with_status_1(monkeypatch):
    """A bug surfaces as a JSON error with status 1, never as a traceback."""
    from microloan_engine import cli

    def broken(request):
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(cli.COMMANDS, "schedule", broken)
    out = io.StringIO()
    status = cli.main(["schedule"], io.BytesIO(b"{}"), out)
    assert status == 1
    error = json.loads(out.getvalue())["error"]
    assert error["field"] is None
    assert "ZeroDivisionError" in error["message"]
