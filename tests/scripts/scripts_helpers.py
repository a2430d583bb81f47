"""Helpers for the tests of scripts/lib: a throw-away copy of the repository's
scripts, fake Odoo trees and interpreters, and a way to call the shell functions of
scripts/lib/common.sh in that copy (so nothing is written into the checkout).

Not named conftest: tests/engine has a conftest of its own, and the two would meet
under one module name."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LIB = REPO_ROOT / "scripts" / "lib"

RELEASE_PY = "version_info = ({major}, 0, 0, 'final', 0, '')\nversion = '{major}.0'\n"


def base_python():
    """The real interpreter behind the one running the tests (no virtualenv)."""
    base = getattr(sys, "_base_executable", None) or sys.executable
    return os.path.realpath(base)


def write(path, text=""):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def make_odoo_package(folder, major=18):
    """A fake importable ``odoo`` package in ``folder`` (odoo.release, odoo.cli)."""
    write(folder / "odoo" / "__init__.py", "")
    write(folder / "odoo" / "release.py", RELEASE_PY.format(major=major))
    write(folder / "odoo" / "cli" / "__init__.py", "")
    write(folder / "odoo" / "addons" / "__init__.py", "")
    return folder


def make_odoo_tree(folder, major=18, layout="source"):
    """A fake Odoo source tree: odoo-bin, odoo/release.py and add-ons, either with
    the core add-ons in addons/ (a git checkout) or all in odoo/addons/ (packaged)."""
    make_odoo_package(folder, major)
    write(folder / "odoo-bin", "#!/usr/bin/env python3\n")
    write(folder / "requirements.txt", "")
    manifest = "{'name': 'x', 'version': '18.0.1.0.0', 'license': 'LGPL-3'}\n"
    write(folder / "odoo" / "addons" / "base" / "__manifest__.py", manifest)
    core = folder / ("addons" if layout == "source" else "odoo/addons")
    write(core / "web" / "__manifest__.py", manifest)
    return folder


class ScriptsCopy:
    """A folder laid out like the repository, holding a copy of scripts/."""

    def __init__(self, root):
        self.root = root
        shutil.copytree(REPO_ROOT / "scripts", root / "scripts")
        (root / "addons").mkdir()

    def bash(self, script, env=None, check=True):
        """Run ``script`` after sourcing common.sh; returns the CompletedProcess."""
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
        }
        full_env.update(env or {})
        result = subprocess.run(
            [
                "bash",
                "-c",
                f"set -euo pipefail\nsource scripts/lib/common.sh\n{script}",
            ],
            cwd=self.root,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"status {result.returncode}\nstdout:\n{result.stdout}\n"
                f"stderr:\n{result.stderr}"
            )
        return result


def make_venv(folder, system_site_packages=False):
    """A virtualenv without pip (fast), made from the real base interpreter."""
    args = [base_python(), "-m", "venv", "--without-pip"]
    if system_site_packages:
        args.append("--system-site-packages")
    subprocess.run([*args, str(folder)], check=True)
    python = folder / "bin" / "python"
    site = subprocess.run(
        [
            str(python),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return python, Path(site)
