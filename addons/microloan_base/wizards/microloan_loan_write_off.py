from odoo import fields, models


class MicroloanLoanWriteOff(models.TransientModel):
    _name = "microloan.loan.write.off"
    _description = "Write Off a Loan"
    _inherit = ["microloan.branch.wizard.mixin"]
    _microloan_branch_field = "loan_id"

    loan_id = fields.Many2one("microloan.loan", required=True, check_company=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Text(required=True)
    evidence = fields.Char(
        help="The document proving the loss: court ruling, death or bankruptcy "
        "certificate, with its number.",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        string="Evidence Documents",
        help="Scans of the evidence; they are attached to the loan.",
    )

    def action_write_off(self):
        """Write the loan off with the date and reason entered."""
        self.ensure_one()
        self.loan_id.write_off(
            self.date,
            self.reason,
            evidence=self.evidence,
            attachment_ids=self.attachment_ids.ids,
        )
        return {"type": "ir.actions.act_window_close"}
