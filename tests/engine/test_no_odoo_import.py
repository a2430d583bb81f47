"""The engine must stay importable without Odoo (STYLE.md, "Engine boundary")."""

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "microloan_engine"


def _odoo_imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name | ast.Attribute)
            and getattr(node.func, "id", getattr(node.func, "attr", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        found += [
            f"{path.name}:{node.lineno} {name}"
            for name in names
            if name == "odoo" or name.startswith("odoo.")
        ]
    return found


def test_engine_sources_found():
    assert (ENGINE / "schedule.py").is_file()


def test_no_module_of_the_engine_imports_odoo():
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        offenders += _odoo_imports(path)
    assert not offenders, f"odoo imported by the engine: {offenders}"


def test_the_checker_sees_odoo_imports(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nimport odoo.tools\nfrom odoo import fields\n"
        "import importlib\nimportlib.import_module('odoo.addons.base')\n"
        "from . import odoo_like\n"
    )
    assert [item.split(" ")[1] for item in _odoo_imports(sample)] == [
        "odoo.tools",
        "odoo",
        "odoo.addons.base",
    ]
