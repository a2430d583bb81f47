from odoo import api, fields, models

from ..tools.display_names import joined_name


class MicroloanLoanScheduleVersionLine(models.Model):
    _name = "microloan.loan.schedule.version.line"
    _description = "Installment of a Replaced Schedule"
    _order = "version_id, sequence, id"

    version_id = fields.Many2one(
        "microloan.loan.schedule.version",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(
        related="version_id.company_id", store=True, index=True, string="Branch"
    )
    currency_id = fields.Many2one(related="version_id.currency_id")
    sequence = fields.Integer(string="No.", readonly=True)
    due_date = fields.Date(readonly=True)
    principal = fields.Monetary(readonly=True)
    interest = fields.Monetary(readonly=True)
    fee = fields.Monetary(readonly=True)
    amount = fields.Monetary(string="Installment", readonly=True)
    balance = fields.Monetary(readonly=True)
    amount_paid = fields.Monetary(readonly=True)

    @api.depends("version_id", "sequence")
    def _compute_display_name(self):
        for record in self:
            record.display_name = joined_name(
                record.version_id.display_name, record.sequence
            )
