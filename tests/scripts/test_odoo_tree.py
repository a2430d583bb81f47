"""scripts/lib/odoo_tree.py finds the Odoo tree of a checkout in either layout, and
get_odoo (scripts/lib/common.sh) clones one from a local git repository."""

import subprocess
import sys

import pytest
from scripts_helpers import LIB, make_odoo_tree

sys.path.insert(0, str(LIB))
import odoo_tree  # noqa: E402


@pytest.mark.parametrize(
    "layout, expected",
    [("source", ["odoo/addons", "addons"]), ("packaged", ["odoo/addons"])],
)
def test_layouts(tmp_path, layout, expected):
    tree = make_odoo_tree(tmp_path / "odoo", layout=layout)
    assert odoo_tree.find_tree(tree) == tree
    assert odoo_tree.major_version(tree) == 18
    assert odoo_tree.addons_dirs(tree) == [tree / d for d in expected]


def test_tree_one_level_down(tmp_path):
    tree = make_odoo_tree(tmp_path / "repo" / "odoo")
    (tmp_path / "repo" / "docs").mkdir()
    assert odoo_tree.find_tree(tmp_path / "repo") == tree


def test_no_tree(tmp_path, capsys):
    (tmp_path / "odoo").mkdir()
    assert odoo_tree.find_tree(tmp_path) is None
    assert odoo_tree.main([str(tmp_path)]) == 1
    assert "no odoo-bin" in capsys.readouterr().err


def git(*args, cwd):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def make_git_repo(folder, layout):
    """A local repository whose branch 18.0 holds a fake Odoo tree."""
    make_odoo_tree(folder, layout=layout)
    git("init", "-q", "-b", "18.0", ".", cwd=folder)
    git("add", "-A", cwd=folder)
    git("commit", "-q", "-m", "odoo", cwd=folder)
    return subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=folder,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


@pytest.mark.parametrize("layout", ["source", "packaged"])
def test_get_odoo_from_a_local_repository(scripts_copy, tmp_path, layout):
    make_git_repo(tmp_path / "odoo-git", layout)
    out = scripts_copy.bash(
        "get_odoo >/dev/null\n"
        'printf "%s\\n" "$ODOO_ROOT" "$ODOO_BIN" "$(odoo_addons_path)"',
        {"ODOO_GIT_URL": str(tmp_path / "odoo-git")},
    ).stdout.splitlines()
    local = scripts_copy.root / ".local" / "odoo"
    assert out[0] == str(local)
    assert out[1] == f"{local}/odoo-bin"
    dirs = [f"{local}/odoo/addons"] + (
        [f"{local}/addons"] if layout == "source" else []
    )
    assert out[2] == ",".join(dirs)
    # Shallow: one commit, and the source is recorded.
    depth = subprocess.run(
        ["git", "rev-list", "--count", "HEAD"],
        cwd=local,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert depth == "1"
    assert (local / ".microloan-fetched").read_text().split()[1] == "18.0"


def test_get_odoo_at_a_commit(scripts_copy, tmp_path):
    commit = make_git_repo(tmp_path / "odoo-git", "source")
    scripts_copy.bash(
        "get_odoo >/dev/null",
        {"ODOO_GIT_URL": str(tmp_path / "odoo-git"), "ODOO_GIT_REF": commit},
    )
    recorded = (scripts_copy.root / ".local/odoo/.microloan-fetched").read_text()
    assert recorded.split()[2] == commit


def test_find_or_get_odoo_without_the_flag_only_says_so(scripts_copy, tmp_path):
    from scripts_helpers import make_venv

    python, _site = make_venv(tmp_path / "plain")
    result = scripts_copy.bash(
        'find_or_get_odoo || echo "$ODOO_MISSING"', {"ODOO_PYTHON": str(python)}
    )
    assert "pass --get-odoo" in result.stdout
    assert not (scripts_copy.root / ".local" / "odoo").exists()


def test_bad_url_fails_in_one_message(scripts_copy, tmp_path):
    result = scripts_copy.bash(
        "get_odoo", {"ODOO_GIT_URL": str(tmp_path / "nothing")}, check=False
    )
    assert result.returncode == 1
    assert "Could not fetch Odoo 18.0 from" in result.stderr
