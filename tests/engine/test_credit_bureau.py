"""Credit-bureau (征信) records: codes, records, validation, the file and the
notice rule (microloan_engine.credit_bureau)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microloan_engine import credit_bureau as cb

ACCOUNT = cb.Account(
    borrower_type="individual",
    account_code="CD-2026-0001",
    org_code="C1234567890123",
    name="张三",
    id_type="resident_id",
    id_number="11010519491231002x",
    open_date=date(2026, 1, 10),
    loan_amount=Decimal("100000.00"),
    credit_limit=Decimal("100000.00"),
    due_date=date(2027, 1, 10),
    repayment_method="annuity",
    frequency="monthly",
    periods=12,
    term_months=12,
    guarantee_code="guaranty",
)
SNAPSHOT = cb.Snapshot(
    report_date=date(2026, 1, 10),
    event_code="10",
    account_state="normal",
    balance=Decimal("100000.00"),
    tier="normal",
    tier_date=None,
    remaining_periods=12,
    overdue_periods=0,
    days_past_due=0,
    overdue_principal=Decimal(0),
    overdue_total=Decimal(0),
)
ENTERPRISE = replace(
    ACCOUNT,
    borrower_type="enterprise",
    name="成都某某贸易有限公司",
    id_type="uscc",
    id_number="91510100MA61234567",
)


@pytest.mark.parametrize(
    ("function", "key", "code"),
    [
        (cb.tier_code, "normal", "1"),
        (cb.tier_code, "special_mention", "2"),
        (cb.tier_code, "loss", "5"),
        (cb.tier_code, False, "9"),
        (cb.repay_mode_code, "equal_principal", "12"),
        (cb.repay_mode_code, "balloon", "90"),
        (cb.frequency_code, "quarterly", "04"),
        (cb.frequency_code, "biweekly", "99"),
        (cb.guarantee_code, " Mortgage ", "2"),
        (cb.guarantee_code, "my_own", "9"),
        (cb.record_type, "farmer", "210"),
        (cb.record_type, "sole_trader", "210"),
        (cb.record_type, "enterprise", "410"),
        (cb.record_type, "alien", ""),
        (cb.term_band, 1, "11"),
        (cb.term_band, 12, "21"),
        (cb.term_band, 13, "31"),
        (cb.term_band, 61, "40"),
    ],
)
def test_code_tables(function, key, code):
    assert function(key) == code


def test_sole_trader_with_a_credit_code_is_an_enterprise_record():
    assert cb.record_type("sole_trader", "uscc") == "410"
    assert cb.record_type("sole_trader", "resident_id") == "210"
    account = replace(
        ACCOUNT,
        borrower_type="sole_trader",
        id_type="uscc",
        id_number="92510104MA6D8Q3W5P",
    )
    record = cb.build_record(account, SNAPSHOT)
    assert record.record_type == "410"
    assert cb.validate_record(record) == []


def test_status_and_repayment_status():
    assert cb.account_state(False, False, 0) == "normal"
    assert cb.account_state(False, False, 3) == "overdue"
    assert cb.account_state(True, False, 3) == "closed"
    assert cb.account_state(True, True, 0) == "written_off"
    assert cb.status_code("210", "written_off") == "4"
    assert cb.status_code("410", "overdue") == "1"
    assert cb.status_code("410", "closed") == "2"
    assert cb.repayment_status("overdue", 9) == "7"
    assert cb.repayment_status("overdue", 2) == "2"
    assert cb.repayment_status("normal", 0) == "N"
    assert cb.repayment_status("normal", 0, due_in_month=False) == "*"
    assert cb.repayment_status("closed", 0) == "C"


@pytest.mark.parametrize(
    ("amount", "text"),
    [("0", "0"), ("0.49", "0"), ("0.50", "1"), ("1234.50", "1235"), ("99.99", "100")],
)
def test_amounts_in_whole_yuan_half_up(amount, text):
    assert cb.format_amount(Decimal(amount)) == text


def test_opening_record_of_a_personal_loan():
    record = cb.build_record(ACCOUNT, SNAPSHOT)
    assert record.record_type == "210"
    assert [name for name, _f in record.segments] == [
        "AcctBsSgmt",
        "AcctBsInfSgmt",
        "AcctDbtInfSgmt",
    ]
    base = record.segment("AcctBsSgmt")
    assert base["IDNum"] == "11010519491231002X"
    assert base["IDType"] == "10"
    assert base["RptDateCode"] == "10"
    info = record.segment("AcctBsInfSgmt")
    assert info["LoanAmt"] == "100000"
    assert info["RepayMode"] == "11"
    assert info["GuarMode"] == "3"
    assert info["LoanTimeLimCat"] == "21"
    assert record.segment("AcctDbtInfSgmt")["RpyStatus"] == "N"
    assert record.key == "CD-2026-0001/2026-01-10/10"
    assert cb.validate_record(record) == []


def test_repayment_record_has_no_basic_information():
    snapshot = replace(
        SNAPSHOT,
        event_code="33",
        report_date=date(2026, 2, 10),
        balance=Decimal("91664.42"),
        last_payment_date=date(2026, 2, 10),
        last_payment_amount=Decimal("8884.88"),
        remaining_periods=11,
    )
    record = cb.build_record(ACCOUNT, snapshot)
    assert [name for name, _f in record.segments] == ["AcctBsSgmt", "AcctDbtInfSgmt"]
    debt = record.segment("AcctDbtInfSgmt")
    assert debt["AcctBal"] == "91664"
    assert debt["LatRpyAmt"] == "8885"
    assert cb.validate_record(record) == []


def test_month_end_record_carries_the_monthly_segment():
    snapshot = replace(SNAPSHOT, event_code="30", report_date=date(2026, 1, 31))
    month = cb.Month("2026-01", None, due_amount=Decimal(0), paid_amount=Decimal(0))
    record = cb.build_record(ACCOUNT, snapshot, month=month)
    monthly = record.segment("AcctMthlyBlgInfSgmt")
    assert monthly["Month"] == "2026-01"
    assert monthly["RpyStatus"] == "*"
    assert "AcctDbtInfSgmt" not in dict(record.segments)
    assert cb.validate_record(record) == []


def test_enterprise_record():
    snapshot = replace(
        SNAPSHOT,
        event_code="41",
        account_state="overdue",
        tier="substandard",
        tier_date=date(2026, 5, 1),
        days_past_due=95,
        overdue_periods=4,
        overdue_principal=Decimal("30000"),
        overdue_total=Decimal("33000.40"),
    )
    record = cb.build_record(ENTERPRISE, snapshot)
    assert record.record_type == "410"
    liability = record.segment("ActLbltyInfSgmt")
    assert liability == {
        "AcctStatus": "1",
        "Bal": "100000",
        "BalChgDate": "",
        "FiveCate": "3",
        "FiveCateAdjDate": "2026-05-01",
        "RemRepPrd": "12",
        "TotOverd": "33000",
        "OverdPrinc": "30000",
        "OverdDy": "95",
        "LatRpyAmt": "0",
        "LatRpyDate": "",
        "CloseDate": "",
    }
    assert cb.validate_record(record) == []


def test_validation_names_record_segment_and_field():
    account = replace(
        ACCOUNT, name="", org_code="short", id_number="1234", borrower_type="alien"
    )
    record = cb.build_record(account, replace(SNAPSHOT, event_code="10"))
    issues = {(i.segment, i.field, i.code) for i in cb.validate_record(record)}
    assert ("AcctBsSgmt", "Name", "missing") in issues
    assert ("AcctBsSgmt", "MngmtOrgCode", "bad_code") in issues
    assert ("AcctBsSgmt", "InfRecType", "missing") in issues
    assert ("AcctBsInfSgmt", "BusiDtlLines", "missing") in issues
    assert all(
        i.record == "CD-2026-0001/2026-01-10/10" for i in cb.validate_record(record)
    )
    long_name = cb.build_record(replace(ACCOUNT, name="张" * 81), SNAPSHOT)
    assert [(i.field, i.code) for i in cb.validate_record(long_name)] == [
        ("Name", "too_long")
    ]
    bad_id = cb.build_record(replace(ACCOUNT, id_number="1234"), SNAPSHOT)
    assert [(i.field, i.code, i.value) for i in cb.validate_record(bad_id)] == [
        ("IDNum", "bad_id", "1234")
    ]


def test_validation_of_codes_dates_and_amounts():
    record = cb.build_record(ACCOUNT, SNAPSHOT)
    segments = []
    for name, fields in record.segments:
        values = dict(fields)
        if name == "AcctBsInfSgmt":
            values.update(OpenDate="2026-02-30", DueDate="2025-01-01", LoanAmt="-5")
        if name == "AcctDbtInfSgmt":
            values.update(FiveCate="7", AcctStatus="9", RemRepPrd="x")
        segments.append((name, tuple(values.items())))
    issues = {(i.field, i.code) for i in cb.validate_record(cb.Record("210", segments))}
    assert issues == {
        ("OpenDate", "bad_date"),
        ("LoanAmt", "bad_amount"),
        ("FiveCate", "bad_code"),
        ("AcctStatus", "bad_code"),
        ("RemRepPrd", "bad_number"),
    }
    # An enterprise's identity document on a personal record.
    wrong = cb.build_record(replace(ACCOUNT, id_type="uscc"), SNAPSHOT)
    assert ("IDType", "missing") in {
        (i.field, i.code) for i in cb.validate_record(wrong)
    }


def test_date_order():
    account = replace(ACCOUNT, open_date=date(2026, 3, 1), due_date=date(2026, 2, 1))
    issues = {
        (i.field, i.code)
        for i in cb.validate_record(cb.build_record(account, SNAPSHOT))
    }
    assert ("OpenDate", "date_order") in issues
    assert ("DueDate", "date_order") in issues


def test_correction_and_deletion():
    original = cb.build_record(ACCOUNT, replace(SNAPSHOT, event_code="33"))
    fixed = replace(SNAPSHOT, event_code="33", balance=Decimal("90000"))
    correction = cb.build_correction(ACCOUNT, original, fixed, "AcctDbtInfSgmt")
    assert correction.record_type == "212"
    assert correction.segment("Record")["ModSegId"] == "AcctDbtInfSgmt"
    assert correction.segment("AcctDbtInfSgmt")["AcctBal"] == "90000"
    assert cb.validate_record(correction) == []
    info = cb.build_correction(ACCOUNT, original, fixed, "AcctBsInfSgmt")
    assert info.segment("AcctBsInfSgmt")["LoanAmt"] == "100000"
    assert cb.validate_record(info) == []
    deletion = cb.build_deletion(original)
    assert deletion.record_type == "214"
    assert deletion.segment("Record") == {
        "InfRecType": "214",
        "AcctCode": "CD-2026-0001",
        "MngmtOrgCode": "C1234567890123",
        "DelRptDate": "2026-01-10",
        "DelCode": "33",
    }
    assert cb.validate_record(deletion) == []
    enterprise = cb.build_deletion(cb.build_record(ENTERPRISE, SNAPSHOT))
    assert enterprise.record_type == "414"
    bad = cb.Record("212", (correction.segments[0],))
    assert cb.validate_record(bad)[0].code == "bad_record"


def test_records_sorted_opening_first_closing_last():
    day = date(2026, 3, 1)
    records = [
        cb.build_record(ACCOUNT, replace(SNAPSHOT, report_date=day, event_code=code))
        for code in ("20", "33", "41", "10")
    ]
    records.append(cb.build_deletion(records[0]))
    ordered = cb.sort_records(records)
    assert [r.key.rsplit("/", 1)[1] for r in ordered] == ["10", "33", "41", "20", "20"]
    assert ordered[-1].record_type == "214"


def test_file_round_trip():
    records = [
        cb.build_record(ACCOUNT, SNAPSHOT),
        cb.build_record(ENTERPRISE, replace(SNAPSHOT, event_code="33")),
        cb.build_deletion(cb.build_record(ACCOUNT, SNAPSHOT)),
    ]
    header = cb.Header("C1234567890123", date(2026, 1, 1), date(2026, 1, 31), "x")
    data = cb.render_file(header, records)
    assert data.startswith(b"<?xml")
    assert "张三".encode() in data
    parsed = cb.parse_file(data)
    assert parsed.records == tuple(records)
    assert parsed.header == replace(header, record_count=3)
    assert cb.validate_records(parsed.records) == []


@pytest.mark.parametrize(
    "data",
    [
        b"not xml",
        b"<Other/>",
        b"<Document><Header><PeriodStart>x</PeriodStart></Header></Document>",
        b"<Document><Header><MngmtOrgCode>A</MngmtOrgCode><PeriodStart>2026-01-01"
        b"</PeriodStart><PeriodEnd>2026-01-31</PeriodEnd><RecordCount>2"
        b"</RecordCount></Header></Document>",
    ],
)
def test_parse_refuses_other_files(data):
    with pytest.raises(ValueError):
        cb.parse_file(data)


def test_negative_information():
    assert cb.overdue_total(
        Decimal("1.10"), Decimal("2.20"), Decimal("0.30"), Decimal(0)
    ) == Decimal("3.60")
    assert not cb.is_negative("normal", "normal", Decimal(0))
    assert cb.is_negative("overdue", "normal", Decimal(0))
    assert cb.is_negative("normal", "doubtful", Decimal(0))
    assert cb.is_negative("closed", "normal", Decimal("0.01"))
    assert cb.is_negative("written_off", None, Decimal(0))
    assert not cb.is_negative("normal", "special_mention", Decimal(0))


def test_notice_rule():
    d = date
    events = [
        cb.Event(d(2026, 1, 10), False),
        cb.Event(d(2026, 2, 12), True),
        cb.Event(d(2026, 3, 10), True),
        cb.Event(d(2026, 4, 10), False),
        cb.Event(d(2026, 6, 15), True),
    ]
    assert cb.negative_episode_start(events, d(2026, 3, 10)) == d(2026, 2, 12)
    assert cb.negative_episode_start(events, d(2026, 6, 15)) == d(2026, 6, 15)
    assert cb.negative_episode_start(events, d(2026, 4, 10)) is None
    # Not negative: always covered.
    assert cb.notice_check(events, d(2026, 4, 10), [], d(2026, 5, 1)).covered
    # Negative and no notice: held.
    check = cb.notice_check(events, d(2026, 3, 10), [], d(2026, 4, 1))
    assert not check.covered and check.episode_start == d(2026, 2, 12)
    # A notice of this default covers its events.
    check = cb.notice_check(events, d(2026, 3, 10), [d(2026, 2, 20)], d(2026, 4, 1))
    assert check.covered and check.earliest == d(2026, 2, 20)
    # A notice of an earlier default does not cover a new one.
    assert not cb.notice_check(
        events, d(2026, 6, 15), [d(2026, 2, 20)], d(2026, 7, 1)
    ).covered
    # A waiting period after the notice.
    check = cb.notice_check(
        events, d(2026, 6, 15), [d(2026, 6, 20)], d(2026, 6, 25), waiting_days=7
    )
    assert not check.covered and check.earliest == d(2026, 6, 27)


# ---------------------------------------------------------------------------
# Arrears: periods, days past due, the overdue principal and its buckets

D = Decimal
DAY = date(2026, 7, 10)


def test_arrears_of_a_loan_paid_on_time():
    dues = [cb.Due(date(2026, 8, 10), D("800"), D("50"))]
    assert cb.arrears(dues, DAY) == cb.Arrears(1, 0, 0, D(0), D(0))
    # on the due date itself nothing is overdue yet
    assert cb.arrears(dues, date(2026, 8, 10)).overdue_periods == 0
    assert cb.arrears(dues, date(2026, 8, 11)).days_past_due == 1
    assert cb.arrears([], DAY) == cb.Arrears(0, 0, 0, D(0), D(0))


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (1, None),
        (30, None),
        (31, 0),
        (60, 0),
        (61, 1),
        (90, 1),
        (91, 2),
        (180, 2),
        (181, 3),
        (1000, 3),
    ],
)
def test_arrears_bucket_edges(days, bucket):
    due = cb.Due(date.fromordinal(DAY.toordinal() - days), D("100.00"), D("7.00"))
    figures = cb.arrears([due], DAY)
    assert figures.days_past_due == days
    assert figures.overdue_principal == D("100.00")
    assert figures.overdue_interest == D("7.00")
    expected = [D(0)] * 4
    if bucket is not None:
        expected[bucket] = D("100.00")
    assert list(figures.buckets) == expected


def test_arrears_of_a_loan_in_default():
    dues = [
        # 200 days overdue, partly paid: 300 of principal left
        cb.Due(date(2025, 12, 22), D("300.00"), D("0.00")),
        # 139 days: interest only left, no principal in a bucket
        cb.Due(date(2026, 2, 21), D("0.00"), D("40.00")),
        # 70 days
        cb.Due(date(2026, 5, 1), D("500.00"), D("45.00")),
        # 40 days
        cb.Due(date(2026, 5, 31), D("500.00"), D("45.00")),
        # 5 days: overdue but in no bucket
        cb.Due(date(2026, 7, 5), D("500.00"), D("45.00")),
        # to come
        cb.Due(date(2026, 8, 5), D("500.00"), D("45.00")),
        # only a fee left after its due date: a period left, not overdue
        cb.Due(date(2026, 6, 1), D(0), D(0), other=D("10.00")),
        # nothing left: not counted at all
        cb.Due(date(2026, 3, 1), D(0), D(0)),
    ]
    figures = cb.arrears(dues, DAY)
    assert figures == cb.Arrears(
        remaining_periods=7,
        overdue_periods=5,
        days_past_due=200,
        overdue_principal=D("1800.00"),
        overdue_interest=D("175.00"),
        principal_31_60=D("500.00"),
        principal_61_90=D("500.00"),
        principal_91_180=D("0.00"),
        principal_over_180=D("300.00"),
    )
    # the buckets never hold more than the overdue principal, in any order
    assert cb.arrears(list(reversed(dues)), DAY) == figures
    assert sum(figures.buckets) <= figures.overdue_principal
    state = cb.account_state(False, False, figures.days_past_due)
    assert (state, cb.status_code("210", state)) == ("overdue", "2")
    assert cb.repayment_status(state, figures.overdue_periods) == "5"


def test_monthly_record_of_a_loan_in_default_validates():
    figures = cb.arrears(
        [
            cb.Due(date(2026, 5, 1), D("500.00"), D("45.00")),
            cb.Due(date(2026, 6, 1), D("500.00"), D("45.00")),
            cb.Due(date(2026, 7, 1), D("500.00"), D("45.00")),
        ],
        date(2026, 7, 31),
    )
    snapshot = replace(
        SNAPSHOT,
        event_code="30",
        report_date=date(2026, 7, 31),
        account_state="overdue",
        tier="substandard",
        remaining_periods=figures.remaining_periods,
        overdue_periods=figures.overdue_periods,
        days_past_due=figures.days_past_due,
        overdue_principal=figures.overdue_principal,
        overdue_total=figures.overdue_principal + figures.overdue_interest,
    )
    month = cb.Month(
        "2026-07",
        date(2026, 7, 1),
        due_amount=D("545.00"),
        paid_amount=D(0),
        overdue_principal_31_60=figures.principal_31_60,
        overdue_principal_61_90=figures.principal_61_90,
        overdue_principal_91_180=figures.principal_91_180,
        overdue_principal_over_180=figures.principal_over_180,
    )
    record = cb.build_record(ACCOUNT, snapshot, month=month)
    monthly = record.segment("AcctMthlyBlgInfSgmt")
    assert (monthly["AcctStatus"], monthly["FiveCate"], monthly["RpyStatus"]) == (
        "2",
        "3",
        "3",
    )
    assert (monthly["OverdPrinc"], monthly["TotOverd"]) == ("1500", "1635")
    # 91, 60 and 30 days overdue on the 31st of July
    assert (monthly["Oved31_60Princ"], monthly["Oved61_90Princ"]) == ("500", "0")
    assert (monthly["Oved91_180Princ"], monthly["OvedPrinc180"]) == ("500", "0")
    assert cb.validate_record(record) == []


def _edited(record, segment_name, **changes):
    segments = tuple(
        (name, tuple((k, changes.get(k, v)) for k, v in fields))
        if name == segment_name
        else (name, fields)
        for name, fields in record.segments
    )
    return cb.Record(record.record_type, segments)


def _inconsistent(record):
    return [
        (issue.segment, issue.field)
        for issue in cb.validate_record(record)
        if issue.code == "inconsistent"
    ]


def test_validation_refuses_figures_that_disagree():
    snapshot = replace(
        SNAPSHOT,
        event_code="33",
        account_state="overdue",
        overdue_periods=2,
        days_past_due=40,
        overdue_principal=D("1000"),
        overdue_total=D("1090"),
    )
    record = cb.build_record(ACCOUNT, snapshot)
    assert cb.validate_record(record) == []
    segment = "AcctDbtInfSgmt"
    # overdue with no period overdue, normal with periods overdue
    assert _inconsistent(_edited(record, segment, OverdPrd="0", RpyStatus="N")) == [
        (segment, "AcctStatus")
    ]
    assert _inconsistent(_edited(record, segment, AcctStatus="1")) == [
        (segment, "AcctStatus")
    ]
    # the grid's status and the periods overdue
    assert _inconsistent(_edited(record, segment, RpyStatus="1")) == [
        (segment, "RpyStatus")
    ]
    assert _inconsistent(_edited(record, segment, RpyStatus="N")) == [
        (segment, "RpyStatus")
    ]
    # a closed account with a balance or no closing date
    closed = cb.build_record(
        ACCOUNT,
        replace(
            SNAPSHOT,
            event_code="20",
            account_state="closed",
            balance=D(0),
            close_date=date(2026, 3, 1),
        ),
    )
    assert cb.validate_record(closed) == []
    assert _inconsistent(_edited(closed, segment, AcctBal="5", CloseDate="")) == [
        (segment, "AcctBal"),
        (segment, "CloseDate"),
    ]
    # a monthly record: the buckets within the overdue principal, within the total
    month = cb.Month(
        "2026-01",
        date(2026, 1, 10),
        due_amount=D("8885"),
        paid_amount=D(0),
        overdue_principal_31_60=D("1000"),
    )
    monthly = cb.build_record(
        ACCOUNT,
        replace(snapshot, event_code="30", report_date=date(2026, 1, 31)),
        month=month,
    )
    assert cb.validate_record(monthly) == []
    name = "AcctMthlyBlgInfSgmt"
    assert _inconsistent(_edited(monthly, name, OvedPrinc180="5")) == [
        (name, "OvedPrinc180")
    ]
    assert _inconsistent(_edited(monthly, name, OverdPrinc="2000")) == [
        (name, "OverdPrinc")
    ]
    # an enterprise account closed with a balance
    enterprise = cb.build_record(
        ENTERPRISE,
        replace(
            SNAPSHOT,
            event_code="20",
            account_state="closed",
            close_date=date(2026, 3, 1),
        ),
    )
    assert _inconsistent(enterprise) == [("ActLbltyInfSgmt", "Bal")]
    # the message names the record, segment and field
    issue = cb.validate_record(enterprise)[0]
    assert (issue.record, issue.code, issue.value) == (
        "CD-2026-0001/2026-01-10/20",
        "inconsistent",
        "100000",
    )


def test_a_correction_whose_figures_disagree_is_refused():
    snapshot = replace(
        SNAPSHOT,
        event_code="33",
        account_state="overdue",
        overdue_periods=2,
        days_past_due=40,
        overdue_principal=D("1000"),
        overdue_total=D("1090"),
    )
    original = cb.build_record(ACCOUNT, snapshot)
    correction = cb.build_correction(
        ACCOUNT, original, replace(snapshot, overdue_periods=0), "AcctDbtInfSgmt"
    )
    # the repayment status is rebuilt from the periods: the status disagrees
    assert _inconsistent(correction) == [("AcctDbtInfSgmt", "AcctStatus")]
    fixed = cb.build_correction(
        ACCOUNT, original, replace(snapshot, balance=D("900")), "AcctDbtInfSgmt"
    )
    assert cb.validate_record(fixed) == []


def test_buckets_rounded_on_their_own_are_not_refused():
    # 0.50 in two buckets: 1 + 1 yuan against an overdue principal of 1 yuan
    month = cb.Month(
        "2026-07",
        date(2026, 7, 1),
        due_amount=D("1.00"),
        paid_amount=D(0),
        overdue_principal_31_60=D("0.50"),
        overdue_principal_61_90=D("0.50"),
    )
    snapshot = replace(
        SNAPSHOT,
        event_code="30",
        report_date=date(2026, 7, 31),
        account_state="overdue",
        overdue_periods=2,
        days_past_due=70,
        overdue_principal=D("1.00"),
        overdue_total=D("1.00"),
    )
    record = cb.build_record(ACCOUNT, snapshot, month=month)
    monthly = record.segment("AcctMthlyBlgInfSgmt")
    assert (monthly["Oved31_60Princ"], monthly["Oved61_90Princ"]) == ("1", "1")
    assert monthly["OverdPrinc"] == "1"
    assert cb.validate_record(record) == []
    # more than rounding can explain is refused
    name = "AcctMthlyBlgInfSgmt"
    assert cb.validate_record(_edited(record, name, Oved91_180Princ="1")) == []
    assert _inconsistent(_edited(record, name, Oved91_180Princ="2")) == [
        (name, "Oved31_60Princ")
    ]


_MONEY = st.decimals(min_value=0, max_value=100000, places=2)
_DUE = st.builds(
    cb.Due,
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    _MONEY,
    _MONEY,
    _MONEY,
)


@settings(max_examples=200)
@given(
    dues=st.lists(_DUE, max_size=24), day=st.dates(date(2025, 1, 1), date(2028, 6, 30))
)
def test_arrears_properties(dues, day):
    figures = cb.arrears(dues, day)
    owing = [due for due in dues if due.principal + due.interest + due.other > 0]
    late = [
        due for due in owing if due.due_date < day and due.principal + due.interest > 0
    ]
    assert figures.remaining_periods == len(owing)
    assert figures.overdue_periods == len(late)
    assert (figures.days_past_due > 0) == bool(late)
    assert figures.days_past_due == max(
        ((day - due.due_date).days for due in late), default=0
    )
    assert figures.overdue_principal == sum((due.principal for due in late), D(0))
    assert figures.overdue_interest == sum((due.interest for due in late), D(0))
    # the buckets hold the principal more than 30 days overdue, and no more
    assert sum(figures.buckets) == sum(
        (due.principal for due in late if (day - due.due_date).days > 30), D(0)
    )
    assert sum(figures.buckets) <= figures.overdue_principal
    assert cb.arrears(list(reversed(dues)), day) == figures
    state = cb.account_state(False, False, figures.days_past_due)
    snapshot = replace(
        SNAPSHOT,
        event_code="30",
        report_date=day,
        account_state=state,
        remaining_periods=figures.remaining_periods,
        overdue_periods=figures.overdue_periods,
        days_past_due=figures.days_past_due,
        overdue_principal=figures.overdue_principal,
        overdue_total=figures.overdue_principal + figures.overdue_interest,
    )
    month = cb.Month(
        day.strftime("%Y-%m"),
        None,
        due_amount=D(0),
        paid_amount=D(0),
        overdue_principal_31_60=figures.principal_31_60,
        overdue_principal_61_90=figures.principal_61_90,
        overdue_principal_91_180=figures.principal_91_180,
        overdue_principal_over_180=figures.principal_over_180,
    )
    for record in (
        cb.build_record(ACCOUNT, replace(snapshot, event_code="33")),
        cb.build_record(ACCOUNT, snapshot, month=month),
        cb.build_record(ENTERPRISE, replace(snapshot, event_code="33")),
    ):
        assert _inconsistent(record) == []


@pytest.mark.parametrize(
    ("open_date", "due_date", "months", "band"),
    [
        (date(2026, 1, 10), date(2026, 2, 10), 1, "11"),
        (date(2026, 1, 10), date(2026, 2, 11), 2, "12"),
        (date(2026, 1, 31), date(2026, 2, 28), 1, "11"),
        (date(2026, 1, 10), date(2027, 1, 10), 12, "21"),
        (date(2026, 1, 10), date(2027, 1, 11), 13, "31"),
        (date(2026, 1, 10), None, 0, "11"),
        (date(2026, 1, 10), date(2025, 1, 10), 0, "11"),
    ],
)
def test_term_months_and_band(open_date, due_date, months, band):
    assert cb.term_months(open_date, due_date) == months
    assert cb.term_band(months) == band
