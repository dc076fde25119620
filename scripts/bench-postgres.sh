#!/usr/bin/env bash
# Purchase throughput on PostgreSQL with one and with two gateway processes, next to pgbench's TPC-B-like
# figure on the same server and to the SQLite default, all in the same run on this machine.
#   scripts/bench-postgres.sh [FLOWS] [CONCURRENCY]        env: PGBENCH_SECONDS (default 20)
# Each figure is `prakerja-sim bench` (create-charge → read-OTP → confirm flows, one fresh participant each,
# closed loop, then the money audit) against `serve` built in release mode; with two processes, two bench
# processes run at once, one against each gateway, on one database, and their rates add up.
set -euo pipefail
cd "$(dirname "$0")/.."
FLOWS=${1:-3000}; CONC=${2:-32}; SECS=${PGBENCH_SECONDS:-20}
scripts/setup.sh
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ||
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
swift build -c release --product prakerja-sim
bin=.build/release/prakerja-sim
work=$(mktemp -d) && chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; scripts/postgres.sh stop "$work/pg"; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
url=$(scripts/postgres.sh start "$work/pg")
base=${url%/*}
serve() {  # serve PORT DB: a gateway (no storefronts' traffic in this bench) on DB
  "$bin" serve --port "$1" --db "$2" --storefront-port 0 --storefront-db "$work/sf-$1.sqlite" --participants 0 --log-level warning \
    >"$work/serve-$1.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$1/health" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "serve on $2 did not start"; cat "$work/serve-$1.log"; exit 1
}
rate() { sed -n 's/.* \([0-9][0-9]*\) flows\/s.*/\1/p' | head -1; }
bench() {  # bench URL FLOWS CONCURRENCY OUT: one bench run; its whole output when it fails
  "$bin" bench --gateway "$1" --flows "$2" --concurrency "$3" >"$4" 2>&1 || { echo "bench against $1 failed:"; cat "$4"; exit 1; }
}

# pgbench, TPC-B-like (the default script), on the same server.
psql "$url" -q -c "CREATE DATABASE pgbench"
pgbench -q -i -s 10 "$base/pgbench" >/dev/null 2>&1
tps=$(pgbench -c 8 -j 2 -T "$SECS" "$base/pgbench" 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1)
echo "pgbench TPC-B-like, 8 clients, ${SECS}s: $tps tps"

# The SQLite default.
P=$(port); serve "$P" "$work/bench.sqlite"
bench "http://127.0.0.1:$P" "$FLOWS" "$CONC" "$work/sqlite.txt"; sqlite=$(rate <"$work/sqlite.txt")
kill "${pids[-1]}"; echo "SQLite, one process: $sqlite flows/s"

# PostgreSQL, one process.
psql "$url" -q -c "CREATE DATABASE bench1"
P=$(port); serve "$P" "$base/bench1"
bench "http://127.0.0.1:$P" "$FLOWS" "$CONC" "$work/pg1.txt"; one=$(rate <"$work/pg1.txt")
kill "${pids[-1]}"; echo "PostgreSQL, one process: $one flows/s"

# PostgreSQL, two processes on one database, half the flows and half the concurrency each.
psql "$url" -q -c "CREATE DATABASE bench2"
A=$(port); serve "$A" "$base/bench2"
B=$(port); serve "$B" "$base/bench2"
bench "http://127.0.0.1:$A" $((FLOWS / 2)) $((CONC / 2)) "$work/pg2a.txt" &
ba=$!
bench "http://127.0.0.1:$B" $((FLOWS / 2)) $((CONC / 2)) "$work/pg2b.txt"
wait "$ba" || exit 1
a=$(rate <"$work/pg2a.txt"); b=$(rate <"$work/pg2b.txt")
two=$((a + b))
echo "PostgreSQL, two processes: $a + $b = $two flows/s"
for f in sqlite pg1 pg2a pg2b; do grep -q "audit: ok" "$work/$f.txt" || { echo "audit failed in $f:"; cat "$work/$f.txt"; exit 1; }; done

awk -v t="$tps" -v s="$sqlite" -v o="$one" -v w="$two" 'BEGIN{
  printf "\n| store | flows/s | ÷ pgbench tps | ÷ SQLite |\n|---|---|---|---|\n";
  printf "| SQLite, one process | %d | %.3f | 1.00 |\n", s, s/t;
  printf "| PostgreSQL, one process | %d | %.3f | %.2f |\n", o, o/t, o/s;
  printf "| PostgreSQL, two processes | %d | %.3f | %.2f |\n", w, w/t, w/s;
  printf "(pgbench TPC-B-like: %.0f tps, each transaction 5 statements)\n", t }'
