from odoo import api, models
from odoo.tools import SQL


class MicroloanReportBands(models.AbstractModel):
    """With microloan_credit, a loan's approval turnaround is its credit
    application's (from the application's creation to its contract,
    ``microloan.application.turnaround_days``); a loan created without an
    application keeps its own submission-to-approval time."""

    _inherit = "microloan.report.bands"

    @api.model
    def _turnaround_sql(self, loan):
        return SQL(
            """COALESCE(
                (SELECT application.turnaround_days::numeric
                   FROM microloan_application application
                  WHERE application.loan_id = %s.id
                    AND application.turnaround_days IS NOT NULL
               ORDER BY application.id
                  LIMIT 1),
                %s)""",
            SQL.identifier(loan),
            super()._turnaround_sql(loan),
        )
