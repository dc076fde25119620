#!/usr/bin/env bash
# Installs what building and testing PrakerjaSim need on a fresh Debian machine with Swift:
# the SQLite headers GRDB links against, curl, and (for the tests) Chromium (the console's browser test) and a
# Python venv with schemathesis, standardwebhooks (an independent check of the gateway's webhook signatures),
# aiosmtpd (a real SMTP server for the e-mail channel), websockets (to drive Chromium's DevTools protocol),
# junitparser (reads the contract kit's JUnit XML as a CI would) and pact-python-cli (the Pact verifier).
set -euo pipefail
need=()
dpkg -s libsqlite3-dev >/dev/null 2>&1 || need+=(libsqlite3-dev)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  # A PostgreSQL server for the PostgreSQL store's tests (scripts/postgres.sh runs a throwaway one), and pgbench.
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
fi
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ "${1:-}" = "--test" ]; then
  venv=.build-venv
  [ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
  { "$venv/bin/python" -c "import schemathesis, standardwebhooks, aiosmtpd, websockets, junitparser" 2>/dev/null && [ -x "$venv/bin/pact" ]; } ||
    "$venv/bin/pip" install -q schemathesis==4.32.5 standardwebhooks==1.1.0 aiosmtpd==1.4.6 websockets==17.4 junitparser==3.2.0 \
      "pact-python-cli==1!0.10.9"
fi
