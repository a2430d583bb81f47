"""ensure_oca_addons (scripts/lib/common.sh) installs OCA add-on wheels into a
folder of their own: `import odoo` stays Odoo's package, and the add-ons are on
the addons path."""

import base64
import hashlib
import subprocess
import sys
import zipfile

from scripts_helpers import base_python, make_odoo_package, write

MANIFEST = "{'name': 'Fake', 'version': '18.0.1.0.0', 'license': 'LGPL-3'}\n"


def make_addon_wheel(folder, module="fake_oca"):
    """A wheel shaped like OCA's odoo-addon-* wheels: odoo/addons/<module>/ and no
    odoo/__init__.py (namespace packages)."""
    name = f"odoo_addon_{module}"
    files = {
        f"odoo/addons/{module}/__init__.py": "",
        f"odoo/addons/{module}/__manifest__.py": MANIFEST,
        f"{name}-18.0.1.0.0.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: odoo-addon-{module}\nVersion: 18.0.1.0.0\n"
        ),
        f"{name}-18.0.1.0.0.dist-info/WHEEL": (
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n"
        ),
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest())
        record.append(f"{path},sha256={digest.rstrip(b'=').decode()},{len(text)}")
    record.append(f"{name}-18.0.1.0.0.dist-info/RECORD,,")
    files[f"{name}-18.0.1.0.0.dist-info/RECORD"] = "\n".join(record) + "\n"
    wheel = folder / f"{name}-18.0.1.0.0-py3-none-any.whl"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


def test_wheels_go_to_their_own_folder(scripts_copy, tmp_path):
    wheel = make_addon_wheel(tmp_path / "wheels")
    write(
        scripts_copy.root / "scripts" / "oca-requirements.txt", f"# pinned\n{wheel}\n"
    )
    odoo_src = make_odoo_package(tmp_path / "odoo-src")
    write(odoo_src / "odoo" / "addons" / "base" / "__manifest__.py", MANIFEST)
    out = scripts_copy.bash(
        f"VPY={sys.executable}\nODOO_ROOT={odoo_src}\nensure_oca_addons >/dev/null\n"
        'printf "%s\\n" "$OCA_ADDONS" "$(odoo_addons_path)"',
        {"PIP_NO_INDEX": "1"},
    ).stdout.splitlines()
    oca = out[0]
    assert oca.startswith(f"{scripts_copy.root}/.local/oca-addons/")
    assert (tmp_path / oca / "fake_oca" / "__manifest__.py").is_file()
    assert out[1] == f"{odoo_src}/odoo/addons,{oca}"

    # `import odoo` is still the regular package, not a namespace made of the wheels.
    probe = subprocess.run(
        [base_python(), "-c", "import odoo, odoo.release; print(odoo.__file__)"],
        env={"PYTHONPATH": str(odoo_src)},
        check=True,
        capture_output=True,
        text=True,
        cwd="/",
    ).stdout.strip()
    assert probe == str(odoo_src / "odoo" / "__init__.py")


EDITABLE_FINDER = """
import importlib.util
import sys

SRC = {src!r}


class EditableOdoo:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name == "odoo":
            init, folder = SRC + "/odoo/__init__.py", SRC + "/odoo"
            return importlib.util.spec_from_file_location(
                "odoo", init, submodule_search_locations=[folder]
            )
        return None


sys.meta_path.append(EditableOdoo)
"""


def import_odoo_from(site):
    probe = subprocess.run(
        [
            base_python(),
            "-S",
            "-c",
            f"import site; site.addsitedir({str(site)!r}); import odoo;"
            " print(getattr(odoo, '__file__', None))",
        ],
        capture_output=True,
        text=True,
        cwd="/",
        check=True,
    )
    return probe.stdout.strip()


def test_what_the_folder_avoids(tmp_path):
    """Odoo installed with `pip install -e` (a finder that setuptools appends to
    sys.meta_path) and an add-on wheel in the same site-packages: the wheel's
    odoo/ folder, without __init__.py, wins and `import odoo` is an empty namespace
    package. That is why the wheels go to a folder of their own."""
    odoo_src = make_odoo_package(tmp_path / "odoo-src")
    site = tmp_path / "site"
    write(site / "editable_odoo_finder.py", EDITABLE_FINDER.format(src=str(odoo_src)))
    write(site / "__editable__.odoo.pth", "import editable_odoo_finder\n")
    assert import_odoo_from(site) == str(odoo_src / "odoo" / "__init__.py")

    wheel = make_addon_wheel(tmp_path / "wheels")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index"]
        + ["--upgrade", "--target", str(site), str(wheel)],
        check=True,
    )
    assert import_odoo_from(site) == "None"


def test_no_pins_no_folder(scripts_copy):
    write(scripts_copy.root / "scripts" / "oca-requirements.txt", "# nothing yet\n")
    out = scripts_copy.bash('ensure_oca_addons\nprintf "[%s]\\n" "$OCA_ADDONS"').stdout
    assert out.strip() == "[]"
