from odoo import api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.microloan_base.tools.risk_tiers import RISK_TIERS

from microloan_engine.classification import NPL_TIERS

from .microloan_report_bands import (
    BORROWER_TYPES,
    LOAN_STATES,
    RATE_BAND_SELECTION,
    TERM_BAND_SELECTION,
)

BOOK_STATES = ("active", "closed", "written_off")


class MicroloanPortfolioReport(models.Model):
    """One row per disbursed loan as of the last daily close: its dimensions
    (branch, officer, team, product, term and rate bands, borrower type,
    industry, region, guarantee, tier) and its sums (disbursed, principal
    balance from the sub-ledger, the balance at risk past 1, 30 and 90 days
    and non-performing, written off and recovered, approval turnaround).
    A read-only SQL view: grouped in a pivot, every money sum is exact to the
    fen; the ratios of the sums are the engine's
    (``microloan.performance.analysis``)."""

    _name = "microloan.portfolio.report"
    _description = "Portfolio Analysis"
    _auto = False
    _order = "disbursement_date desc, id desc"
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
            "days_past_due",
            "amount_disbursed",
            "write_off_amount",
            "recovered_amount",
            "submit_date",
            "approve_date",
        ],
        "microloan.loan.transaction.line": [
            "loan_id",
            "component",
            "effect",
            "kind",
            "amount",
        ],
        "res.partner": ["industry_id", "state_id"],
    }

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
    )
    loan_state = fields.Selection(
        selection=LOAN_STATES,
        string="Status",
        readonly=True,
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    disbursement_date = fields.Date(string="Disbursed On", readonly=True)
    maturity_date = fields.Date(string="Maturity", readonly=True)
    term_band = fields.Selection(
        selection=TERM_BAND_SELECTION,
        readonly=True,
    )
    rate_band = fields.Selection(
        selection=RATE_BAND_SELECTION,
        readonly=True,
    )
    interest_rate = fields.Float(
        string="Annual Rate (%)", digits=(7, 4), readonly=True, aggregator="avg"
    )
    days_past_due = fields.Integer(readonly=True, aggregator="max")
    loan_count = fields.Integer(string="Loans", readonly=True)
    amount_disbursed = fields.Monetary(string="Disbursed", readonly=True)
    balance = fields.Monetary(string="Principal Balance", readonly=True)
    par1_balance = fields.Monetary(string="Balance at Risk > 1 Day", readonly=True)
    par30_balance = fields.Monetary(string="Balance at Risk > 30 Days", readonly=True)
    par90_balance = fields.Monetary(string="Balance at Risk > 90 Days", readonly=True)
    npl_balance = fields.Monetary(string="Non-Performing Balance", readonly=True)
    write_off_amount = fields.Monetary(string="Written Off", readonly=True)
    recovered_amount = fields.Monetary(string="Recovered", readonly=True)
    approved_count = fields.Integer(string="Approvals Timed", readonly=True)
    turnaround_days = fields.Float(
        string="Approval Turnaround (Days)",
        digits=(16, 2),
        readonly=True,
        aggregator="avg",
    )

    @api.model
    def _query(self):
        bands = self.env["microloan.report.bands"]
        loan = SQL.identifier("loan")
        turnaround = bands._turnaround_sql("loan")
        return SQL(
            """
            SELECT loan.id AS id,
                   loan.id AS loan_id,
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
                   loan.state AS loan_state,
                   loan.currency_id,
                   loan.first_disbursement_date AS disbursement_date,
                   loan.maturity_date,
                   %(term_band)s AS term_band,
                   %(rate_band)s AS rate_band,
                   loan.interest_rate,
                   COALESCE(loan.days_past_due, 0) AS days_past_due,
                   1 AS loan_count,
                   COALESCE(loan.amount_disbursed, 0) AS amount_disbursed,
                   COALESCE(book.balance, 0) AS balance,
                   CASE WHEN loan.days_past_due > 1
                        THEN COALESCE(book.balance, 0) ELSE 0 END AS par1_balance,
                   CASE WHEN loan.days_past_due > 30
                        THEN COALESCE(book.balance, 0) ELSE 0 END AS par30_balance,
                   CASE WHEN loan.days_past_due > 90
                        THEN COALESCE(book.balance, 0) ELSE 0 END AS par90_balance,
                   CASE WHEN loan.risk_tier IN %(npl)s
                        THEN COALESCE(book.balance, 0) ELSE 0 END AS npl_balance,
                   COALESCE(loan.write_off_amount, 0) AS write_off_amount,
                   COALESCE(loan.recovered_amount, 0) AS recovered_amount,
                   CASE WHEN %(turnaround)s IS NULL THEN 0 ELSE 1 END
                       AS approved_count,
                   %(turnaround)s AS turnaround_days
              FROM microloan_loan loan
              JOIN res_partner partner ON partner.id = loan.partner_id
         LEFT JOIN (
                    SELECT line.loan_id, SUM(%(delta)s) AS balance
                      FROM microloan_loan_transaction_line line
                     WHERE line.component = 'principal'
                  GROUP BY line.loan_id
                   ) book ON book.loan_id = loan.id
             WHERE loan.state IN %(states)s
               AND loan.first_disbursement_date IS NOT NULL
            """,
            team=bands._team_sql(SQL("%s.user_id", loan)),
            term_band=bands._term_band_sql(
                SQL("%s.first_disbursement_date", loan), SQL("%s.maturity_date", loan)
            ),
            rate_band=bands._rate_band_sql(SQL("%s.interest_rate", loan)),
            npl=NPL_TIERS,
            turnaround=turnaround,
            delta=bands._principal_delta_sql("line"),
            states=BOOK_STATES,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
