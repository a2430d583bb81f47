"""The servicing API over XML-RPC, as an integration calls it: every method
answers with values XML-RPC can carry (ids, True, dicts of floats and ISO dates),
a retry by reference gives the same id, and bad input is a clean fault."""

import xmlrpc.client

from odoo.tests import HttpCase, get_db_name, tagged

from .lifecycle_common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestServicingRpc(HttpCase, LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product.write(
            {
                "write_off_min_tier": "normal",
                "write_off_min_days_past_due": 0,
                "write_off_requires_evidence": False,
            }
        )
        cls.approved = cls._create_loan()
        cls.approved.with_user(cls.officer).with_company(cls.branch_bj).action_submit()
        cls.approved.action_approve()
        cls.repaid = cls._active_loan()
        cls.prepaid = cls._active_loan()
        cls.paid_off = cls._active_loan()
        cls.written_off = cls._active_loan()
        cls.restructured = cls._active_loan()
        revolving = cls._create_revolving_product("RPCL")
        cls.line = cls._create_active_line(revolving)

    def setUp(self):
        super().setUp()
        self.object = xmlrpc.client.ServerProxy(
            self.xmlrpc_url + "object",
            transport=self.xmlrpc_object._ServerProxy__transport,
            allow_none=True,
        )

    def call(self, user, model, method, ids, *args, **kwargs):
        """``method`` of ``model`` on ``ids`` with ``args``, as ``user``."""
        db = get_db_name()
        # new_test_user's password: the login, padded to 8 characters.
        password = user.login.ljust(8, "x")
        uid = self.xmlrpc_common.authenticate(db, user.login, password, {})
        self.assertEqual(uid, user.id)
        return self.object.execute_kw(
            db, uid, password, model, method, [ids, *args], kwargs
        )

    def loan_call(self, user, loan, method, *args, **kwargs):
        return self.call(user, "microloan.loan", method, [loan.id], *args, **kwargs)

    def transaction(self, transaction_id):
        self.assertIsInstance(transaction_id, int)
        return self.env["microloan.loan.transaction"].browse(transaction_id)

    def test_disburse(self):
        tid = self.loan_call(
            self.finance, self.approved, "disburse", 100000.0, "2025-01-10"
        )
        self.assertRecordValues(
            self.transaction(tid),
            [{"kind": "disbursement", "amount": 100000.0, "loan_id": self.approved.id}],
        )
        self.assertEqual(self.approved.state, "active")

    def test_repayment_and_retry_by_reference(self):
        tid = self.loan_call(
            self.finance,
            self.repaid,
            "register_repayment",
            9000.0,
            "2025-02-10",
            reference=" ｒｐｃ-0001\u200b ",
        )
        self.assertRecordValues(
            self.transaction(tid),
            [{"kind": "repayment", "amount": 9000.0, "reference": "RPC-0001"}],
        )
        count = len(self.repaid.transaction_ids)
        again = self.loan_call(
            self.finance,
            self.repaid,
            "register_repayment",
            9000.0,
            "2025-02-10",
            reference="rpc-0001",
        )
        self.assertEqual(again, tid)
        self.repaid.invalidate_recordset()
        self.assertEqual(len(self.repaid.transaction_ids), count)
        refund = self.loan_call(
            self.finance, self.repaid, "refund_credit", "2025-02-11"
        )
        self.assertRecordValues(
            self.transaction(refund), [{"kind": "refund", "amount": 115.12}]
        )

    def test_quote_prepay_payoff(self):
        quote = self.loan_call(
            self.finance, self.paid_off, "payoff_quote", "2025-01-25"
        )
        self.assertEqual(quote["date"], "2025-01-25")
        self.assertIsInstance(quote["total"], float)
        tid = self.loan_call(
            self.finance, self.paid_off, "payoff", "2025-01-25", reference="PAY-1"
        )
        self.assertEqual(self.transaction(tid).amount, quote["amount_due"])
        self.assertEqual(self.paid_off.state, "closed")
        tid = self.loan_call(
            self.finance,
            self.prepaid,
            "prepay",
            20000.0,
            "2025-01-20",
            mode="shorten_term",
        )
        self.assertEqual(self.transaction(tid).kind, "repayment")

    def test_write_off_and_recovery(self):
        result = self.loan_call(
            self.approver, self.written_off, "write_off", "2025-03-01", "Bankrupt"
        )
        self.assertIn(result, (True, *self.written_off.transaction_ids.ids))
        self.assertEqual(self.written_off.state, "written_off")
        tid = self.loan_call(
            self.finance,
            self.written_off,
            "register_recovery",
            5000.0,
            "2025-03-05",
            reference="REC-1",
        )
        self.assertRecordValues(
            self.transaction(tid), [{"kind": "recovery", "reference": "REC-1"}]
        )

    def test_restructure_and_classification(self):
        self.assertIs(
            self.loan_call(
                self.approver,
                self.restructured,
                "change_rate",
                10.0,
                "2025-01-20",
                reason="Rate cut",
            ),
            True,
        )
        self.assertEqual(self.restructured.interest_rate, 10.0)
        self.assertIs(
            self.loan_call(
                self.risk,
                self.restructured,
                "action_override_classification",
                "substandard",
                "Borrower lost his main customer",
            ),
            True,
        )
        self.assertEqual(self.restructured.manual_tier, "substandard")

    def test_credit_line(self):
        line_call = self.call
        entry_id = line_call(
            self.finance,
            "microloan.credit.line",
            "draw",
            [self.line.id],
            50000.0,
            "2025-01-01",
        )
        entries = self.env["microloan.credit.line.entry"]
        self.assertEqual(entries.browse(entry_id).kind, "draw")
        quote = line_call(
            self.finance,
            "microloan.credit.line",
            "payoff_quote",
            [self.line.id],
            "2025-01-11",
        )
        self.assertEqual(quote["date"], "2025-01-11")
        repay_id = line_call(
            self.finance,
            "microloan.credit.line",
            "register_repayment",
            [self.line.id],
            1000.0,
            "2025-01-11",
            reference="cl-1",
        )
        self.assertEqual(entries.browse(repay_id).reference, "CL-1")

    def test_bad_input_is_a_clean_fault(self):
        count = len(self.repaid.transaction_ids)
        for args in (
            ("abc", "2025-02-10"),
            (100.0, "2026-02-30"),
            (True, "2025-02-10"),
        ):
            with self.subTest(args=args):
                with self.assertRaises(xmlrpc.client.Fault) as caught:
                    self.loan_call(
                        self.finance, self.repaid, "register_repayment", *args
                    )
                fault = caught.exception.faultString
                self.assertNotIn("Traceback", fault.split("\n")[0])
                self.assertRegex(fault, "must be a number|not a date of the calendar")
        self.repaid.invalidate_recordset()
        self.assertEqual(len(self.repaid.transaction_ids), count)
