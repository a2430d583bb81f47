from odoo import api, models


class MicroloanLoan(models.Model):
    _inherit = "microloan.loan"

    @api.model
    def _close_runs_month_end(self):
        # The close's jobs enqueue the month end of a branch once its last day
        # is closed (microloan.close.run._job_finish_close_day), whatever
        # another module answers.
        super()._close_runs_month_end()
        return True
