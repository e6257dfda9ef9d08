#!/usr/bin/env bash
# The README's first command: install everything, then run the main job on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
./c2l reproduce --preset "${C2L_PRESET:-tiny}"
