from . import microloan_document
from . import microloan_contract_template
from . import microloan_loan_contract
from . import microloan_product
from . import microloan_loan
from . import ir_actions_report
from . import microloan_balance_accumulation_line
from . import microloan_report_run
