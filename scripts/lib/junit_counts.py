"""Print "PASSED FAILED SKIPPED" for a pytest JUnit XML report (``--junitxml``).

Counts the ``<testcase>`` elements: a test with a ``<failure>`` or ``<error>`` (in
its body or its teardown) failed once; one with ``<skipped>`` was skipped. The
suite's ``tests`` attribute is not used: pytest adds every subtest to it.
"""

import sys
import xml.etree.ElementTree as ET


def counts(path):
    root = ET.parse(path).getroot()
    passed = failed = skipped = 0
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            failed += 1
        elif "skipped" in tags:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


if __name__ == "__main__":
    print(*counts(sys.argv[1]))
