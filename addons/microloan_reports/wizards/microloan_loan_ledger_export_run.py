from odoo import models


class MicroloanLoanLedgerExport(models.TransientModel):
    _inherit = "microloan.loan.ledger.export"

    def action_run_in_background(self):
        """Queue the export as a report run (for the whole book: the web worker
        is not held while it is built) and open the run."""
        self.ensure_one()
        run = self.env["microloan.report.run"]._request("ledger", self)
        return run._action_open()
