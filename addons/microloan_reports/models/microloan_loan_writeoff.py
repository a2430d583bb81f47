from odoo import fields, models


class MicroloanLoanWriteoff(models.AbstractModel):
    """A write-off (核销) is reported as event 49 with the account written
    off; a recovery as a repayment (33)."""

    _inherit = "microloan.loan.writeoff"

    def write_off(self, date, reason, evidence=None, attachment_ids=None):
        result = super().write_off(
            date, reason, evidence=evidence, attachment_ids=attachment_ids
        )
        self.env["microloan.credit.report.event"]._record(
            self, "49", fields.Date.to_date(self.write_off_date or date)
        )
        return result

    def _register_recovery(self, amount, date, reference=False):
        transaction = super()._register_recovery(amount, date, reference=reference)
        self.env["microloan.credit.report.event"]._record_transaction(
            self, "33", transaction
        )
        return transaction
