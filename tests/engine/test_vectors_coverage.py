"""Every published vector is either checked or listed as unsupported, with a reason.

The schedule and rate vector files each guard their own family; this test guards the
whole file, so a vector of a new family cannot slip between the two.
"""

from engine_vectors import load_public_vectors
from test_vectors_rates import RATE_VECTOR_IDS, UNSUPPORTED_RATE_VECTORS
from test_vectors_schedule import SCHEDULE_VECTOR_IDS, UNSUPPORTED_SCHEDULE_VECTORS


def test_every_public_vector_is_accounted_for():
    checked = set(SCHEDULE_VECTOR_IDS) | set(RATE_VECTOR_IDS)
    unsupported = set(UNSUPPORTED_SCHEDULE_VECTORS) | set(UNSUPPORTED_RATE_VECTORS)
    published = set(load_public_vectors())
    assert published - checked - unsupported == set()
    assert not checked & unsupported
    # Nothing checked that the file does not publish (a typo would hide a vector).
    assert checked <= published
    assert len(published) == 33
