"""Facts about the Odoo add-ons in a folder, for scripts/run and scripts/test.

``addons.py list DIR...`` prints the installable modules, one a line.
``addons.py check DIR`` checks every manifest: it parses with ``ast.literal_eval``,
has license LGPL-3 and an 18.0.x.y.z version; prints one line per problem.
"""

import ast
import re
import sys
from pathlib import Path

VERSION_RE = re.compile(r"^18\.0\.\d+\.\d+\.\d+$")


def manifests(folder):
    """Yield (module folder, manifest path) for every module in ``folder``."""
    root = Path(folder)
    if not root.is_dir():
        return
    for path in sorted(root.glob("*/__manifest__.py")):
        yield path.parent, path


def read_manifest(path):
    return ast.literal_eval(path.read_text(encoding="utf-8"))


def list_modules(folders):
    for folder in folders:
        for module, path in manifests(folder):
            try:
                manifest = read_manifest(path)
            except (SyntaxError, ValueError):
                manifest = {}  # still listed: installing it will show the error
            if manifest.get("installable", True):
                print(module.name)
    return 0


def check_manifests(folder):
    problems = []
    for module, path in manifests(folder):
        try:
            manifest = read_manifest(path)
        except (SyntaxError, ValueError) as exc:
            problems.append(f"{path}: does not parse with ast.literal_eval: {exc}")
            continue
        if not isinstance(manifest, dict):
            problems.append(f"{path}: is not a dict literal")
            continue
        if manifest.get("license") != "LGPL-3":
            problems.append(
                f"{path}: license is {manifest.get('license')!r}, not 'LGPL-3'"
            )
        version = manifest.get("version", "")
        if not VERSION_RE.match(str(version)):
            problems.append(f"{path}: version {version!r} is not 18.0.x.y.z")
        if not (module / "__init__.py").is_file():
            problems.append(f"{module}: has no __init__.py")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "list":
        return list_modules(argv[1:])
    if len(argv) == 2 and argv[0] == "check":
        return check_manifests(argv[1])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
