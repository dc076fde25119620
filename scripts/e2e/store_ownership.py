#!/usr/bin/env python3
"""One process owns a SQLite file: a second `serve` on the gateway's file exits at once (status 2) with a message
naming the file, and so does one whose storefront file another process holds; the first goes on serving. The
storefronts' default file is named after --db, and a storefront file made with another gateway database is refused
with a clear message (its accounts are bound to that gateway's cards). Usage: store_ownership.py BINARY WORKDIR"""
import os
import subprocess
import sys
import time
import urllib.request

from partner import free_port
from sim import Sim

BIN, WORK = os.path.abspath(sys.argv[1]), sys.argv[2]
failed = 0


def check(ok, what):
    global failed
    print(("ok" if ok else "FAILED") + ": " + what)
    failed += 0 if ok else 1


def serve(*args, cwd=None):
    try:
        return subprocess.run([BIN, "serve", "--port", str(free_port()), "--storefront-port", "0", "--participants", "0", *args],
                              capture_output=True, text=True, timeout=60, cwd=cwd)
    except subprocess.TimeoutExpired:
        return None


first = Sim(BIN, WORK, "owned").start()
try:
    r = serve("--db", first.db, "--storefront-db", os.path.join(WORK, "other-storefronts.sqlite"))
    check(r is not None and r.returncode == 2 and f"{first.db} is in use by another gateway" in r.stderr,
          f"a second serve on the gateway's file is refused: exit {r and r.returncode}: {r and r.stderr.strip()[-300:]}")
    r = serve("--db", os.path.join(WORK, "other.sqlite"), "--storefront-db", first.db + ".storefronts")
    check(r is not None and r.returncode == 2 and "is in use by another gateway" in r.stderr and ".storefronts" in r.stderr,
          f"a second serve on the storefronts' file is refused: exit {r and r.returncode}: {r and r.stderr.strip()[-300:]}")
    status, health = first.call("GET", "/health")
    check(status == 200, f"the first serve goes on serving ({status})")
finally:
    first.stop()

# Defaults: the storefront file is named after --db, so a new gateway database gets new storefronts; a storefront
# file made with another gateway database is refused.
here = os.path.join(WORK, "pairing")
os.makedirs(here, exist_ok=True)
port = free_port()
with open(os.path.join(here, "a-server.log"), "ab") as log:
    proc = subprocess.Popen([BIN, "serve", "--port", str(port), "--storefront-port", "0", "--participants", "0", "--db", "a.sqlite"],
                            stdout=log, stderr=log, cwd=here)
    up = False
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                up = True
                break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
    proc.terminate()
    proc.wait(timeout=15)
check(up and os.path.exists(os.path.join(here, "a-storefronts.sqlite")), "the storefronts' default file is named after --db (a-storefronts.sqlite)")
r = serve("--db", "b.sqlite", "--storefront-db", "a-storefronts.sqlite", cwd=here)
check(r is not None and r.returncode == 2 and "another gateway database" in r.stderr,
      f"a storefront file made with another gateway database is refused: exit {r and r.returncode}: {r and r.stderr.strip()[-300:]}")
sys.exit(1 if failed else 0)
