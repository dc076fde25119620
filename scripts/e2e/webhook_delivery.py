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
import sys
import threading
import time

from partner import free_port
from sim import Checks, Sim
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

BIN, WORK = sys.argv[1], sys.argv[2]
N, PLATFORM, FAILS_PER_EVENT = 20, "tokopedia", 2


RECEIVER = free_port()
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


sim = Sim(BIN, WORK, "webhooks", ["--webhook", f"{PLATFORM}=http://127.0.0.1:{RECEIVER}/hooks"])
call = sim.call
check = Checks("webhooks")


sim.start()
_, creds = call("GET", "/sim/credentials")
secret[0] = next(p for p in creds["platforms"] if p["platform_id"] == PLATFORM)["webhook_secret"]
vouchers = {}  # charge id -> voucher code its confirm returned
for i in range(N):
    charge_id, status, paid = sim.purchase(sim.participant(), PLATFORM)
    vouchers[charge_id] = paid["voucher"]["code"]
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
sim.proc.kill()
sim.proc.wait()
before = dict(received)
check(not before, "nothing delivered before the crash (every first attempt failed)")

sim.start()
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
sim.proc.kill()
server.shutdown()
check.finish()
