"""Find the Odoo source tree in a folder (a git checkout), for scripts/run --get-odoo.

``odoo_tree.py DIR`` prints two lines: the folder holding ``odoo-bin`` and
``odoo/release.py`` (DIR itself, or a folder one level below it, the way some
repositories keep Odoo in a subfolder), then its major version. Exit status 1, with
the reason on stderr, when there is no Odoo tree.

``odoo_tree.py --addons ROOT`` prints the add-on folders of the tree at ROOT, one a
line: ``odoo/addons`` (where a source checkout keeps ``base`` and a packaged Odoo
keeps every add-on) and ``addons`` (where a source checkout keeps the others), each
only when it holds at least one module.
"""

import ast
import sys
from pathlib import Path


def is_tree(folder):
    return (folder / "odoo-bin").is_file() and (
        folder / "odoo" / "release.py"
    ).is_file()


def find_tree(folder):
    """The Odoo tree in ``folder`` or one level below it, else None."""
    folder = Path(folder)
    if is_tree(folder):
        return folder
    for child in sorted(p for p in folder.iterdir() if p.is_dir()):
        if not child.name.startswith(".") and is_tree(child):
            return child
    return None


def major_version(root):
    """``version_info[0]`` of ``odoo/release.py``, read without running Odoo."""
    text = (Path(root) / "odoo" / "release.py").read_text(encoding="utf-8")
    for node in ast.parse(text).body:
        if (
            isinstance(node, ast.Assign)
            and any(getattr(t, "id", None) == "version_info" for t in node.targets)
            and isinstance(node.value, ast.Tuple)
        ):
            first = node.value.elts[0]
            if isinstance(first, ast.Constant):
                return first.value
    return None


def addons_dirs(root):
    root = Path(root)
    dirs = []
    for folder in (root / "odoo" / "addons", root / "addons"):
        if any(folder.glob("*/__manifest__.py")):
            dirs.append(folder)
    return dirs


def main(argv):
    if len(argv) == 2 and argv[0] == "--addons":
        for folder in addons_dirs(argv[1]):
            print(folder)
        return 0
    if len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if not Path(argv[0]).is_dir():
        print(f"{argv[0]} is not a folder", file=sys.stderr)
        return 1
    root = find_tree(argv[0])
    if root is None:
        print(f"no odoo-bin and odoo/release.py in {argv[0]}", file=sys.stderr)
        return 1
    print(root)
    print(major_version(root))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
