from . import test_credit_documents
from . import test_translations
from . import test_turnaround
