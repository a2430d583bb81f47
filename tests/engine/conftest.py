"""Shared fixtures of the engine tests."""

import pytest
from engine_vectors import load_public_vectors


@pytest.fixture(scope="session")
def public_vectors():
    """All public reference vectors by id (``engine_vectors``)."""
    return load_public_vectors()
