"""Credit-bureau (征信) reporting: the records of the PBOC's second-generation
(二代) interface that a microloan company sends, built from plain figures.

What lives here, with no Odoo inside:

- the code tables: our keys (borrower types, classification tiers, repayment
  methods, frequencies, guarantee codes, account states) mapped to the
  interface's codes;
- the records: a 个人借贷账户 record (type ``210``) or 企业借贷账户 record
  (``410``) of one loan on one report date, with its main segments; the
  correction of one segment (``212``/``412``) and the deletion of a whole
  record (``214``/``414``);
- the validation of a record before it is exported (mandatory fields, codes,
  dates, amounts, identity numbers), each issue naming its record, segment and
  field;
- the file of a reporting period (XML) and its parser, so that an export can be
  read back and compared;
- the rule of negative information: which figures are negative, and whether a
  notice sent to the borrower covers an event;
- the arrears of a loan on a report date (:func:`arrears`): periods left and
  overdue, days past due, the overdue principal and its buckets by days overdue
  (31-60, 61-90, 91-180, over 180) of the monthly performance.

Amounts are ``Decimal`` and reported in whole yuan, rounded half up (the
interface's amounts are integers). The layout is described in
``addons/microloan_reports/README.rst``; docs/domain.md §7 gives the rules.

>>> tier_code("substandard")
'3'
>>> format_amount(Decimal("1234.50"))
'1235'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.etree import ElementTree

from .overdue import days_past_due as overdue_days
from .restructure import months_between

ZERO = Decimal(0)
FILE_VERSION = "2.0.0"
# Report time points (报送时点说明代码) of a loan account. "30" is our month-end
# record of the monthly performance (月度表现) of a personal loan.
EVENT_CODES = {
    "10": "new account (新开户)",
    "20": "account closed (账户关闭)",
    "30": "month-end performance (月结)",
    "31": "disbursement after opening (开户后放款)",
    "32": "settlement on a due date (约定还款日结算)",
    "33": "actual repayment (实际还款)",
    "41": "classification change (五级分类调整)",
    "42": "extension (展期发生)",
    "49": "other (其他)",
}
# The order of a loan's events of one day in the file: what opens the account
# first, what closes it last.
EVENT_ORDER = ("10", "31", "32", "33", "42", "41", "49", "30", "20")

PERSONAL = "210"
ENTERPRISE = "410"
CORRECTION = {PERSONAL: "212", ENTERPRISE: "412"}
DELETION = {PERSONAL: "214", ENTERPRISE: "414"}
RECORD_TYPES = (PERSONAL, ENTERPRISE, *CORRECTION.values(), *DELETION.values())

# Borrower type -> (record type, 借贷业务种类细分).
BORROWER_TYPES = {
    "individual": (PERSONAL, "91"),  # 其他个人消费贷款
    "sole_trader": (PERSONAL, "41"),  # 个人经营性贷款
    "farmer": (PERSONAL, "51"),  # 农户贷款
    "enterprise": (ENTERPRISE, "21"),  # 流动资金贷款
}
# Identity document -> 证件类型 (individuals) / 身份标识类型 (enterprises).
ID_TYPES = {
    PERSONAL: {"resident_id": "10", "passport": "22", "other": "X"},
    ENTERPRISE: {"uscc": "10", "other": "X"},
}
TIER_CODES = {
    "normal": "1",
    "special_mention": "2",
    "substandard": "3",
    "doubtful": "4",
    "loss": "5",
}
UNCLASSIFIED = "9"
NEGATIVE_TIERS = ("3", "4", "5")
REPAY_MODES = {
    "annuity": "11",  # 分期等额本息
    "equal_principal": "12",  # 分期等额本金
    "interest_only": "13",  # 到期一次还本分期结息
    "bullet": "14",  # 到期一次还本付息
}
OTHER_REPAY_MODE = "90"
REPAY_FREQUENCIES = {
    "daily": "01",
    "weekly": "02",
    "monthly": "03",
    "quarterly": "04",
    "semiannual": "05",
    "yearly": "06",
}
OTHER_FREQUENCY = "99"
GUARANTEE_MODES = {
    "pledge": "1",  # 质押
    "mortgage": "2",  # 抵押
    "guaranty": "3",  # 保证
    "credit": "4",  # 信用/免担保
    "joint": "7",  # 农户联保
}
OTHER_GUARANTEE = "9"
# Our account states -> 账户状态: personal (1 正常, 2 逾期, 3 关闭, 4 呆账) and
# enterprise 账户活动状态 (1 活跃, 2 关闭).
ACCOUNT_STATES = ("normal", "overdue", "closed", "written_off")
PERSONAL_STATUS = {"normal": "1", "overdue": "2", "closed": "3", "written_off": "4"}
ENTERPRISE_STATUS = {"normal": "1", "overdue": "1", "closed": "2", "written_off": "1"}
NEGATIVE_PERSONAL_STATUS = ("2", "4")
# The buckets of the overdue principal of the monthly performance segment:
# (field, first day overdue, last day overdue or None). Principal 1 to 30 days
# overdue is only in OverdPrinc.
ARREARS_BUCKETS = (
    ("Oved31_60Princ", 31, 60),
    ("Oved61_90Princ", 61, 90),
    ("Oved91_180Princ", 91, 180),
    ("OvedPrinc180", 181, None),
)
# 借贷期限细分: months of the term -> code.
TERM_BANDS = ((1, "11"), (3, "12"), (6, "13"), (12, "21"), (36, "31"), (60, "32"))
LONGEST_TERM = "40"
ACCOUNT_TYPE = "D1"  # 非循环贷账户
BUSINESS_LINE = "1"  # 贷款
CURRENCY = "CNY"
MAX_AMOUNT = Decimal(10) ** 12
MAX_NAME = 80

# Segments of each record type, their fields in order. The base segment
# (基础段) identifies the account and the report; the others are described in
# the README.
SEGMENTS = {
    PERSONAL: {
        "AcctBsSgmt": (
            "InfRecType",
            "AcctType",
            "AcctCode",
            "RptDate",
            "RptDateCode",
            "Name",
            "IDType",
            "IDNum",
            "MngmtOrgCode",
        ),
        "AcctBsInfSgmt": (
            "BusiLines",
            "BusiDtlLines",
            "OpenDate",
            "Cy",
            "AcctCredLine",
            "LoanAmt",
            "Flag",
            "DueDate",
            "RepayMode",
            "RepayFreqcy",
            "RepayPrd",
            "GuarMode",
            "LoanTimeLimCat",
        ),
        "AcctMthlyBlgInfSgmt": (
            "Month",
            "SettDate",
            "AcctStatus",
            "AcctBal",
            "RemRepPrd",
            "FiveCate",
            "FiveCateAdjDate",
            "RpyStatus",
            "OverdPrd",
            "TotOverd",
            "OverdPrinc",
            "Oved31_60Princ",
            "Oved61_90Princ",
            "Oved91_180Princ",
            "OvedPrinc180",
            "CurRpyAmt",
            "ActRpyAmt",
            "LatRpyDate",
            "CloseDate",
        ),
        "AcctDbtInfSgmt": (
            "AcctStatus",
            "AcctBal",
            "BalChgDate",
            "FiveCate",
            "FiveCateAdjDate",
            "RemRepPrd",
            "RpyStatus",
            "OverdPrd",
            "TotOverd",
            "LatRpyAmt",
            "LatRpyDate",
            "CloseDate",
        ),
    },
    ENTERPRISE: {
        "AcctBsSgmt": (
            "InfRecType",
            "AcctType",
            "AcctCode",
            "RptDate",
            "RptDateCode",
            "Name",
            "IDType",
            "IDNum",
            "MngmtOrgCode",
        ),
        "AcctBsInfSgmt": (
            "BusiLines",
            "BusiDtlLines",
            "OpenDate",
            "Cy",
            "AcctCredLine",
            "LoanAmt",
            "Flag",
            "DueDate",
            "RepayMode",
            "RepayFreqcy",
            "RepayPrd",
            "GuarMode",
            "LoanTimeLimCat",
        ),
        "ActLbltyInfSgmt": (
            "AcctStatus",
            "Bal",
            "BalChgDate",
            "FiveCate",
            "FiveCateAdjDate",
            "RemRepPrd",
            "TotOverd",
            "OverdPrinc",
            "OverdDy",
            "LatRpyAmt",
            "LatRpyDate",
            "CloseDate",
        ),
    },
}
# The segments holding an account's figures on a report date.
PERFORMANCE_SEGMENTS = ("AcctMthlyBlgInfSgmt", "AcctDbtInfSgmt", "ActLbltyInfSgmt")
# Correction (212/412): the record it corrects and the corrected segment.
CORRECTION_FIELDS = ("InfRecType", "AcctCode", "RptDate", "RptDateCode", "ModSegId")
# Deletion (214/414): the whole record of an account on a report date.
DELETION_FIELDS = ("InfRecType", "AcctCode", "MngmtOrgCode", "DelRptDate", "DelCode")

# Fields that may be empty, per segment (the rest are mandatory).
OPTIONAL = {
    "AcctBsInfSgmt": {"DueDate"},
    "AcctMthlyBlgInfSgmt": {"SettDate", "FiveCateAdjDate", "LatRpyDate", "CloseDate"},
    "AcctDbtInfSgmt": {"FiveCateAdjDate", "LatRpyDate", "CloseDate", "BalChgDate"},
    "ActLbltyInfSgmt": {"FiveCateAdjDate", "LatRpyDate", "CloseDate", "BalChgDate"},
}
DATE_FIELDS = {
    "RptDate",
    "OpenDate",
    "DueDate",
    "SettDate",
    "FiveCateAdjDate",
    "LatRpyDate",
    "CloseDate",
    "BalChgDate",
    "DelRptDate",
}
AMOUNT_FIELDS = {
    "AcctCredLine",
    "LoanAmt",
    "AcctBal",
    "Bal",
    "TotOverd",
    "OverdPrinc",
    "Oved31_60Princ",
    "Oved61_90Princ",
    "Oved91_180Princ",
    "OvedPrinc180",
    "CurRpyAmt",
    "ActRpyAmt",
    "LatRpyAmt",
}
COUNT_FIELDS = {"RepayPrd", "RemRepPrd", "OverdPrd", "OverdDy"}


def _codes(table, *extra):
    return frozenset(table.values()) | frozenset(extra)


CODE_FIELDS = {
    "AcctType": frozenset({ACCOUNT_TYPE}),
    "RptDateCode": frozenset(EVENT_CODES),
    "DelCode": frozenset(EVENT_CODES),
    "BusiLines": frozenset({BUSINESS_LINE}),
    "BusiDtlLines": frozenset(code for _type, code in BORROWER_TYPES.values()),
    "Cy": frozenset({CURRENCY}),
    "Flag": frozenset({"0", "1"}),
    "RepayMode": _codes(REPAY_MODES, OTHER_REPAY_MODE),
    "RepayFreqcy": _codes(REPAY_FREQUENCIES, OTHER_FREQUENCY),
    "GuarMode": _codes(GUARANTEE_MODES, OTHER_GUARANTEE),
    "LoanTimeLimCat": frozenset(code for _months, code in TERM_BANDS) | {LONGEST_TERM},
    "FiveCate": _codes(TIER_CODES, UNCLASSIFIED),
    "RpyStatus": frozenset("N1234567CG*"),
    "ModSegId": frozenset(name for segments in SEGMENTS.values() for name in segments),
}
STATUS_CODES = {
    PERSONAL: frozenset(PERSONAL_STATUS.values()),
    ENTERPRISE: frozenset(ENTERPRISE_STATUS.values()),
}


@dataclass(frozen=True)
class Account:
    """What identifies a loan account and does not change with its events."""

    borrower_type: str
    account_code: str
    org_code: str
    name: str
    id_type: str
    id_number: str
    open_date: date
    loan_amount: Decimal
    credit_limit: Decimal
    due_date: date | None
    repayment_method: str
    frequency: str
    periods: int
    term_months: int
    guarantee_code: str
    tranches: bool = False


@dataclass(frozen=True)
class Snapshot:
    """The figures of a loan account on a report date, as an event left them."""

    report_date: date
    event_code: str
    account_state: str
    balance: Decimal
    tier: str | None
    tier_date: date | None
    remaining_periods: int
    overdue_periods: int
    days_past_due: int
    overdue_principal: Decimal
    overdue_total: Decimal
    last_payment_date: date | None = None
    last_payment_amount: Decimal = ZERO
    close_date: date | None = None
    balance_date: date | None = None


@dataclass(frozen=True)
class Month:
    """The monthly performance (月度表现) of a personal loan in a month."""

    month: str  # YYYY-MM
    settlement_date: date | None
    due_amount: Decimal
    paid_amount: Decimal
    overdue_principal_31_60: Decimal = ZERO
    overdue_principal_61_90: Decimal = ZERO
    overdue_principal_91_180: Decimal = ZERO
    overdue_principal_over_180: Decimal = ZERO


@dataclass(frozen=True)
class Due:
    """An installment not yet paid on the report date: its due date and what
    is left of its principal, its interest and its other items (fees,
    penalty, compound interest)."""

    due_date: date
    principal: Decimal
    interest: Decimal = ZERO
    other: Decimal = ZERO


@dataclass(frozen=True)
class Arrears:
    """The arrears of a loan on a report date (:func:`arrears`)."""

    remaining_periods: int
    overdue_periods: int
    days_past_due: int
    overdue_principal: Decimal
    overdue_interest: Decimal
    principal_31_60: Decimal = ZERO
    principal_61_90: Decimal = ZERO
    principal_91_180: Decimal = ZERO
    principal_over_180: Decimal = ZERO

    @property
    def buckets(self):
        """The overdue principal by days overdue, in ARREARS_BUCKETS order."""
        return (
            self.principal_31_60,
            self.principal_61_90,
            self.principal_91_180,
            self.principal_over_180,
        )


@dataclass(frozen=True)
class Record:
    """One record of the file: its type and its segments, each an ordered
    tuple of ``(field, text)``."""

    record_type: str
    segments: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

    def segment(self, name):
        """The fields of segment ``name`` as a dict (empty when absent)."""
        for segment_name, fields in self.segments:
            if segment_name == name:
                return dict(fields)
        return {}

    @property
    def key(self):
        """What names the record in an error: account code, date and code."""
        base = self.segment("AcctBsSgmt") or self.segment("Record")
        return "{}/{}/{}".format(
            base.get("AcctCode", "?"),
            base.get("RptDate") or base.get("DelRptDate", "?"),
            base.get("RptDateCode") or base.get("DelCode", "?"),
        )


@dataclass(frozen=True)
class Issue:
    """A validation error: the record, segment and field, and its code
    (``missing``, ``bad_code``, ``bad_date``, ``bad_amount``, ``bad_number``,
    ``bad_id``, ``date_order``, ``too_long``, ``bad_record``, ``inconsistent``)."""

    record: str
    segment: str
    field: str
    code: str
    value: str = ""


@dataclass(frozen=True)
class Header:
    """The head of a file: who reports and which period."""

    org_code: str
    period_start: date
    period_end: date
    created: str
    record_count: int = 0


@dataclass(frozen=True)
class Event:
    """An event of a loan for the notice rule: its date and whether it carries
    negative information."""

    day: date
    negative: bool


@dataclass(frozen=True)
class NoticeCheck:
    """Whether a negative event may be reported, and the first day it may."""

    covered: bool
    episode_start: date | None
    earliest: date | None = None


@dataclass(frozen=True)
class PeriodFile:
    """A parsed file: its header and records."""

    header: Header
    records: tuple[Record, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------------------
# Codes


def record_type(borrower_type, id_type=None):
    """``210`` for an individual, sole trader or farmer, ``410`` for an
    enterprise, and for a sole trader (个体工商户) identified by its unified
    social credit code; ``""`` for an unknown type (the validation names it)."""
    if borrower_type == "sole_trader" and id_type == "uscc":
        return ENTERPRISE
    return BORROWER_TYPES.get(borrower_type, ("", ""))[0]


def business_detail(borrower_type):
    """借贷业务种类细分 of a borrower type."""
    return BORROWER_TYPES.get(borrower_type, ("", ""))[1]


def id_type_code(kind, id_type):
    """证件类型 of an identity document for record type ``kind``; ``""`` when
    the document cannot identify that kind of borrower."""
    return ID_TYPES.get(kind, {}).get(id_type or "", "")


def tier_code(tier):
    """五级分类 code of a tier; ``9`` (未分类) when not yet classified."""
    return TIER_CODES.get(tier or "", UNCLASSIFIED)


def repay_mode_code(method):
    return REPAY_MODES.get(method, OTHER_REPAY_MODE)


def frequency_code(frequency):
    return REPAY_FREQUENCIES.get(frequency, OTHER_FREQUENCY)


def guarantee_code(code):
    """担保方式 of a guarantee type's technical code; ``9`` for another."""
    return GUARANTEE_MODES.get((code or "").strip().lower(), OTHER_GUARANTEE)


