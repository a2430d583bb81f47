"""scripts/lib/odoo_requirements.py: Odoo's requirements.txt for the running Python."""

import sys

import pytest
from scripts_helpers import LIB

sys.path.insert(0, str(LIB))
import odoo_requirements as req  # noqa: E402

ODOO_LINES = """
# The officially supported versions of the following packages are their
Babel==2.10.3 ; python_version < '3.12'  # min version = 2.6.0 (Focal)
Babel==2.17.0 ; python_version >= '3.12'
gevent==21.8.0 ; sys_platform != 'win32' and python_version == '3.10'  # (Jammy)
gevent==22.10.2; python_version > '3.10' and python_version < '3.12'
gevent==24.2.1 ; sys_platform != 'win32' and python_version >= '3.12'  # (Noble)
pypiwin32 ; sys_platform == 'win32'
python-ldap==3.4.0 ; sys_platform != 'win32'  # min version = 3.2.0 (Focal)
zeep==4.1.0
""".splitlines()


@pytest.mark.parametrize(
    "version_info, target",
    [
        ((3, 10, 12), "3.10"),
        ((3, 11, 2), "3.12"),
        ((3, 12, 3), "3.12"),
        ((3, 13, 0), "3.12"),
    ],
)
def test_target_python(version_info, target):
    assert req.target_python(version_info) == target


def test_pins_for_312_on_linux():
    assert req.requirements(ODOO_LINES, "3.12", "linux") == [
        "Babel==2.17.0",
        "gevent==24.2.1",
        "python-ldap==3.4.0",
        "zeep==4.1.0",
    ]


def test_pins_for_310_on_linux():
    assert req.requirements(ODOO_LINES, "3.10", "linux") == [
        "Babel==2.10.3",
        "gevent==21.8.0",
        "python-ldap==3.4.0",
        "zeep==4.1.0",
    ]


def test_windows_lines_stay_on_windows():
    assert "pypiwin32" in req.requirements(ODOO_LINES, "3.12", "win32")
    assert "python-ldap==3.4.0" not in req.requirements(ODOO_LINES, "3.12", "win32")


def test_unknown_marker_is_refused():
    with pytest.raises(ValueError):
        req.marker_holds("platform_machine == 'x86_64'", "3.12", "linux")


def test_main_prints_one_pin_a_line(tmp_path, capsys):
    path = tmp_path / "requirements.txt"
    path.write_text("\n".join(ODOO_LINES), encoding="utf-8")
    assert req.main(["odoo_requirements.py", str(path)]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[-1] == "zeep==4.1.0"
    assert "pins for Python" in out.err
