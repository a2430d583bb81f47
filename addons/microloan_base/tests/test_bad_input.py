from decimal import Decimal

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .lifecycle_common import LifecycleCommon

NAN = float("nan")
INF = float("inf")
# Amounts every money argument refuses: (case name, value).
BAD_AMOUNTS = [
    ("nan", NAN),
    ("inf", INF),
    ("-inf", -INF),
    ("1e308", 1e308),
    ("1e15 unbalances the entry", 1e15),
    ("text number", "100"),
    ("text", "abc"),
    ("true", True),
    ("false", False),
    ("none", None),
    ("dict", {"amount": 100}),
    ("list", [100]),
    ("negative", -5.0),
    ("zero", 0),
    ("sub-cent", 100.005),
    ("decimal nan", Decimal("NaN")),
]
# Dates every date argument refuses.
BAD_DATES = [
    ("month 13", "2026-13-45"),
    ("february 30", "2026-02-30"),
    ("not a date", "not-a-date"),
    ("integer", 20250210),
    ("true", True),
    ("year 9999", "9999-01-01"),
    ("slashes", "2025/02/10"),
    ("dict", {"date": "2025-02-10"}),
    ("float", 1.5),
    ("year 1", "0001-01-01"),
]
# Dates refused where a date is required (missing ones included).
BAD_REQUIRED_DATES = BAD_DATES + [("empty", ""), ("none", None), ("false", False)]
BAD_REFERENCES = [
    ("spaces", "   "),
    ("zero-width", "\u200b\u200b"),
    ("ideographic spaces", "\u3000\u3000"),
    ("integer", 123),
    ("dict", {"ref": "A"}),
    ("too long", "X" * 65),
    ("control character", "A\x00B"),
]


