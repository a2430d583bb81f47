# microloan.loan, microloan.product, res.company and account.move(.line)/payment are
# extended in several files, one per concern (accrual, provisioning, ledger control,
# credit line entries, history booking): one file per model would run to thousands of
# lines. Their `_inherit` lines carry a targeted
# `pylint: disable=consider-merging-classes-inherited` for that reason.
from . import res_company
from . import res_config_settings
from . import microloan_product
from . import microloan_booking_mixin
from . import microloan_loan_transaction
from . import microloan_loan
from . import account_move
from . import account_move_line
from . import account_payment
from . import microloan_loan_accrual
from . import microloan_memo_entry
from . import microloan_accrual
from . import microloan_product_provision
from . import microloan_provision
from . import microloan_control
from . import microloan_ledger_control_line
from . import microloan_credit_line_entry
from . import microloan_loan_backfill
