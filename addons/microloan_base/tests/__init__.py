from . import test_identity
from . import test_loan
from . import test_schedule
from . import test_approval
from . import test_multi_company
from . import test_access
from . import test_credit_line
from . import test_collection
