from odoo import api, models
from odoo.tools import SQL

from odoo.addons.microloan_accounting.models.microloan_loan_ledger_control import (
    DISBURSING_KINDS,
    RECEIVABLE_SETTLING_KINDS,
)

from microloan_engine.performance import RATE_BANDS, TERM_BANDS

# Selections of the analysis views (labels of the engine's band keys).
RATE_BAND_SELECTION = [
    ("up_to_12", "Up to 12%"),
    ("12_18", "12% to 18%"),
    ("18_24", "18% to 24%"),
    ("over_24", "Over 24%"),
]
TERM_BAND_SELECTION = [
    ("up_to_3m", "Up to 3 Months"),
    ("3_6m", "3 to 6 Months"),
    ("6_12m", "6 to 12 Months"),
    ("over_12m", "Over 12 Months"),
]
# res.partner's microloan_borrower_type and microloan.loan's state, as the
# views show them.
BORROWER_TYPES = [
    ("individual", "Individual"),
    ("sole_trader", "Sole Trader"),
    ("enterprise", "Enterprise"),
    ("farmer", "Farmer"),
]
LOAN_STATES = [
    ("active", "Active"),
    ("closed", "Closed"),
    ("written_off", "Written Off"),
]


class MicroloanReportBands(models.AbstractModel):
    """The SQL pieces the analysis views share: the principal balance of the
    sub-ledger, the loan's officer's team, and the term and rate bands of the
    monthly return written from the engine's band tables
    (``microloan_engine.performance``), so that the views and the engine band
    a loan alike."""

    _name = "microloan.report.bands"
    _description = "Analysis Views: Shared SQL"

    @api.model
    def _rate_band_sql(self, rate):
        """CASE of ``rate`` (annual %, an SQL expression) over RATE_BANDS."""
        cases = [
            SQL("WHEN %s <= %s THEN %s", rate, float(bound), band)
            for band, bound in RATE_BANDS
            if bound is not None
        ]
        return SQL("(CASE %s ELSE %s END)", SQL(" ").join(cases), RATE_BANDS[-1][0])

    @api.model
    def _term_band_sql(self, start, maturity):
        """CASE of a contract from ``start`` to ``maturity`` over TERM_BANDS
        (PostgreSQL adds months keeping the day or the month's last day, as
        the engine's ``add_months``)."""
        cases = [
            SQL(
                "WHEN %s <= (%s + interval %s)::date THEN %s",
                maturity,
                start,
                f"{months} months",
                band,
            )
            for band, months in TERM_BANDS
            if months is not None
        ]
        return SQL(
            "(CASE WHEN %s IS NULL OR %s IS NULL THEN NULL %s ELSE %s END)",
            start,
            maturity,
            SQL(" ").join(cases),
            TERM_BANDS[-1][0],
        )

    @api.model
    def _principal_delta_sql(self, line):
        """The change of principal balance of a sub-ledger line (the ledger
        control's rule, ``_get_subledger_balances``)."""
        return SQL(
            """(CASE
                WHEN %(line)s.component <> 'principal' THEN 0
                WHEN %(line)s.effect = 'other' AND %(line)s.kind IN %(disbursing)s
                    THEN %(line)s.amount
                WHEN %(line)s.effect = 'settle' AND %(line)s.kind IN %(settling)s
                    THEN -%(line)s.amount
                WHEN %(line)s.kind = 'write_off' THEN -%(line)s.amount
                ELSE 0
            END)""",
            line=SQL.identifier(line),
            disbursing=DISBURSING_KINDS,
            settling=RECEIVABLE_SETTLING_KINDS,
        )

    @api.model
    def _team_sql(self, user):
        """The sales team (crm.team) the loan officer ``user`` is a member of,
        the first one when several."""
        return SQL(
            """(SELECT member.crm_team_id
                  FROM crm_team_member member
                 WHERE member.user_id = %s AND member.active
              ORDER BY member.id
                 LIMIT 1)""",
            user,
        )

    @api.model
    def _turnaround_sql(self, loan):
        """Days from the loan's submission to its approval (hundredths); the
        credit bridge takes the application's instead when there is one."""
        return SQL(
            "ROUND((EXTRACT(EPOCH FROM (%s.approve_date - %s.submit_date)) "
            "/ 86400)::numeric, 2)",
            SQL.identifier(loan),
            SQL.identifier(loan),
        )
