# microloan.loan, microloan.product, microloan.loan.installment and res.company are
# extended in several files, one per concern (servicing, daily close, risk,
# restructuring, write-off, revolving credit, collection): one file per model would
# run to thousands of lines. Their `_inherit` lines carry a targeted
# `pylint: disable=consider-merging-classes-inherited` for that reason.
from . import microloan_guard_mixin
from . import res_company
from . import res_config_settings
from . import res_partner
from . import microloan_guarantee_type
from . import microloan_collateral_type
from . import microloan_product
from . import microloan_product_fee
from . import microloan_guarantee_group
from . import microloan_loan
from . import microloan_loan_installment
from . import microloan_loan_transaction
from . import microloan_loan_transaction_line
from . import microloan_loan_servicing
from . import microloan_loan_installment_servicing
from . import microloan_product_servicing
from . import microloan_loan_schedule_version
from . import microloan_loan_schedule_version_line
from . import microloan_loan_risk
from . import microloan_loan_restructure
from . import microloan_loan_writeoff
from . import microloan_loan_close
from . import microloan_collateral
from . import microloan_collateral_valuation
from . import microloan_guarantee
from . import microloan_product_revolving
from . import microloan_loan_revolving
from . import microloan_credit_line
from . import microloan_credit_line_entry
from . import microloan_collection_action
from . import microloan_collection_promise
from . import microloan_loan_collection
