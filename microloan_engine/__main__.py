"""``python -m microloan_engine schedule|apr``: see :mod:`microloan_engine.cli`."""

import sys

from .cli import main

sys.exit(main())
