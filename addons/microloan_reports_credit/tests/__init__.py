from . import test_credit_documents
from . import test_translations
