import io

import xlsxwriter

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.microloan_accounting.models.microloan_loan_ledger_control import (
    DISBURSING_KINDS,
    RECEIVABLE_SETTLING_KINDS,
)

from ..tools.xlsx_rows import PreparedRowWriter
from .report_loan_ledger_xlsx import CNY_FORMAT

# Loans (or lines) read and written per query; ir.config_parameter
# microloan_reports.report_run_batch_size overrides it.
BATCH_SIZE = 5000
BATCH_PARAM = "microloan_reports.report_run_batch_size"
LEDGER_REPORT = "report.microloan_reports.report_loan_ledger_xlsx"


class MicroloanReportRunXlsx(models.AbstractModel):
    """The XLSX file of a report run, streamed: xlsxwriter's
    ``constant_memory`` mode writes each row to disk as it comes, and the
    loans (or balance lines) are read by SQL in batches of ``BATCH_SIZE``,
    one query per batch, so that memory stays bounded whatever the size of
    the book. The loans are those the requester's record rules let them read
    (``_search``); the figures are those of the ledgers of
    ``report.microloan_reports.report_loan_ledger_xlsx`` (the same columns,
    the principal balance of the sub-ledger on the last day)."""

    _name = "microloan.report.run.xlsx"
    _description = "Report Run as Streamed XLSX"

    @api.model
    def _batch_size(self):
        param = self.env["ir.config_parameter"].sudo().get_param(BATCH_PARAM)
        try:
            return max(int(param), 1) if param else BATCH_SIZE
        except ValueError:
            return BATCH_SIZE

    @api.model
    def _run_xlsx(self, run, progress=None, batch_size=None):
        """``(XLSX bytes, file name)`` of ``run``; ``progress(done, total)`` is
        called after each batch."""
        batch_size = batch_size or self._batch_size()
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(
            buffer, {"constant_memory": True, "strings_to_numbers": False}
        )
        formats = self._formats(workbook)
        if run.kind == "accumulation":
            self._write_accumulation(workbook, formats, run, progress, batch_size)
        elif run.ledger == "portfolio":
            self._write_portfolio(workbook, formats, run, progress, batch_size)
        else:
            # The smaller ledgers (a period's transactions, the overdue loans,
            # the classification summary) as the ledger report builds them.
            report = self.env[LEDGER_REPORT]
            title, columns, rows, totals = getattr(report, f"_ledger_{run.ledger}")(run)
            report._write_sheet(workbook, title, columns, rows, totals)
            if progress:
                progress(len(rows), len(rows))
        workbook.close()
        file_name = self.env._(
            "%(run)s.xlsx", run=run.name.replace("/", "-").replace(",", "")
        )
        return buffer.getvalue(), file_name

    @api.model
    def _formats(self, workbook):
        return {
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#DDDDDD", "border": 1}
            ),
            "money": workbook.add_format({"num_format": CNY_FORMAT}),
            "rate": workbook.add_format({"num_format": "0.00"}),
            "int": workbook.add_format({"num_format": "0"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "total": workbook.add_format({"bold": True, "num_format": CNY_FORMAT}),
            None: None,
        }

    @api.model
    def _start_sheet(self, workbook, formats, title, columns):
        sheet = workbook.add_worksheet(title[:31])
        for col, (_label, width, kind) in enumerate(columns):
            sheet.set_column(col, col, width, formats[kind])
        sheet.freeze_panes(1, 0)
        for col, (label, _width, _kind) in enumerate(columns):
            sheet.write_string(0, col, label, formats["header"])
        return sheet

    @api.model
    def _row_writer(self, sheet, formats, columns):
        """The writer of the sheet's rows: whole rows in the columns' formats
        (``tools.xlsx_rows``), a fraction of the CPU of a ``write_*`` call per
        cell."""
        return PreparedRowWriter(sheet, [kind for _l, _w, kind in columns], formats)

    @api.model
    def _end_sheet(self, sheet, formats, row_index, columns, totals):
        """The totals row after ``row_index`` rows and the autofilter."""
        sheet.write_string(row_index + 1, 0, self.env._("Total"), formats["total"])
        for col, value in sorted(totals.items()):
            sheet.write_number(row_index + 1, col, round(value, 2), formats["total"])
        sheet.autofilter(0, 0, max(row_index, 1), len(columns) - 1)

    # -- 台账 (portfolio ledger) -----------------------------------------

    @api.model
    def _portfolio_columns(self):
        return self.env[
            "report.microloan_reports.report_loan_ledger_xlsx"
        ]._portfolio_columns()

    @api.model
    def _portfolio_loan_ids(self, run):
        """The ids of the loans of the ledger, in its order (one query; the
        record rules of the current user apply)."""
        domain = self.env[LEDGER_REPORT]._loan_domain(run)
        query = self.env["microloan.loan"]._search(domain, order="company_id, name")
        return [row[0] for row in self.env.execute_query(query.select())]

    @api.model
    def _portfolio_rows(self, loan_ids, date_to):
        """The rows of ``loan_ids`` (one query): the loan's fields, the names of
        its branch, borrower, product, officer and guarantee type (in the
        user's language), and its principal balance at the end of
        ``date_to`` from the sub-ledger (what the disbursements lent less what
        repayments and write-offs settled, as ``_get_subledger_balances``)."""
        lang = self.env.lang or "en_US"
        query = SQL(
            """
            SELECT loan.id, company.name, loan.name, partner.name, loan.borrower_type,
                   partner.microloan_id_number, product.name, officer.name,
                   COALESCE(guarantee.name->>%(lang)s, guarantee.name->>'en_US'),
                   loan.amount, loan.first_disbursement_date, loan.maturity_date,
                   loan.interest_rate, COALESCE(balance.principal, 0),
                   loan.days_past_due, loan.risk_tier
              FROM microloan_loan loan
              JOIN res_company company ON company.id = loan.company_id
              JOIN res_partner partner ON partner.id = loan.partner_id
              JOIN microloan_product product ON product.id = loan.product_id
         LEFT JOIN res_users users ON users.id = loan.user_id
         LEFT JOIN res_partner officer ON officer.id = users.partner_id
         LEFT JOIN microloan_guarantee_type guarantee
                ON guarantee.id = loan.guarantee_type_id
         LEFT JOIN LATERAL (
                SELECT SUM(
                    CASE
                        WHEN line.effect = 'other' AND line.kind IN %(disbursing)s
                            THEN line.amount
                        WHEN line.effect = 'settle' AND line.kind IN %(settling)s
                            THEN -line.amount
                        WHEN line.kind = 'write_off' THEN -line.amount
                        ELSE 0
                    END) AS principal
                  FROM microloan_loan_transaction_line line
                 WHERE line.loan_id = loan.id
                   AND line.component = 'principal'
                   AND line.date <= %(date_to)s
            ) balance ON TRUE
             WHERE loan.id = ANY(%(loans)s)
            """,
            lang=lang,
            disbursing=DISBURSING_KINDS,
            settling=RECEIVABLE_SETTLING_KINDS,
            loans=list(loan_ids),
            date_to=date_to,
        )
        return self.env.execute_query(query)

    @api.model
    def _write_portfolio(self, workbook, formats, run, progress, batch_size):
        _ = self.env._
        Loan = self.env["microloan.loan"]
        types = dict(Loan._fields["borrower_type"]._description_selection(self.env))
        tiers = dict(Loan._fields["risk_tier"]._description_selection(self.env))
        columns = self._portfolio_columns()
        sheet = self._start_sheet(workbook, formats, _("Loan Ledger"), columns)
        writer = self._row_writer(sheet, formats, columns)
        loan_ids = self._portfolio_loan_ids(run)
        totals = {8: 0.0, 12: 0.0}
        row_index = 0
        for start in range(0, len(loan_ids), batch_size):
            batch = loan_ids[start : start + batch_size]
            rows = {row[0]: row for row in self._portfolio_rows(batch, run.date_to)}
            for loan_id in batch:
                (
                    _id,
                    branch,
                    name,
                    borrower,
                    borrower_type,
                    id_number,
                    product,
                    officer,
                    guarantee,
                    amount,
                    disbursed,
                    maturity,
                    rate,
                    balance,
                    days_past_due,
                    tier,
                ) = rows[loan_id]
                balance = round(balance, 2)
                row_index += 1
                writer.write_row(
                    row_index,
                    (
                        branch,
                        name,
                        borrower,
                        types.get(borrower_type, ""),
                        id_number,
                        product,
                        officer,
                        guarantee,
                        amount,
                        disbursed,
                        maturity,
                        rate,
                        balance,
                        days_past_due,
                        tiers.get(tier, ""),
                    ),
                )
                totals[8] += amount or 0.0
                totals[12] += balance
            if progress:
                progress(row_index, len(loan_ids))
        self._end_sheet(sheet, formats, row_index, columns, totals)

    # -- 日均余额 (daily average balances) --------------------------------

    @api.model
    def _write_accumulation(self, workbook, formats, run, progress, batch_size):
        """The lines of ``microloan.balance.accumulation.line._build`` (one
        query for all), then written in batches by id; the lines are deleted
        once written. Totals: the accumulation, and the daily average of the
        whole period (the accumulation over the period's days)."""
        _ = self.env._
        wizard = self.env["microloan.balance.accumulation"].create(
            {
                "date_from": run.date_from,
                "date_to": run.date_to,
                "granularity": run.granularity,
                "company_ids": [(6, 0, run.company_ids.ids)],
                "product_ids": [(6, 0, run.product_ids.ids)],
                "user_ids": [(6, 0, run.user_ids.ids)],
            }
        )
        lines = self.env["microloan.balance.accumulation.line"]._build(wizard)
        total = len(lines)
        columns = [
            (_("Branch"), 18, None),
            (_("Loan"), 16, None),
            (_("Borrower"), 24, None),
            (_("Product"), 24, None),
            (_("Loan Officer"), 14, None),
            (_("Period"), 12, "date"),
            (_("Days"), 8, "int"),
            (_("Balance Accumulation"), 18, "money"),
            (_("Daily Average Balance"), 18, "money"),
        ]
        sheet = self._start_sheet(
            workbook, formats, _("Daily Average Balances"), columns
        )
        writer = self._row_writer(sheet, formats, columns)
        accumulation = 0.0
        row_index = 0
        last_id = 0
        while True:
            rows = self.env.execute_query(
                SQL(
                    """
                    SELECT line.id, company.name, loan.name, partner.name,
                           product.name, officer.name, line.period_start, line.days,
                           line.accumulation, line.average_balance
                      FROM microloan_balance_accumulation_line line
                      JOIN microloan_loan loan ON loan.id = line.loan_id
                      JOIN res_company company ON company.id = line.company_id
                      JOIN res_partner partner ON partner.id = loan.partner_id
                      JOIN microloan_product product ON product.id = line.product_id
                 LEFT JOIN res_users users ON users.id = line.user_id
                 LEFT JOIN res_partner officer ON officer.id = users.partner_id
                     WHERE line.wizard_id = %s AND line.id > %s
                  ORDER BY line.id
                     LIMIT %s
                    """,
                    wizard.id,
                    last_id,
                    batch_size,
                )
            )
            if not rows:
                break
            for row in rows:
                row_index += 1
                writer.write_row(row_index, row[1:])
                accumulation += row[8] or 0.0
            last_id = rows[-1][0]
            if progress:
                progress(row_index, total)
        days = (run.date_to - run.date_from).days + 1
        self._end_sheet(
            sheet,
            formats,
            row_index,
            columns,
            {7: accumulation, 8: accumulation / days},
        )
        wizard.unlink()
