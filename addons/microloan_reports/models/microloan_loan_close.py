from datetime import timedelta

from odoo import models


class MicroloanLoanClose(models.AbstractModel):
    """The daily close reports the loans with an installment due on the day
    (32) and, at month end, the monthly performance of personal loans (30)."""

    _inherit = "microloan.loan.close"

    def _close_day(self, day, stats=None):
        result = super()._close_day(day, stats=stats)
        Event = self.env["microloan.credit.report.event"]
        Event._record_due_dates(self, day)
        if (day + timedelta(days=1)).day == 1:
            Event._record_month_end(self, day)
        return result
