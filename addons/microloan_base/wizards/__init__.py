from . import microloan_loan_reject
from . import microloan_loan_extend
from . import microloan_loan_write_off
from . import microloan_loan_recover
from . import microloan_loan_classify
from . import microloan_credit_line_draw
from . import microloan_credit_line_repay