def term_band(months):
    """借贷期限细分 of a term in months."""
    for limit, code in TERM_BANDS:
        if months <= limit:
            return code
    return LONGEST_TERM


def term_months(open_date, due_date):
    """The term of a loan in months for its 借贷期限细分: from its opening to
    its last due date, a month begun counting whole; 0 when either is unknown
    or the due date comes first.

    >>> term_months(date(2026, 1, 10), date(2027, 1, 10))
    12
    >>> term_months(date(2026, 1, 10), date(2027, 1, 11))
    13
    """
    if not open_date or not due_date or due_date < open_date:
        return 0
    whole, days = months_between(open_date, due_date)
    return whole + (1 if days else 0)


def status_code(kind, account_state):
    """账户状态 of our account state for record type ``kind``."""
    table = PERSONAL_STATUS if kind == PERSONAL else ENTERPRISE_STATUS
    return table.get(account_state, "")


def account_state(closed, written_off, days_past_due):
    """Our account state of a loan: written off, closed, overdue or normal."""
    if written_off:
        return "written_off"
    if closed:
        return "closed"
    return "overdue" if days_past_due > 0 else "normal"


def repayment_status(state, overdue_periods, due_in_month=True):
    """当前还款状态 (one character of the 24-month grid): ``C`` closed, ``G``
    written off, ``1``-``7`` periods overdue (7 for seven or more), ``N``
    normal, ``*`` nothing due."""
    if state == "closed":
        return "C"
    if state == "written_off":
        return "G"
    if overdue_periods > 0:
        return str(min(overdue_periods, 7))
    return "N" if due_in_month else "*"


