from . import report_loan_contract
from . import report_loan_schedule
from . import report_loan_receipt
from . import report_loan_statement
from . import report_loan_overdue_notice
from . import report_loan_settlement
from . import report_loan_extension
from . import report_loan_ledger_xlsx
