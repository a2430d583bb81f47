from . import test_close_jobs
from . import test_month_end_jobs
from . import test_translations
from . import test_close_run_figures
