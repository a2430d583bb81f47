from odoo import models


class MicroloanLoan(models.Model):
    # The accounting checks are shared with credit lines
    # (microloan_booking_mixin.py).
    _name = "microloan.loan"
    _inherit = [  # pylint: disable=consider-merging-classes-inherited
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
