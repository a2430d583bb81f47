"""One rule, one home (issue 11): the money rules live in the engine and the
models call it. A model that re-implements one fails here; the Odoo test
``microloan_base/tests/test_engine_parity.py`` checks the figures themselves.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = sorted(ROOT.glob("addons/*/models/*.py")) + sorted(
    ROOT.glob("addons/*/wizards/*.py")
)

# pattern -> the engine function that owns the rule
FORBIDDEN = {
    r"\bimport\s+_\w+|\b_current_period_interest\b|allocation\._\w+": (
        "private engine functions: use a public one"
    ),
    r"\bquantize\(": "rounding money belongs to the engine",
    r"\.days\s*/": "pro rata by days: microloan_engine.accrual.accrued_share",
    r"\bDAY_BASIS\b|:\s*360\b|\b360\s*[,}]": (
        "day basis: microloan_engine.overdue.penalty_day_basis"
    ),
    r"[\"']substandard[\"'],\s*[\"']doubtful[\"']": (
        "tier lists: microloan_engine.classification.TIERS / NPL_TIERS"
    ),
    r"relativedelta\(\s*years": (
        "observation period: microloan_engine.restructure.observation_period"
    ),
    r"\bsettle_to\(|\.outstanding\(": (
        "payoff and tranche figures: microloan_engine.allocation.settle_payoff, "
        "tranche"
    ),
    r"\baccrue\(|\bcrystallize\(|\b_replay_charge\b": (
        "replay of back-dated events: microloan_engine.allocation.replay"
    ),
    r"percentage\s*/\s*100|\b(upfront|per_installment)\s*\+=": (
        "fee amounts and their totals by timing: microloan_engine.fees.fee_amount, "
        "fee_totals"
    ),
    r"\bmin\([^#]*credit|\btotal\s*-\s*(credit|used)\b|\bpaid\s*-\s*used\b": (
        "credit used by a payoff or a prepayment: "
        "microloan_engine.allocation.use_credit"
    ),
    (
        r"\binterest_(due|owed)\s*[-+]|[-+]\s*(line\.|self\.)?interest_(due|owed)\b"
        r"|\b(total_drawn|principal_outstanding)\s*[-+]"
        r"|[-+]\s*(line\.)?principal_outstanding\b"
        r"|\bamount\s*-\s*interest_paid\b|\bmax\([^#]*available"
        r"|-\s*sum\(\s*repayments\b"
    ): (
        "credit-line figures: microloan_engine.interest.CreditLine (payoff, "
        "repayment, available), credit_line_totals, credit_line_owed"
    ),
    r"\*\s*[\w.]*max_ltv\b|\bweighted\s*[+/]|/\s*value\b|\bltv\s*[*/]": (
        "loan-to-value: microloan_engine.collateral.loan_to_value"
    ),
    r"\blent\s*\+|\+\s*self\.amount\b": (
        "joint-guarantee group limit: microloan_engine.collateral.group_exposure"
    ),
    r"\+\s*(per_installment|fee)\b|\b(per_installment|fee)\s*\+": (
        "installment amount with its fee: microloan_engine.fees.installment_amount"
    ),
    r"\b\d+\s*\*\s*[\w.]*lpr|lpr[\w.]*\s*\*\s*\d": (
        "the 4 × LPR ceiling: microloan_engine.apr.lpr_cap"
    ),
    r"\bamount\s*\+\s*credit\b|\bexcess\s*-\s*credit\b": (
        "credit paying with a repayment: "
        "microloan_engine.allocation.allocate_with_credit, credit_added"
    ),
}
# Engine calls that stay in the models on purpose: (file name, pattern).
ALLOWED = {
    # The nightly close calls the engine's accrual and charge of one day.
    ("microloan_loan_close.py", r"\baccrue\(|\bcrystallize\(|\b_replay_charge\b"),
    # Positions are accrued to the date they are read for.
    ("microloan_loan_servicing.py", r"\baccrue\(|\bcrystallize\(|\b_replay_charge\b"),
    # The zero of the currency's precision, not a rounding of money.
    ("microloan_loan_servicing.py", r"\bquantize\("),
}


@pytest.mark.parametrize("pattern", sorted(FORBIDDEN))
def test_models_do_not_reimplement_money_rules(pattern):
    offenders = []
    for path in MODELS:
        if (path.name, pattern) in ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(pattern, code):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, FORBIDDEN[pattern] + "\n" + "\n".join(offenders)


def test_servicing_uses_the_engine_replay():
    text = (
        ROOT / "addons/microloan_base/models/microloan_loan_servicing.py"
    ).read_text()
    assert re.search(r"\breplay\(", text)
    assert re.search(r"\bsettle_payoff\(", text)
    assert re.search(r"\btranche\(", text)


@pytest.mark.parametrize(
    "path, calls",
    [
        (
            "addons/microloan_base/models/microloan_product_fee.py",
            ["fee_amount", "fee_totals"],
        ),
        (
            "addons/microloan_base/models/microloan_loan.py",
            ["loan_to_value", "group_exposure", "lpr_cap", "installment_amount"],
        ),
        (
            "addons/microloan_base/models/microloan_loan_servicing.py",
            [
                "use_credit",
                "allocate_with_credit",
                "credit_added",
                "installment_amount",
            ],
        ),
        (
            "addons/microloan_base/models/microloan_loan_restructure.py",
            ["installment_amount"],
        ),
        (
            "addons/microloan_base/models/microloan_credit_line.py",
            ["credit_line_totals", "credit_line_owed", "repayment", "payoff"],
        ),
    ],
)
def test_models_call_the_engine_rules(path, calls):
    text = (ROOT / path).read_text()
    missing = [call for call in calls if not re.search(rf"\b{call}\(", text)]
    assert not missing, f"{path} no longer calls {missing}"
