#!/usr/bin/env bash
# The simulator's capacity on this machine, as ratios against nginx measured in the same run (release build):
#   1. wrk -t2 -c64 against a static nginx file: the baseline requests/s;
#   2. `prakerja-sim bench` (create charge → read OTP → confirm, gateway only, delivery on): flows/s ÷ nginx req/s,
#      and serve's CPU per flow;
#   3. full purchase flows through adapters and storefronts into `serve` (SQLite, its default --log-level info),
#      open model, at each RATE given (flows/s): completed and failed flows (by kind), the worst step p99, the
#      audit, serve's CPU per flow — run at, below and past the knee;
#   4. memory: serve's resident size after a first and a second equal stretch of flows at the first RATE, and the
#      growth per completed flow between them (what grows: charges, vouchers, idempotency fingerprints and
#      storefront orders kept in memory, plus SQLite's page cache up to its limit).
#   scripts/bench-capacity.sh [DURATION] [RATE …]      (defaults 30s 100 200 300)
#   A RATE written x0.012 means 0.012 × nginx's req/s from step 1 (the issue's full-flow target), rounded.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-30s}; shift || true
RATES=("$@"); [ ${#RATES[@]} -gt 0 ] || RATES=(100 200 300)
scripts/setup.sh
command -v wrk >/dev/null && command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk nginx >/dev/null; }
swift build -c release --product prakerja-sim
bin=.build/release/prakerja-sim
work=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
cpu_pid() { python3 -c 'import os,sys; f=open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")",1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf("SC_CLK_TCK"))' "$1"; }
rss_kb() { awk '/VmRSS/{print $2}' "/proc/$1/status"; }

mkdir -p "$work/www"; echo '{"status":"ok","service":"gateway","time":"2026-11-24T00:00:00Z"}' > "$work/www/status.json"
NP=$(port)
cat > "$work/nginx.conf" <<N
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$NP; root $work/www; default_type application/json; } }
N
nginx -c "$work/nginx.conf" & pids+=($!)
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$NP/status.json" >/dev/null && break; sleep 0.1; done
wrk -t2 -c64 -d2s "http://127.0.0.1:$NP/status.json" >/dev/null 2>&1
nginx_rps=$(wrk -t2 -c64 -d10s "http://127.0.0.1:$NP/status.json" | awk '/Requests\/sec/{print $2}')
echo "1. wrk -t2 -c64 -d10s, nginx static file: $nginx_rps req/s"

# serve_up NAME: a release serve on fresh files; sets GP and serve.
serve_up() {
  GP=$(port)
  "$bin" serve --port "$GP" --db "$work/$1.sqlite" --storefront-port 0 --participants 0 >"$work/$1-serve.log" 2>&1 & serve=$!; pids+=($serve)
  for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$GP/sim/storefronts" 2>/dev/null | grep -q sisnaker && break; sleep 0.1; done
}

serve_up bench
"$bin" bench --gateway "http://127.0.0.1:$GP" --flows 2000 --concurrency 64 >/dev/null
before=$(cpu_pid "$serve")
out=$("$bin" bench --gateway "http://127.0.0.1:$GP" --flows 8000 --concurrency 64)
after=$(cpu_pid "$serve")
kill "$serve"; wait "$serve" 2>/dev/null || true
flows=$(echo "$out" | sed -n 's/.* \([0-9]*\) flows\/s.*/\1/p')
echo "$out" | head -1
python3 -c "print(f'2. gateway only: {$flows} flows/s = {$flows / $nginx_rps:.4f} × nginx req/s (target ≥ 0.035); serve CPU {($after - $before) / 8000 * 1e3:.2f} ms per flow')"

n=0
for rate in "${RATES[@]}"; do
  case "$rate" in x*) rate=$(python3 -c "print(round(${rate#x} * $nginx_rps))");; esac
  n=$((n + 1))
  serve_up "flows-$rate"
  before=$(cpu_pid "$serve")
  "$bin" load --gateway "http://127.0.0.1:$GP" --rate "$rate" --duration "$DURATION" --quiet --json "$work/r$rate.json" >"$work/r$rate.txt" 2>&1 || true
  mid_cpu=$(cpu_pid "$serve"); mid_rss=$(rss_kb "$serve")
  if [ "$n" -eq 1 ]; then
    # The same stretch again on the same serve: what memory keeps per flow once caches are warm.
    "$bin" load --gateway "http://127.0.0.1:$GP" --rate "$rate" --duration "$DURATION" --quiet --json "$work/again.json" >/dev/null 2>&1 || true
    end_rss=$(rss_kb "$serve")
  fi
  kill "$serve"; wait "$serve" 2>/dev/null || true
  python3 - "$work/r$rate.json" "$rate" "$nginx_rps" "$before" "$mid_cpu" <<'P'
import json, sys
r = json.load(open(sys.argv[1])); rate, nginx = float(sys.argv[2]), float(sys.argv[3]); cpu = float(sys.argv[5]) - float(sys.argv[4])
f = r["flows"]; n = f["completed"] + f["failed"]
span = max(r["duration_seconds"], f["start_span_seconds"])
steps = {k: v for k, v in r["steps"].items() if k != "flow"}
worst = max(steps.items(), key=lambda kv: kv[1]["latency_ms"]["p99"])
kinds = {}
for k, v in r["steps"].items():
    for e, c in (v.get("errors_by_kind") or {}).items():
        if k == "flow": kinds[e] = c
print(f"3. full flows at {rate:.0f}/s = {rate / nginx:.4f} × nginx: completed {f['completed']} ({f['completed'] / span:.1f}/s, "
      f"{f['completed'] / max(rate * span, 1) * 100:.1f} % of the target), failed {f['failed']} {kinds or ''}, dropped {f['dropped']}, "
      f"audit {'clean' if r['audit']['ok'] else 'PROBLEMS'}; p99 flow {r['steps']['flow']['latency_ms']['p99']:.0f} ms, "
      f"worst step {worst[0]} {worst[1]['latency_ms']['p99']:.0f} ms; serve CPU {cpu / max(n, 1) * 1e3:.2f} ms per flow")
P
  if [ "$n" -eq 1 ]; then
    python3 - "$work/again.json" "$mid_rss" "$end_rss" "$rate" <<'P'
import json, sys
r = json.load(open(sys.argv[1])); a, b = int(sys.argv[2]), int(sys.argv[3])
done = r["flows"]["completed"]
print(f"4. memory at {sys.argv[4]}/s: serve RSS {a / 1024:.0f} MiB after the first stretch, {b / 1024:.0f} MiB after a second one of "
      f"{done} completed flows: {(b - a) * 1024 / max(done, 1):.0f} bytes per completed flow (target ≤ 1,024)")
P
  fi
done
