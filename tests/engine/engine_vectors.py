"""The published reference numbers kept in the checkout,
``tests/engine/data/public_vectors.json`` (their sources: ``data/README.md``)."""

import json
from pathlib import Path

VECTORS_PATH = Path(__file__).resolve().parent / "data" / "public_vectors.json"


def load_public_vectors():
    """The vectors as a dict ``{id: vector}``."""
    with VECTORS_PATH.open(encoding="utf-8") as handle:
        vectors = json.load(handle)
    return {vector["id"]: vector for vector in vectors}
