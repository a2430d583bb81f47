from . import test_entries
