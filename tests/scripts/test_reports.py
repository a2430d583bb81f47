"""The readers of test reports: junit_counts.py and odoo_log.py (scripts/lib)."""

import sys

from scripts_helpers import LIB, write

sys.path.insert(0, str(LIB))
import junit_counts  # noqa: E402
import odoo_log  # noqa: E402

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="9">
<testcase classname="a.TestA" name="test_ok"/>
<testcase classname="a.TestA" name="test_subtests"/>
<testcase classname="a.TestA" name="test_bad"><failure message="x"/></testcase>
<testcase classname="a.TestA" name="test_teardown"><error message="y"/></testcase>
<testcase classname="a.TestA" name="test_skip"><skipped message="z"/></testcase>
</testsuite></testsuites>
"""

NOISE = (
    "2026-12-04 19:13:18,829 1 ERROR ? odoo.tests.common: Importing test framework,"
    " avoid importing from business modules and when not running in test mode\n"
    "Stack (most recent call last):\n"
)
REAL = "2026-12-04 19:13:19,000 1 ERROR db odoo.addons.x.models.y: it broke\n"
INFO = "2026-12-04 19:13:19,000 1 INFO db odoo.modules.loading: Modules loaded.\n"


def test_junit_counts_testcases_not_subtests(tmp_path):
    path = write(tmp_path / "junit.xml", JUNIT)
    assert junit_counts.counts(path) == (2, 2, 1)


def test_pytest_odoo_log_ignores_only_its_own_noise(tmp_path, capsys):
    quiet = write(tmp_path / "quiet.log", NOISE + INFO)
    assert odoo_log.main(["--pytest-odoo", str(quiet)]) == 0
    assert odoo_log.main(["--errors-only", str(quiet)]) == 1
    broken = write(tmp_path / "broken.log", NOISE + REAL)
    assert odoo_log.main(["--pytest-odoo", str(broken)]) == 1
    assert "it broke" in capsys.readouterr().out


def test_missing_log_fails(tmp_path):
    assert odoo_log.main(["--errors-only", str(tmp_path / "none.log")]) == 1
