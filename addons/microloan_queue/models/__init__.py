from . import microloan_close_run
from . import microloan_loan
from . import queue_job