def arrears(dues, day):
    """The :class:`Arrears` of a loan on ``day`` from its :class:`Due`
    installments (those with anything left to pay, in any order).

    An installment is a remaining period while anything is owed on it; it is
    overdue when its principal or interest is unpaid after its due date (on
    the due date itself it is not: ``microloan_engine.overdue.days_past_due``),
    and its unpaid principal goes to the bucket of its own days overdue. The
    loan's days past due are those of its oldest overdue installment, as the
    daily close counts them.

    >>> a = arrears([Due(date(2026, 1, 10), Decimal("100")),
    ...              Due(date(2026, 3, 10), Decimal("100"), Decimal("5"))],
    ...             date(2026, 3, 20))
    >>> a.overdue_periods, a.days_past_due, a.overdue_principal, a.principal_61_90
    (2, 69, Decimal('200'), Decimal('100'))
    """
    remaining = overdue = oldest = 0
    principal = interest = ZERO
    buckets = [ZERO] * len(ARREARS_BUCKETS)
    for due in dues:
        owed_principal = max(Decimal(due.principal), ZERO)
        owed_interest = max(Decimal(due.interest), ZERO)
        if owed_principal + owed_interest + max(Decimal(due.other), ZERO) <= 0:
            continue
        remaining += 1
        days = overdue_days(due.due_date, day)
        if not days or owed_principal + owed_interest <= 0:
            continue
        overdue += 1
        oldest = max(oldest, days)
        principal += owed_principal
        interest += owed_interest
        for index, (_field, first, last) in enumerate(ARREARS_BUCKETS):
            if days >= first and (last is None or days <= last):
                buckets[index] += owed_principal
    return Arrears(remaining, overdue, oldest, principal, interest, *buckets)


