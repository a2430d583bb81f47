"""Shared fixtures of the engine tests.

``public_vectors`` loads the published reference numbers (``vectors/public.json``):
from ``$MICROLOAN_VECTORS`` if set, else from ``shared/vectors/public.json`` next to
the repository (``/work/shared`` for ``/work/main``). A test that needs them fails,
never skips, when the file is missing: CI provides it.
"""

import json
import os
from pathlib import Path

import pytest

VECTORS_ENV = "MICROLOAN_VECTORS"
REPO_ROOT = Path(__file__).resolve().parents[2]


def vectors_path():
    """Where the public reference vectors are expected."""
    override = os.environ.get(VECTORS_ENV)
    if override:
        return Path(override)
    return REPO_ROOT.parent / "shared" / "vectors" / "public.json"


def load_public_vectors():
    """The vectors as a dict ``{id: vector}``; fails the test if unavailable."""
    path = vectors_path()
    if not path.is_file():
        pytest.fail(
            f"reference vectors not found at {path}: set {VECTORS_ENV} to the path "
            "of vectors/public.json",
            pytrace=False,
        )
    with path.open(encoding="utf-8") as handle:
        vectors = json.load(handle)
    return {vector["id"]: vector for vector in vectors}


@pytest.fixture(scope="session")
def public_vectors():
    """All public reference vectors by id."""
    return load_public_vectors()
