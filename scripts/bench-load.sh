#!/usr/bin/env bash
# The load generator and the full purchase flow measured against wrk and nginx in the same run, on loopback
# (release build). Besides throughput it measures what each request and each flow costs in CPU, since on a
# 2-core machine that is what caps every figure:
#   1. wrk -t2 -c64 against a static nginx file: the baseline requests/s, and wrk's CPU per request;
#   2. `prakerja-sim load --url` against the same file with the same 64 connections kept busy (`--closed 64`,
#      as wrk does): the generator's ceiling as a share of wrk's, and its CPU per request (AsyncHTTPClient);
#   3. open-model accuracy: `load --url` at half of wrk's rate for 10 s — achieved rate within 1 % of the
#      target? — and (3b) at 0.8 × the generator's own ceiling from step 2;
#   4. `serve`'s cheapest request: wrk -t2 -c64 against its /health: requests/s and serve's CPU per request;
#   5. full purchase flows through the adapters and storefronts into a release `serve` on SQLite, at RATE
#      flows/s for DURATION: completed flows/s, each step's p99, drops, the audit; the CPU each flow costs in
#      `serve` and in the generator; the HTTP exchanges `serve` answered per flow (its request log);
#   6. the floor those figures set: exchanges per flow × (serve's + the client's CPU per request) is CPU
#      every flow needs before any database write, JSON or domain logic — and the most flows/s the cores
#      could then carry.
#   scripts/bench-load.sh [RATE] [DURATION]      (defaults 60 and 60s)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-60}; DURATION=${2:-60s}
scripts/setup.sh
command -v wrk >/dev/null && command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk nginx >/dev/null; }
swift build -c release --product prakerja-sim
bin=.build/release/prakerja-sim
work=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
# Runs a command and writes the CPU seconds (user + system) it and its children used to the file $1.
cpu_of() { python3 -c '
import resource, subprocess, sys
r = subprocess.run(sys.argv[2:])
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{u.ru_utime + u.ru_stime}\n")
sys.exit(r.returncode)' "$@"; }
# CPU seconds a running process has used so far.
cpu_pid() { python3 -c 'import os,sys; f=open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")",1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf("SC_CLK_TCK"))' "$1"; }
cores=$(nproc)
echo "machine: $cores cores"

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
cpu_of "$work/wrk.cpu" wrk -t2 -c64 -d10s "$url" > "$work/wrk.txt"
wrk_rps=$(awk '/Requests\/sec/{print $2}' "$work/wrk.txt")
wrk_us=$(python3 -c "print(f'{$(cat "$work/wrk.cpu") / ($wrk_rps * 10) * 1e6:.0f}')")
echo "1. wrk -t2 -c64 -d10s nginx static file: $wrk_rps req/s; wrk's CPU ${wrk_us} µs per request"

cpu_of "$work/gen.cpu" "$bin" load --url "$url" --closed 64 --duration 10s --max-in-flight 64 --quiet --json "$work/ceiling.json" >/dev/null || true
line=$(python3 -c "
import json; r = json.load(open('$work/ceiling.json')); n = r['steps']['request']['count']
print(n / max(r['duration_seconds'], r['flows']['start_span_seconds']), $(cat "$work/gen.cpu") / n * 1e6)")
read -r gen gen_us <<<"$line"
echo "2. load --url --closed 64 (64 requests kept in flight, as wrk -c64): $(printf '%.0f' "$gen") req/s = $(awk -v g="$gen" -v w="$wrk_rps" 'BEGIN{printf "%.2f", g/w}') × wrk;" \
  "the generator's CPU $(printf '%.0f' "$gen_us") µs per request = $(awk -v g="$gen_us" -v w="$wrk_us" 'BEGIN{printf "%.1f", g/w}') × wrk's"

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

# serve_up NAME LOG_LEVEL: starts a release `serve` on fresh databases; sets GP and serve.
serve_up() {
  GP=$(port)
  "$bin" serve --port "$GP" --db "$work/$1-gateway.sqlite" --storefront-port 0 --storefront-db "$work/$1-storefronts.sqlite" --participants 0 \
    --log-level "$2" >"$work/$1-serve.log" 2>&1 & serve=$!; pids+=($serve)
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$GP/sim/storefronts" | grep -q sisnaker && break; sleep 0.1; done
}

# Without the request log, so that this is the least a request costs.
serve_up health error
wrk -t2 -c64 -d1s "http://127.0.0.1:$GP/health" >/dev/null 2>&1
before=$(cpu_pid "$serve")
health_rps=$(wrk -t2 -c64 -d5s "http://127.0.0.1:$GP/health" | awk '/Requests\/sec/{print $2}')
serve_us=$(python3 -c "print(f'{($(cpu_pid "$serve") - $before) / ($health_rps * 5) * 1e6:.0f}')")
kill "$serve"; wait "$serve" 2>/dev/null || true
echo "4. serve's /health under wrk -t2 -c64 (--log-level error): $health_rps req/s = $(awk -v h="$health_rps" -v w="$wrk_rps" 'BEGIN{printf "%.2f", h/w}') × nginx;" \
  "serve's CPU ${serve_us} µs per request"

# serve's default log level: its request log (one line per exchange, the gateway's and each storefront's)
# counts the exchanges it answers.
serve_up flows info
logged=$(grep -c 'path=' "$work/flows-serve.log" || true)
before=$(cpu_pid "$serve")
cpu_of "$work/flows.cpu" "$bin" load --gateway "http://127.0.0.1:$GP" --rate "$RATE" --duration "$DURATION" --quiet --json "$work/flows.json" --html "$work/flows.html" \
  > "$work/flows.txt" || true
serve_cpu=$(python3 -c "print($(cpu_pid "$serve") - $before)")
cat "$work/flows.txt"
# Exchanges of the run itself: everything logged during it but the load's set-up, its listing of the
# storefronts and credentials, and its closing audit.
exchanges=$(grep 'path=' "$work/flows-serve.log" | tail -n +"$((logged + 1))" \
  | grep -Evc 'path=/sim/(storefronts|credentials|participants/batch|audit) ' || true)
python3 - "$work/flows.json" "$wrk_rps" "$serve_cpu" "$(cat "$work/flows.cpu")" "$exchanges" "$serve_us" "$gen_us" "$cores" <<'P'
import json, sys
r = json.load(open(sys.argv[1])); wrk = float(sys.argv[2]); serve_cpu, gen_cpu = float(sys.argv[3]), float(sys.argv[4])
exchanges, serve_us, gen_us, cores = int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
flows = r["flows"]["completed"] + r["flows"]["failed"]
done = r["flows"]["completed"] / max(r["duration_seconds"], r["flows"]["start_span_seconds"])
print(f"5. purchase flows through adapters and storefronts (serve at its default --log-level info): target {r['target_rate']:.0f}/s, started {r['achieved_rate']:.1f}/s, "
      f"completed {done:.1f} flows/s = {done / wrk:.4f} × wrk's nginx req/s; failed {r['flows']['failed']}, dropped {r['flows']['dropped']}, "
      f"audit {'ok' if r['audit']['ok'] else 'PROBLEMS'}; p99 " + ", ".join(f"{k} {v['latency_ms']['p99']} ms" for k, v in sorted(r['steps'].items())))
if flows:
    per_serve, per_gen, per_x = serve_cpu / flows * 1e3, gen_cpu / flows * 1e3, exchanges / flows
    total = per_serve + per_gen
    print(f"   CPU per flow: serve {per_serve:.1f} ms + generator {per_gen:.1f} ms (set-up and audit included) = {total:.1f} ms, "
          f"so {cores} cores carry at most {cores * 1e3 / total:.0f} flows/s; serve answered {per_x:.1f} HTTP exchanges per flow")
    floor = per_x * (serve_us + gen_us) / 1e3
    print(f"6. floor: {per_x:.1f} exchanges × ({serve_us:.0f} µs serve + {gen_us:.0f} µs client) = {floor:.2f} ms of CPU per flow for HTTP alone "
          f"→ at most {cores * 1e3 / floor:.0f} flows/s on {cores} cores with no database, JSON or domain work at all (2,000 needs ≤ {cores / 2:.2f} ms)")
P
