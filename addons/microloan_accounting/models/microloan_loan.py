from odoo import models


class MicroloanLoan(models.Model):
    # Each concern is a mixin of its own file, listed before the loan of
    # microloan_base so they override it (the accrual wraps the daily close's
    # ``_iter_close_company_day``). The accounting checks are shared with credit
    # lines (microloan_booking_setup_mixin.py).
    _name = "microloan.loan"
    _inherit = [
        "microloan.loan.ledger.control",
        "microloan.loan.accruing",
        "microloan.loan.payment.choice",
        "microloan.loan.accounting.links",
        "microloan.loan",
        "microloan.booking.setup.mixin",
    ]

    def _check_posting_date(self, date):
        # Every posting method starts here: check the accounting setup and
        # the lock dates before the loan changes anything.
        date = super()._check_posting_date(date)
        if self._microloan_accounting_active():
            self._microloan_check_accounting(date)
        return date

    def _check_posting_dates(self, dates):
        # A batch (the bulk disbursement): each loan's own checks, the
        # accounting setup and lock dates of a branch, product and date once.
        checked = set()
        result = []
        for loan, date in zip(self, dates, strict=True):
            date = super(MicroloanLoan, loan)._check_posting_date(date)
            key = (loan.company_id.id, loan.product_id.id, date)
            if key not in checked and loan._microloan_accounting_active():
                loan._microloan_check_accounting(date)
            checked.add(key)
            result.append(date)
        return result
