from . import microloan_loan_statement
from . import microloan_loan_overdue_notice
