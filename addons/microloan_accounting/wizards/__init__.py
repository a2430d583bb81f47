from . import microloan_payment_choice_mixin
from . import microloan_loan_disburse
from . import microloan_loan_repay
