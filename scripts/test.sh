#!/usr/bin/env bash
# Sets up and runs the whole test suite: the Swift tests (unit, store conformance on real SQLite files,
# in-process HTTP), then end-to-end checks against the real binary: a demo purchase, durability across
# kill -9, webhooks, SMTP, the console in headless Chromium, and schemathesis against the served OpenAPI document.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
swift build --build-tests
work=$(mktemp -d)
pgdir=$(mktemp -d) && chmod 755 "$pgdir"  # the server runs as the postgres user, who must reach its files
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; scripts/postgres.sh stop "$pgdir/pg"; rm -rf "$work" "$pgdir"; }
trap cleanup EXIT
# A real PostgreSQL server (Debian's package) for the PostgreSQL store's conformance suite and the multi-process tests.
PRAKERJA_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pgdir/pg" --throwaway)
export PRAKERJA_TEST_POSTGRES_URL PRAKERJA_TEST_POSTGRES_DIR="$pgdir/pg"
swift test --skip-build --skip RunnerTests 2>&1 | tee .build/swift-test.log
grep -q "Test run with .* passed" .build/swift-test.log
# The load generator's timing tests (target rate, a stall, drops) run on their own, not beside 30 other suites on 2 cores.
swift test --skip-build --filter RunnerTests 2>&1 | tee .build/swift-test-timing.log
grep -q "Test run with .* passed" .build/swift-test-timing.log

bin=.build/debug/prakerja-sim
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
start() {  # start the gateway on $1 with database $2; wait until it answers and $3 storefront lines were printed
  "$bin" serve --port "$1" --db "$2" --storefront-port 0 --storefront-db "$2.storefronts" --participants 200 --log-level warning \
    >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$1/health" >/dev/null 2>&1 && [ "$(grep -c 'client_secret' "$work/server.log")" -ge "$3" ] && return 0
    sleep 0.1
  done
  echo "gateway did not start"; cat "$work/server.log"; return 1
}
passed=0; failed=0
check() { if "$@"; then passed=$((passed+1)); echo "ok: $*"; else failed=$((failed+1)); echo "FAILED: $*"; fi; }

# 1. A purchase and redemption on each of the seven platforms, through the adapters, paying through the
#    running gateway; one more through a storefront that `serve` started. Then kill -9 right after the
#    payments were acknowledged, restart on the same files, and find every payment and voucher intact.
P=$(port); db="$work/e2e.sqlite"
start "$P" "$db" 7
"$bin" demo --gateway "http://127.0.0.1:$P" --platform all | tee "$work/demo.txt"
sisnaker=$(sed -n 's/^  sisnaker *\(http:[^ ]*\) .*/\1/p' "$work/server.log" | tail -1)
"$bin" demo --gateway "http://127.0.0.1:$P" --platform sisnaker --storefront "$sisnaker" | tee -a "$work/demo.txt"
kill -9 "$pid"; wait "$pid" 2>/dev/null || true; pid=""
vouchers=$(sed -n 's/.*(\(PRK-[A-Z0-9-]*\)), redeemed.*/\1/p' "$work/demo.txt")
start "$P" "$db" 14
check test "$(echo "$vouchers" | wc -w)" -eq 8
for v in $vouchers; do
  check sh -c "curl -fs http://127.0.0.1:$P/sim/vouchers/$v | grep -q '\"status\":\"active\"'"
  charge=$(curl -fs "http://127.0.0.1:$P/sim/vouchers/$v" | sed -n 's/.*"charge_id":"\([^"]*\)".*/\1/p')
  check sh -c "curl -fs http://127.0.0.1:$P/sim/charges/$charge | grep -q '\"status\":\"paid\"'"
done
check sh -c "curl -fs http://127.0.0.1:$P/sim/audit | grep -q '\"ok\":true'"

