from . import res_company
from . import res_config_settings
from . import microloan_product
from . import microloan_loan_transaction
from . import microloan_loan
from . import account_move
from . import account_move_line
from . import account_payment
