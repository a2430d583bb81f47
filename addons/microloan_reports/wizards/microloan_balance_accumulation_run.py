from odoo import models


class MicroloanBalanceAccumulation(models.TransientModel):
    _inherit = "microloan.balance.accumulation"

    def action_run_in_background(self):
        """Queue the accumulation as a report run, exported to XLSX in the
        background (a year of every loan), and open the run."""
        self.ensure_one()
        run = self.env["microloan.report.run"]._request("accumulation", self)
        return run._action_open()
