from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.microloan_accounting.models.microloan_loan_ledger_control import (
    DISBURSING_KINDS,
    RECEIVABLE_SETTLING_KINDS,
)

GRANULARITIES = ("day", "month", "year")


class MicroloanBalanceAccumulationLine(models.TransientModel):
    """One loan's balance accumulation (余额积数) over one day, month or year of
    a period, and its daily average balance (日均余额), computed by
    :meth:`_build` from the sub-ledger's principal movements with window
    functions. Grouped in a pivot (by branch, product, officer, period), the
    sums of the daily averages are the group's daily average balances."""

    _name = "microloan.balance.accumulation.line"
    _description = "Balance Accumulation"
    _order = "period_start, loan_id"

    wizard_id = fields.Many2one(
        "microloan.balance.accumulation", required=True, ondelete="cascade"
    )
    loan_id = fields.Many2one("microloan.loan", string="Loan", readonly=True)
    company_id = fields.Many2one("res.company", string="Branch", readonly=True)
    product_id = fields.Many2one("microloan.product", readonly=True)
    user_id = fields.Many2one("res.users", string="Loan Officer", readonly=True)
    borrower_type = fields.Selection(
        related="loan_id.borrower_type", string="Borrower Type"
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    period_start = fields.Date(string="Period", readonly=True)
    days = fields.Integer(readonly=True, aggregator="max")
    accumulation = fields.Monetary(
        string="Balance Accumulation",
        readonly=True,
        help="Sum over the days of the period of the principal balance at the end "
        "of each day (余额积数).",
    )
    average_balance = fields.Monetary(
        string="Daily Average Balance",
        readonly=True,
        help="The accumulation divided by the days of the period (日均余额).",
    )

    @api.model
    def _build(self, wizard):
        """Create the lines of ``wizard``: for each loan it selects and each
        day, month or year of its period, the accumulation of the principal
        balance and the daily average. One query: the principal movements of
        the sub-ledger per loan and day, their running sum (a window function)
        as the balance from that day to the next movement, multiplied by the
        days each balance lasts within each bucket of the period; the lines
        are inserted by the same query, their daily average rounded to the
        currency's decimals (half away from zero, as Odoo rounds)."""
        loans = self.env["microloan.loan"].search(wizard._loan_domain())
        if not loans:
            return self.browse()
        unit = wizard.granularity
        assert unit in GRANULARITIES
        query = SQL(
            """
            WITH moves AS (
                SELECT line.loan_id, line.date, SUM(
                    CASE
                        WHEN line.effect = 'other' AND line.kind IN %(disbursing)s
                            THEN line.amount
                        WHEN line.effect = 'settle' AND line.kind IN %(settling)s
                            THEN -line.amount
                        WHEN line.kind = 'write_off' THEN -line.amount
                        ELSE 0
                    END) AS delta
                  FROM microloan_loan_transaction_line line
                 WHERE line.component = 'principal'
                   AND line.loan_id IN %(loans)s
                   AND line.date <= %(date_to)s
              GROUP BY line.loan_id, line.date
            ), balances AS (
                SELECT loan_id, date AS first_day,
                       COALESCE(
                           LEAD(date) OVER (PARTITION BY loan_id ORDER BY date),
                           %(date_to)s::date + 1
                       ) AS end_day,
                       SUM(delta) OVER (PARTITION BY loan_id ORDER BY date) AS balance
                  FROM moves
            ), buckets AS (
                SELECT GREATEST(start::date, %(date_from)s::date) AS first_day,
                       LEAST(
                           (start + %(step)s)::date, %(date_to)s::date + 1
                       ) AS end_day,
                       start::date AS period_start
                  FROM generate_series(
                           date_trunc(%(unit)s, %(date_from)s::date),
                           %(date_to)s::date,
                           %(step)s
                       ) AS start
            ), sums AS (
                SELECT balances.loan_id, buckets.period_start,
                       buckets.end_day - buckets.first_day AS days,
                       SUM(balances.balance * (
                           LEAST(balances.end_day, buckets.end_day)
                           - GREATEST(balances.first_day, buckets.first_day)
                       )) AS accumulation
                  FROM balances
                  JOIN buckets
                    ON balances.first_day < buckets.end_day
                   AND balances.end_day > buckets.first_day
              GROUP BY balances.loan_id, buckets.period_start, buckets.end_day,
                       buckets.first_day
            )
            INSERT INTO microloan_balance_accumulation_line (
                wizard_id, loan_id, company_id, product_id, user_id, currency_id,
                period_start, days, accumulation, average_balance,
                create_uid, create_date, write_uid, write_date
            )
            SELECT %(wizard)s, loan.id, loan.company_id, loan.product_id, loan.user_id,
                   loan.currency_id, sums.period_start, sums.days, sums.accumulation,
                   ROUND(sums.accumulation / sums.days, currency.decimal_places),
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM sums
              JOIN microloan_loan loan ON loan.id = sums.loan_id
              JOIN res_currency currency ON currency.id = loan.currency_id
             WHERE sums.accumulation <> 0
         RETURNING id
            """,
            disbursing=DISBURSING_KINDS,
            settling=RECEIVABLE_SETTLING_KINDS,
            loans=tuple(loans.ids),
            date_from=wizard.date_from,
            date_to=wizard.date_to,
            wizard=wizard.id,
            uid=self.env.uid,
            unit=unit,
            step=SQL("interval %s", f"1 {unit}"),
        )
        # One INSERT of every line (thousands per branch and year): the values
        # are those of the query; the records' cache knows nothing of them yet.
        self.env.flush_all()
        ids = [row[0] for row in self.env.execute_query(query)]
        self.invalidate_model()
        return self.browse(ids)
