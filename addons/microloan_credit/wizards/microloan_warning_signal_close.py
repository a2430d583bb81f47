from odoo import fields, models


class MicroloanWarningSignalClose(models.TransientModel):
    _name = "microloan.warning.signal.close"
    _description = "Close an Early-Warning Signal"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "signal_id"

    signal_id = fields.Many2one(
        "microloan.warning.signal", string="Signal", required=True, check_company=True
    )
    note = fields.Text(string="Closing Note", required=True)

    def action_confirm(self):
        """Close the signal with the note."""
        self.ensure_one()
        self.signal_id.action_close(self.note)
        return {"type": "ir.actions.act_window_close"}
