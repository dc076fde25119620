#!/usr/bin/env python3
"""Kill the real `prakerja-sim serve` with SIGKILL while purchases are in flight, restart it on the same
files, five times, and check what a platform would rely on:

- no 5xx at any time, and no 409 when creating participants (ids, cards and codes never repeat);
- every voucher the gateway acknowledged (a 200 confirm) is still there after every restart, active, with
  its charge paid, and a confirm retried with the same Idempotency-Key after a crash gets the same voucher;
- the money audit is clean.

It signs partner requests itself (HMAC-SHA256 as the README documents), independently of the Swift client.
Usage: restart_storm.py BINARY WORKDIR  (prints 'restart storm: N passed, M failed'; exit 1 on a failure)
"""
import http.client
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

from partner import free_port, partner_headers

BIN, WORK = sys.argv[1], sys.argv[2]
RESTARTS, WORKERS, ROUND_SECONDS = 5, 6, 2.0
PLATFORM = "tokopedia"


PORT = free_port()
BASE = f"http://127.0.0.1:{PORT}"
DB = os.path.join(WORK, "storm.sqlite")
log = open(os.path.join(WORK, "storm-server.log"), "ab")


class Server:
    proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [BIN, "serve", "--port", str(PORT), "--db", DB, "--storefront-port", "0", "--storefront-db", DB + ".storefronts",
             "--participants", "0", "--log-level", "warning"],
            stdout=log, stderr=log)
        for _ in range(300):
            try:
                with urllib.request.urlopen(BASE + "/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("the gateway did not start; see " + log.name)

    def kill(self):
        self.proc.kill()  # SIGKILL: no graceful shutdown, no flush
        self.proc.wait()


in_flight = [0]  # requests sent and not yet answered, across the workers


def call(method, path, body=None, headers=None):
    """(status, json or None); status 0 when the server is down (refused), -1 when the request was cut off."""
    data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with lock:
        in_flight[0] += 1
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, {"raw": raw.decode(errors="replace")}
    except urllib.error.URLError as e:
        return (0 if isinstance(e.reason, ConnectionRefusedError) else -1), None
    except ConnectionRefusedError:
        return 0, None
    except (OSError, ValueError, http.client.HTTPException):
        return -1, None
    finally:
        with lock:
            in_flight[0] -= 1


SECRET = None


def signed(method, path, body, key):
    raw = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
    headers = partner_headers(PLATFORM, SECRET, method, path, raw)
    headers["Idempotency-Key"] = key
    return call(method, path, body, headers)


lock = threading.Lock()
problems, acknowledged, retried_same, statuses, cut_off, confirms_cut_off = [], {}, [0], {}, [0], [0]
stop = threading.Event()


def note(status, what):
    with lock:
        statuses[status] = statuses.get(status, 0) + 1
        if status >= 500:
            problems.append(f"{what}: HTTP {status}")


def until_answered(fn, what):
    """Repeats a call while the server is down or the request was cut off, as a platform retrying would
    (with the same idempotency key); (0, None) once the run is over."""
    while not stop.is_set():
        status, body = fn()
        if status > 0:
            note(status, what)
            return status, body
        if status < 0:
            with lock:
                cut_off[0] += 1
                if what == "confirm":
                    confirms_cut_off[0] += 1
        time.sleep(0.05)
    return 0, None


def flow(courses, rng):
    status, person = until_answered(lambda: call("POST", "/sim/participants", {"videos_watched": 3}), "create participant")
    if status == 409:
        with lock:
            problems.append(f"creating a participant answered 409: {person}")
        return
    if status != 201:
        return
    course = rng.choice([c for c in courses if c["price"] <= person["balance"]])
    order = uuid.uuid4().hex
    request = {"card_number": person["card_number"], "course_id": course["id"], "platform_order_id": order, "account_id": "acct-" + order}
    status, charge = until_answered(lambda: signed("POST", "/partner/v1/charges", request, "create-" + order), "create charge")
    if status != 201:
        return
    status, sms = until_answered(lambda: call("GET", "/sim/outbox/sms?recipient=" + person["phone"]), "read SMS")
    if status != 200:
        return  # the run is over
    otp = [m for m in sms if m.get("charge_id") == charge["id"]]
    if not otp:
        with lock:
            problems.append(f"no OTP SMS for acknowledged charge {charge['id']}")
        return
    code = re.search(r"\b\d{6}\b", otp[-1]["body"]).group(0)
    key, first = "confirm-" + order, None
    for attempt in range(2):  # the second confirm is a platform's retry with the same key
        status, paid = until_answered(lambda: signed("POST", f"/partner/v1/charges/{charge['id']}/confirm", {"otp": code}, key), "confirm")
        if status != 200:
            return
        voucher = paid["voucher"]["code"]
        if first is None:
            first = voucher
            with lock:
                acknowledged[voucher] = charge["id"]
        elif voucher != first:
            with lock:
                problems.append(f"a retried confirm of {charge['id']} gave {voucher}, first {first}")
        else:
            with lock:
                retried_same[0] += 1


def worker(seed, courses):
    rng = random.Random(seed)
    while not stop.is_set():
        flow(courses, rng)
        time.sleep(rng.uniform(0.05, 0.15))  # paced, so the check of every voucher stays short


server = Server()
server.start()
status, creds = call("GET", "/sim/credentials")
SECRET = next(p["secret"] for p in creds["platforms"] if p["platform_id"] == PLATFORM)
status, page = call("GET", f"/catalog/courses?platform={PLATFORM}&type=self_paced&limit=200")
courses = page["items"]
threads = [threading.Thread(target=worker, args=(i, courses), daemon=True) for i in range(WORKERS)]
for t in threads:
    t.start()
passed, failed = 0, 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok:", what)
    else:
        failed += 1
        print("FAILED:", what)


def verify(label):
    with lock:
        known = dict(acknowledged)
    lost = []
    for voucher, charge_id in known.items():
        s, v = call("GET", f"/sim/vouchers/{voucher}")
        s2, c = call("GET", f"/sim/charges/{charge_id}")
        if s != 200 or v.get("status") != "active" or s2 != 200 or c["charge"].get("status") != "paid":
            lost.append(voucher)
    check(not lost, f"{label}: all {len(known)} acknowledged vouchers present and paid (lost: {lost[:5]})")


def kill_mid_flight():
    """Kills the server at a moment when at least two requests are on the wire."""
    deadline = time.time() + 5
    while time.time() < deadline:
        with lock:
            if in_flight[0] >= 2:
                break
        time.sleep(0.0005)
    server.kill()


for round_ in range(1, RESTARTS + 1):
    time.sleep(ROUND_SECONDS)
    kill_mid_flight()
    server.start()
    verify(f"after kill -9 #{round_}")
time.sleep(ROUND_SECONDS)
stop.set()
for t in threads:
    t.join(timeout=30)
verify("at the end")
check(cut_off[0] >= 1, f"{cut_off[0]} requests were cut off by the kills and retried with the same key ({confirms_cut_off[0]} of them confirms)")
check(not problems, f"no 5xx, no 409 on participants, retries gave the same voucher ({problems[:5]})")
check(len(acknowledged) >= 20, f"{len(acknowledged)} purchases acknowledged across {RESTARTS} restarts ({retried_same[0]} retried confirms gave the same voucher)")
status, audit = call("GET", "/sim/audit")
check(status == 200 and audit["ok"], f"audit after {RESTARTS} restarts: {audit}")
print("statuses seen:", dict(sorted(statuses.items())))
server.kill()
print(f"restart storm: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
