from collections import defaultdict
from decimal import Decimal

from odoo import api, models
from odoo.tools import float_repr

from microloan_engine.classification import TIERS
from microloan_engine.provisioning import balances_by_tier, provision

# Borrower types of each scope of the ledger wizard.
SCOPE_TYPES = {
    "farmer": ("farmer",),
    "individual": ("individual", "sole_trader"),
    "enterprise": ("enterprise",),
}
BOOK_STATES = ("active", "closed", "written_off")
CNY_FORMAT = "#,##0.00"


class ReportLoanLedgerXlsx(models.AbstractModel):
    """The ledgers as XLSX (OCA report_xlsx): 台账, the overdue list, the
    classification and provisioning summary, the disbursements and repayments
    of a period. Each sheet has its header row frozen, CNY number formats and
    a totals row; the figures are the sub-ledger's (balances on the period's
    last day from ``_get_subledger_balances``, the transactions' own amounts)
    and the engine's (provisions)."""

    _name = "report.microloan_reports.report_loan_ledger_xlsx"
    _inherit = "report.report_xlsx.abstract"
    _description = "Loan Ledger XLSX"

    def generate_xlsx_report(self, workbook, data, objs):
        wizard = objs.ensure_one()
        builder = getattr(self, f"_ledger_{wizard.ledger}")
        title, columns, rows, totals = builder(wizard)
        self._write_sheet(workbook, title, columns, rows, totals)

    # -- filters ---------------------------------------------------------

    @api.model
    def _loan_domain(self, wizard):
        """The loans the wizard's filters select, among those the caller reads
        (record rules keep each branch to its own)."""
        companies = wizard.company_ids or self.env.user.company_ids
        domain = [
            ("company_id", "in", companies.ids),
            ("state", "in", BOOK_STATES),
            ("first_disbursement_date", "<=", wizard.date_to),
        ]
        if wizard.borrower_scope in SCOPE_TYPES:
            domain.append(("borrower_type", "in", SCOPE_TYPES[wizard.borrower_scope]))
        if wizard.product_ids:
            domain.append(("product_id", "in", wizard.product_ids.ids))
        if wizard.user_ids:
            domain.append(("user_id", "in", wizard.user_ids.ids))
        if wizard.guarantee_type_ids:
            domain.append(("guarantee_type_id", "in", wizard.guarantee_type_ids.ids))
        if wizard.risk_tier:
            domain.append(("risk_tier", "=", wizard.risk_tier))
        if wizard.amount_min:
            domain.append(("amount", ">=", wizard.amount_min))
        if wizard.amount_max:
            domain.append(("amount", "<=", wizard.amount_max))
        return domain

    @api.model
    def _loans(self, wizard):
        return self.env["microloan.loan"].search(
            self._loan_domain(wizard), order="company_id, name"
        )

    @api.model
    def _principal_balances(self, loans, date):
        """``{loan id: principal balance on date}`` from the sub-ledger."""
        # sudo: the loans were read with the caller's rights; the balances are
        # sums of their own transaction lines.
        balances = loans.sudo()._get_subledger_balances(date)
        return {loan.id: balances[loan.id]["principal"] for loan in loans}

    @api.model
    def _selection(self, record, name):
        return dict(record._fields[name]._description_selection(self.env)).get(
            record[name], ""
        )

    # -- ledgers -----------------------------------------------------------

    @api.model
    def _ledger_portfolio(self, wizard):
        _ = self.env._
        loans = self._loans(wizard)
        balances = self._principal_balances(loans, wizard.date_to)
        columns = self._portfolio_columns()
        rows = [
            [
                loan.company_id.name,
                loan.name,
                loan.partner_id.name,
                self._selection(loan, "borrower_type"),
                loan.partner_id.microloan_id_number or "",
                loan.product_id.name,
                loan.user_id.name or "",
                loan.guarantee_type_id.name or "",
                loan.amount,
                loan.first_disbursement_date,
                loan.maturity_date,
                loan.interest_rate,
                balances[loan.id],
                loan.days_past_due,
                self._selection(loan, "risk_tier"),
            ]
            for loan in loans
        ]
        return _("Loan Ledger"), columns, rows, {8, 12}

    @api.model
    def _ledger_overdue(self, wizard):
        _ = self.env._
        loans = self._loans(wizard).filtered(lambda loan: loan.days_past_due > 0)
        balances = self._principal_balances(loans, wizard.date_to)
        columns = [
            (_("Branch"), 18, None),
            (_("Loan"), 16, None),
            (_("Borrower"), 24, None),
            (_("Phone"), 16, None),
            (_("Loan Officer"), 14, None),
            (_("Days Past Due"), 8, "int"),
            (_("Overdue Principal"), 14, "money"),
            (_("Overdue Interest"), 14, "money"),
            (_("Penalty Interest"), 14, "money"),
            (_("Compound Interest"), 14, "money"),
            (_("Principal Balance"), 16, "money"),
            (_("Classification"), 12, None),
        ]
        rows = [
            [
                loan.company_id.name,
                loan.name,
                loan.partner_id.name,
                loan.partner_id.phone or "",
                loan.user_id.name or "",
                loan.days_past_due,
                loan.overdue_principal,
                loan.overdue_interest,
                loan.penalty_due,
                loan.compound_due,
                balances[loan.id],
                self._selection(loan, "risk_tier"),
            ]
            for loan in loans.sorted(lambda loan: -loan.days_past_due)
        ]
        return _("Overdue Loans"), columns, rows, {6, 7, 8, 9, 10}

    @api.model
    def _ledger_classification(self, wizard):
        _ = self.env._
        loans = self._loans(wizard)
        balances = self._principal_balances(loans, wizard.date_to)
        counts = defaultdict(int)
        amounts = defaultdict(float)
        specific = defaultdict(Decimal)
        general = Decimal(0)
        by_product = defaultdict(list)
        for loan in loans:
            if loan.currency_id.is_zero(balances[loan.id]):
                continue
            tier = loan.risk_tier or TIERS[0]
            counts[tier] += 1
            amounts[tier] += balances[loan.id]
            by_product[loan.product_id, loan.currency_id].append(
                (tier, Decimal(float_repr(balances[loan.id], 2)))
            )
        # The provisions of each product's rates (microloan_engine.provisioning).
        for (product, currency), pairs in by_product.items():
            report = provision(
                balances_by_tier(pairs),
                product._engine_provision_rates(),
                currency.decimal_places,
            )
            for tier, amount in report.specific_by_tier:
                specific[tier] += amount
            general += report.general
        labels = dict(
            self.env["microloan.loan"]
            ._fields["risk_tier"]
            ._description_selection(self.env)
        )
        columns = [
            (_("Classification"), 18, None),
            (_("Loans"), 10, "int"),
            (_("Principal Balance"), 18, "money"),
            (_("Specific Provision"), 18, "money"),
        ]
        rows = [
            [labels.get(tier, tier), counts[tier], amounts[tier], float(specific[tier])]
            for tier in TIERS
        ]
        rows.append([_("General Provision"), 0, 0.0, float(general)])
        return _("Classification"), columns, rows, {1, 2, 3}

    @api.model
    def _ledger_transactions(self, wizard, kind, title):
        _ = self.env._
        loans = self._loans(wizard)
        transactions = self.env["microloan.loan.transaction"].search(
            [
                ("loan_id", "in", loans.ids),
                ("kind", "=", kind),
                ("state", "=", "posted"),
                ("date", ">=", wizard.date_from),
                ("date", "<=", wizard.date_to),
            ],
            order="date, id",
        )
        columns = [
            (_("Date"), 12, "date"),
            (_("Number"), 20, None),
            (_("Branch"), 18, None),
            (_("Loan"), 16, None),
            (_("Borrower"), 24, None),
            (_("Amount"), 14, "money"),
            (_("Principal"), 14, "money"),
            (_("Interest"), 14, "money"),
            (_("Penalty Interest"), 14, "money"),
            (_("Compound Interest"), 14, "money"),
            (_("Fees"), 12, "money"),
            (_("Reference"), 16, None),
        ]
        rows = [
            [
                move.date,
                move.name,
                move.company_id.name,
                move.loan_id.name,
                move.partner_id.name,
                move.amount,
                move.principal_amount,
                move.interest_amount,
                move.penalty_amount,
                move.compound_amount,
                move.fee_amount,
                move.reference or "",
            ]
            for move in transactions
        ]
        return title, columns, rows, {5, 6, 7, 8, 9, 10}

    @api.model
    def _ledger_disbursements(self, wizard):
        return self._ledger_transactions(
            wizard, "disbursement", self.env._("Disbursements")
        )

    @api.model
    def _ledger_repayments(self, wizard):
        return self._ledger_transactions(wizard, "repayment", self.env._("Repayments"))

    # -- the sheet ---------------------------------------------------------

    @api.model
    def _write_sheet(self, workbook, title, columns, rows, totals):
        """One sheet: a bold header row, frozen; the rows in CNY, date and rate
        formats; a bold totals row summing the ``totals`` columns."""
        sheet = workbook.add_worksheet(title[:31])
        bold = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
        formats = {
            "money": workbook.add_format({"num_format": CNY_FORMAT}),
            "rate": workbook.add_format({"num_format": "0.00"}),
            "int": workbook.add_format({"num_format": "0"}),
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            None: None,
        }
        total_format = workbook.add_format({"bold": True, "num_format": CNY_FORMAT})
        for col, (label, width, kind) in enumerate(columns):
            sheet.write(0, col, label, bold)
            sheet.set_column(col, col, width, formats[kind])
        sheet.freeze_panes(1, 0)
        for row_index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                kind = columns[col][2]
                if kind == "date" and value:
                    sheet.write_datetime(row_index, col, value, formats["date"])
                elif kind in ("money", "rate", "int"):
                    sheet.write_number(row_index, col, value or 0, formats[kind])
                else:
                    sheet.write(row_index, col, value or "")
        total_row = len(rows) + 1
        sheet.write(total_row, 0, self.env._("Total"), total_format)
        for col in sorted(totals):
            column_total = sum(row[col] or 0 for row in rows)
            sheet.write_number(total_row, col, column_total, total_format)
        sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
        return sheet

    @api.model
    def _portfolio_columns(self):
        """The portfolio ledger's columns: (header, width, format); the
        background run (microloan.report.run.xlsx) writes the same."""
        _ = self.env._
        return [
            (_("Branch"), 18, None),
            (_("Loan"), 16, None),
            (_("Borrower"), 24, None),
            (_("Borrower Type"), 12, None),
            (_("ID Number"), 20, None),
            (_("Product"), 24, None),
            (_("Loan Officer"), 14, None),
            (_("Guarantee"), 12, None),
            (_("Amount"), 14, "money"),
            (_("Disbursed On"), 12, "date"),
            (_("Maturity"), 12, "date"),
            (_("Annual Rate (%)"), 10, "rate"),
            (_("Principal Balance"), 16, "money"),
            (_("Days Past Due"), 8, "int"),
            (_("Classification"), 12, None),
        ]
