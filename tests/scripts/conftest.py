"""Fixtures of the tests of scripts/lib."""

import pytest
from scripts_helpers import ScriptsCopy


@pytest.fixture
def scripts_copy(tmp_path):
    """A folder laid out like the repository, with a copy of scripts/."""
    return ScriptsCopy(tmp_path / "repo")
