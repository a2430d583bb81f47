from decimal import Decimal

from odoo import api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.microloan_base.tools.risk_tiers import RISK_TIERS

from .microloan_portfolio_report import BOOK_STATES
from .microloan_report_bands import (
    BORROWER_TYPES,
    RATE_BAND_SELECTION,
    TERM_BAND_SELECTION,
)


def _decimal(amount):
    """A sum of money PostgreSQL computed exactly and psycopg2 handed over as
    a float (Odoo reads numeric as float): its shortest text is exact."""
    return Decimal(str(amount or 0.0))


class MicroloanPerformanceReport(models.Model):
    """One row per disbursed loan and month (up to the current month): the
    month's flows from the posted transactions (disbursed, principal and
    interest collected, interest and charges received, written off,
    recovered), what fell due on the schedule, the principal balance at the
    month's end and the month's balance accumulation (余额积数, from the
    sub-ledger with window functions, as the balance accumulation does), with
    the loan's dimensions. Reversed transactions and their reversals are left
    out, so a month shows what stands. The trend by month of the analysis; the
    monthly return reads its month-end balances."""

    _name = "microloan.performance.report"
    _description = "Performance by Month"
    _auto = False
    _order = "month desc, id"
    _rec_name = "loan_id"
    # Flushed before the view is read (the ORM's report-view idiom).
    _depends = {
        "microloan.loan": [
            "state",
            "company_id",
            "user_id",
            "product_id",
            "partner_id",
            "borrower_type",
            "guarantee_type_id",
            "risk_tier",
            "currency_id",
            "first_disbursement_date",
            "maturity_date",
            "interest_rate",
        ],
        "microloan.loan.transaction.line": [
            "loan_id",
            "component",
            "effect",
            "kind",
            "amount",
        ],
        "microloan.loan.transaction": [
            "loan_id",
            "date",
            "kind",
            "state",
            "amount",
            "principal_amount",
            "interest_amount",
            "penalty_amount",
            "compound_amount",
            "fee_amount",
        ],
        "microloan.loan.installment": ["loan_id", "due_date", "principal", "interest"],
        "res.partner": ["industry_id", "state_id"],
    }

    month = fields.Date(readonly=True)
    loan_id = fields.Many2one("microloan.loan", string="Loan", readonly=True)
    company_id = fields.Many2one("res.company", string="Branch", readonly=True)
    user_id = fields.Many2one("res.users", string="Loan Officer", readonly=True)
    team_id = fields.Many2one("crm.team", string="Team", readonly=True)
    product_id = fields.Many2one("microloan.product", string="Product", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Borrower", readonly=True)
    borrower_type = fields.Selection(
        selection=BORROWER_TYPES,
        readonly=True,
    )
    industry_id = fields.Many2one(
        "res.partner.industry", string="Industry", readonly=True
    )
    state_id = fields.Many2one("res.country.state", string="Region", readonly=True)
    guarantee_type_id = fields.Many2one(
        "microloan.guarantee.type", string="Guarantee Type", readonly=True
    )
    risk_tier = fields.Selection(
        selection=RISK_TIERS,
        string="Classification",
        readonly=True,
        help="As of the last daily close.",
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    term_band = fields.Selection(
        selection=TERM_BAND_SELECTION,
        readonly=True,
    )
    rate_band = fields.Selection(
        selection=RATE_BAND_SELECTION,
        readonly=True,
    )
    new_loan_count = fields.Integer(string="New Loans", readonly=True)
    disbursed_amount = fields.Monetary(string="Disbursed", readonly=True)
    due_amount = fields.Monetary(
        string="Due", readonly=True, help="Principal and interest falling due."
    )
    collected_amount = fields.Monetary(
        string="Collected", readonly=True, help="Principal and interest repaid."
    )
    principal_collected = fields.Monetary(string="Principal Repaid", readonly=True)
    income_amount = fields.Monetary(
        string="Interest and Charges Received",
        readonly=True,
        help="Interest, penalty, compound interest and fees repaid.",
    )
    write_off_amount = fields.Monetary(string="Written Off", readonly=True)
    recovery_amount = fields.Monetary(string="Recovered", readonly=True)
    balance_end = fields.Monetary(string="Balance at Month End", readonly=True)
    accumulation = fields.Monetary(
        string="Balance Accumulation",
        readonly=True,
        help="Sum over the month's days (to today in the current month) of the "
        "principal balance at the end of each day.",
    )

    @api.model
    def _query(self):
        bands = self.env["microloan.report.bands"]
        loan = SQL.identifier("loan")
        return SQL(
            """
            WITH book AS (
                SELECT id FROM microloan_loan
                 WHERE state IN %(states)s AND first_disbursement_date IS NOT NULL
            ), moves AS (
                SELECT line.loan_id, line.date, SUM(%(delta)s) AS delta
                  FROM microloan_loan_transaction_line line
                  JOIN book ON book.id = line.loan_id
                 WHERE line.component = 'principal'
              GROUP BY line.loan_id, line.date
            ), segments AS (
                SELECT loan_id, date AS first_day,
                       COALESCE(
                           LEAD(date) OVER (PARTITION BY loan_id ORDER BY date),
                           (date_trunc('month', CURRENT_DATE)
                               + interval '1 month')::date
                       ) AS end_day,
                       SUM(delta) OVER (PARTITION BY loan_id ORDER BY date) AS balance
                  FROM moves
            ), months AS (
                SELECT loan_id, generate_series(
                           date_trunc('month', MIN(date)),
                           date_trunc('month', CURRENT_DATE),
                           interval '1 month'
                       )::date AS month
                  FROM moves
              GROUP BY loan_id
            ), stock AS (
                SELECT months.loan_id, months.month,
                       SUM(segments.balance * GREATEST(0,
                           LEAST(segments.end_day,
                                 (months.month + interval '1 month')::date,
                                 CURRENT_DATE + 1)
                           - GREATEST(segments.first_day, months.month)
                       )) AS accumulation,
                       COALESCE(SUM(segments.balance) FILTER (
                           WHERE segments.end_day
                               >= (months.month + interval '1 month')::date
                       ), 0) AS balance_end
                  FROM months
                  JOIN segments
                    ON segments.loan_id = months.loan_id
                   AND segments.first_day < (months.month + interval '1 month')::date
                   AND segments.end_day > months.month
              GROUP BY months.loan_id, months.month
            ), flows AS (
                SELECT tx.loan_id, date_trunc('month', tx.date)::date AS month,
                       SUM(tx.amount) FILTER (WHERE tx.kind = 'disbursement')
                           AS disbursed_amount,
                       SUM(tx.principal_amount + tx.interest_amount)
                           FILTER (WHERE tx.kind = 'repayment') AS collected_amount,
                       SUM(tx.principal_amount) FILTER (WHERE tx.kind = 'repayment')
                           AS principal_collected,
                       SUM(tx.interest_amount + tx.penalty_amount
                           + tx.compound_amount + tx.fee_amount)
                           FILTER (WHERE tx.kind = 'repayment') AS income_amount,
                       SUM(tx.amount) FILTER (WHERE tx.kind = 'write_off')
                           AS write_off_amount,
                       SUM(tx.amount) FILTER (WHERE tx.kind = 'recovery')
                           AS recovery_amount
                  FROM microloan_loan_transaction tx
                  JOIN book ON book.id = tx.loan_id
                 WHERE tx.state = 'posted'
                   AND tx.date < (date_trunc('month', CURRENT_DATE)
                                  + interval '1 month')::date
              GROUP BY tx.loan_id, date_trunc('month', tx.date)
            ), dues AS (
                SELECT installment.loan_id,
                       date_trunc('month', installment.due_date)::date AS month,
                       SUM(COALESCE(installment.principal, 0)
                           + COALESCE(installment.interest, 0)) AS due_amount
                  FROM microloan_loan_installment installment
                  JOIN book ON book.id = installment.loan_id
                 WHERE installment.due_date < (date_trunc('month', CURRENT_DATE)
                                               + interval '1 month')::date
              GROUP BY installment.loan_id, date_trunc('month', installment.due_date)
            ), keys AS (
                -- a repaid loan's later months show nothing: no row
                SELECT loan_id, month FROM stock
                 WHERE balance_end <> 0 OR accumulation <> 0
                 UNION SELECT loan_id, month FROM flows
                 UNION SELECT loan_id, month FROM dues
            )
            SELECT ROW_NUMBER() OVER (ORDER BY keys.month, keys.loan_id) AS id,
                   keys.month,
                   keys.loan_id,
                   loan.company_id,
                   loan.user_id,
                   %(team)s AS team_id,
                   loan.product_id,
                   loan.partner_id,
                   loan.borrower_type,
                   partner.industry_id,
                   partner.state_id,
                   loan.guarantee_type_id,
                   loan.risk_tier,
                   loan.currency_id,
                   %(term_band)s AS term_band,
                   %(rate_band)s AS rate_band,
                   CASE WHEN date_trunc('month', loan.first_disbursement_date)::date
                             = keys.month THEN 1 ELSE 0 END AS new_loan_count,
                   COALESCE(flows.disbursed_amount, 0) AS disbursed_amount,
                   COALESCE(dues.due_amount, 0) AS due_amount,
                   COALESCE(flows.collected_amount, 0) AS collected_amount,
                   COALESCE(flows.principal_collected, 0) AS principal_collected,
                   COALESCE(flows.income_amount, 0) AS income_amount,
                   COALESCE(flows.write_off_amount, 0) AS write_off_amount,
                   COALESCE(flows.recovery_amount, 0) AS recovery_amount,
                   COALESCE(stock.balance_end, 0) AS balance_end,
                   COALESCE(stock.accumulation, 0) AS accumulation
              FROM keys
              JOIN microloan_loan loan ON loan.id = keys.loan_id
              JOIN res_partner partner ON partner.id = loan.partner_id
         LEFT JOIN stock ON stock.loan_id = keys.loan_id AND stock.month = keys.month
         LEFT JOIN flows ON flows.loan_id = keys.loan_id AND flows.month = keys.month
         LEFT JOIN dues ON dues.loan_id = keys.loan_id AND dues.month = keys.month
            """,
            states=BOOK_STATES,
            delta=bands._principal_delta_sql("line"),
            team=bands._team_sql(SQL("%s.user_id", loan)),
            term_band=bands._term_band_sql(
                SQL("%s.first_disbursement_date", loan), SQL("%s.maturity_date", loan)
            ),
            rate_band=bands._rate_band_sql(SQL("%s.interest_rate", loan)),
        )

    @api.model
    def _get_month_end_rows(self, companies, month_start, month_end):
        """The month view's figures of ``companies``' loans for the month from
        ``month_start`` to ``month_end`` that the monthly return reads, without
        the view: one query per table over the book (the loans, their
        sub-ledger lines up to the month's end, their disbursements of the
        year), where the view builds every month of every loan's history.

        Returns ``{loan_id: row}`` for each loan of the book first disbursed
        by the month's end, where a row holds the loan's dimensions
        (``partner_id``, ``borrower_type``, ``term_band``,
        ``guarantee_type_id``, ``rate_band``, ``risk_tier``: ids, selection
        values or False, as the view gives them), ``balance_end`` (the
        principal balance at the month's end), ``disbursed_amount`` (in the
        month), ``ytd_amount`` (from the year's start to the month's end), all
        ``Decimal``, and ``new_loan_count`` (1 for a loan first disbursed in
        the month). The caller checks the user's right to the companies."""
        for model_name, field_names in self._depends.items():
            self.env[model_name].flush_model(field_names)
        bands = self.env["microloan.report.bands"]
        loan = SQL.identifier("loan")
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                SELECT loan.id, loan.partner_id, loan.borrower_type,
                       %(term_band)s, loan.guarantee_type_id, %(rate_band)s,
                       loan.risk_tier, loan.first_disbursement_date
                  FROM microloan_loan loan
                 WHERE loan.company_id IN %(companies)s
                   AND loan.state IN %(states)s
                   AND loan.first_disbursement_date <= %(end)s
                """,
                term_band=bands._term_band_sql(
                    SQL("%s.first_disbursement_date", loan),
                    SQL("%s.maturity_date", loan),
                ),
                rate_band=bands._rate_band_sql(SQL("%s.interest_rate", loan)),
                companies=tuple(companies.ids),
                states=BOOK_STATES,
                end=month_end,
            )
        )
        zero = Decimal(0)
        rows = {}
        for loan_id, partner, kind, term, guarantee, rate, tier, first in cr.fetchall():
            rows[loan_id] = {
                "partner_id": partner or False,
                "borrower_type": kind or False,
                "term_band": term or False,
                "guarantee_type_id": guarantee or False,
                "rate_band": rate or False,
                "risk_tier": tier or False,
                "new_loan_count": int(first >= month_start),
                "balance_end": zero,
                "disbursed_amount": zero,
                "ytd_amount": zero,
            }
        cr.execute(
            SQL(
                """
                SELECT line.loan_id, SUM(%(delta)s)
                  FROM microloan_loan_transaction_line line
                 WHERE line.company_id IN %(companies)s
                   AND line.component = 'principal'
                   AND line.date <= %(end)s
              GROUP BY line.loan_id
                """,
                delta=bands._principal_delta_sql("line"),
                companies=tuple(companies.ids),
                end=month_end,
            )
        )
        for loan_id, balance in cr.fetchall():
            if loan_id in rows:
                rows[loan_id]["balance_end"] = _decimal(balance)
        cr.execute(
            SQL(
                """
                SELECT tx.loan_id,
                       SUM(tx.amount) FILTER (WHERE tx.date >= %(start)s),
                       SUM(tx.amount)
                  FROM microloan_loan_transaction tx
                 WHERE tx.company_id IN %(companies)s
                   AND tx.kind = 'disbursement'
                   AND tx.state = 'posted'
                   AND tx.date >= %(year_start)s
                   AND tx.date <= %(end)s
              GROUP BY tx.loan_id
                """,
                companies=tuple(companies.ids),
                start=month_start,
                year_start=month_start.replace(month=1, day=1),
                end=month_end,
            )
        )
        for loan_id, month_amount, year_amount in cr.fetchall():
            if loan_id in rows:
                rows[loan_id]["disbursed_amount"] = _decimal(month_amount)
                rows[loan_id]["ytd_amount"] = _decimal(year_amount)
        return rows

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
