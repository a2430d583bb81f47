import base64
from datetime import date
from decimal import Decimal

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.microloan_base.tests.lifecycle_common import LifecycleCommon

from microloan_engine import credit_bureau as cb

REPORTING = "microloan_reports.group_microloan_credit_reporting"


@tagged("post_install", "-at_install")
class TestCreditBureau(LifecycleCommon):
    """The credit-bureau (征信) outbox written by the servicing actions, the
    period's export (validated, read back), corrections, the notice before
    negative information, and the branches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.branch_bj.microloan_credit_bureau_code = "B1011000000001"
        cls.branch_sh.microloan_credit_bureau_code = "B3100000000002"
        cls.borrower.email = "zhang.san@example.com"
        cls.borrower_sh.email = "fuzhou@example.com"

        def user(login, companies, company):
            return new_test_user(
                cls.env,
                login=login,
                groups=REPORTING,
                company_id=company.id,
                company_ids=[Command.set(companies.ids)],
            )

        cls.reporter = user("credit_bj", cls.branch_bj, cls.branch_bj)
        cls.reporter_sh = user("credit_sh", cls.branch_sh, cls.branch_sh)
        cls.reporter_ho = user(
            "credit_ho",
            cls.head_office | cls.branch_bj | cls.branch_sh,
            cls.head_office,
        )
        cls.Event = cls.env["microloan.credit.report.event"]

    def events(self, loan, code=None):
        domain = [("loan_id", "=", loan.id)]
        if code:
            domain.append(("event_code", "=", code))
        return self.Event.search(domain, order="event_date, id")

    def export(self, date_from="2025-01-01", date_to="2025-12-31", user=None):
        user = user or self.reporter
        Export = self.env["microloan.credit.report.export"].with_user(user)
        export_id = Export.with_company(user.company_id).export_period(
            user.company_id.id, date_from, date_to
        )
        return Export.browse(export_id)

    def parsed(self, export):
        data = base64.b64decode(export.attachment_id.sudo().datas)
        return cb.parse_file(data)

    def make_overdue(self, loan):
        """Close day by day past the first due date, nothing paid: 1 day past
        due on 2025-02-11, classified special mention, then worse."""
        self._close_each_day(self.d("2025-01-10"), self.d("2025-02-15"))
        self.assertGreater(loan.days_past_due, 0)

    # ------------------------------------------------------------------
    # The outbox, written by the servicing code

    def test_servicing_writes_the_outbox(self):
        loan = self._active_loan()
        opening = self.events(loan)
        self.assertRecordValues(
            opening,
            [
                {
                    "event_code": "10",
                    "event_date": date(2025, 1, 10),
                    "record_type": "210",
                    "account_state": "normal",
                    "balance": 100000.0,
                    "remaining_periods": 12,
                    "negative": False,
                    "state": "pending",
                    "company_id": self.branch_bj.id,
                }
            ],
        )
        first = loan.installment_ids.sorted("due_date")[0]
        self._close_each_day(self.d("2025-01-10"), self.d("2025-02-09"))
        month_end = self.events(loan, "30")
        self.assertRecordValues(
            month_end,
            [
                {
                    "event_date": date(2025, 1, 31),
                    "month": "2025-01",
                    "due_amount": 0.0,
                    "paid_amount": 0.0,
                    "settlement_date": False,
                }
            ],
        )
        transaction_id = loan.register_repayment(
            first.amount, "2025-02-10", reference="BANK-1"
        )
        # A retry of the same payment is not reported twice.
        self.assertEqual(
            loan.register_repayment(first.amount, "2025-02-10", reference="BANK-1"),
            transaction_id,
        )
        repayment = self.events(loan, "33")
        self.assertRecordValues(
            repayment,
            [
                {
                    "event_date": date(2025, 2, 10),
                    "transaction_id": transaction_id,
                    "last_payment_date": date(2025, 2, 10),
                    "last_payment_amount": first.amount,
                    "remaining_periods": 11,
                    "balance": loan.principal_outstanding,
                }
            ],
        )
        self._close(self.d("2025-02-10"))
        self.assertRecordValues(
            self.events(loan, "32"),
            [{"event_date": date(2025, 2, 10), "overdue_periods": 0}],
        )

        loan.with_user(self.risk).action_override_classification(
            "special_mention", "Business slowing down"
        )
        self.assertRecordValues(
            self.events(loan, "41"), [{"risk_tier": "special_mention"}]
        )
        loan.with_user(self.approver).extend(
            extra_periods=3, date=self.d("2025-02-20"), reason="Harvest delayed"
        )
        self.assertRecordValues(
            self.events(loan, "42"),
            [{"event_date": date(2025, 2, 20), "remaining_periods": 14}],
        )
        loan.payoff("2025-02-25")
        self.assertEqual(loan.state, "closed")
        self.assertRecordValues(
            self.events(loan, "20"),
            [{"account_state": "closed", "balance": 0.0}],
        )
        self.assertEqual(len(self.events(loan, "33")), 2)
        codes = [e.event_code for e in self.events(loan)]
        self.assertEqual(codes.count("10"), 1)

    def test_enterprise_loan_and_tranches(self):
        loan = self._active_loan_sh()
        self.assertRecordValues(self.events(loan), [{"record_type": "410"}])
        self._close_each_day(self.d("2025-01-10"), self.d("2025-02-01"), self.branch_sh)
        # No monthly performance for an enterprise.
        self.assertFalse(self.events(loan, "30"))

        tranches = self._create_loan()
        tranches.with_user(self.officer).with_company(self.branch_bj).action_submit()
        tranches.action_approve()
        tranches.disburse(60000.0, "2025-01-10")
        tranches.disburse(40000.0, "2025-01-20")
        self.assertRecordValues(
            self.events(tranches),
            [
                {"event_code": "10", "balance": 60000.0},
                {"event_code": "31", "balance": 100000.0},
            ],
        )
        record = self.events(tranches, "10")._build_record()
        self.assertEqual(record.segment("AcctBsInfSgmt")["Flag"], "1")
        self.assertEqual(cb.validate_record(record), [])

    def test_backfill_opens_the_outbox_of_running_loans(self):
        loan = self._active_loan()
        self.assertFalse(self.Event._backfill(self.branch_bj))
        # A loan disbursed before the module was installed has no event.
        self.env.cr.execute(
            "DELETE FROM microloan_credit_report_event WHERE loan_id = %s", [loan.id]
        )
        self.Event.invalidate_model()
        events = self.Event._backfill(self.branch_bj)
        self.assertRecordValues(
            events,
            [{"loan_id": loan.id, "event_code": "10", "balance": 100000.0}],
        )
        self.assertEqual(
            events._build_record().segment("AcctBsInfSgmt")["OpenDate"], "2025-01-10"
        )

    def test_write_off_and_recovery(self):
        loan = self._active_loan()
        self._close(self.d("2025-05-31"))
        loan.with_user(self.approver).write_off(
            self.d("2025-06-01"), "Borrower deceased", "Death certificate 42"
        )
        self.assertRecordValues(
            self.events(loan, "49"),
            [
                {
                    "event_date": date(2025, 6, 1),
                    "account_state": "written_off",
                    "negative": True,
                }
            ],
        )
        record = self.events(loan, "49")._build_record()
        self.assertEqual(record.segment("AcctDbtInfSgmt")["AcctStatus"], "4")
        self.assertEqual(record.segment("AcctDbtInfSgmt")["RpyStatus"], "G")
        loan.register_recovery(1000.0, "2025-06-10")
        self.assertRecordValues(
            self.events(loan, "33"),
            [{"event_date": date(2025, 6, 10), "last_payment_amount": 1000.0}],
        )

    def test_arrears_and_codes_come_from_the_engine(self):
        loan = self._active_loan()
        # Nothing paid: on 2025-03-31 the first installment is 49 days
        # overdue (bucket 31-60), the second 21 (overdue, in no bucket).
        self._close(self.d("2025-03-31"))
        first, second = loan.installment_ids.sorted("due_date")[:2]
        # the close caught up January and February's month ends too
        month_end = self.events(loan, "30").filtered(
            lambda event: event.event_date == date(2025, 3, 31)
        )
        dues = self.Event._engine_dues(loan)[loan.id]
        arrears = cb.arrears(dues, date(2025, 3, 31))
        self.assertEqual(arrears.overdue_periods, 2)
        self.assertEqual(arrears.days_past_due, 49)
        self.assertEqual(arrears.remaining_periods, 12)
        self.assertRecordValues(
            month_end,
            [
                {
                    "event_date": date(2025, 3, 31),
                    "account_state": "overdue",
                    "days_past_due": 49,
                    "overdue_periods": 2,
                    "remaining_periods": 12,
                    "overdue_principal": first.principal + second.principal,
                    "overdue_principal_31_60": first.principal,
                    "overdue_principal_61_90": 0.0,
                    "overdue_principal_91_180": 0.0,
                    "overdue_principal_over_180": 0.0,
                    "negative": True,
                }
            ],
        )
        self.assertGreaterEqual(
            month_end.overdue_total,
            first.principal + second.principal + first.interest + second.interest,
        )
        record = month_end._build_record()
        monthly = record.segment("AcctMthlyBlgInfSgmt")
        self.assertEqual(
            (monthly["AcctStatus"], monthly["RpyStatus"], monthly["OverdPrd"]),
            ("2", "2", "2"),
        )
        self.assertEqual(
            monthly["Oved31_60Princ"],
            cb.format_amount(Decimal(str(first.principal))),
        )
        self.assertEqual(monthly["FiveCate"], cb.tier_code(loan.risk_tier))
        self.assertEqual(cb.validate_record(record), [])
        # paid on 2025-04-01: the arrears are gone, the account normal again
        loan.register_repayment(
            first.amount_residual + second.amount_residual + 5000.0, "2025-04-01"
        )
        repayment = self.events(loan, "33")
        self.assertRecordValues(
            repayment,
            [
                {
                    "account_state": "normal",
                    "overdue_periods": 0,
                    "days_past_due": 0,
                    "overdue_principal": 0.0,
                    "overdue_principal_31_60": 0.0,
                    "remaining_periods": 10,
                }
            ],
        )

    def test_figures_that_disagree_are_not_exported(self):
        loan = self._active_loan()
        self._close(self.d("2025-03-31"))
        self.env["microloan.credit.report.notice"].with_user(
            self.reporter
        ).notify_loans([loan.id])
        export = self.export(date_to="2025-03-31")
        month_end = self.events(loan, "30").filtered(
            lambda event: event.event_date == date(2025, 3, 31)
        )
        self.assertIn(month_end, export.event_ids)
        # a correction saying no period is overdue on an overdue account
        correction = (
            self.env["microloan.credit.report.correction"]
            .with_user(self.reporter)
            .create(
                {
                    "event_id": month_end.id,
                    "kind": "correct",
                    "segment": "performance",
                    "reason": "Periods keyed wrong",
                    "overdue_periods": 0,
                }
            )
        )
        with self.assertRefused(
            UserError,
            rf"{loan.name}/2025-03-31/30, AcctMthlyBlgInfSgmt.AcctStatus: "
            "disagrees with the other figures",
        ):
            self.export(date_to="2025-03-31")
        self.assertEqual(correction.state, "draft")
        # an overdue principal below its buckets
        correction.with_user(self.reporter).write(
            {"overdue_periods": 2, "overdue_principal": 1.0}
        )
        with self.assertRefused(UserError, "Oved31_60Princ: disagrees"):
            self.export(date_to="2025-03-31")
        correction.with_user(self.reporter).write(
            {"overdue_principal": month_end.overdue_principal}
        )
        export = self.export(date_to="2025-03-31")
        self.assertEqual(export.correction_ids, correction)

    # ------------------------------------------------------------------
    # The export

    def test_export_validates_and_round_trips(self):
        loan = self._active_loan()
        loan_sh = self._active_loan_sh()
        first = loan.installment_ids.sorted("due_date")[0]
        self._close_each_day(self.d("2025-01-10"), self.d("2025-02-09"))
        loan.register_repayment(first.amount, "2025-02-10")
        export = self.export()
        events = self.events(loan)
        self.assertEqual(export.event_ids, events)
        self.assertEqual(set(events.mapped("state")), {"exported"})
        self.assertEqual(self.events(loan_sh).state, "pending")
        parsed = self.parsed(export)
        self.assertEqual(parsed.header.org_code, "B1011000000001")
        self.assertEqual(parsed.header.record_count, 3)
        self.assertEqual(export.record_count, 3)
        self.assertEqual(
            parsed.records, tuple(cb.sort_records(e._build_record() for e in events))
        )
        self.assertEqual(cb.validate_records(parsed.records), [])
        opening, month_end, repayment = parsed.records
        base = opening.segment("AcctBsSgmt")
        self.assertEqual(
            (base["AcctCode"], base["RptDateCode"], base["IDNum"], base["Name"]),
            (loan.name, "10", self.borrower.microloan_id_number, "Zhang San"),
        )
        self.assertEqual(opening.segment("AcctBsInfSgmt")["LoanAmt"], "100000")
        self.assertEqual(month_end.segment("AcctMthlyBlgInfSgmt")["Month"], "2025-01")
        self.assertEqual(
            repayment.segment("AcctDbtInfSgmt")["AcctBal"],
            cb.format_amount(Decimal(str(loan.principal_outstanding))),
        )
        # Sent once: a second export of the period has nothing new.
        with self.assertRefused(UserError, "Nothing to report"):
            self.export()

    def test_validation_names_the_record_and_field(self):
        loan = self._active_loan()
        self.borrower.name = "Zhang San " * 10
        with self.assertRefused(
            UserError, rf"{loan.name}/2025-01-10/10, AcctBsSgmt.Name: is too long"
        ):
            self.export()
        self.assertEqual(self.events(loan).state, "pending")
        self.assertFalse(
            self.env["microloan.credit.report.export"]
            .with_user(self.reporter)
            .search([])
        )
        self.branch_bj.microloan_credit_bureau_code = False
        with self.assertRefused(UserError, "institution code"):
            self.export()

    # ------------------------------------------------------------------
    # Negative information

    def test_negative_information_waits_for_the_notice(self):
        loan = self._active_loan()
        self.make_overdue(loan)
        negative = self.events(loan).filtered("negative")
        self.assertTrue(negative)
        export = self.export()
        self.assertEqual(export.held_event_ids, negative)
        self.assertEqual(set(negative.mapped("state")), {"pending"})
        self.assertFalse(export.event_ids & negative)

        notice_ids = (
            self.env["microloan.credit.report.notice"]
            .with_user(self.reporter)
            .notify_loans([loan.id])
        )
        notice = self.env["microloan.credit.report.notice"].browse(notice_ids)
        self.assertRecordValues(
            notice,
            [
                {
                    "loan_id": loan.id,
                    "partner_id": self.borrower.id,
                    "sent_by_id": self.reporter.id,
                    "days_past_due": loan.days_past_due,
                }
            ],
        )
        self.assertIn(self.borrower, notice.message_id.partner_ids)
        self.assertIn(loan.name, notice.message_id.subject)
        self.assertEqual(notice.message_id.res_id, loan.id)

        # With a waiting period after the notice, still held.
        self.branch_bj.microloan_credit_notice_days = 7
        with self.assertRefused(UserError, "Nothing to report"):
            self.export()
        self.branch_bj.microloan_credit_notice_days = 0
        export = self.export()
        self.assertEqual(export.event_ids, negative)
        self.assertFalse(export.held_event_ids)

    def test_notice_needs_the_role_and_an_email(self):
        loan = self._active_loan()
        Notice = self.env["microloan.credit.report.notice"]
        with self.assertRefused(AccessError, "credit-reporting officer"):
            Notice.with_user(self.finance).notify_loans([loan.id])
        self.borrower.email = False
        with self.assertRefused(UserError, "no email"):
            Notice.with_user(self.reporter).notify_loans([loan.id])
        self.assertFalse(Notice.with_user(self.reporter).search([]))

    # ------------------------------------------------------------------
    # Corrections

    def test_corrections_are_sent_and_traced(self):
        loan = self._active_loan()
        self.export()
        opening = self.events(loan, "10")
        Correction = self.env["microloan.credit.report.correction"]
        correction = Correction.with_user(self.reporter).create(
            {
                "event_id": opening.id,
                "kind": "correct",
                "segment": "performance",
                "reason": "Balance keyed wrong",
                "balance": 99000.0,
            }
        )
        self.assertEqual(correction.remaining_periods, 12)
        deletion = Correction.with_user(self.reporter).create(
            {"event_id": opening.id, "kind": "delete", "reason": "Sent twice"}
        )
        export = self.export()
        self.assertEqual(export.correction_ids, correction | deletion)
        self.assertEqual(set((correction | deletion).mapped("state")), {"exported"})
        fix, removal = self.parsed(export).records
        self.assertEqual(fix.record_type, "212")
        self.assertEqual(fix.segment("Record")["ModSegId"], "AcctDbtInfSgmt")
        self.assertEqual(fix.segment("Record")["RptDate"], "2025-01-10")
        self.assertEqual(fix.segment("AcctDbtInfSgmt")["AcctBal"], "99000")
        self.assertEqual(removal.record_type, "214")
        self.assertEqual(removal.segment("Record")["DelCode"], "10")
        self.assertEqual(opening.correction_ids, correction | deletion)
        with self.assertRefused(UserError, "already sent"):
            correction.with_user(self.reporter).write({"reason": "Other"})
        with self.assertRefused(UserError, "already sent"):
            correction.with_user(self.reporter).unlink()

    def test_finance_opens_an_event_that_has_corrections(self):
        """Finance reads the events, not the exports and corrections: the
        event's form opens for it without them (it raised an access error)."""
        loan = self._active_loan()
        self.export()
        opening = self.events(loan, "10")
        self.env["microloan.credit.report.correction"].with_user(self.reporter).create(
            {"event_id": opening.id, "kind": "delete", "reason": "Sent twice"}
        )
        Event = self.env["microloan.credit.report.event"].with_user(self.finance)

        def form_fields(model):
            """The fields of the form as the web client reads them: those in
            its arch (not in the lists of its x2many fields)."""
            arch = etree.fromstring(
                model.get_views([(False, "form")])["views"]["form"]["arch"]
            )
            return {
                node.get("name")
                for node in arch.iter("field")
                if not any(parent.tag == "field" for parent in node.iterancestors())
            }

        fields = form_fields(Event)
        self.assertNotIn("correction_ids", fields)
        self.assertNotIn("export_id", fields)
        spec = {
            name: {"fields": {"display_name": {}}}
            if Event._fields[name].type == "many2one"
            else {}
            for name in fields
        }
        [values] = Event.browse(opening.id).web_read(spec)
        self.assertEqual(values["id"], opening.id)
        # The credit reporter sees them.
        self.assertIn("correction_ids", form_fields(Event.with_user(self.reporter)))

    def test_only_sent_events_are_corrected(self):
        loan = self._active_loan()
        Correction = self.env["microloan.credit.report.correction"]
        with self.assertRefused(UserError, "already sent can be corrected"):
            Correction.with_user(self.reporter).create(
                {"event_id": self.events(loan).id, "reason": "x"}
            )
        self.export()
        with self.assertRefused(AccessError, "credit-reporting officer"):
            Correction.with_user(self.finance).create(
                {"event_id": self.events(loan).id, "reason": "x"}
            )
        with self.assertRefused(ValidationError, "negative"):
            Correction.with_user(self.reporter).create(
                {"event_id": self.events(loan).id, "reason": "x", "balance": -1}
            )

    # ------------------------------------------------------------------
    # Branches

    def test_branch_isolation(self):
        loan = self._active_loan()
        loan_sh = self._active_loan_sh()
        Event = self.Event.with_user(self.reporter_sh)
        self.assertEqual(Event.search([]), self.events(loan_sh))
        self.assertEqual(
            self.Event.with_user(self.reporter_ho)
            .with_context(allowed_company_ids=self.reporter_ho.company_ids.ids)
            .search([("loan_id", "in", (loan | loan_sh).ids)]),
            self.events(loan) | self.events(loan_sh),
        )
        Export = self.env["microloan.credit.report.export"].with_user(self.reporter_sh)
        with self.assertRefused(AccessError, "branch you work in"):
            Export.export_period(self.branch_bj.id, "2025-01-01", "2025-12-31")
        export = self.export(user=self.reporter_sh)
        self.assertEqual(export.event_ids, self.events(loan_sh))
        self.assertEqual(self.parsed(export).records[0].record_type, "410")
        self.assertFalse(
            self.env["microloan.credit.report.export"]
            .with_user(self.reporter)
            .search([])
        )
        with self.assertRaises(AccessError):
            self.env["microloan.credit.report.correction"].with_user(
                self.reporter
            ).create({"event_id": self.events(loan_sh).id, "reason": "x"})
        with self.assertRaises(AccessError):
            self.env["microloan.credit.report.notice"].with_user(
                self.reporter
            ).notify_loans([loan_sh.id])
        # Head office exports each branch.
        export_id = (
            self.env["microloan.credit.report.export"]
            .with_user(self.reporter_ho)
            .with_context(allowed_company_ids=self.reporter_ho.company_ids.ids)
            .export_period(self.branch_bj.id, "2025-01-01", "2025-12-31")
        )
        self.assertEqual(
            self.env["microloan.credit.report.export"].browse(export_id).event_ids,
            self.events(loan),
        )

    # ------------------------------------------------------------------
    # Bad input

    def test_bad_input_changes_nothing(self):
        loan = self._active_loan()
        Export = self.env["microloan.credit.report.export"].with_user(self.reporter)
        bj = self.branch_bj.id
        for args, message in [
            (("x", "2025-01-01", "2025-12-31"), "whole number"),
            ((bj, "2025-02-30", "2025-12-31"), "."),
            ((bj, "2025-12-31", "2025-01-01"), "start date is after"),
            ((bj, "2025-01-01", "2999-01-01"), "after today"),
            ((bj, float("nan"), "2025-12-31"), "."),
            ((bj, None, "2025-12-31"), "missing"),
        ]:
            with self.subTest(args=args), self.assertRefused(UserError, message):
                Export.export_period(*args)
        with self.assertRefused(AccessError, "credit-reporting officer"):
            self.env["microloan.credit.report.export"].with_user(
                self.finance
            ).export_period(bj, "2025-01-01", "2025-12-31")
        Notice = self.env["microloan.credit.report.notice"].with_user(self.reporter)
        for value in ("1", [True], [-1], [loan.id + 10**6], None):
            with self.subTest(value=value), self.assertRaises(UserError):
                Notice.notify_loans(value)
        with self.assertRefused(AccessError, "servicing actions only"):
            self.Event.with_user(self.reporter).create(
                {"loan_id": loan.id, "event_code": "10", "event_date": "2025-01-10"}
            )
        with self.assertRefused(AccessError, "servicing actions only"):
            self.events(loan).with_user(self.reporter).write({"state": "exported"})
        with self.assertRefused(ValidationError, "14 letters"):
            self.branch_bj.microloan_credit_bureau_code = "ABC"
        self.assertEqual(self.events(loan).state, "pending")
        self.assertFalse(Export.search([]))

    def test_wizard_exports_the_period(self):
        self._active_loan()
        wizard = (
            self.env["microloan.credit.report.period"]
            .with_user(self.reporter)
            .with_company(self.branch_bj)
            .create({"date_from": "2025-01-01", "date_to": "2025-01-31"})
        )
        self.assertEqual(wizard.company_id, self.branch_bj)
        action = wizard.action_export()
        export = self.env["microloan.credit.report.export"].browse(action["res_id"])
        self.assertEqual(export.record_count, 1)
        self.assertTrue(export.attachment_id.name.endswith(".xml"))
        with self.assertRaises(ValidationError):
            wizard.write({"date_from": "2025-02-01"})

    def test_events_inserted_as_the_orm_creates_them(self):
        """The events are inserted at once (_insert_events, a thousand at a
        month end): the rows are those the ORM creates, field by field: a
        month-end performance and an event of a repayment."""
        loan = self._active_loan()
        self._close_each_day(self.d("2025-01-10"), self.d("2025-02-09"))
        transaction = self.env["microloan.loan.transaction"].browse(
            loan.register_repayment(5000.0, self.d("2025-02-10"))
        )
        day = self.d("2025-02-28")
        months = {
            loan: {
                "month": "2025-02",
                "settlement_date": self.d("2025-02-10"),
                "due_amount": 8884.88,
                "paid_amount": 5000.0,
            }
        }
        Event = self.Event.sudo()
        cases = [
            Event._prepare_record_vals(loan, "30", day, months=months),
            Event._prepare_record_vals(
                loan, "49", transaction.date, {loan: transaction}
            ),
        ]

        def row(events):
            self.env.flush_all()
            self.env.cr.execute(
                "SELECT * FROM microloan_credit_report_event WHERE id = ANY(%s)",
                [events.ids],
            )
            names = [description.name for description in self.env.cr.description]
            (values,) = self.env.cr.fetchall()
            return dict(zip(names, values, strict=True))

        for vals_list in cases:
            # The ORM's event rolled back: a transaction is reported once.
            with self.env.cr.savepoint() as savepoint:
                orm_row = row(Event.create([dict(vals) for vals in vals_list]))
                savepoint.rollback()
            self.env.invalidate_all()
            inserted = Event.browse(Event._insert_events([dict(v) for v in vals_list]))
            for name, value in row(inserted).items():
                if name != "id":
                    self.assertEqual(value, orm_row[name], name)
            self.assertIn(inserted, self.events(loan))
        with self.assertRaises(AccessError):
            self.Event.with_user(self.reporter)._insert_events(cases[0])
