from . import microloan_application_review
from . import microloan_application_approve
from . import microloan_application_close
