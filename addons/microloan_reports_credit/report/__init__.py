from . import report_approval_form
from . import report_investigation