# 2. Kill -9 while purchases are in flight, restart on the same files, five times: no 5xx, no 409 on creating
#    participants (ids never repeat), every acknowledged voucher present, a retried confirm gets the same
#    voucher, audit clean (an independent Python client that signs its own requests).
check python3 scripts/e2e/restart_storm.py "$bin" "$work"
# Webhooks: Standard Webhooks signatures checked by the standardwebhooks library, retries across kill -9 in
#    business time, de-duplication by webhook-id.
check .build-venv/bin/python scripts/e2e/webhook_delivery.py "$bin" "$work"
# Voucher e-mails over real SMTP (an aiosmtpd server process): the code arrives; the e-mail faults act on this
#    channel; a server that is down is retried on the schedule.
check .build-venv/bin/python scripts/e2e/smtp_delivery.py "$bin" "$work"
# The console in headless Chromium (DevTools protocol): a purchase's voucher e-mail appears live, the timeline is
#    drawn in lanes, keyboard and narrow screen work, nothing loads from outside; screenshots in .build/console/.
check .build-venv/bin/python scripts/e2e/console_browser.py "$bin" "$work" .build/console
# Reproduce and replay with the real binary: every scenario is listed, one runs on all seven platforms as its file
#    says, a recorded trace replays identically, and a changed retry interval is caught as a divergence.
check sh -c "\"$bin\" reproduce --list | grep -c '^[a-z]' | grep -qx 18"
check "$bin" reproduce debit-without-voucher --platform all
check "$bin" reproduce webhook-5xx-then-success --platform sekolahmu --trace "$work/trace.json"
check "$bin" replay "$work/trace.json"
check sh -c "! \"$bin\" replay \"$work/trace.json\" --retry-schedule 20m,45m,2h,6h,12h,24h"
# A port already in use: a clear message and exit status 2, not a hang.
check python3 scripts/e2e/port_in_use.py "$bin" "$work"
# One process owns a SQLite file: a second serve on it is refused with a message naming it; the storefronts' default
#    file is named after --db, and one made with another gateway database is refused.
check python3 scripts/e2e/store_ownership.py "$bin" "$work"

# Load: two shards at once through the storefronts `serve` lists at /sim/storefronts, merged exactly; thresholds
#    (an unknown metric refused before the run, an impossible one failing it); the audit; --url; the HTML report
#    opened offline in Chromium.
check .build-venv/bin/python scripts/e2e/load_run.py "$bin" "$work" "http://127.0.0.1:$P"
# Contract kit: every scenario on all seven built-in storefronts in process (JUnit parsed by junitparser), then a
#    storefront of the running gateway tested as an external target, with its credentials and with a wrong secret.
check .build-venv/bin/python scripts/e2e/contract_run.py "$bin" "$work" "http://127.0.0.1:$P"
# PostgreSQL: two serve processes on one database behave as one gateway (200 concurrent confirms split across both,
#    one clock, shared nonces, purchases through both while one is killed -9 and restarted, the database stopped and
#    started again under them, a clean audit).
check .build-venv/bin/python scripts/e2e/postgres_multi.py "$bin" "$work" "$PRAKERJA_TEST_POSTGRES_URL"
# Pact: the exported V4 contracts verified by the Pact verifier against the running simulator — each storefront →
#    the gateway (provider states at POST /sim/pact/state) and each adapter → its storefront (provider states at
#    POST /sim/pact/storefronts/state); contracts expecting the wrong thing, or a stale signature, fail.
check .build-venv/bin/python scripts/e2e/pact_verify.py "$bin" "$work" "http://127.0.0.1:$P"

# 3. The OpenAPI documents are true: no 5xx, no undocumented status, no schema violation. The hooks sign every
#    partner-API and redeem-code request (so the fuzzing gets past the signature checks), and the stateful phase
#    follows the documents' links (a created charge's id into its OTP and confirm calls). (Setting a webhook URL
#    is left to the Swift tests: fuzzed URLs would send webhooks to hosts that are not this machine; so are the
#    storefront Pact states, which buy courses through the storefronts and are exercised by the Pact verifier above.)
fuzz() { PYTHONPATH=scripts/e2e SCHEMATHESIS_HOOKS=schemathesis_hooks PRAKERJA_GATEWAY="http://127.0.0.1:$P" .build-venv/bin/schemathesis run "$@" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing,stateful -n 30 --seed 21; }
fuzz_storefront() { (export PRAKERJA_STOREFRONT="$1"; fuzz "${1#*=}/openapi.yaml"); }
check fuzz "http://127.0.0.1:$P/openapi.yaml" --exclude-operation-id setWebhookEndpoint --exclude-operation-id changeStream \
  --exclude-operation-id pactStorefrontProviderState
#    Each storefront's own document (<storefront>/openapi.yaml), with its dialect's credentials: OAuth token, Basic,
#    callback token, HMAC signature, SNAP BI token plus symmetric signature.
for entry in $(curl -fs "http://127.0.0.1:$P/sim/storefronts" | python3 -c 'import json,sys; print(" ".join(s["platform_id"]+"="+s["base_url"] for s in json.load(sys.stdin)))'); do
  check fuzz_storefront "$entry"
done
check sh -c "curl -fs http://127.0.0.1:$P/sim/audit | grep -q '\"ok\":true'"

echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
