from odoo import models

CNY_FORMAT = "#,##0.00"
ROW_FIELDS = ("balance", "loans", "borrowers", "new_amount", "new_loans", "ytd_amount")
MONEY_FIELDS = {"balance", "new_amount", "ytd_amount"}


class ReportRegulatoryReturnXlsx(models.AbstractModel):
    """The monthly statistical return of a 小额贷款公司 as XLSX (OCA
    report_xlsx): a sheet of the loans (the total, then each breakdown by
    borrower type, term, guarantee method, annual rate and classification,
    every category listed) and a sheet of the funding against the limits.
    The figures are the wizard's (``microloan.regulatory.return._get_return``);
    this only lays them out."""

    _name = "report.microloan_reports.report_regulatory_return_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Monthly Regulatory Return XLSX"

    def generate_xlsx_report(self, workbook, data, objs):
        wizard = objs.ensure_one()
        figures = wizard._get_return()
        styles = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format(
                {"bold": True, "bg_color": "#DDDDDD", "border": 1, "text_wrap": True}
            ),
            "section": workbook.add_format({"bold": True, "bg_color": "#F2F2F2"}),
            "money": workbook.add_format({"num_format": CNY_FORMAT, "border": 1}),
            "int": workbook.add_format({"num_format": "0", "border": 1}),
            "text": workbook.add_format({"border": 1}),
            "total_money": workbook.add_format(
                {"bold": True, "num_format": CNY_FORMAT, "border": 1}
            ),
            "total_int": workbook.add_format(
                {"bold": True, "num_format": "0", "border": 1}
            ),
            "total_text": workbook.add_format({"bold": True, "border": 1}),
            "percent": workbook.add_format({"num_format": "0.00%", "border": 1}),
        }
        self._write_loans(workbook, wizard, figures, styles)
        self._write_funding(workbook, wizard, figures, styles)

    def _heading(self, wizard, figures):
        return self.env._(
            "%(company)s, month ending %(date)s (amounts in CNY)",
            company=wizard.company_id.name,
            date=figures["month_end"].isoformat(),
        )

    def _write_loans(self, workbook, wizard, figures, styles):
        _ = self.env._
        sheet = workbook.add_worksheet(_("Loans")[:31])
        sheet.write(
            0, 0, _("Monthly Statistics of the Microloan Company"), styles["title"]
        )
        sheet.write(1, 0, self._heading(wizard, figures))
        headers = [
            _("Item"),
            _("Loan Balance at Month End"),
            _("Loans Outstanding"),
            _("Borrowers Outstanding"),
            _("New Loans in the Month (Amount)"),
            _("New Loans in the Month (Number)"),
            _("Loans Disbursed in the Year to Date"),
        ]
        sheet.set_row(3, 36)
        for col, header in enumerate(headers):
            sheet.write(3, col, header, styles["header"])
        sheet.set_column(0, 0, 28)
        sheet.set_column(1, len(headers) - 1, 18)
        sheet.freeze_panes(4, 1)
        row_index = 4
        self._write_row(sheet, row_index, _("Total"), figures["total"], styles, True)
        for title, lines in figures["sections"]:
            row_index += 1
            sheet.write(row_index, 0, title, styles["section"])
            for label, row in lines:
                row_index += 1
                self._write_row(sheet, row_index, label, row, styles)
        return sheet

    def _write_row(self, sheet, row_index, label, row, styles, total=False):
        prefix = "total_" if total else ""
        sheet.write(row_index, 0, label, styles[f"{prefix}text"])
        for col, name in enumerate(ROW_FIELDS, start=1):
            kind = "money" if name in MONEY_FIELDS else "int"
            sheet.write_number(
                row_index, col, float(row[name]), styles[f"{prefix}{kind}"]
            )

    def _write_funding(self, workbook, wizard, figures, styles):
        _ = self.env._
        funding = figures["funding"]
        leverage = funding["leverage"]
        single = funding["single_borrower"]
        sheet = workbook.add_worksheet(_("Funding and Leverage")[:31])
        sheet.write(0, 0, _("Funding Sources and Leverage"), styles["title"])
        sheet.write(1, 0, self._heading(wizard, figures))
        headers = [
            _("Item"),
            _("Amount"),
            _("Limit"),
            _("Use of the Limit"),
            _("Within"),
        ]
        for col, header in enumerate(headers):
            sheet.write(3, col, header, styles["header"])
        sheet.set_column(0, 0, 44)
        sheet.set_column(1, 4, 18)
        sheet.freeze_panes(4, 1)
        sources = funding["sources"]
        yes, no = _("Yes"), _("No")
        rows = [
            (_("Net Assets at the End of the Previous Year"), funding["net_assets"]),
            (_("Borrowing from Banks"), sources["bank"]),
            (_("Borrowing from Shareholders"), sources["shareholder"]),
            (_("Bonds Issued"), sources["bond"]),
            (_("Asset-Backed Securities Issued"), sources["abs"]),
            (_("Total Funding"), leverage.total_funding),
            (_("Loan Balance at Month End"), funding["loan_balance"]),
        ]
        row_index = 3
        for label, amount in rows:
            row_index += 1
            sheet.write(row_index, 0, label, styles["text"])
            sheet.write_number(row_index, 1, float(amount), styles["money"])
        limits = [
            (
                _("Banks and Shareholders (at most 1 × net assets)"),
                leverage.bank_and_shareholder.borrowing,
                leverage.bank_and_shareholder.limit,
                leverage.bank_and_shareholder.usage,
                not leverage.bank_and_shareholder.breached,
            ),
            (
                _("Bonds and Asset-Backed Securities (at most 4 × net assets)"),
                leverage.bonds_and_abs.borrowing,
                leverage.bonds_and_abs.limit,
                leverage.bonds_and_abs.usage,
                not leverage.bonds_and_abs.breached,
            ),
            (
                _("Largest Borrower Balance (at most 10% of net assets)"),
                single.exposure,
                single.limit,
                single.usage / 100,
                not single.breached,
            ),
        ]
        row_index += 1
        for label, amount, limit, usage, within in limits:
            row_index += 1
            sheet.write(row_index, 0, label, styles["text"])
            sheet.write_number(row_index, 1, float(amount), styles["money"])
            sheet.write_number(row_index, 2, float(limit), styles["money"])
            sheet.write_number(row_index, 3, float(usage), styles["percent"])
            sheet.write(row_index, 4, yes if within else no, styles["text"])
        row_index += 2
        sheet.write(row_index, 0, _("Funding over Net Assets"), styles["text"])
        sheet.write_number(row_index, 1, float(leverage.leverage), styles["percent"])
        return sheet
