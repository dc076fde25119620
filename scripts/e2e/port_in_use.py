#!/usr/bin/env python3
"""`serve` on a port another process holds (the gateway's, then a storefront's) exits at once with status 2
and a message naming the port — it does not hang. Usage: port_in_use.py BINARY WORKDIR"""
import os
import socket
import subprocess
import sys

BIN, WORK = sys.argv[1], sys.argv[2]
failed = 0


def holder():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s, s.getsockname()[1]


def run(args):
    db = os.path.join(WORK, "port.sqlite")
    return subprocess.run(
        [BIN, "serve", "--db", db, "--storefront-db", db + ".storefronts", "--participants", "0", *args],
        capture_output=True, text=True, timeout=60)


for what, make_args in [
    ("gateway", lambda p: ["--port", str(p), "--storefront-port", "0"]),
    ("storefronts", lambda p: ["--port", "0", "--storefront-port", str(p)]),
]:
    sock, port = holder()
    try:
        r = run(make_args(port))
    except subprocess.TimeoutExpired:
        print(f"FAILED: serve hung with the {what} port {port} in use")
        failed += 1
        continue
    finally:
        sock.close()
    ok = r.returncode == 2 and "address already in use" in r.stderr and what in r.stderr and str(port) in r.stderr
    print(("ok" if ok else "FAILED") + f": {what} port {port} in use -> exit {r.returncode}: {r.stderr.strip()[-300:]}")
    failed += 0 if ok else 1
sys.exit(1 if failed else 0)
