#!/usr/bin/env python3
"""Webhooks end to end, checked by an independent Standard Webhooks implementation (PyPI `standardwebhooks`):

- `serve --webhook tokopedia=URL` with a receiver that verifies every request's signature and fails the
  first two attempts of every event (HTTP 500);
- N purchases, then `kill -9` of `serve` while every voucher.issued delivery is still pending;
- restart on the same files, advance business time a day (`POST /sim/clock/advance`): the retries happen at
  their scheduled instants, no wall-clock waiting;
- every voucher.issued arrives at least once, de-duplicated by webhook-id there are exactly N, each names the
  voucher its confirm returned, no voucher was issued twice, the timelines show the attempts, audit clean.

Usage: webhook_delivery.py BINARY WORKDIR   (prints 'webhooks: N passed, M failed')
"""
import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

from partner import free_port, partner_headers
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

BIN, WORK = sys.argv[1], sys.argv[2]
N, PLATFORM, FAILS_PER_EVENT = 20, "tokopedia", 2


GATEWAY, RECEIVER = free_port(), free_port()
BASE = f"http://127.0.0.1:{GATEWAY}"
DB = os.path.join(WORK, "webhooks.sqlite")
log = open(os.path.join(WORK, "webhooks-server.log"), "ab")
lock = threading.Lock()
attempts, received, bad_signatures = {}, {}, []
secret = [None]


class Receiver(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            Webhook(secret[0]).verify(body, {k: v for k, v in self.headers.items()})
        except WebhookVerificationError as e:
            with lock:
                bad_signatures.append(f"{self.headers.get('webhook-id')}: {e}")
            self.send_response(400)
            self.end_headers()
            return
        msg = self.headers["webhook-id"]
        with lock:
            attempts[msg] = attempts.get(msg, 0) + 1
            n = attempts[msg]
        if n <= FAILS_PER_EVENT:
            self.send_response(500)
            self.end_headers()
            return
        with lock:
            received.setdefault(msg, []).append(json.loads(body))
        self.send_response(204)
        self.end_headers()


server = http.server.ThreadingHTTPServer(("127.0.0.1", RECEIVER), Receiver)
threading.Thread(target=server.serve_forever, daemon=True).start()


def start():
    proc = subprocess.Popen(
        [BIN, "serve", "--port", str(GATEWAY), "--db", DB, "--storefront-port", "0", "--storefront-db", DB + ".storefronts",
         "--participants", "0", "--log-level", "warning", "--webhook", f"{PLATFORM}=http://127.0.0.1:{RECEIVER}/hooks"],
        stdout=log, stderr=log)
    for _ in range(300):
        try:
            with urllib.request.urlopen(BASE + "/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the gateway did not start; see " + log.name)


def call(method, path, body=None, headers=None):
    data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
    req = urllib.request.Request(BASE + path, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def signed(method, path, body, partner_secret):
    raw = json.dumps(body, separators=(",", ":")).encode()
    return call(method, path, body, partner_headers(PLATFORM, partner_secret, method, path, raw))


passed = failed = 0


def check(ok, what):
    global passed, failed
    passed, failed = (passed + 1, failed) if ok else (passed, failed + 1)
    print(("ok: " if ok else "FAILED: ") + what)


proc = start()
_, creds = call("GET", "/sim/credentials")
platform = next(p for p in creds["platforms"] if p["platform_id"] == PLATFORM)
secret[0] = platform["webhook_secret"]
_, page = call("GET", f"/catalog/courses?platform={PLATFORM}&type=self_paced&limit=50")
course = min(page["items"], key=lambda c: c["price"])
vouchers = {}  # charge id -> voucher code its confirm returned
for i in range(N):
    _, person = call("POST", "/sim/participants", {"videos_watched": 3})
    order = uuid.uuid4().hex
    status, charge = signed("POST", "/partner/v1/charges", {"card_number": person["card_number"], "course_id": course["id"],
                                                           "platform_order_id": order, "account_id": "acct-" + order}, platform["secret"])
    _, sms = call("GET", "/sim/outbox/sms?recipient=" + person["phone"])
    otp = re.search(r"\b\d{6}\b", sms[-1]["body"]).group(0)
    status, paid = signed("POST", f"/partner/v1/charges/{charge['id']}/confirm", {"otp": otp}, platform["secret"])
    vouchers[charge["id"]] = paid["voucher"]["code"]
check(len(vouchers) == N, f"{N} purchases paid")

# The worker makes each first attempt at once; all fail (500). Then kill -9 with every retry pending.
deadline = time.time() + 30
while time.time() < deadline:
    _, pending = call("GET", "/sim/deliveries?status=pending&platform=" + PLATFORM + "&limit=500")
    if len(pending) == 2 * N and all(d["attempts"] == 1 for d in pending):
        break
    time.sleep(0.05)
check(len(pending) == 2 * N and all(d["attempts"] == 1 for d in pending),
      f"{len(pending)} webhooks pending after their first failed attempt (charge.paid and voucher.issued per purchase)")
proc.kill()
proc.wait()
before = dict(received)
check(not before, "nothing delivered before the crash (every first attempt failed)")

proc = start()
status, clock = call("POST", "/sim/clock/advance", {"seconds": 86400})
check(status == 200, f"advanced business time a day: {clock}")
issued = {msg: bodies for msg, bodies in received.items() if bodies[0]["type"] == "voucher.issued"}
check(len(issued) == N, f"de-duplicated by webhook-id: {len(issued)} voucher.issued events for {N} purchases")
by_charge = {}
for msg, bodies in issued.items():
    data = bodies[0]["data"]
    by_charge.setdefault(data["charge_id"], set()).add(data["voucher_code"])
check(all(by_charge.get(c) == {v} for c, v in vouchers.items()), "each voucher.issued names the voucher its confirm returned, once")
check(all(attempts[m] == FAILS_PER_EVENT + 1 for m in issued), f"each event took {FAILS_PER_EVENT + 1} attempts: {sorted(set(attempts.values()))}")
check(not bad_signatures, f"every request verified by the standardwebhooks library ({bad_signatures[:3]})")
charge_id = next(iter(vouchers))
status, timeline = call("GET", f"/sim/charges/{charge_id}/timeline")
hook = [d for d in timeline["deliveries"] if d["channel"] == "webhook" and d["event_type"] == "voucher.issued"][0]
times = [a["at"] for a in hook["attempt_log"]]
check(hook["status"] == "delivered" and [a["result"] for a in hook["attempt_log"]] == ["failed", "failed", "delivered"],
      f"the timeline shows the attempts: {[(a['result'], a['at']) for a in hook['attempt_log']]}")
check(any(e["kind"] == "webhook_failed" for e in timeline["events"]), "the timeline records the failures")
status, audit = call("GET", "/sim/audit")
check(audit["ok"] and audit["vouchers"] == N and audit["paid_charges"] == N, f"no voucher issued twice, audit clean: {audit}")
proc.kill()
server.shutdown()
print(f"webhooks: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
