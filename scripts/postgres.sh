#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, from Debian's postgresql package (scripts/setup.sh --test installs it):
#   scripts/postgres.sh start DIR [--throwaway]   initdb in DIR, start on a free loopback port, print its URL
#                                   (postgres://postgres@127.0.0.1:PORT/postgres); --throwaway turns fsync off, for
#                                   test data that need not survive a power cut (benchmarks keep the defaults)
#   scripts/postgres.sh stop DIR    stop it (its files stay in DIR)
#   scripts/postgres.sh resume DIR  start it again on the same port (to test a gateway through a database outage)
# As root, the server runs as the postgres user (initdb refuses root).
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed: run scripts/setup.sh --test" >&2; exit 1; }
dir=${2:?usage: scripts/postgres.sh start|stop DIR}
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$1" in
start)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$dir"
    runuser -u postgres -- test -x "$dir" || { echo "the postgres user cannot reach $dir (make its parents world-searchable)" >&2; exit 1; }
  fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  extra=""
  [ "${3:-}" = "--throwaway" ] && extra="-c fsync=off -c full_page_writes=off"
  echo "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 $extra" >"$dir/options"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  echo "postgres://postgres@127.0.0.1:$port/postgres"
  ;;
resume)
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  ;;
stop)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  ;;
*) echo "usage: scripts/postgres.sh start|stop|resume DIR" >&2; exit 2 ;;
esac
