"""Shared fixtures of the engine tests, and the hypothesis profiles.

Profiles: "ci" (the default) runs every property test with the examples its
``@settings`` asks for; "dev" runs each with at most ``DEV_EXAMPLES``, for a run of
a few seconds during daily work. Select it with ``MICROLOAN_TEST_PROFILE=dev``,
``pytest --hypothesis-profile=dev`` or ``scripts/test --fast``.
"""

import os

import pytest
from engine_vectors import load_public_vectors
from hypothesis import settings

DEV_EXAMPLES = 10
settings.register_profile("ci", deadline=None)
settings.register_profile("dev", max_examples=DEV_EXAMPLES, deadline=None)
# "ci" is the default, as documented: without it, a test whose @settings gives no
# deadline gets hypothesis's 200 ms and fails on a loaded machine.
settings.load_profile(os.environ.get("MICROLOAN_TEST_PROFILE") or "ci")


def pytest_collection_modifyitems(config, items):
    """Under a profile with few examples, cap the tests that ask for more.

    An explicit ``@settings(max_examples=...)`` overrides any profile, so the cap
    is applied to the settings hypothesis attached to each test.
    """
    cap = settings.default.max_examples
    if cap > DEV_EXAMPLES:
        return
    for item in items:
        test = getattr(item, "obj", None)
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is not None and own.max_examples > cap:
            test._hypothesis_internal_use_settings = settings(own, max_examples=cap)


@pytest.fixture(scope="session")
def public_vectors():
    """All public reference vectors by id (``engine_vectors``)."""
    return load_public_vectors()
