from odoo import fields, models


class MicroloanLoanInstallmentClose(models.AbstractModel):
    """What the daily close (microloan.loan.close) has sent about an
    installment (microloan.loan.installment), so it sends it once."""

    _name = "microloan.loan.installment.close"
    _description = "Loan Installment: Daily Close"

    reminder_sent = fields.Boolean(readonly=True, copy=False)
    overdue_activity_sent = fields.Boolean(readonly=True, copy=False)