@tagged("post_install", "-at_install")
class TestBadInput(LifecycleCommon):
    """Every bad argument of the servicing API is a translated UserError (or
    ValidationError) that changes nothing, never a traceback."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loan = cls._active_loan()
        cls.loan_2 = cls._active_loan()
        cls.approved = cls._create_loan()
        cls.approved.with_user(cls.officer).with_company(cls.branch_bj).action_submit()
        cls.approved.action_approve()
        revolving = cls._create_revolving_product("BCLX")
        cls.line = cls._create_active_line(revolving)
        cls.line.with_user(cls.finance)._draw(50000.0, cls.d("2025-01-01"))

    def _as(self, records, user):
        return records.with_user(user).with_company(self.branch_bj)

    def _snapshot(self):
        self.env.invalidate_all()
        loans = self.loan | self.loan_2 | self.approved
        return (
            self.env["microloan.loan.transaction"].search_count([]),
            self.env["microloan.loan.installment"].search_count([]),
            self.env["microloan.credit.line.entry"].search_count([]),
            loans.mapped("ledger_version"),
            loans.mapped("write_date"),
            loans.mapped("state"),
            self.line.write_date,
        )

    def _cases(self):
        """``(name, callable)``: each call must be refused."""
        finance = self.finance
        loan = self._as(self.loan, finance)
        approved = self._as(self.approved, finance)
        line = self._as(self.line, finance)
        approver_loan = self._as(self.loan, self.approver)
        risk_loan = self._as(self.loan, self.risk)
        ok_day = "2025-02-10"
        cases = []
        for name, value in BAD_AMOUNTS:
            cases += [
                (
                    f"disburse amount {name}",
                    lambda v=value: approved.disburse(v, ok_day),
                ),
                (
                    f"repayment amount {name}",
                    lambda v=value: loan.register_repayment(v, ok_day),
                ),
                (f"prepay principal {name}", lambda v=value: loan.prepay(v, ok_day)),
                (f"draw amount {name}", lambda v=value: line.draw(v, ok_day)),
                (
                    f"line repayment amount {name}",
                    lambda v=value: line.register_repayment(v, ok_day),
                ),
                (
                    f"recovery amount {name}",
                    lambda v=value: loan.register_recovery(v, ok_day),
                ),
            ]
            if value is not None and value is not False:
                cases.append(
                    (
                        f"refund amount {name}",
                        lambda v=value: loan.refund_credit(ok_day, amount=v),
                    )
                )
        for name, value in BAD_REQUIRED_DATES:
            cases += [
                (
                    f"repayment date {name}",
                    lambda v=value: loan.register_repayment(1, v),
                ),
                (f"disburse date {name}", lambda v=value: approved.disburse(1000, v)),
                (f"payoff date {name}", lambda v=value: loan.payoff(v)),
                (f"quote date {name}", lambda v=value: loan.payoff_quote(v)),
                (f"refund date {name}", lambda v=value: loan.refund_credit(v)),
                (f"draw date {name}", lambda v=value: line.draw(1000, v)),
                (f"line quote date {name}", lambda v=value: line.payoff_quote(v)),
                (
                    f"write-off date {name}",
                    lambda v=value: approver_loan.write_off(v, "Bankrupt"),
                ),
            ]
        for name, value in BAD_DATES:
            cases += [
                (
                    f"rate change date {name}",
                    lambda v=value: approver_loan.change_rate(10.0, v, reason="Deal"),
                ),
                (
                    f"extension date {name}",
                    lambda v=value: approver_loan.extend(
                        extra_periods=3, date=v, reason="Deal"
                    ),
                ),
            ]
        for name, value in BAD_REFERENCES:
            cases += [
                (
                    f"repayment reference {name}",
                    lambda v=value: loan.register_repayment(100, ok_day, reference=v),
                ),
                (
                    f"disburse reference {name}",
                    lambda v=value: approved.disburse(1000, ok_day, reference=v),
                ),
                (
                    f"line reference {name}",
                    lambda v=value: line.register_repayment(100, ok_day, reference=v),
                ),
            ]
        for name, value in [("unknown", "fast"), ("none", None), ("number", 1)]:
            cases.append(
                (
                    f"prepay mode {name}",
                    lambda v=value: loan.prepay(1000, ok_day, mode=v),
                )
            )
        for name, value in [("unknown", "excellent"), ("dict", {}), ("number", 3)]:
            cases.append(
                (
                    f"override tier {name}",
                    lambda v=value: risk_loan.action_override_classification(v, "Why"),
                )
            )
        for name, value in [
            ("text", "two"),
            ("negative", -1),
            ("zero", 0),
            ("fraction", 1.5),
            ("true", True),
            ("huge", 10**9),
        ]:
            cases.append(
                (
                    f"extension periods {name}",
                    lambda v=value: approver_loan.extend(extra_periods=v, reason="x"),
                )
            )
        for name, value in [
            ("text", "high"),
            ("nan", NAN),
            ("inf", INF),
            ("negative", -1.0),
            ("true", True),
        ]:
            cases.append(
                (
                    f"rate change rate {name}",
                    lambda v=value: approver_loan.change_rate(v, ok_day, reason="x"),
                )
            )
        cases += [
            (
                "extension consent text",
                lambda: approver_loan.extend(
                    extra_periods=3, reason="x", guarantor_consent="yes"
                ),
            ),
            ("note dict", lambda: loan.register_repayment(100, ok_day, note={})),
            ("write-off reason dict", lambda: approver_loan.write_off(ok_day, {})),
            (
                "override reason number",
                lambda: risk_loan.action_override_classification("loss", 5),
            ),
            (
                "empty recordset",
                lambda: self._as(
                    self.env["microloan.loan"], finance
                ).register_repayment(100, ok_day),
            ),
            (
                "two loans",
                lambda: self._as(self.loan | self.loan_2, finance).register_repayment(
                    100, ok_day
                ),
            ),
            (
                "empty credit line set",
                lambda: self._as(self.env["microloan.credit.line"], finance).draw(
                    100, ok_day
                ),
            ),
            (
                "two loans quoted",
                lambda: self._as(self.loan | self.loan_2, finance).payoff_quote(ok_day),
            ),
        ]
        return cases

    def test_bad_servicing_input_is_refused_and_changes_nothing(self):
        cases = self._cases()
        self.assertGreaterEqual(len(cases), 100)
        for name, call in cases:
            with self.subTest(name):
                before = self._snapshot()
                with self.assertRaises(UserError) as caught:
                    call()
                self.assertIn(type(caught.exception), (UserError, ValidationError))
                self.assertEqual(self._snapshot(), before)

    def test_bad_loan_values_are_validation_errors(self):
        Loan = self.env["microloan.loan"].with_user(self.officer)
        Loan = Loan.with_company(self.branch_bj)
        draft = self._create_loan(user=self.officer)
        cases = [
            ("term text", {"term": "twelve"}),
            ("term dict", {"term": {}}),
            ("amount text", {"amount": "lots"}),
            ("amount nan", {"amount": NAN}),
            ("rate inf", {"interest_rate": INF}),
            ("frequency unknown", {"frequency": "hourly"}),
            ("frequency dict", {"frequency": {"months": 1}}),
            ("date impossible", {"application_date": "2026-02-30"}),
            ("date year 9999", {"disbursement_date": "9999-01-01"}),
            ("date integer", {"disbursement_date": 20250110}),
        ]
        for name, vals in cases:
            with self.subTest(f"create {name}"):
                with self.assertRaises(ValidationError):
                    Loan.create(self._loan_vals(user_id=self.officer.id, **vals))
            with self.subTest(f"write {name}"):
                with self.assertRaises(ValidationError):
                    draft.write(vals)
        self.assertEqual(draft.term, 12)

    def test_messages_are_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        loan = self._as(self.loan, self.finance).with_context(lang="zh_CN")
        line = self._as(self.line, self.finance).with_context(lang="zh_CN")
        calls = [
            lambda: loan.register_repayment(NAN, "2025-02-10"),
            lambda: loan.register_repayment("abc", "2025-02-10"),
            lambda: loan.register_repayment(100, "2026-02-30"),
            lambda: loan.register_repayment(100, "2025-02-10", reference="  "),
            lambda: loan.prepay(1000, "2025-02-10", mode="fast"),
            lambda: line.draw(True, "2025-02-10"),
            # Refused by the engine: its code reaches the user in Chinese.
            lambda: loan.prepay(10**9 - 1, "2025-01-20"),
        ]
        for index, call in enumerate(calls):
            with self.subTest(index=index):
                with self.assertRaises(UserError) as caught:
                    call()
                message = str(caught.exception)
                self.assertRegex(message, "[\u4e00-\u9fff]")
                self.assertNotRegex(
                    message, r"must|positive|negative|exceeds|outstanding|use "
                )

    def test_engine_refusal_names_field_and_reason_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        loan = self._as(self.loan, self.finance).with_context(lang="zh_CN")
        with self.assertRaises(UserError) as caught:
            loan.prepay(200000.0, "2025-01-20")
        self.assertIn("本金：超过未还本金", str(caught.exception))