def event_rank(code):
    """Sort key of an event code among a loan's events of one day."""
    return EVENT_ORDER.index(code) if code in EVENT_ORDER else len(EVENT_ORDER)


def overdue_total(principal, interest, penalty, compound):
    """当前逾期总额: overdue principal and interest with the penalty and
    compound interest owed."""
    return sum((Decimal(a) for a in (principal, interest, penalty, compound)), ZERO)


def is_negative(state, tier, overdue_total):
    """Whether figures are negative information (不良信息): overdue, written
    off, or classified 次级/可疑/损失."""
    return (
        state in ("overdue", "written_off")
        or tier_code(tier) in NEGATIVE_TIERS
        or Decimal(overdue_total) > 0
    )


# ---------------------------------------------------------------------------
# Formatting


def format_amount(amount):
    """An amount in whole yuan, rounded half up, as text."""
    return str(Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_date(day):
    return day.isoformat() if day else ""


def _segment(name, values):
    return (name, tuple(values))


# ---------------------------------------------------------------------------
# Records


def _base_segment(account, kind, snapshot):
    return _segment(
        "AcctBsSgmt",
        (
            ("InfRecType", kind),
            ("AcctType", ACCOUNT_TYPE),
            ("AcctCode", account.account_code),
            ("RptDate", format_date(snapshot.report_date)),
            ("RptDateCode", snapshot.event_code),
            ("Name", account.name.strip()),
            ("IDType", id_type_code(kind, account.id_type)),
            ("IDNum", (account.id_number or "").strip().upper()),
            ("MngmtOrgCode", (account.org_code or "").strip()),
        ),
    )


def _info_segment(account):
    return _segment(
        "AcctBsInfSgmt",
        (
            ("BusiLines", BUSINESS_LINE),
            ("BusiDtlLines", business_detail(account.borrower_type)),
            ("OpenDate", format_date(account.open_date)),
            ("Cy", CURRENCY),
            ("AcctCredLine", format_amount(account.credit_limit)),
            ("LoanAmt", format_amount(account.loan_amount)),
            ("Flag", "1" if account.tranches else "0"),
            ("DueDate", format_date(account.due_date)),
            ("RepayMode", repay_mode_code(account.repayment_method)),
            ("RepayFreqcy", frequency_code(account.frequency)),
            ("RepayPrd", str(account.periods)),
            ("GuarMode", guarantee_code(account.guarantee_code)),
            ("LoanTimeLimCat", term_band(account.term_months)),
        ),
    )


def _debt_segment(snapshot):
    """非月度表现信息段 of a personal account."""
    state = snapshot.account_state
    return _segment(
        "AcctDbtInfSgmt",
        (
            ("AcctStatus", status_code(PERSONAL, state)),
            ("AcctBal", format_amount(snapshot.balance)),
            ("BalChgDate", format_date(snapshot.balance_date)),
            ("FiveCate", tier_code(snapshot.tier)),
            ("FiveCateAdjDate", format_date(snapshot.tier_date)),
            ("RemRepPrd", str(snapshot.remaining_periods)),
            ("RpyStatus", repayment_status(state, snapshot.overdue_periods)),
            ("OverdPrd", str(snapshot.overdue_periods)),
            ("TotOverd", format_amount(snapshot.overdue_total)),
            ("LatRpyAmt", format_amount(snapshot.last_payment_amount)),
            ("LatRpyDate", format_date(snapshot.last_payment_date)),
            ("CloseDate", format_date(snapshot.close_date)),
        ),
    )


def _monthly_segment(snapshot, month):
    """月度表现信息段 of a personal account."""
    state = snapshot.account_state
    return _segment(
        "AcctMthlyBlgInfSgmt",
        (
            ("Month", month.month),
            ("SettDate", format_date(month.settlement_date)),
            ("AcctStatus", status_code(PERSONAL, state)),
            ("AcctBal", format_amount(snapshot.balance)),
            ("RemRepPrd", str(snapshot.remaining_periods)),
            ("FiveCate", tier_code(snapshot.tier)),
            ("FiveCateAdjDate", format_date(snapshot.tier_date)),
            (
                "RpyStatus",
                repayment_status(
                    state,
                    snapshot.overdue_periods,
                    due_in_month=month.settlement_date is not None,
                ),
            ),
            ("OverdPrd", str(snapshot.overdue_periods)),
            ("TotOverd", format_amount(snapshot.overdue_total)),
            ("OverdPrinc", format_amount(snapshot.overdue_principal)),
            ("Oved31_60Princ", format_amount(month.overdue_principal_31_60)),
            ("Oved61_90Princ", format_amount(month.overdue_principal_61_90)),
            ("Oved91_180Princ", format_amount(month.overdue_principal_91_180)),
            ("OvedPrinc180", format_amount(month.overdue_principal_over_180)),
            ("CurRpyAmt", format_amount(month.due_amount)),
            ("ActRpyAmt", format_amount(month.paid_amount)),
            ("LatRpyDate", format_date(snapshot.last_payment_date)),
            ("CloseDate", format_date(snapshot.close_date)),
        ),
    )


def _liability_segment(snapshot):
    """还款表现信息段 of an enterprise account."""
    return _segment(
        "ActLbltyInfSgmt",
        (
            ("AcctStatus", status_code(ENTERPRISE, snapshot.account_state)),
            ("Bal", format_amount(snapshot.balance)),
            ("BalChgDate", format_date(snapshot.balance_date)),
            ("FiveCate", tier_code(snapshot.tier)),
            ("FiveCateAdjDate", format_date(snapshot.tier_date)),
            ("RemRepPrd", str(snapshot.remaining_periods)),
            ("TotOverd", format_amount(snapshot.overdue_total)),
            ("OverdPrinc", format_amount(snapshot.overdue_principal)),
            ("OverdDy", str(snapshot.days_past_due)),
            ("LatRpyAmt", format_amount(snapshot.last_payment_amount)),
            ("LatRpyDate", format_date(snapshot.last_payment_date)),
            ("CloseDate", format_date(snapshot.close_date)),
        ),
    )


def build_record(account, snapshot, month=None):
    """The record of ``account`` on ``snapshot``'s report date.

    A personal account (``210``) carries its base, basic-information and
    non-monthly performance segments, and the monthly performance segment
    instead of the latter on a month-end record (``month`` given, code
    ``30``); an enterprise account (``410``) its base, basic-information and
    repayment-performance segments. The basic information is sent with the
    opening (``10``) and with an extension (``42``, new due date and
    periods).
    """
    kind = record_type(account.borrower_type, account.id_type)
    segments = [_base_segment(account, kind, snapshot)]
    if snapshot.event_code in ("10", "42"):
        segments.append(_info_segment(account))
    if kind == ENTERPRISE:
        segments.append(_liability_segment(snapshot))
    elif month is not None:
        segments.append(_monthly_segment(snapshot, month))
    else:
        segments.append(_debt_segment(snapshot))
    return Record(kind or PERSONAL, tuple(segments))


def performance_segment_name(kind, monthly=False):
    """The segment holding the figures of a record of type ``kind``."""
    if kind == ENTERPRISE:
        return "ActLbltyInfSgmt"
    return "AcctMthlyBlgInfSgmt" if monthly else "AcctDbtInfSgmt"


def build_correction(account, original, snapshot, segment_name, month=None):
    """The correction (``212``/``412``) of segment ``segment_name`` of the
    record ``original`` (a :class:`Record` already sent) with the figures of
    ``snapshot`` (same report date and code as the original)."""
    kind = record_type(account.borrower_type, account.id_type)
    base = original.segment("AcctBsSgmt")
    rebuilt = build_record(account, snapshot, month=month)
    if segment_name == "AcctBsInfSgmt":
        corrected = _info_segment(account)
    else:
        corrected = (segment_name, tuple(rebuilt.segment(segment_name).items()))
    head = _segment(
        "Record",
        (
            ("InfRecType", CORRECTION.get(kind, "")),
            ("AcctCode", base.get("AcctCode", "")),
            ("RptDate", base.get("RptDate", "")),
            ("RptDateCode", base.get("RptDateCode", "")),
            ("ModSegId", segment_name),
        ),
    )
    return Record(CORRECTION.get(kind, "212"), (head, corrected))


def build_deletion(original):
    """The deletion (``214``/``414``) of the whole record ``original``."""
    base = original.segment("AcctBsSgmt")
    kind = base.get("InfRecType", original.record_type)
    deletion = DELETION.get(kind, "214")
    head = _segment(
        "Record",
        (
            ("InfRecType", deletion),
            ("AcctCode", base.get("AcctCode", "")),
            ("MngmtOrgCode", base.get("MngmtOrgCode", "")),
            ("DelRptDate", base.get("RptDate", "")),
            ("DelCode", base.get("RptDateCode", "")),
        ),
    )
    return Record(deletion, (head,))


def sort_records(records):
    """Records of a file in order: by report date, account, event order
    (opening first, closing last), corrections and deletions after."""

    def key(record):
        base = record.segment("AcctBsSgmt") or record.segment("Record")
        day = base.get("RptDate") or base.get("DelRptDate", "")
        code = base.get("RptDateCode") or base.get("DelCode", "")
        later = record.record_type not in (PERSONAL, ENTERPRISE)
        return (
            later,
            day,
            base.get("AcctCode", ""),
            event_rank(code),
            record.record_type,
        )

    return sorted(records, key=key)


# ---------------------------------------------------------------------------
# Validation


def _is_date(text):
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _check_amount(text):
    try:
        value = Decimal(text)
    except InvalidOperation:
        return False
    return (
        value.is_finite()
        and value == value.to_integral_value()
        and ZERO <= value < MAX_AMOUNT
    )


def _id_number_ok(kind, id_type, number):
    """Shape of an identity number: 18 characters, digits with a final X for
    a resident card, digits and capitals for a credit code. The check digits
    are verified when the borrower is entered (microloan_base)."""
    if id_type == "10" and kind == PERSONAL:
        return (
            len(number) == 18
            and number[:17].isdigit()
            and number[17] in ("0123456789X")
        )
    if id_type == "10" and kind == ENTERPRISE:
        return len(number) == 18 and number.isalnum() and number == number.upper()
    return 0 < len(number) <= 40


def base_kind(kind):
    """The account record type (210/410) of a record, correction or
    deletion type."""
    for base, other in (*CORRECTION.items(), *DELETION.items()):
        if kind == other:
            return base
    return kind


def _check_fields(record, name, values, expected, issues):
    kind = base_kind(record.record_type)
    optional = OPTIONAL.get(name, set())
    for field_name in expected:
        value = values.get(field_name)
        if value is None or value == "":
            if field_name not in optional:
                issues.append(Issue(record.key, name, field_name, "missing"))
            continue
        if field_name in DATE_FIELDS and not _is_date(value):
            issues.append(Issue(record.key, name, field_name, "bad_date", value))
        elif field_name in AMOUNT_FIELDS and not _check_amount(value):
            issues.append(Issue(record.key, name, field_name, "bad_amount", value))
        elif field_name in COUNT_FIELDS and not (value.isdigit() and len(value) < 6):
            issues.append(Issue(record.key, name, field_name, "bad_number", value))
        elif field_name == "AcctStatus" and value not in STATUS_CODES.get(kind, ()):
            issues.append(Issue(record.key, name, field_name, "bad_code", value))
        elif field_name in CODE_FIELDS and value not in CODE_FIELDS[field_name]:
            issues.append(Issue(record.key, name, field_name, "bad_code", value))
        elif field_name == "IDType" and value not in ID_TYPES.get(kind, {}).values():
            issues.append(Issue(record.key, name, field_name, "bad_code", value))
        elif field_name == "InfRecType" and value != record.record_type:
            issues.append(Issue(record.key, name, field_name, "bad_code", value))
        elif field_name == "Month" and not _is_date(value + "-01"):
            issues.append(Issue(record.key, name, field_name, "bad_date", value))
        elif field_name in ("Name", "AcctCode") and len(value) > MAX_NAME:
            issues.append(Issue(record.key, name, field_name, "too_long", value))
        elif field_name == "MngmtOrgCode" and not (
            value.isalnum() and len(value) == 14
        ):
            issues.append(Issue(record.key, name, field_name, "bad_code", value))
    unknown = set(values) - set(expected)
    for field_name in sorted(unknown):
        issues.append(Issue(record.key, name, field_name, "bad_record", ""))


def validate_record(record):
    """The issues of ``record``: each names the record (account code, report
    date, event code), the segment and the field. Empty when it may be sent."""
    issues = []
    if record.record_type not in RECORD_TYPES:
        return [Issue(record.key, "", "InfRecType", "bad_code", record.record_type)]
    if record.record_type in (PERSONAL, ENTERPRISE):
        layout = SEGMENTS[record.record_type]
        names = [name for name, _fields in record.segments]
        if not names or names[0] != "AcctBsSgmt":
            issues.append(Issue(record.key, "AcctBsSgmt", "", "missing"))
        performance = [
            n for n in names if n in ("AcctMthlyBlgInfSgmt", "AcctDbtInfSgmt")
        ]
        if record.record_type == ENTERPRISE:
            performance = [n for n in names if n == "ActLbltyInfSgmt"]
        if len(performance) != 1:
            issues.append(Issue(record.key, "", "", "bad_record"))
        for name, fields in record.segments:
            if name not in layout:
                issues.append(Issue(record.key, name, "", "bad_record"))
                continue
            _check_fields(record, name, dict(fields), layout[name], issues)
        base = record.segment("AcctBsSgmt")
        _check_id(record, base, issues)
        _check_dates(record, base, issues)
        for name in performance:
            _check_figures(record, name, record.segment(name), issues)
        return issues
    head = record.segment("Record")
    expected = (
        DELETION_FIELDS
        if record.record_type in DELETION.values()
        else (CORRECTION_FIELDS)
    )
    _check_fields(record, "Record", head, expected, issues)
    if record.record_type in CORRECTION.values():
        kind = {v: k for k, v in CORRECTION.items()}[record.record_type]
        segment_name = head.get("ModSegId", "")
        body = [name for name, _fields in record.segments[1:]]
        if body != [segment_name] or segment_name not in SEGMENTS[kind]:
            issues.append(Issue(record.key, segment_name, "ModSegId", "bad_record"))
        else:
            _check_fields(
                record,
                segment_name,
                record.segment(segment_name),
                SEGMENTS[kind][segment_name],
                issues,
            )
            if segment_name in PERFORMANCE_SEGMENTS:
                _check_figures(
                    record, segment_name, record.segment(segment_name), issues
                )
    return issues


def _check_id(record, base, issues):
    kind = base.get("InfRecType", "")
    id_type, number = base.get("IDType", ""), base.get("IDNum", "")
    if id_type and number and not _id_number_ok(kind, id_type, number):
        issues.append(Issue(record.key, "AcctBsSgmt", "IDNum", "bad_id", number))


def _check_dates(record, base, issues):
    report = base.get("RptDate", "")
    info = record.segment("AcctBsInfSgmt")
    opened = info.get("OpenDate", "")
    due = info.get("DueDate", "")
    if _is_date(report) and _is_date(opened) and opened > report:
        issues.append(Issue(record.key, "AcctBsInfSgmt", "OpenDate", "date_order"))
    if _is_date(opened) and _is_date(due) and due < opened:
        issues.append(Issue(record.key, "AcctBsInfSgmt", "DueDate", "date_order"))


def _number(values, field_name):
    """The whole number of a field, or None when absent or not a number."""
    text = values.get(field_name) or ""
    if not (text.isdigit() and len(text) < 16):
        return None
    return int(text)


def _check_figures(record, name, values, issues):
    """The figures of a performance segment agree with each other: the
    buckets of the overdue principal within it, the overdue principal within
    the overdue total, the account status and the repayment status with the
    periods overdue, a closed account without balance and with its closing
    date. Each disagreement is an ``inconsistent`` issue on the field that
    contradicts the others."""

    def issue(field_name):
        issues.append(
            Issue(record.key, name, field_name, "inconsistent", values[field_name])
        )

    overdue_principal = _number(values, "OverdPrinc")
    total = _number(values, "TotOverd")
    if None not in (overdue_principal, total) and overdue_principal > total:
        issue("OverdPrinc")
    buckets = [_number(values, field_name) for field_name, *_days in ARREARS_BUCKETS]
    # Each amount is rounded to the yuan on its own: the buckets may add up to
    # half a yuan more than the overdue principal for each of them and it.
    if (
        name == "AcctMthlyBlgInfSgmt"
        and overdue_principal is not None
        and None not in buckets
        and 2 * (sum(buckets) - overdue_principal) > 1 + sum(map(bool, buckets))
    ):
        issue("OvedPrinc180" if buckets[-1] else "Oved31_60Princ")
    kind = base_kind(record.record_type)
    status = values.get("AcctStatus", "")
    periods = _number(values, "OverdPrd")
    if kind == PERSONAL and periods is not None:
        if (status == PERSONAL_STATUS["normal"] and periods) or (
            status == PERSONAL_STATUS["overdue"] and not periods
        ):
            issue("AcctStatus")
        repayment = values.get("RpyStatus", "")
        if repayment.isdigit() and repayment != str(min(periods, 7)):
            issue("RpyStatus")
        elif repayment in ("N", "*") and periods:
            issue("RpyStatus")
    closed = (kind == PERSONAL and status == PERSONAL_STATUS["closed"]) or (
        kind == ENTERPRISE and status == ENTERPRISE_STATUS["closed"]
    )
    balance_field = "Bal" if kind == ENTERPRISE else "AcctBal"
    if closed and _number(values, balance_field):
        issue(balance_field)
    if closed and "CloseDate" in values and not values["CloseDate"]:
        issue("CloseDate")


def validate_records(records):
    """The issues of every record, in the order of the records."""
    return [issue for record in records for issue in validate_record(record)]


# ---------------------------------------------------------------------------
# The file


def render_file(header, records):
    """The XML file of a reporting period (UTF-8 bytes): a header, then one
    ``InAcctInf`` element per record, its segments as child elements."""
    root = ElementTree.Element("Document")
    head = ElementTree.SubElement(root, "Header")
    for name, value in (
        ("FileVersion", FILE_VERSION),
        ("MngmtOrgCode", header.org_code),
        ("PeriodStart", format_date(header.period_start)),
        ("PeriodEnd", format_date(header.period_end)),
        ("CreateTime", header.created),
        ("RecordCount", str(len(records))),
    ):
        ElementTree.SubElement(head, name).text = value
    for record in records:
        element = ElementTree.SubElement(
            root, "InAcctInf", {"InfRecType": record.record_type}
        )
        for segment_name, fields in record.segments:
            segment = ElementTree.SubElement(element, segment_name)
            for name, value in fields:
                ElementTree.SubElement(segment, name).text = value
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def parse_file(data):
    """Read back a file made by :func:`render_file`: a :class:`PeriodFile`.
    Raises ``ValueError`` on a file that is not one."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ValueError("not an XML file") from error
    head = root.find("Header")
    if root.tag != "Document" or head is None:
        raise ValueError("not a credit-bureau file")

    def text(name):
        return (head.findtext(name) or "").strip()

    try:
        header = Header(
            org_code=text("MngmtOrgCode"),
            period_start=date.fromisoformat(text("PeriodStart")),
            period_end=date.fromisoformat(text("PeriodEnd")),
            created=text("CreateTime"),
            record_count=int(text("RecordCount") or 0),
        )
    except ValueError as error:
        raise ValueError("a bad header") from error
    records = []
    for element in root.findall("InAcctInf"):
        segments = tuple(
            (
                segment.tag,
                tuple((child.tag, (child.text or "").strip()) for child in segment),
            )
            for segment in element
        )
        records.append(Record(element.get("InfRecType", ""), segments))
    if len(records) != header.record_count:
        raise ValueError("the record count does not match")
    return PeriodFile(header, tuple(records))


# ---------------------------------------------------------------------------
# Negative information and its notice


def negative_episode_start(events, day):
    """The first day of the run of negative events of a loan that the event
    on ``day`` belongs to (``None`` when that event is not negative).
    ``events``: the loan's :class:`Event` in any order."""
    ordered = sorted(events, key=lambda event: event.day)
    start = None
    for event in ordered:
        if event.day > day:
            break
        if event.negative:
            start = start or event.day
        else:
            start = None
    return start


def notice_check(events, day, notices, export_day, waiting_days=0):
    """May the negative event of ``day`` be reported in an export made on
    ``export_day``?

    The rule: the borrower must have been sent a notice of this loan dated
    on or after the start of the run of negative events the event belongs to
    (a notice from an earlier default does not cover a new one), at least
    ``waiting_days`` before ``export_day``. A non-negative event is always
    covered. ``notices``: the days notices were sent for the loan.
    """
    start = negative_episode_start(events, day)
    if start is None:
        return NoticeCheck(True, None)
    sent = sorted(notice for notice in notices if notice >= start)
    if not sent:
        return NoticeCheck(False, start)
    earliest = date.fromordinal(sent[0].toordinal() + waiting_days)
    return NoticeCheck(earliest <= export_day, start, earliest)
