#!/usr/bin/env python3
"""Two `prakerja-sim serve` processes on one PostgreSQL database behave as one gateway:

- 200 concurrent confirms of one charge, split across both processes: one debit, one voucher, every success
  showing that voucher, no 5xx;
- business time advanced through one is the time of the other; a signed request replayed to the other is refused;
- purchases through both while one is killed with -9 and restarted on the same database: every acknowledged voucher
  is there (read through either process), every delivery of an acknowledged purchase is made, attempts numbered
  once each, and the money audit is clean through both;
- the database stopped under both (when the test script names its directory in PRAKERJA_TEST_POSTGRES_DIR): 503
  STORE_UNAVAILABLE from both, no crash; started again: both serve, a purchase goes through, nothing acknowledged lost;
- the storefronts' accounts and orders in the same database: a purchase through a storefront of each process.

Usage: postgres_multi.py BINARY WORKDIR POSTGRES_URL   (POSTGRES_URL: a server's postgres database, for CREATE DATABASE)
"""
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from partner import free_port, partner_headers
from sim import Checks, http_json, wait_for

BIN, WORK, ADMIN = sys.argv[1], sys.argv[2], sys.argv[3]
check = Checks("postgres")
name = "prakerja_multi_" + uuid.uuid4().hex[:8]
subprocess.run(["psql", ADMIN, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
DB = ADMIN.rsplit("/", 1)[0] + "/" + name


class Gateway:
    def __init__(self, label):
        self.label, self.port = label, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(WORK, f"multi-{label}.log"), "ab")
        self.proc = None
        self.lock, self.unanswered = threading.Lock(), 0

    def start(self):
        # The storefronts' accounts and orders in the same database too.
        self.proc = subprocess.Popen([BIN, "serve", "--port", str(self.port), "--db", DB, "--db-pool", "16", "--storefront-port", "0",
                                      "--storefront-db", DB,
                                      "--participants", "100", "--log-level", "warning"], stdout=self.log, stderr=self.log)
        ok = wait_for(lambda: self.get("/health")[0] == 200, 60, 0.1)
        if not ok:
            raise SystemExit(f"gateway {self.label} did not start; see {self.log.name}")
        return self

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def call(self, method, path, body=None, headers=None, raw=None):
        try:
            return http_json(self.base, method, path, body, headers, raw)
        except OSError as e:  # a killed process
            with self.lock:
                self.unanswered += 1
            return 0, {"error": str(e)}

    def get(self, path):
        return self.call("GET", path)

    def signed(self, method, path, body, headers=None):
        raw = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
        h = partner_headers("tokopedia", SECRET, method, path, raw)
        h.update(headers or {})
        return self.call(method, path, headers=h, raw=raw if body is not None else None), h, raw


a, b = Gateway("a").start(), Gateway("b").start()
SECRET = next(p["secret"] for p in a.get("/sim/credentials")[1]["platforms"] if p["platform_id"] == "tokopedia")
_, page = a.get("/catalog/courses?platform=tokopedia&type=self_paced&limit=50")
COURSE = min(page["items"], key=lambda c: c["price"])
check(a.get("/sim/participants?limit=1")[1]["total"] == 100 and b.get("/sim/participants?limit=1")[1]["total"] == 100,
      "both processes started on one population (the second found it made)")


def new_person(gw):
    status, person = gw.call("POST", "/sim/participants", {"videos_watched": 3})
    assert status == 201, person
    return person


def charge(gw, person):
    order = uuid.uuid4().hex
    (status, body), _, _ = gw.signed("POST", "/partner/v1/charges", {
        "card_number": person["card_number"], "course_id": COURSE["id"], "platform_order_id": order, "account_id": "acct-" + order})
    return status, body


def otp_of(gw, person):
    _, sms = gw.get("/sim/outbox/sms?recipient=" + person["phone"])
    return re.search(r"\b\d{6}\b", sms[-1]["body"]).group(0) if sms else None


# 1. 200 concurrent confirms of one charge, half through each process.
person = new_person(a)
status, created = charge(a, person)
otp = otp_of(b, person)
check(status == 201 and otp is not None, "a charge made through A; its OTP read through B")


def confirm(i):
    gw = a if i % 2 == 0 else b
    (status, body), _, _ = gw.signed("POST", f"/partner/v1/charges/{created['id']}/confirm", {"otp": otp})
    return status, body


with ThreadPoolExecutor(max_workers=50) as pool:
    results = list(pool.map(confirm, range(200)))
statuses = sorted({s for s, _ in results})
codes = {(b or {}).get("voucher", {}).get("code") for s, b in results if s == 200}
_, ledger = a.get(f"/sim/participants/{person['card_number']}/ledger")
_, vouchers = b.get(f"/sim/participants/{person['card_number']}/vouchers")
debits = [e for e in (ledger if isinstance(ledger, list) else ledger.get("entries", [])) if e.get("kind") == "debit"]
check(all(s < 500 for s, _ in results) and 200 in statuses, f"200 confirms across two processes: statuses {statuses}, no 5xx")
check(len(debits) == 1 and len(vouchers if isinstance(vouchers, list) else vouchers.get("items", [])) == 1 and len(codes) == 1 and None not in codes,
      f"one debit ({len(debits)}), one voucher, every success shows it ({codes})")

# 2. One clock; one set of nonces.
_, before = b.get("/sim/clock")
a.call("POST", "/sim/clock/advance", {"seconds": 600})
_, after = b.get("/sim/clock")
check(after["offset_seconds"] - before["offset_seconds"] >= 600 - 1, "business time advanced through A is B's time at once")
p2 = new_person(a)
order = uuid.uuid4().hex
body = {"card_number": p2["card_number"], "course_id": COURSE["id"], "platform_order_id": order, "account_id": "acct-" + order}
(first, _), headers, raw = a.signed("POST", "/partner/v1/charges", body)
replay = b.call("POST", "/partner/v1/charges", headers=headers, raw=raw)
check(first == 201 and replay[0] == 401 and replay[1]["error"]["code"] == "REPLAYED_REQUEST",
      f"a signed request replayed to the other process is refused ({first}, {replay[0]} {replay[1].get('error', {}).get('code')})")

# 3. Purchases through both while A is killed with -9 and restarted.
acknowledged, failures, lock, stop = [], [], threading.Lock(), threading.Event()


def buyer(k):
    i = 0
    while not stop.is_set():
        gw = (a, b)[(k + i) % 2]
        i += 1
        try:
            person = new_person(b)
            status, c = charge(gw, person)
            if status != 201:
                continue
            code = otp_of(gw, person)
            (status, paid), _, _ = gw.signed("POST", f"/partner/v1/charges/{c['id']}/confirm", {"otp": code},
                                              headers={"Idempotency-Key": "k-" + c["id"]})
            with lock:
                if status == 200 and paid.get("voucher"):
                    acknowledged.append((c["id"], paid["voucher"]["code"]))
                elif status >= 500:
                    failures.append((gw.label, status, paid))
        except Exception as e:  # a killed process: nothing acknowledged
            with lock:
                failures.append((gw.label, 0, str(e)))


threads = [threading.Thread(target=buyer, args=(k,)) for k in range(6)]
for t in threads:
    t.start()
time.sleep(3)
a.kill()
time.sleep(1)
a.start()
time.sleep(3)
stop.set()
for t in threads:
    t.join()
served = [f for f in failures if f[1] >= 500]
check(len(acknowledged) >= 20 and a.unanswered > 0,
      f"{len(acknowledged)} purchases acknowledged while A was killed and restarted ({a.unanswered} requests to A went unanswered)")
check(not served, f"no 5xx from a live process: {served[:3]}")
missing = []
for cid, code in acknowledged:
    for gw in (a, b):
        (status, c), _, _ = gw.signed("GET", f"/partner/v1/charges/{cid}", None)
        if status != 200 or c.get("status") != "paid" or c.get("voucher", {}).get("code") != code:
            missing.append((gw.label, cid, status))
check(not missing, f"every acknowledged voucher is there through both processes ({len(acknowledged)} × 2 reads): {missing[:3]}")


def deliveries_done():
    bad = []
    for cid, _ in acknowledged:
        _, t = b.get(f"/sim/charges/{cid}/timeline")
        for d in t["deliveries"]:
            numbers = [x["number"] for x in d.get("attempt_log") or []]
            if d["status"] != "delivered" or numbers != list(range(1, d["attempts"] + 1)) or not numbers:
                bad.append((cid, d["channel"], d["status"], numbers))
    return bad


# An attempt claimed by A when it was killed waits for the claim's lease (25 s) to end; then B makes it.
wait_for(lambda: not deliveries_done(), 60, 1.0)
bad = deliveries_done()
check(not bad, f"every delivery of an acknowledged purchase was made, each attempt recorded once: {bad[:3]}")
audits = [gw.get("/sim/audit")[1] for gw in (a, b)]
check(all(x["ok"] for x in audits) and audits[0]["paid_charges"] == audits[1]["paid_charges"] >= len(acknowledged) + 1,
      f"the audit is clean through both: {[x['problems'][:2] for x in audits]}, {audits[0]['paid_charges']} paid")
# 4. The database stops under both processes, then comes back (the server of scripts/postgres.sh, when the test
#    script names its directory): 503 STORE_UNAVAILABLE meanwhile, no crash, nothing acknowledged lost.
pgdir = os.environ.get("PRAKERJA_TEST_POSTGRES_DIR")
if pgdir:
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "postgres.sh")
    subprocess.run([script, "stop", pgdir], check=True)
    # Requests get 503 once the health check (each second, 5 s timeout) has seen the database gone; one that was
    # already waiting for it is let go then too.
    outage = wait_for(lambda: (lambda r: r if r[0] == 503 else None)(a.get("/sim/audit")), 45, 0.2)
    wait_for(lambda: b.get("/sim/audit")[0] == 503, 45, 0.2)
    (charge_status, charge_body), _, _ = b.signed("POST", "/partner/v1/charges", {
        "card_number": "5000000000000001", "course_id": COURSE["id"], "platform_order_id": uuid.uuid4().hex, "account_id": "x"})
    check(outage is not None and outage[1]["error"]["code"] == "STORE_UNAVAILABLE" and charge_status == 503
          and charge_body["error"]["code"] == "STORE_UNAVAILABLE" and a.proc.poll() is None and b.proc.poll() is None,
          f"with the database stopped: 503 STORE_UNAVAILABLE from both, both processes alive ({outage and outage[0]}, {charge_status})")
    subprocess.run([script, "resume", pgdir], check=True)
    back = wait_for(lambda: a.get("/sim/audit")[0] == 200 and b.get("/sim/audit")[0] == 200, 30, 0.5)
    person = new_person(a)
    status, c = charge(b, person)
    code = otp_of(a, person) if status == 201 else None
    (paid_status, paid), _, _ = a.signed("POST", f"/partner/v1/charges/{c.get('id')}/confirm", {"otp": code}) if code else ((0, {}), None, None)
    if paid_status == 200 and paid.get("voucher"):
        acknowledged.append((c["id"], paid["voucher"]["code"]))
    still = all(a.signed("GET", f"/partner/v1/charges/{cid}", None)[0][1].get("voucher", {}).get("code") == v for cid, v in acknowledged)
    check(back and paid_status == 200 and still,
          f"the database back: both answer again, a purchase goes through, every acknowledged voucher is still there ({paid_status})")

# 5. A purchase through a storefront of each process, whose accounts and orders live in the shared database.
for gw in (a, b):
    _, fronts = gw.get("/sim/storefronts")
    url = next(s["base_url"] for s in fronts if s["platform_id"] == "sisnaker")
    r = subprocess.run([BIN, "demo", "--gateway", gw.base, "--platform", "sisnaker", "--storefront", url, "--quiet"], capture_output=True, text=True)
    check(r.returncode == 0, f"a purchase through {gw.label}'s Sisnaker storefront on the PostgreSQL storefront store ({r.stdout.strip()[-120:]} {r.stderr.strip()[-200:]})")
orders = subprocess.run(["psql", DB, "-tA", "-c", "SELECT COUNT(*) FROM orders WHERE platform_id = 'sisnaker' AND status = 'paid'"],
                        capture_output=True, text=True).stdout.strip()
check(orders == "2", f"both storefronts' paid orders are rows of the shared database ({orders})")
for gw in (a, b):
    gw.kill()
r = subprocess.run([BIN, "audit", "--db", DB], capture_output=True, text=True)
check(r.returncode == 0 and "audit: ok" in r.stdout, "prakerja-sim audit --db postgres://… reads the same books: " + r.stdout.strip().splitlines()[-1])
check.finish()
