from . import controllers
from . import models
from . import report
from . import tools
from . import wizards


def post_init_hook(env):
    """Open the credit-bureau outbox with the loans already disbursed."""
    env["microloan.credit.report.event"]._backfill()
