"""The CLI's lender conventions and the ``servicing`` command, in process.

Figures are worked by hand in the comments (ACT/360, 12% contract rate, penalty
1.5 × 12% = 18% a year = 0.05% a day, half-up to the fen).
"""

import io
import json

import pytest

from microloan_engine import cli


def call(command, payload):
    out = io.StringIO()
    status = cli.main([command], io.BytesIO(json.dumps(payload).encode()), out)
    return status, json.loads(out.getvalue())


def ok(command, payload):
    status, response = call(command, payload)
    assert status == 0, response
    return response


def refused(command, payload):
    status, response = call(command, payload)
    assert status == 2, response
    return response["error"]


LOAN = {"principal": "100000", "periods": 12, "disbursement_date": "2025-01-15"}


def test_monthly_and_daily_quotes():
    # 月利率 10‰ × 12 = 12%: the docs/domain.md §1.1 schedule.
    monthly = ok("schedule", {**LOAN, "rate": "10‰", "rate_unit": "month"})
    assert monthly["annual_rate"] == "0.120"
    assert monthly["installments"][0]["total"] == "8884.88"
    # 日利率 5‱ on a 181-day bullet: 100,000 × 0.0005 × 181 = 9,050.00, on ×360
    # (ACT/360) and on ×365 (which sets ACT/365: 0.1825 × 181 / 365).
    bullet = {
        **LOAN,
        "periods": 1,
        "method": "bullet",
        "interest_basis": "daily",
        "first_due_date": "2025-07-15",
        "rate": "5‱",
        "rate_unit": "day",
    }
    for basis, annual in ((360, "0.1800"), (365, "0.1825")):
        result = ok("schedule", {**bullet, "day_basis": basis})
        assert result["annual_rate"] == annual
        assert result["installments"][0]["days"] == 181
        assert result["installments"][0]["interest"] == "9050.00"
    # ×365 on an ACT/360 day count would charge 0.1825 / 360 a day, not 5‱.
    error = refused("schedule", {**bullet, "day_basis": 365, "day_count": "ACT/360"})
    assert error == {"field": "day_basis", "message": "must match the day count's year"}
    error = refused("schedule", {**LOAN, "annual_rate": "0.12", "rate": "0.01"})
    assert error["field"] == "rate"
    error = refused("schedule", {**LOAN, "annual_rate": "0.12", "rate_unit": "month"})
    assert error["field"] == "rate_unit"
    assert refused("schedule", {**LOAN, "rate": "1‰", "rate_unit": "week"})[
        "field"
    ] == ("rate_unit")


def test_installment_amount_derives_the_term():
    """10,000 a month at 1%: after 10 payments 100,000 × 1.01^10 − 10,000 ×
    (1.01^10 − 1) / 0.01 = 110,462.21 − 104,622.13 = 5,840.08 is left, and the 11th
    installment pays it with 58.40 of interest: 5,898.48."""
    result = ok(
        "schedule",
        {
            "principal": "100000",
            "annual_rate": "0.12",
            "disbursement_date": "2025-01-15",
            "installment_amount": "10000",
        },
    )
    assert result["periods"] == 11
    totals = [row["total"] for row in result["installments"]]
    assert totals[:-1] == ["10000.00"] * 10
    assert totals[-1] == "5898.48"
    error = refused(
        "schedule",
        {**LOAN, "annual_rate": "0.12", "installment_amount": "1000", "periods": None},
    )
    assert error == {
        "field": "installment_amount",
        "message": "does not cover the interest of a period",
    }


def test_rounding_pro_rata_and_balanced_options():
    up = ok(
        "schedule",
        {
            **LOAN,
            "annual_rate": "0.12",
            "installment_rounding": "ceiling",
            "installment_multiple": "10",
        },
    )
    assert up["installments"][0]["total"] == "8890.00"
    pro_rata = ok(
        "schedule",
        {
            **LOAN,
            "annual_rate": "0.12",
            "disbursement_date": "2025-01-10",
            "repayment_day": 20,
            "first_period": "pro_rata",
        },
    )
    first = pro_rata["installments"][0]
    assert (first["days"], first["interest"], first["total"]) == (
        41,
        "1322.58",  # 1,000 × 41/31
        "8913.26",
    )
    balanced = ok(
        "schedule",
        {
            "principal": "120000",
            "rate": "8‰",
            "rate_unit": "month",
            "periods": 12,
            "disbursement_date": "2025-01-15",
            "minimize_last_difference": True,
        },
    )
    rows = balanced["installments"]
    assert (rows[0]["total"], rows[-1]["total"]) == ("10527.59", "10527.64")
    error = refused(
        "schedule", {**LOAN, "annual_rate": "0.12", "minimize_last_difference": 1}
    )
    assert error == {
        "field": "minimize_last_difference",
        "message": "must be true or false",
    }


TRANCHES = {
    "annual_rate": "0.12",
    "periods": 12,
    "disbursements": [
        {"date": "2025-01-10", "amount": "60000"},
        {"date": "2025-04-25", "amount": "40000"},
    ],
}


