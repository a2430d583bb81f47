from . import microloan_loan_statement
from . import microloan_loan_overdue_notice
from . import microloan_loan_ledger_export
from . import microloan_balance_accumulation
from . import microloan_credit_report_period
from . import microloan_loan_ledger_export_run
from . import microloan_balance_accumulation_run
