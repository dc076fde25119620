#!/usr/bin/env bash
# The load generator measured against wrk and nginx in the same run, on loopback (release build):
#   1. wrk -t2 -c64 against a static nginx file: the baseline requests/s;
#   2. `prakerja-sim load --url` against the same file, asked for far more than it can do: the generator's ceiling,
#      as a share of wrk's;
#   3. open-model accuracy: `load --url` at half of wrk's rate for 10 s — achieved rate within 1 % of the target?
#      and (3b) at 0.8 × the generator's own ceiling from step 2
#   4. full purchase flows through the adapters and storefronts into a release `serve` on SQLite, at RATE flows/s
#      for DURATION: completed flows/s, each step's p99, drops, the audit.
#   scripts/bench-load.sh [RATE] [DURATION]      (defaults 100 and 60s)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-100}; DURATION=${2:-60s}
scripts/setup.sh
command -v wrk >/dev/null && command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk nginx >/dev/null; }
swift build -c release --product prakerja-sim
bin=.build/release/prakerja-sim
work=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
mkdir -p "$work/www"; echo '{"status":"ok","service":"gateway","time":"2026-11-24T00:00:00Z"}' > "$work/www/status.json"
NP=$(port)
cat > "$work/nginx.conf" <<N
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/nginx.err;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:$NP; root $work/www; default_type application/json; } }
N
nginx -c "$work/nginx.conf" & pids+=($!)
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$NP/status.json" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$NP/status.json"

wrk -t2 -c64 -d2s "$url" >/dev/null 2>&1
wrk_rps=$(wrk -t2 -c64 -d10s "$url" | awk '/Requests\/sec/{print $2}')
echo "1. wrk -t2 -c64 -d10s nginx static file: $wrk_rps req/s"

"$bin" load --url "$url" --rate 200000 --duration 10s --max-in-flight 64 --max-delay 10ms --quiet --json "$work/ceiling.json" >/dev/null || true
gen=$(python3 -c "import json;r=json.load(open('$work/ceiling.json'));print(r['steps']['request']['count']/max(r['duration_seconds'], r['flows']['start_span_seconds']))")
echo "2. load --url at 200000/s asked, 64 in flight: $(printf '%.0f' "$gen") req/s completed = $(awk -v g="$gen" -v w="$wrk_rps" 'BEGIN{printf "%.2f", g/w}') × wrk"

half=$(awk -v w="$wrk_rps" 'BEGIN{printf "%.0f", w/2}')
"$bin" load --url "$url" --rate "$half" --duration 10s --max-in-flight 128 --quiet --json "$work/half.json" >/dev/null || true
python3 - "$work/half.json" "$half" <<'P'
import json, sys
r = json.load(open(sys.argv[1])); target = float(sys.argv[2])
done = r["steps"]["request"]["count"] / max(r["duration_seconds"], r["flows"]["start_span_seconds"])
print(f"3. open model at half of wrk ({target:.0f}/s): started {r['achieved_rate']:.0f}/s ({(r['achieved_rate'] / target - 1) * 100:+.2f} %), "
      f"completed {done:.0f}/s, dropped {r['flows']['dropped']}, late {r['flows']['late']}, "
      f"p99 {r['steps']['request']['latency_ms']['p99']} ms corrected / {r['steps']['request']['uncorrected_latency_ms']['p99']} ms uncorrected")
P

within=$(awk -v g="$gen" 'BEGIN{printf "%.0f", g*0.8}')
"$bin" load --url "$url" --rate "$within" --duration 10s --max-in-flight 128 --quiet --json "$work/within.json" >/dev/null || true
python3 - "$work/within.json" "$within" <<'P'
import json, sys
r = json.load(open(sys.argv[1])); target = float(sys.argv[2])
print(f"3b. open model at 0.8 × the generator's own ceiling ({target:.0f}/s): started {r['achieved_rate']:.0f}/s ({(r['achieved_rate'] / target - 1) * 100:+.2f} %), "
      f"dropped {r['flows']['dropped']}, late {r['flows']['late']}, "
      f"p99 {r['steps']['request']['latency_ms']['p99']} ms corrected / {r['steps']['request']['uncorrected_latency_ms']['p99']} ms uncorrected")
P

GP=$(port)
"$bin" serve --port "$GP" --db "$work/gateway.sqlite" --storefront-port 0 --storefront-db "$work/storefronts.sqlite" --participants 0 \
  --log-level error >"$work/serve.log" 2>&1 & pids+=($!)
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$GP/sim/storefronts" | grep -q sisnaker && break; sleep 0.1; done
"$bin" load --gateway "http://127.0.0.1:$GP" --rate "$RATE" --duration "$DURATION" --quiet --json "$work/flows.json" --html "$work/flows.html" \
  | tee "$work/flows.txt" || true
python3 - "$work/flows.json" "$wrk_rps" <<'P'
import json, sys
r = json.load(open(sys.argv[1])); wrk = float(sys.argv[2])
done = r["flows"]["completed"] / max(r["duration_seconds"], r["flows"]["start_span_seconds"])
print(f"4. purchase flows through adapters and storefronts: target {r['target_rate']:.0f}/s, started {r['achieved_rate']:.1f}/s, "
      f"completed {done:.1f} flows/s = {done / wrk:.4f} × wrk's nginx req/s; failed {r['flows']['failed']}, dropped {r['flows']['dropped']}, "
      f"audit {'ok' if r['audit']['ok'] else 'PROBLEMS'}; p99 " + ", ".join(f"{k} {v['latency_ms']['p99']} ms" for k, v in sorted(r['steps'].items())))
P
