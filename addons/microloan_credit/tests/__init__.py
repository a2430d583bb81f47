from . import test_application
from . import test_workflow
from . import test_multi_company
from . import test_committee
from . import test_scoring
from . import test_limits
from . import test_tiers
from . import test_translations
