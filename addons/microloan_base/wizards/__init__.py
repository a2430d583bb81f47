from . import microloan_loan_reject
