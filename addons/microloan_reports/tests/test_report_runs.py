"""Report runs: a long report built in the background by the scheduled action
or by a queue_job job (the same code path), as the user who asked for it; its
XLSX opens with openpyxl and its totals equal the sub-ledger and the general
ledger; each branch sees its own runs and files; the ledger costs one query
per batch of loans."""

import base64
import io
from datetime import date

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ReportsCommon

USE_CRON = "microloan_reports.report_runs_use_cron"


@tagged("post_install", "-at_install")
class TestReportRuns(ReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.company_ids |= cls.branch_bj | cls.branch_sh
        cls.env["account.chart.template"].try_loading(
            "generic_coa", cls.head_office, install_demo=False
        )
        (cls.branch_bj | cls.branch_sh).action_microloan_default_accounts()
        cls.loan = cls._active_loan()
        cls.loan_2 = cls._active_loan(amount=50000.0, term=6)
        cls.loan_3 = cls._active_loan(amount=20000.0, term=3)
        cls.loan_sh = cls._active_loan_sh()
        finance = cls.finance_user
        cls.loan.with_user(finance).register_repayment(8884.88, "2025-02-10")
        cls.loan.with_user(finance).register_repayment(5000.00, "2025-03-15")
        cls.loan_2.with_user(finance).register_repayment(3000.00, "2025-02-10")
        cls.Run = cls.env["microloan.report.run"]

    def setUp(self):
        super().setUp()
        # The run writes its progress and result through cursors of its own:
        # in the test, they are the test's transaction.
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        self.env["ir.config_parameter"].set_param(USE_CRON, "True")

    # -- helpers -------------------------------------------------------------

    def request(self, user, kind="ledger", **values):
        values.setdefault("date_from", "2025-01-01")
        values.setdefault("date_to", "2025-03-31")
        model = (
            "microloan.loan.ledger.export"
            if kind == "ledger"
            else "microloan.balance.accumulation"
        )
        wizard = self.env[model].with_user(user).with_company(user.company_id)
        action = wizard.create(values).action_run_in_background()
        run = self.Run.browse(action["res_id"])
        self.assertEqual(run.state, "queued")
        return run

    def workbook(self, run):
        run.invalidate_recordset()
        self.assertEqual(run.state, "done", run.error)
        self.assertEqual(run.progress, 100)
        raw = base64.b64decode(run.attachment_id.datas)
        sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        return sheet, values[0], values[1:-1], values[-1]

    def ledger_balances(self, loans, on):
        subledger = loans._get_subledger_balances(on)
        ledger = loans._get_ledger_balances(on)
        return (
            sum(subledger[loan.id]["principal"] for loan in loans),
            sum(ledger[loan.id]["principal"] for loan in loans),
        )

    # -- the two code paths ------------------------------------------------

    def test_cron_path_builds_the_ledger(self):
        run = self.request(self.officer, company_ids=[Command.set(self.branch_bj.ids)])
        self.assertEqual(run.dispatch, "cron")
        self.assertEqual(run.user_id, self.officer)
        self.assertEqual(run.company_id, self.branch_bj)
        # the scheduled action, as its own user, builds it as the requester
        self.assertEqual(self.Run._cron_execute(), run.ids)
        sheet, header, rows, total = self.workbook(run)
        self.assertEqual(sheet.freeze_panes, "A2")
        loans = self.loan | self.loan_2 | self.loan_3
        self.assertEqual({row[1] for row in rows}, set(loans.mapped("name")))
        column = header.index("Principal Balance")
        subledger, ledger = self.ledger_balances(loans, date(2025, 3, 31))
        self.assertAlmostEqual(total[column], subledger, places=2)
        self.assertAlmostEqual(total[column], ledger, places=2)
        repaid = loans.transaction_ids.filtered(lambda t: t.kind == "repayment")
        self.assertAlmostEqual(
            total[column], 170000.0 - sum(repaid.mapped("principal_amount")), 2
        )
        self.assertAlmostEqual(total[header.index("Amount")], 170000.0, places=2)
        self.assertEqual(total[0], "Total")
        self.assertEqual(sheet.cell(row=2, column=column + 1).number_format, "#,##0.00")
        # each loan's balance is its own sub-ledger's
        balances = loans._get_subledger_balances(date(2025, 3, 31))
        for row in rows:
            loan = loans.filtered(lambda x, name=row[1]: x.name == name)
            self.assertAlmostEqual(row[column], balances[loan.id]["principal"], 2)
        self.assertEqual((run.done_count, run.total_count), (3, 3))
        # done: the requester is notified, the file is the run's
        self.assertIn(self.officer.partner_id, run.message_ids.notified_partner_ids)
        self.assertEqual(run.attachment_id.res_model, "microloan.report.run")
        self.assertEqual(run.attachment_id.res_id, run.id)
        action = run.with_user(self.officer).action_download()
        self.assertIn(f"/web/content/{run.attachment_id.id}", action["url"])
        # a run done is not built again
        self.assertEqual(self.Run._cron_execute(), [])

    def test_job_path_builds_the_ledger(self):
        if "queue.job" not in self.env:
            self.skipTest("queue_job is not installed")
        from odoo.addons.microloan_queue.tests.common import trap_jobs

        self.env["ir.config_parameter"].set_param(USE_CRON, "False")
        with trap_jobs() as trap:
            run = self.request(self.officer)
            self.assertEqual(run.dispatch, "job")
            trap.assert_jobs_count(1, only=run._execute)
            job = trap.enqueued_jobs[0]
            self.assertEqual(job.user_id, self.officer.id)
            trap.perform_enqueued_jobs()
        # the scheduled action leaves the job's runs alone
        self.assertEqual(self.Run._cron_execute(), [])
        _sheet, header, rows, total = self.workbook(run)
        loans = self.loan | self.loan_2 | self.loan_3
        self.assertEqual({row[1] for row in rows}, set(loans.mapped("name")))
        subledger, ledger = self.ledger_balances(loans, date(2025, 3, 31))
        self.assertAlmostEqual(total[header.index("Principal Balance")], subledger, 2)
        self.assertAlmostEqual(total[header.index("Principal Balance")], ledger, 2)

    def test_other_ledgers_in_the_background(self):
        run = self.request(
            self.officer,
            ledger="repayments",
            date_from="2025-02-01",
            date_to="2025-02-28",
        )
        self.Run._cron_execute()
        _sheet, header, rows, total = self.workbook(run)
        self.assertEqual(len(rows), 2)
        self.assertAlmostEqual(total[header.index("Amount")], 11884.88, places=2)
        self.assertAlmostEqual(total[header.index("Principal")], 10384.88, places=2)

    def test_accumulation_of_a_year(self):
        run = self.request(
            self.officer,
            kind="accumulation",
            date_from="2025-01-01",
            date_to="2025-12-31",
            granularity="month",
        )
        self.Run._cron_execute()
        _sheet, header, rows, total = self.workbook(run)
        # the same figures as the pivot's lines
        wizard = (
            self.env["microloan.balance.accumulation"]
            .with_user(self.officer)
            .with_company(self.branch_bj)
            .create(
                {
                    "date_from": "2025-01-01",
                    "date_to": "2025-12-31",
                    "granularity": "month",
                }
            )
        )
        lines = self.env["microloan.balance.accumulation.line"]._build(wizard)
        self.assertEqual(len(rows), len(lines))
        self.assertEqual({row[1] for row in rows}, set(lines.loan_id.mapped("name")))
        self.assertEqual(len(lines.loan_id), 3)
        accumulation = sum(lines.mapped("accumulation"))
        column = header.index("Balance Accumulation")
        self.assertAlmostEqual(total[column], accumulation, places=2)
        self.assertAlmostEqual(
            total[header.index("Daily Average Balance")], accumulation / 365, places=2
        )
        # the first loan in January: 100,000 from the 10th to the 31st
        january = [
            row
            for row in rows
            if row[1] == self.loan.name and row[header.index("Period")].month == 1
        ]
        self.assertAlmostEqual(january[0][column], 100000.0 * 22, places=2)
        # the lines were written and dropped
        self.assertFalse(
            self.env["microloan.balance.accumulation.line"].search(
                [
                    ("wizard_id.create_uid", "=", self.officer.id),
                    ("id", "not in", lines.ids),
                ]
            )
        )

    def test_a_failed_run_says_why(self):
        # in the requester's language, whatever the call's
        self.officer.lang = "zh_CN"
        run = self.request(self.officer)
        self.assertIn("2025-01-01 至 2025-03-31", run.name)
        # the officer moves to Shanghai before the run: no longer Beijing's data
        self.officer.write(
            {
                "company_ids": [Command.set(self.branch_sh.ids)],
                "company_id": self.branch_sh.id,
            }
        )
        self.Run._cron_execute()
        run.invalidate_recordset()
        self.assertEqual(run.state, "failed")
        self.assertTrue(run.error)
        self.assertFalse(run.attachment_id)
        self.assertIn(self.officer.partner_id, run.message_ids.notified_partner_ids)
        self.assertIn("运行失败", run.message_ids[0].body)

    # -- branch isolation --------------------------------------------------

    def test_each_branch_sees_its_own_runs(self):
        run = self.request(self.officer)
        self.Run._cron_execute()
        run.invalidate_recordset()
        run_sh = self.request(self.officer_sh)
        self.Run._cron_execute()
        _sheet, _header, rows, _total = self.workbook(run_sh)
        self.assertEqual([row[1] for row in rows], [self.loan_sh.name])
        Run = self.Run
        self.assertEqual(Run.with_user(self.officer).search([]), run)
        self.assertEqual(Run.with_user(self.officer_sh).search([]), run_sh)
        with self.assertRaises(AccessError):
            run.with_user(self.officer_sh).read(["name"])
        with self.assertRaises(AccessError):
            run.attachment_id.with_user(self.officer_sh).read(["raw"])
        # head office's administrator sees every branch's runs
        self.assertEqual(Run.with_user(self.admin).search([]), run | run_sh)
        # no client writes a run
        with self.assertRaises(AccessError):
            run.with_user(self.officer).write({"state": "queued"})
        with self.assertRaises(AccessError):
            Run.with_user(self.officer).create(
                {
                    "name": "x",
                    "kind": "ledger",
                    "company_id": self.branch_bj.id,
                    "user_id": self.officer.id,
                    "date_from": "2025-01-01",
                    "date_to": "2025-01-31",
                }
            )

    def test_a_branch_cannot_run_another_branchs_data(self):
        with self.assertRaises(AccessError):
            self.request(self.officer_sh, company_ids=[Command.set(self.branch_bj.ids)])
        # a user of both branches: their run of both is not Beijing's alone
        both = new_test_user(
            self.env,
            login="manager_both",
            groups="microloan_base.group_microloan_officer",
            company_id=self.branch_bj.id,
            company_ids=[Command.set((self.branch_bj | self.branch_sh).ids)],
        )
        run = self.request(
            both, company_ids=[Command.set((self.branch_bj | self.branch_sh).ids)]
        )
        self.Run._cron_execute()
        _sheet, _header, rows, _total = self.workbook(run)
        self.assertEqual(len(rows), 4)
        self.assertFalse(self.Run.with_user(self.officer).search([]))
        with self.assertRaises(AccessError):
            run.attachment_id.with_user(self.officer).read(["raw"])
        self.assertEqual(
            self.Run.with_user(both)
            .with_context(allowed_company_ids=(self.branch_bj | self.branch_sh).ids)
            .search([]),
            run,
        )

    def test_existing_reports_refuse_another_branchs_loans_by_id(self):
        """A Shanghai user cannot export Beijing's ledgers nor accumulate its
        balances by naming Beijing, and their ledgers filtered on Beijing's
        product and officer hold nothing of Beijing; the loan wizards refuse
        a Beijing loan (the PDFs themselves: test_branch_isolation)."""
        sh = self.officer_sh
        Report = (
            self.env["ir.actions.report"].with_user(sh).with_company(self.branch_sh)
        )

        def render(ledger, **values):
            wizard = (
                self.env["microloan.loan.ledger.export"]
                .with_user(sh)
                .with_company(self.branch_sh)
                .create(
                    {
                        "ledger": ledger,
                        "date_from": "2025-01-01",
                        "date_to": "2025-03-31",
                        **values,
                    }
                )
            )
            content, _kind = Report._render_xlsx(
                "microloan_reports.report_loan_ledger_xlsx", wizard.ids, {}
            )
            sheet = openpyxl.load_workbook(io.BytesIO(content)).active
            return " ".join(
                str(value)
                for row in sheet.iter_rows(values_only=True)
                for value in row
                if value is not None
            )

        for ledger in ("portfolio", "overdue", "classification", "repayments"):
            with self.subTest(ledger=ledger):
                with self.assertRaises(AccessError):
                    render(ledger, company_ids=[Command.set(self.branch_bj.ids)])
                text = render(
                    ledger,
                    product_ids=[Command.set(self.loan.product_id.ids)],
                    user_ids=[Command.set(self.officer.ids)],
                )
                for loan in self.loan | self.loan_2 | self.loan_3:
                    self.assertNotIn(loan.name, text)
                self.assertNotIn(self.borrower.name, text)
        # the portfolio of Shanghai's own officer: its loan only
        text = render("portfolio")
        self.assertIn(self.loan_sh.name, text)
        self.assertNotIn(self.loan.name, text)
        Accumulation = (
            self.env["microloan.balance.accumulation"]
            .with_user(sh)
            .with_company(self.branch_sh)
        )
        with self.assertRaises(AccessError):
            Accumulation.create(
                {
                    "date_from": "2025-01-01",
                    "date_to": "2025-12-31",
                    "company_ids": [Command.set(self.branch_bj.ids)],
                }
            ).action_compute()
        wizard = Accumulation.create(
            {
                "date_from": "2025-01-01",
                "date_to": "2025-12-31",
                "user_ids": [Command.set(self.officer.ids)],
            }
        )
        wizard.action_compute()
        self.assertFalse(wizard.line_ids)
        # the dated documents' wizards, given a Beijing loan's id: what they
        # print is refused as the web client renders it
        for model in ("microloan.loan.statement", "microloan.loan.overdue.notice"):
            action = (
                self.env[model]
                .with_user(sh)
                .with_company(self.branch_sh)
                .create({"loan_id": self.loan.id})
                .action_print()
            )
            self.assertEqual(action["context"]["active_ids"], self.loan.ids)
            with self.subTest(model=model), self.assertRaises(AccessError):
                Report._render_qweb_html(
                    action["report_name"],
                    action["context"]["active_ids"],
                    data=action["data"],
                )

    # -- queries -----------------------------------------------------------

    def test_one_query_per_batch_of_loans(self):
        run = self.request(self.officer)
        writer = self.env["microloan.report.run.xlsx"].with_user(self.officer)
        run = run.with_user(self.officer).with_company(self.branch_bj)

        def queries(batch_size):
            writer.env.invalidate_all()
            start = self.env.cr.sql_log_count
            writer._run_xlsx(run, batch_size=batch_size)
            return self.env.cr.sql_log_count - start

        queries(3)  # warm the caches
        one_batch = queries(3)
        three_batches = queries(1)
        self.assertEqual(three_batches - one_batch, 2)
        # One of them reads the branches below the officer's (the record
        # rules' child_of) once the caches are cleared.
        self.assertLessEqual(one_batch, 10)
