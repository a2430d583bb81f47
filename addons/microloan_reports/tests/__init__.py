from . import test_translations
from . import test_documents
from . import test_contract_versions
from . import test_branch_isolation
from . import test_pdf_text
from . import test_ledgers
from . import test_balance_accumulation
from . import test_portal_documents
