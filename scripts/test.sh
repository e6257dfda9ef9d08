#!/usr/bin/env bash
# The README's second command (and CI's): make sure the prerequisites are installed, then run the test suite.
# Ends with the skipped tests and why ("tests: skipped NAME: REASON"), then one line "tests: N passed, N failed, N skipped"
# so any CI can read the outcome.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh || exit 1
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
dotnet test Code2Lora.sln -c Release --no-build -nologo --logger "console;verbosity=minimal" \
  --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@" 2>&1
status=$?
# xunit's skip reasons reach only the TRX file (one per test project); the totals are counted from its results.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in sorted(glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)):
    for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult", ns):
        outcome = r.get("outcome")
        if outcome == "Passed":
            passed += 1
        elif outcome == "NotExecuted":
            skipped += 1
            m = r.find(".//t:Message", ns)
            reason = " ".join(m.text.split()) if m is not None and m.text else "no reason given"
            print(f"tests: skipped {r.get('testName')}: {reason}")
        else:
            failed += 1
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
if passed == 0:
    print("tests: no test ran", file=sys.stderr)
    sys.exit(1)
PY
summary=$?
[ "$status" -ne 0 ] && exit "$status"
exit "$summary"
