"""What kind of Python runs this, for scripts/run and scripts/test.

Run by the interpreter in question (``PYTHON pyinfo.py``), it prints one fact a line:

1. ``sys.executable``;
2. its kind: ``venv`` (a virtualenv: ``sys.prefix`` differs from
   ``sys.base_prefix``), ``conda`` (a conda environment) or ``system``;
3. its prefix (``sys.prefix``);
4. the real interpreter a virtualenv can be made from: the base interpreter behind
   a virtualenv, else this interpreter itself (symbolic links resolved);
5. and on: for a virtualenv only, its own site-packages folders (purelib, platlib),
   which a virtualenv made from the base interpreter does not see.

Only the standard library, and Python 3.8 syntax: this runs before any check.
"""

import os
import sys
import sysconfig


def kind():
    if sys.prefix != getattr(sys, "base_prefix", sys.prefix):
        return "venv"
    if os.path.isdir(os.path.join(sys.prefix, "conda-meta")):
        return "conda"
    return "system"


def base_interpreter():
    if kind() == "venv":
        base = getattr(sys, "_base_executable", None)
        if not base or os.path.realpath(base) == os.path.realpath(sys.executable):
            # Older virtualenvs: the interpreter of the same version in base_prefix.
            version = "python%d.%d" % sys.version_info[:2]
            base = os.path.join(sys.base_prefix, "bin", version)
        return os.path.realpath(base)
    return os.path.realpath(sys.executable)


def own_site_dirs():
    if kind() != "venv":
        return []
    paths = sysconfig.get_paths()
    dirs = []
    for key in ("purelib", "platlib"):
        path = paths.get(key)
        if path and os.path.isdir(path) and path not in dirs:
            dirs.append(path)
    return dirs


def main():
    print(sys.executable)
    print(kind())
    print(sys.prefix)
    print(base_interpreter())
    for path in own_site_dirs():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
