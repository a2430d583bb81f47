"""Read the log of an Odoo test run and say whether it passed.

``odoo_log.py LOGFILE [MODULE...]`` prints every ERROR/CRITICAL record (with its
traceback), the warnings logged by the given modules, and as its last line
``Odoo tests: N passed, M failed``. Exit status 1 when a test failed, any
ERROR/CRITICAL record was logged, no test ran, or Odoo stopped before reporting.

``odoo_log.py --errors-only LOGFILE [MODULE...]`` is for a log without test results
(an install): it prints the same records and exits 1 when any ERROR/CRITICAL record
was logged. ``--pytest-odoo`` is the same for Odoo's log of a pytest-odoo run, less
the one error that pytest-odoo itself causes (it imports Odoo's test framework
before it turns test mode on, and Odoo logs that as an ERROR).
"""

import re
import sys

RECORD_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[^:\s]+): (?P<message>.*)$"
)
RESULT_RE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<tests>\d+) tests "
    r"when loading database"
)
MAX_WARNINGS = 30
PYTEST_ODOO_NOISE = [("odoo.tests.common", "Importing test framework, avoid importing")]


def read_records(lines):
    """Group log lines into records: (level, logger, message, extra lines)."""
    records = []
    for line in lines:
        line = line.rstrip("\n")
        match = RECORD_RE.match(line)
        if match:
            records.append((match["level"], match["logger"], match["message"], [line]))
        elif records:
            records[-1][3].append(line)
    return records


def summarize(records, modules):
    errors = [r for r in records if r[0] in ("ERROR", "CRITICAL")]
    prefixes = tuple(f"odoo.addons.{m}." for m in modules)
    warnings = [
        r for r in records if r[0] == "WARNING" and (r[1] + ".").startswith(prefixes)
    ]
    result = None
    for record in records:
        match = RESULT_RE.search(record[2])
        if match:
            result = match
    return errors, warnings, result


def print_records(errors, warnings):
    for record in warnings[:MAX_WARNINGS]:
        print(record[3][0])
    if len(warnings) > MAX_WARNINGS:
        print(f"... and {len(warnings) - MAX_WARNINGS} more warnings")
    for record in errors:
        print("\n".join(record[3]))


def main(argv):
    mode = argv[0] if argv and argv[0] in ("--errors-only", "--pytest-odoo") else ""
    errors_only = bool(mode)
    if errors_only:
        argv = argv[1:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[0], encoding="utf-8", errors="replace") as log:
            records = read_records(log)
    except FileNotFoundError:
        print(f"{argv[0]}: no such log")
        return 1
    errors, warnings, result = summarize(records, argv[1:])
    if mode == "--pytest-odoo":
        errors = [
            r
            for r in errors
            if not any(
                r[1] == logger and r[2].startswith(text)
                for logger, text in PYTEST_ODOO_NOISE
            )
        ]
    print_records(errors, warnings)
    if errors_only:
        return 1 if errors else 0

    if result is None:
        print("Odoo stopped before reporting test results (see the log above).")
        passed, failed = 0, 1
    else:
        tests = int(result["tests"])
        failed = int(result["failed"]) + int(result["errors"])
        passed = tests - failed
        if tests == 0:
            print("No Odoo test ran: every module must have tests.")
            failed = max(failed, 1)
        if errors and not failed:
            print("ERROR records in the log outside the tests count as one failure.")
            failed = 1
    print(f"Odoo tests: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
