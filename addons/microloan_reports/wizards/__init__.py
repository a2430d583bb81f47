from . import microloan_loan_statement
from . import microloan_loan_overdue_notice
from . import microloan_loan_ledger_export
from . import microloan_balance_accumulation
from . import microloan_performance_analysis
from . import microloan_regulatory_return
