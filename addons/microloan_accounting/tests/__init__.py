from . import test_entries
from . import test_multi_company
from . import test_accrual
from . import test_provision
from . import test_control
from . import test_credit_line_entries
from . import test_backfill
from . import test_translations
