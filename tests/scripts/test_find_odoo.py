"""find_odoo and the project virtualenv (scripts/lib/common.sh) for the four ways
Odoo can be there: imported by the system's Python, installed in a virtualenv,
given as a source tree with --odoo PATH, or missing."""

import os

from scripts_helpers import (
    base_python,
    make_odoo_package,
    make_odoo_tree,
    make_venv,
    write,
)

REPORT = 'printf "%s\\n" "$ODOO_ROOT" "$ODOO_BIN" "$BASE_KIND" "$ODOO_FOUND"'


def test_system_odoo(scripts_copy, tmp_path):
    fake = make_odoo_package(tmp_path / "system-odoo")
    env = {"ODOO_PYTHON": base_python(), "PYTHONPATH": str(fake)}
    out = scripts_copy.bash(f"find_odoo\n{REPORT}", env).stdout.splitlines()
    assert out[0] == str(fake)
    assert out[1] == ""  # run as python -m odoo
    assert out[2] == "system"
    assert out[3] == f"Odoo 18: {fake}/odoo, imported by {base_python()}"


def test_virtualenv_odoo_is_seen_by_dot_venv(scripts_copy, tmp_path):
    """Odoo installed in a virtualenv, the way `pip install -e` does it (a .pth
    file in its site-packages): .venv is made from the base interpreter and still
    imports that Odoo."""
    python, site = make_venv(tmp_path / "odoo-venv")
    source = make_odoo_package(tmp_path / "odoo-src")
    write(site / "__editable__.odoo-18.0.pth", f"{source}\n")
    env = {"ODOO_PYTHON": str(python)}
    out = scripts_copy.bash(
        f"find_odoo\n{REPORT}\nensure_venv >/dev/null\ncheck_odoo_imports\n"
        '"$VPY" -c "import odoo; print(odoo.__file__)"\n'
        'printf "%s\\n" "$VENV_BASE"',
        env,
    ).stdout.splitlines()
    assert out[0] == str(source)
    assert out[2] == "venv"
    venv = python.parent.parent
    assert out[3] == f"Odoo 18: {source}/odoo, imported by {python} (virtualenv {venv})"
    assert out[4] == str(source / "odoo" / "__init__.py")
    assert out[5] == base_python()


def test_activated_virtualenv_first_on_path(scripts_copy, tmp_path):
    """No ODOO_PYTHON: python3 is the one an activated virtualenv puts first."""
    python, site = make_venv(tmp_path / "odoo-venv")
    make_odoo_package(site)
    env = {"PATH": f"{python.parent}:{os.environ['PATH']}"}
    out = scripts_copy.bash(f"find_odoo\n{REPORT}", env).stdout.splitlines()
    assert out[0] == str(site)
    assert out[2] == "venv"


def test_odoo_path_source_tree(scripts_copy, tmp_path):
    tree = make_odoo_tree(tmp_path / "odoo-18")
    python, _site = make_venv(tmp_path / "plain-venv")
    env = {"ODOO_PYTHON": str(python), "ODOO_PATH": str(tree)}
    out = scripts_copy.bash(
        f'find_odoo\n{REPORT}\nprintf "%s\\n" "$(odoo_addons_path)"', env
    ).stdout.splitlines()
    assert out[0] == str(tree)
    assert out[1] == f"{tree}/odoo-bin"
    assert out[3].startswith(f"Odoo 18: source tree {tree} (--odoo/ODOO_PATH)")
    assert out[4] == f"{tree}/odoo/addons,{tree}/addons"


def test_odoo_path_of_another_version(scripts_copy, tmp_path):
    tree = make_odoo_tree(tmp_path / "odoo-17", major=17)
    env = {"ODOO_PYTHON": base_python(), "ODOO_PATH": str(tree)}
    result = scripts_copy.bash('find_odoo || echo "$ODOO_MISSING"', env)
    assert "is version '17', this project needs 18.0" in result.stdout


def test_no_odoo_names_the_flag(scripts_copy, tmp_path):
    python, _site = make_venv(tmp_path / "plain-venv")
    env = {"ODOO_PYTHON": str(python)}
    result = scripts_copy.bash(
        'if find_odoo; then echo found; else echo "$ODOO_MISSING"; fi', env
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"No Odoo 18 found: {python} (virtualenv ")
    assert "--get-odoo" in lines[0]
