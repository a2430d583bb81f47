from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import MicroloanCommon


@tagged("post_install", "-at_install")
class TestCollection(MicroloanCommon):
    """Collection actions (催收) and promises to pay, and their outcome from the
    loan's sub-ledger."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loan = cls._create_loan()
        # Disbursed loans only: skip the approval workflow tested elsewhere.
        cls.loan.write({"state": "active"})
        cls.installment = cls.loan.installment_ids.sorted("sequence")[0]

    def _pay(self, amount, date, kind="repayment"):
        return self.loan._post_transaction(
            kind,
            date,
            amount,
            lines=[
                {
                    "installment_id": self.installment.id,
                    "component": "principal",
                    "amount": amount,
                }
            ],
        )

    def _action(self, user=None, **vals):
        Action = self.env["microloan.collection.action"]
        if user:
            Action = Action.with_user(user).with_company(self.branch_bj)
        return Action.create(
            {
                "loan_id": self.loan.id,
                "date": "2025-03-01",
                "channel": "phone",
                "result": "promise",
                **vals,
            }
        )

    def _promise(self, user=None, **vals):
        Promise = self.env["microloan.collection.promise"]
        if user:
            Promise = Promise.with_user(user).with_company(self.branch_bj)
        return Promise.create(
            {
                "loan_id": self.loan.id,
                "date": "2025-03-01",
                "promised_date": "2025-03-10",
                "promised_amount": 5000.0,
                **vals,
            }
        )

    def test_create_action_and_loan_summary(self):
        action = self._action(
            user=self.officer,
            note="Borrower will pay after the harvest.",
            next_action_date="2025-03-11",
        )
        self.assertRecordValues(
            action,
            [
                {
                    "company_id": self.branch_bj.id,
                    "partner_id": self.borrower.id,
                    "user_id": self.officer.id,
                    "channel": "phone",
                }
            ],
        )
        self._action(user=self.risk, date="2025-03-05", channel="visit")
        self.assertRecordValues(
            self.loan,
            [
                {
                    "collection_action_count": 2,
                    "collection_last_date": action.date.replace(day=5),
                    "collection_next_date": action.next_action_date,
                }
            ],
        )
        opened = self.loan.action_view_collection_actions()
        self.assertEqual(
            self.env[opened["res_model"]].search(opened["domain"]),
            self.loan.collection_action_ids,
        )

    def test_action_form_with_promise(self):
        form_action = self.loan.with_user(self.officer).action_log_collection_action()
        with Form(
            self.env[form_action["res_model"]]
            .with_user(self.officer)
            .with_context(**form_action["context"])
        ) as form:
            form.date = "2025-03-01"
            form.channel = "sms"
            form.result = "promise"
            with form.promise_ids.new() as promise:
                promise.promised_date = "2025-03-10"
                promise.promised_amount = 3000.0
        action = form.save()
        self.assertEqual(action.loan_id, self.loan)
        self.assertRecordValues(
            action.promise_ids,
            [{"loan_id": self.loan.id, "date": action.date, "state": "broken"}],
        )

    def test_bad_input(self):
        with self.assertRefused(ValidationError, "cannot come before the action"):
            self._action(next_action_date="2025-02-01")
        with self.assertRefused(ValidationError, "must be positive"):
            self._promise(promised_amount=0.0)
        with self.assertRefused(ValidationError, "cannot come before the day"):
            self._promise(promised_date="2025-02-28")
        draft = self._create_loan()
        with self.assertRefused(ValidationError, "disbursed loans only"):
            self._action(loan_id=draft.id)
        with self.assertRefused(ValidationError, "disbursed loans only"):
            self._promise(loan_id=draft.id)

    @freeze_time("2025-03-05")
    def test_promise_kept_open_broken(self):
        # Paid before the promise: does not count.
        self._pay(1500.0, "2025-02-28")
        promise = self._promise(promised_amount=2000.0)
        self.assertRecordValues(promise, [{"state": "open", "amount_paid": 0.0}])
        self._pay(1200.0, "2025-03-04")
        self.assertRecordValues(promise, [{"state": "open", "amount_paid": 1200.0}])
        self._pay(800.0, "2025-03-05")
        self.assertRecordValues(promise, [{"state": "kept", "amount_paid": 2000.0}])
        self.assertEqual(self.loan.collection_promise_open, 0.0)

    def test_promise_broken_and_late_payment(self):
        with freeze_time("2025-03-05"):
            promise = self._promise()
            self._pay(1000.0, "2025-03-05")
            self.assertEqual(promise.state, "open")
            self.assertEqual(self.loan.collection_promise_open, 5000.0)
        with freeze_time("2025-03-12"):
            self.env["microloan.collection.promise"]._cron_update_state()
            self.assertRecordValues(
                promise, [{"state": "broken", "amount_paid": 1000.0}]
            )
            # Paying after the promised date does not mend the promise.
            self._pay(4000.0, "2025-03-12")
            self.assertRecordValues(
                promise, [{"state": "broken", "amount_paid": 1000.0}]
            )
            self.assertEqual(self.loan.collection_promise_broken_count, 1)

    @freeze_time("2025-03-05")
    def test_recovery_counts_and_other_loans_do_not(self):
        other = self._create_loan()
        other.write({"state": "active"})
        promise = self._promise(promised_amount=1000.0)
        other._post_transaction(
            "repayment",
            "2025-03-04",
            1000.0,
            lines=[
                {
                    "installment_id": other.installment_ids[0].id,
                    "component": "principal",
                    "amount": 1000.0,
                }
            ],
        )
        self.assertEqual(promise.state, "open")
        self._pay(1000.0, "2025-03-03", kind="recovery")
        self.assertEqual(promise.state, "kept")

    def test_access(self):
        self._action(user=self.officer)
        self._action(user=self.risk)
        self._promise(user=self.officer)
        self._promise(user=self.risk)
        for user in (self.finance, self.auditor, self.approver):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self._action(user=user)
                with self.assertRaises(AccessError):
                    self._promise(user=user)
        action = self._action(user=self.officer)
        self.assertEqual(
            self.env["microloan.collection.action"]
            .with_user(self.auditor)
            .search_count([("loan_id", "=", self.loan.id)]),
            3,
        )
        with self.assertRaises(AccessError):
            action.with_user(self.officer).unlink()
        action.with_user(self.risk).unlink()

    def test_branch_isolation(self):
        action = self._action(user=self.officer)
        promise = self._promise(user=self.officer)
        Action = self.env["microloan.collection.action"].with_user(self.officer_sh)
        Promise = self.env["microloan.collection.promise"].with_user(self.officer_sh)
        self.assertFalse(Action.search([("id", "=", action.id)]))
        self.assertFalse(Promise.search([("id", "=", promise.id)]))
        with self.assertRaises(AccessError):
            Action.browse(action.id).read(["note"])
        # The Shanghai officer cannot log an action on a Beijing loan.
        with self.assertRaises(AccessError):
            Action.with_company(self.branch_sh).create(
                {
                    "loan_id": self.loan.id,
                    "date": "2025-03-01",
                    "channel": "visit",
                    "result": "contacted",
                }
            )
