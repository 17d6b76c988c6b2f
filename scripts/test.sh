#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up, then run every test: cmocka unit tests (meson), the fuzzers for a
# bounded time (scripts/fuzz.sh, FUZZ_SECONDS each) and the end-to-end tests
# (pytest, real testpmd frontends, QEMU guests and namespaces), after the
# layer check of src/ (tests/lint).
# Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

meson test -C build --suite unit --print-errorlogs
FUZZ_SECONDS="${FUZZ_SECONDS:-30}" bash scripts/fuzz.sh | tee build/fuzz.txt
/usr/bin/python3 -m pytest -v -p no:cacheprovider -o junit_family=legacy --junitxml=build/e2e.xml tests/lint tests/e2e "$@"

/usr/bin/python3 - <<'PY'
import json, re, sys
import xml.etree.ElementTree as ET

passed = failed = 0
# cmocka prints "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)."
with open("build/meson-logs/testlog.json") as f:
    for line in f:
        t = json.loads(line)
        out = t.get("stdout", "") + t.get("stderr", "")
        p = sum(int(n) for n in re.findall(r"\[  PASSED  \] (\d+) test", out))
        fl = sum(int(n) for n in re.findall(r"\[  FAILED  \] (\d+) test", out))
        if t["result"] != "OK" and fl == 0:
            fl = 1  # crashed before cmocka could report
        passed += p
        failed += fl
# scripts/fuzz.sh prints "fuzz NAME: ok (...)" or "fuzz NAME: FAILED ..."
try:
    fuzz = open("build/fuzz.txt").read()
    passed += len(re.findall(r"^fuzz \S+: ok", fuzz, re.M))
    failed += len(re.findall(r"^fuzz \S+: FAILED", fuzz, re.M))
    if not re.search(r"^fuzz \S+: ", fuzz, re.M):
        failed += 1  # the fuzz script ran nothing
except OSError:
    failed += 1
try:
    suite = ET.parse("build/e2e.xml").getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    total = int(suite.get("tests"))
    bad = int(suite.get("failures")) + int(suite.get("errors"))
    skipped = int(suite.get("skipped"))
    passed += total - bad - skipped
    failed += bad
except (OSError, ET.ParseError):
    failed += 1
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
