from odoo import models


class MicroloanLoanServicing(models.AbstractModel):
    """The servicing actions write their credit-bureau events (征信) as they
    post: the opening with the first disbursement (10), a later tranche (31),
    every repayment (33)."""

    _inherit = "microloan.loan.servicing"

    def _disburse(self, amount, date, reference=False, note=False, extra=None):
        opening = self.state == "approved"
        transaction = super()._disburse(
            amount, date, reference=reference, note=note, extra=extra
        )
        self.env["microloan.credit.report.event"]._record_transaction(
            self, "10" if opening else "31", transaction
        )
        return transaction

    def _register_repayment(self, amount, date, reference=None, note=False, extra=None):
        transaction = super()._register_repayment(
            amount, date, reference=reference, note=note, extra=extra
        )
        self.env["microloan.credit.report.event"]._record_transaction(
            self, "33", transaction, retry=bool(reference)
        )
        return transaction

    def _payoff(self, date, reference=False, note=False):
        transaction = super()._payoff(date, reference=reference, note=note)
        self.env["microloan.credit.report.event"]._record_transaction(
            self, "33", transaction
        )
        return transaction

    def _prepay(
        self, principal, date, mode="reduce_installment", reference=False, note=False
    ):
        transaction = super()._prepay(
            principal, date, mode=mode, reference=reference, note=note
        )
        self.env["microloan.credit.report.event"]._record_transaction(
            self, "33", transaction
        )
        return transaction
