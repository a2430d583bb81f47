from . import ir_actions_report
from . import microloan_report_bands
from . import microloan_portfolio_report