def test_schedule_in_tranches():
    """60,000 on 2025-01-10 (5,330.93 a month), 40,000 more on 2025-04-25 after
    three installments paid: balance 45,664.81 + 40,000 = 85,664.81 re-amortized
    over the 9 remaining due dates. Installment 4 carries the interest of
    04-10 → 04-25 on 45,664.81 (× 0.12 × 15 / 360 = 228.32) and of 04-25 → 05-10
    on 85,664.81 (428.32): 656.64; its principal is the regular one,
    10,000.54 − 856.65 (1% of 85,664.81) = 9,143.89."""
    result = ok("schedule", TRANCHES)
    rows = result["installments"]
    assert [row["total"] for row in rows[:3]] == ["5330.93"] * 3
    assert rows[2]["balance"] == "45664.81"
    assert (rows[3]["interest"], rows[3]["principal"]) == ("656.64", "9143.89")
    assert rows[3]["balance"] == "76520.92"  # 85,664.81 − 9,143.89
    assert {row["total"] for row in rows[4:-1]} == {"10000.54"}
    assert rows[-1]["balance"] == "0.00"
    assert result["total_principal"] == "100000.00"
    assert result["annualized_rate"]["basis"] == "xirr"
    error = refused("schedule", {**TRANCHES, "principal": "100000"})
    assert error == {"field": "principal", "message": "comes from disbursements"}


SERVICING = {
    "terms": {
        "principal": "100000",
        "annual_rate": "0.12",
        "periods": 12,
        "disbursement_date": "2025-01-10",
    },
    "payments": [
        {"date": "2025-02-10", "amount": "8884.88"},
        {"date": "2025-03-20", "amount": "8884.88"},
    ],
    "charges": [{"installment": 3, "amount": "50.00"}],
    "as_of": "2025-04-20",
}


def test_servicing_allocates_and_quotes():
    """Installment 2 (7,963.73 + 921.15, due 03-10) is paid 10 days late: penalty
    7,963.73 × 0.05% × 10 = 39.82, compound 921.15 × 0.05% × 10 = 4.61, interest
    921.15, and 8,884.88 − 965.58 = 7,919.30 of principal; 44.43 stays overdue.
    On 04-20: installment 3 is 10 days late (penalty 8,043.37 × 0.05% × 10 =
    40.22, compound 841.51 × 0.05% × 10 = 4.21), the 44.43 has run 31 more days
    (0.69), and the payoff adds 10 days of interest on the 76,108.02 not yet due
    (253.69) to the overdue 841.51."""
    result = ok("servicing", SERVICING)
    late = result["allocations"][1]
    assert [(line["component"], line["amount"]) for line in late["lines"]] == [
        ("penalty", "39.82"),
        ("compound", "4.61"),
        ("interest", "921.15"),
        ("principal", "7919.30"),
    ]
    second, third = result["installments"][1:3]
    assert (second["principal_paid"], second["penalty"]) == ("7919.30", "40.51")
    assert (third["penalty"], third["compound"], third["fee"]) == (
        "40.22",
        "4.21",
        "50.00",
    )
    assert third["status"] == "overdue"
    assert result["balances"] == {
        "outstanding_principal": "84195.82",
        "overdue_principal": "8087.80",  # 44.43 + 8,043.37
        "overdue_interest": "841.51",
        "penalty": "40.91",  # 0.69 + 40.22
        "compound": "4.21",
        "fees_due": "50.00",
        "days_past_due": 41,
        "overdue_installments": 2,
        "credit": "0.00",
    }
    assert result["payoff"] == {
        "on": "2025-04-20",
        "principal": "84195.82",
        "interest": "1095.20",  # 841.51 + 253.69
        "penalty": "40.91",
        "compound": "4.21",
        "fees": "50.00",
        "prepayment_fee": "0.00",
        "total": "85386.14",
    }


def test_servicing_with_a_tranche():
    """The tranche loan above, every installment paid on its date: on 05-20 the
    payoff is 76,520.92 + 10 days of interest on it (255.07)."""
    result = ok(
        "servicing",
        {
            "terms": {"annual_rate": "0.12", "periods": 12},
            "disbursements": TRANCHES["disbursements"],
            "payments": [
                {"date": "2025-02-10", "amount": "5330.93"},
                {"date": "2025-03-10", "amount": "5330.93"},
                {"date": "2025-04-10", "amount": "5330.93"},
                {"date": "2025-05-10", "amount": "9800.53"},
            ],
            "as_of": "2025-05-20",
        },
    )
    assert result["disbursed"] == "100000.00"
    assert result["payoff"]["total"] == "76775.99"
    assert [row["status"] for row in result["installments"][:5]] == [
        "paid",
        "paid",
        "paid",
        "paid",
        "not_due",
    ]
    # Before the tranche date only the first 60,000 is lent.
    early = ok(
        "servicing",
        {
            "terms": {"annual_rate": "0.12", "periods": 12},
            "disbursements": TRANCHES["disbursements"],
            "as_of": "2025-01-20",
        },
    )
    assert early["disbursed"] == "60000.00"
    assert early["payoff"]["total"] == "60200.00"  # 60,000 × 0.12 × 10 / 360


@pytest.mark.parametrize(
    "change, field",
    [
        ({"as_of": "2024-12-31"}, "as_of"),
        ({"charges": [{"installment": 13, "amount": "1"}]}, "charges"),
        ({"payments": [{"date": "2025-02-10", "amount": "-1"}]}, "payments[0].amount"),
        ({"penalty": {"day_basis": 100}}, "penalty.day_basis"),
        ({"order": ["fee", "fee"]}, "order"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_servicing_bad_input(change, field):
    assert refused("servicing", {**SERVICING, **change})["field"] == field
