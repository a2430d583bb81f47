"""Odoo's requirements.txt rewritten for the running Python, for scripts/run --get-odoo.

``odoo_requirements.py REQUIREMENTS`` prints one requirement a line. Odoo 18 pins two
sets: the Ubuntu 22.04 / Debian 12 versions (for Python up to 3.11) and the Ubuntu
24.04 versions (for Python 3.12). The older pins have no wheels for Python 3.11 on
several packages (gevent, lxml, Pillow, reportlab, psycopg2), so on Python 3.11 and
newer the 3.12 set is taken: each line's environment marker is evaluated as if the
interpreter were Python 3.12. On Python 3.10 the markers are evaluated as they are.
Lines for Windows are dropped on other systems by their own markers.
"""

import platform
import re
import sys

MARKER_RE = re.compile(r"^(?P<req>[^;#]+?)\s*(?:;(?P<marker>[^#]*))?(?:#.*)?$")
CLAUSE_RE = re.compile(
    r"(?P<var>python_version|sys_platform)\s*(?P<op>==|!=|<=|>=|<|>)\s*"
    r"['\"](?P<val>[^'\"]+)['\"]"
)


def _version(text):
    return tuple(int(part) for part in text.split("."))


def _compare(left, op, right):
    return {
        "==": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }[op]


def marker_holds(marker, python_version, sys_platform):
    """Evaluate a marker made of python_version/sys_platform clauses joined by 'and'."""
    for clause in re.split(r"\s+and\s+", marker.strip()):
        match = CLAUSE_RE.fullmatch(clause.strip())
        if not match:
            raise ValueError(f"unsupported marker clause: {clause!r}")
        if match["var"] == "python_version":
            holds = _compare(
                _version(python_version), match["op"], _version(match["val"])
            )
        else:
            holds = _compare(sys_platform, match["op"], match["val"])
        if not holds:
            return False
    return True


def target_python(version_info=sys.version_info):
    """The Python version whose pins are taken for this interpreter."""
    if version_info[:2] >= (3, 11):
        return "3.12"
    return f"{version_info[0]}.{version_info[1]}"


def requirements(lines, python_version, sys_platform=sys.platform):
    out = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = MARKER_RE.match(line)
        if not match:
            continue
        marker = (match["marker"] or "").strip()
        if marker and not marker_holds(marker, python_version, sys_platform):
            continue
        out.append(match["req"].strip())
    return out


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    target = target_python()
    for req in requirements(lines, target):
        print(req)
    print(
        f"# pins for Python {target} (running {platform.python_version()})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
