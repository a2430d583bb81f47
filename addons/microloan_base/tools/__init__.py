from . import identity
from . import locking
from . import inputs
from . import engine_messages
from . import risk_tiers
from . import display_names
from . import sql
