"""The credit-bureau code tables of docs/domain.md §7.3 against the engine's
(microloan_engine.credit_bureau): the same codes, and the same module values
mapped to each, so that neither changes without the other."""

import re
from pathlib import Path

import pytest

from microloan_engine import credit_bureau as cb

DOMAIN = Path(__file__).resolve().parents[2] / "docs" / "domain.md"
CODE = re.compile(r"^[0-9A-Z*]{1,2}$")


def _table():
    """``{what: (fields, [(codes, keys)])}`` of the §7.3 table: for each item
    of a row's codes, its leading codes and the module values in backquotes."""
    text = DOMAIN.read_text(encoding="utf-8")
    section = text.split("### 7.3", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or len(cells) != 3 or set(cells[0]) <= {"-"}:
            continue
        what, fields, codes = cells
        if what == "what":
            continue
        items = []
        for item in codes.replace("\\*", "*").split(", "):
            tokens = item.split()
            leading = []
            for token in tokens:
                if not CODE.match(token):
                    break
                leading.append(token)
            items.append((leading, re.findall(r"`(\w+)`", item)))
        rows[what] = (re.findall(r"`(\w+)`", fields), items)
    return rows


TABLE = _table()


def _codes(what):
    return {code for codes, _keys in TABLE[what][1] for code in codes}


def _mapping(what):
    return {key: codes[0] for codes, keys in TABLE[what][1] for key in keys}


KEYED = {
    "五级分类": (cb.TIER_CODES, {cb.UNCLASSIFIED}, "FiveCate"),
    "账户状态 (210)": (cb.PERSONAL_STATUS, set(), None),
    "账户活动状态 (410)": (cb.ENTERPRISE_STATUS, set(), None),
    "还款方式": (cb.REPAY_MODES, {cb.OTHER_REPAY_MODE}, "RepayMode"),
    "还款频率": (cb.REPAY_FREQUENCIES, {cb.OTHER_FREQUENCY}, "RepayFreqcy"),
    "担保方式": (cb.GUARANTEE_MODES, {cb.OTHER_GUARANTEE}, "GuarMode"),
    "证件类型 (210)": (cb.ID_TYPES[cb.PERSONAL], set(), None),
    "身份标识类型 (410)": (cb.ID_TYPES[cb.ENTERPRISE], set(), None),
    "业务种类细分": (
        {key: detail for key, (_kind, detail) in cb.BORROWER_TYPES.items()},
        set(),
        "BusiDtlLines",
    ),
}


@pytest.mark.parametrize("what", sorted(KEYED))
def test_keyed_tables_equal_the_engine(what):
    table, others, field_name = KEYED[what]
    assert _mapping(what) == table
    assert _codes(what) == set(table.values()) | others
    if field_name:
        assert TABLE[what][0] == [field_name]
        assert _codes(what) == cb.CODE_FIELDS[field_name]


def test_account_statuses_per_record_type():
    assert _codes("账户状态 (210)") == cb.STATUS_CODES[cb.PERSONAL]
    assert _codes("账户活动状态 (410)") == cb.STATUS_CODES[cb.ENTERPRISE]
    for state in cb.ACCOUNT_STATES:
        assert cb.status_code(cb.PERSONAL, state) == _mapping("账户状态 (210)")[state]
        assert (
            cb.status_code(cb.ENTERPRISE, state)
            == _mapping("账户活动状态 (410)")[state]
        )


def test_time_points_account_type_and_term_bands():
    assert (
        _codes("报送时点说明代码")
        == set(cb.EVENT_CODES)
        == cb.CODE_FIELDS["RptDateCode"]
    )
    assert _codes("账户类型") == {cb.ACCOUNT_TYPE} == cb.CODE_FIELDS["AcctType"]
    bands = _mapping("期限细分 (months)")
    assert {code: int(months) for months, code in bands.items()} == {
        code: months for months, code in cb.TERM_BANDS
    }
    assert _codes("期限细分 (months)") == cb.CODE_FIELDS["LoanTimeLimCat"]
    assert cb.term_band(cb.TERM_BANDS[-1][0] + 1) == cb.LONGEST_TERM


def test_repayment_status_grid():
    assert _codes("当前还款状态") == cb.CODE_FIELDS["RpyStatus"]
    for state, code in _mapping("当前还款状态").items():
        assert cb.repayment_status(state, 0) == code
    assert cb.repayment_status("overdue", 12) == "7"


def test_arrears_buckets():
    fields, items = TABLE["逾期本金分段 (days)"]
    text = DOMAIN.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if "逾期本金分段" in line)
    ranges = [
        tuple(int(number) for number in re.findall(r"\d+", part))
        for part in row.rstrip(" |").rsplit("|", 1)[1].split(",")
    ]
    assert fields == [field_name for field_name, *_days in cb.ARREARS_BUCKETS]
    assert ranges == [
        (first, last) if last else (first,)
        for _field, first, last in cb.ARREARS_BUCKETS
    ]
    assert len(items) == len(cb.ARREARS_BUCKETS)
