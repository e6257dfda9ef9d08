#!/usr/bin/env bash
# The README's second command (and CI's): make sure the prerequisites are installed, then run the test suite.
# Ends with one line "tests: N passed, N failed, N skipped" so any CI can read the outcome.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh || exit 1
log=$(mktemp)
dotnet test Code2Lora.sln -c Release --no-build -nologo --logger "console;verbosity=minimal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E "^(Passed|Failed)!" "$log" | tail -1)
passed=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$summary"); failed=$(sed -E 's/.*Failed: *([0-9]+),.*/\1/' <<<"$summary")
skipped=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$summary")
rm -f "$log"
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
[ "${passed:-0}" -gt 0 ] || { echo "tests: no test ran" >&2; exit 1; }
exit "$status"
