#!/usr/bin/env bash
# Gateway throughput next to nginx (and WireMock) measured in the same run on this machine.
#   scripts/bench.sh [FLOWS] [CONCURRENCY]      env: SHARED (default ../shared), DUR (wrk seconds)
# Prints ../shared/bench/baseline.sh's table (nginx static file, WireMock stub, our GET /catalog and
# GET /health), then `prakerja-sim bench`: full create-charge → read-OTP → confirm flows, and the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
FLOWS=${1:-3000}; CONC=${2:-32}; SHARED=${SHARED:-../shared}
scripts/setup.sh
swift build -c release --product prakerja-sim
work=$(mktemp -d); pid=""
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
P=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
.build/release/prakerja-sim serve --port "$P" --db "$work/bench.sqlite" --participants 0 --log-level warning >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$P/health" >/dev/null 2>&1 && break; sleep 0.1; done
table=$(bash "$SHARED/bench/baseline.sh" catalog=http://127.0.0.1:$P/catalog health=http://127.0.0.1:$P/health)
echo "$table"
nginx=$(echo "$table" | awk '$1=="nginx"{print $2}')
out=$(.build/release/prakerja-sim bench --gateway "http://127.0.0.1:$P" --flows "$FLOWS" --concurrency "$CONC")
echo "$out"
flows=$(echo "$out" | sed -n 's/.* \([0-9]*\) flows\/s.*/\1/p')
reqs=$(echo "$out" | sed -n 's/.* \([0-9]*\) req\/s.*/\1/p')
awk -v f="$flows" -v r="$reqs" -v n="$nginx" 'BEGIN{printf "ratio: purchase flows/s ÷ nginx req/s = %.3f; gateway req/s (3 per flow) ÷ nginx req/s = %.3f\n", f/n, r/n}'
