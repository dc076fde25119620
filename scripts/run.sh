#!/usr/bin/env bash
# Sets up, builds (release) and runs the mock gateway on its embedded SQLite default.
# Extra arguments go to `prakerja-sim serve`, e.g. scripts/run.sh --port 9000 --rules 2023
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product prakerja-sim
exec .build/release/prakerja-sim serve "$@"
