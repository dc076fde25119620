#!/usr/bin/env bash
# Installs what building and testing PrakerjaSim need on a fresh Debian machine with Swift:
# the SQLite headers GRDB links against, curl, and (for the tests) a Python venv with schemathesis and
# standardwebhooks (an independent check of the gateway's webhook signatures).
set -euo pipefail
need=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ "${1:-}" = "--test" ]; then
  venv=.build-venv
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  "$venv/bin/python" -c "import schemathesis, standardwebhooks" 2>/dev/null ||
    "$venv/bin/pip" install -q schemathesis==4.32.5 standardwebhooks==1.1.0
fi
