#!/usr/bin/env bash
# Where a full purchase flow's CPU goes in `serve` (the gateway and the seven storefronts, SQLite default):
# release `serve` on fresh databases, `prakerja-sim load` through the adapters and storefronts at RATE flows/s
# for DURATION, and, once it runs steadily, three windows of `serve` measured per paid charge (one per flow):
#   1. CPU by thread kind (/proc/PID/task): the dispatch serial queues GRDB runs each database connection on,
#      Swift concurrency's pool, NIO's event loops;
#   2. system calls per flow (strace -c; it slows `serve`, so this window is not used for CPU);
#   3. where the CPU goes by library and the hottest functions (perf record, when `perf` is installed).
#   scripts/profile-flow.sh [RATE] [DURATION]      (defaults 40 and 45s; the windows need DURATION ≥ 40s)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${1:-40}; DURATION=${2:-45s}
scripts/setup.sh
command -v strace >/dev/null || { apt-get update -qq && apt-get install -y -qq strace >/dev/null; }
swift build -c release --product prakerja-sim
bin=.build/release/prakerja-sim
work=$(mktemp -d); pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
gateway="http://127.0.0.1:$port"
"$bin" serve --port "$port" --db "$work/gateway.sqlite" --storefront-port 0 --storefront-db "$work/storefronts.sqlite" --participants 0 \
  --log-level error >"$work/serve.log" 2>&1 & serve=$!; pids+=($serve)
for _ in $(seq 1 100); do curl -fs "$gateway/sim/storefronts" | grep -q sisnaker && break; sleep 0.1; done
"$bin" load --gateway "$gateway" --rate "$RATE" --duration "$DURATION" --quiet --json "$work/flows.json" >"$work/load.txt" 2>&1 & load=$!; pids+=($load)

paid() { curl -fs "$gateway/sim/audit" | python3 -c 'import json,sys; print(json.load(sys.stdin)["paid_charges"])'; }
# Per thread: kind and CPU seconds so far.
threads() {
  python3 - "$serve" <<'P'
import os, sys
pid = sys.argv[1]; tick = os.sysconf("SC_CLK_TCK")
for tid in os.listdir(f"/proc/{pid}/task"):
    try:
        name = open(f"/proc/{pid}/task/{tid}/comm").read().strip()
        f = open(f"/proc/{pid}/task/{tid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        continue
    kind = "database queues" if "overcommit" in name else "concurrency pool" if "default-qos" in name else "event loops" if name.startswith("NIO-") else "other"
    print(tid, kind, (int(f[11]) + int(f[12])) / tick, sep="\t")
P
}
cpu_pid() { python3 -c 'import os,sys; f=open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")",1)[1].split(); print((int(f[11])+int(f[12]))/os.sysconf("SC_CLK_TCK"))' "$1"; }

# Set-up (participants, credentials) and warm-up: until flows are being paid.
for _ in $(seq 1 60); do [ "$(paid)" -gt 0 ] && break; sleep 1; done
sleep 3
# 1. CPU by thread kind, 10 s.
threads > "$work/t0"; c0=$(cpu_pid "$serve"); p0=$(paid)
sleep 10
threads > "$work/t1"; c1=$(cpu_pid "$serve"); p1=$(paid)
python3 - "$work/t0" "$work/t1" "$c0" "$c1" "$p0" "$p1" <<'P'
import sys
def load(path):
    return {tid: (kind, float(cpu)) for tid, kind, cpu in (line.rstrip("\n").split("\t") for line in open(path))}
t0, t1 = load(sys.argv[1]), load(sys.argv[2]); c0, c1, p0, p1 = map(float, sys.argv[3:7])
flows = p1 - p0
if flows <= 0:
    sys.exit("1. no flow was paid in the window: is the load running? (see the load's output below)")
total = (c1 - c0) * 1e3 / flows
kinds = {}
for tid, (kind, cpu) in t1.items():
    kinds[kind] = kinds.get(kind, 0) + cpu - t0.get(tid, (kind, 0))[1]
# Idle dispatch threads exit after a few seconds: what they used in the window is the process's rest.
kinds["threads since exited"] = max(0.0, (c1 - c0) - sum(kinds.values()))
print(f"1. serve: {flows:.0f} flows paid in 10 s, {total:.1f} ms of CPU per flow; by thread kind:")
for kind, cpu in sorted(kinds.items(), key=lambda kv: -kv[1]):
    print(f"   {kind:18} {cpu * 1e3 / flows:6.1f} ms per flow  ({cpu / max(c1 - c0, 1e-9) * 100:4.1f} %)")
P

# 2. System calls per flow, 5 s.
p0=$(paid)
timeout 5 strace -f -c -o "$work/strace.txt" -p "$serve" >/dev/null 2>&1 || true
p1=$(paid)
python3 - "$work/strace.txt" "$p0" "$p1" <<'P'
import sys
flows = float(sys.argv[3]) - float(sys.argv[2])
rows = []
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
        rows.append((int(parts[3]), parts[-1]))
rows.sort(reverse=True)
if not rows or flows <= 0:
    print("2. (strace could not attach here, or no flow was paid meanwhile: no system-call counts)")
    sys.exit(0)
print(f"2. serve's system calls per flow ({flows:.0f} flows in 5 s under strace): " + ", ".join(f"{name} {n / flows:.0f}" for n, name in rows[:10]))
P

# 3. perf, 8 s.
if command -v perf >/dev/null && perf record -q -e cpu-clock -g -o "$work/perf.data" -p "$serve" -- sleep 8 >/dev/null 2>&1; then
  echo "3. serve's CPU by library (perf, 8 s):"
  { perf report -i "$work/perf.data" --no-children --sort dso --stdio 2>/dev/null || true; } | grep -E '^ +[0-9]' | head -8 | sed 's/^/   /' || true
  echo "   hottest functions (self time):"
  { perf report -i "$work/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null || true; } | grep -E '^ +[0-9]' | head -15 | cut -c1-140 | sed 's/^/   /' || true
else
  echo "3. (perf is not installed or not permitted here: no library breakdown)"
fi
wait "$load" || true
tail -3 "$work/load.txt"
