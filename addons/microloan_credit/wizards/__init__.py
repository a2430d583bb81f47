from . import microloan_application_review
from . import microloan_application_approve
from . import microloan_application_close
from . import microloan_committee_item_vote
from . import microloan_warning_signal_close
