"""A `prakerja-sim serve` process for the end-to-end scripts: start it on free ports, call its APIs, and buy a
course through the signed partner API the way a platform does (charge, OTP from the SMS outbox, confirm)."""
import json
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
import uuid

from partner import free_port, partner_headers


class Sim:
    def __init__(self, binary, work, name, extra=()):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.db = os.path.join(work, name + ".sqlite")
        for stale in (self.db, self.db + ".storefronts"):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(stale + suffix):
                    os.remove(stale + suffix)
        self.log = open(os.path.join(work, name + "-server.log"), "ab")
        self.args = [binary, "serve", "--port", str(self.port), "--db", self.db, "--storefront-port", "0",
                     "--storefront-db", self.db + ".storefronts", "--participants", "0", "--log-level", "warning", *extra]
        self.proc = None
        self.secrets = {}

    def start(self):
        self.proc = subprocess.Popen(self.args, stdout=self.log, stderr=self.log)
        for _ in range(600):
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=1):
                    break
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"serve exited with {self.proc.returncode}; see {self.log.name}")
                time.sleep(0.05)
        else:
            raise SystemExit("the gateway did not start; see " + self.log.name)
        _, creds = self.call("GET", "/sim/credentials")
        self.secrets = {p["platform_id"]: p["secret"] for p in creds["platforms"]}
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def call(self, method, path, body=None, headers=None):
        return http_json(self.base, method, path, body, headers)

    def signed(self, platform, method, path, body):
        raw = json.dumps(body, separators=(",", ":")).encode()
        return self.call(method, path, body, partner_headers(platform, self.secrets[platform], method, path, raw))

    def participant(self, **draft):
        status, person = self.call("POST", "/sim/participants", {"videos_watched": 3, **draft})
        assert status == 201, person
        return person

    def purchase(self, person, platform="tokopedia"):
        """Charge, read the OTP from the SMS outbox, confirm: returns (charge id, confirm status, confirm body)."""
        _, page = self.call("GET", f"/catalog/courses?platform={platform}&type=self_paced&limit=50")
        course = min(page["items"], key=lambda c: c["price"])
        order = uuid.uuid4().hex
        status, charge = self.signed(platform, "POST", "/partner/v1/charges", {
            "card_number": person["card_number"], "course_id": course["id"], "platform_order_id": order, "account_id": "acct-" + order})
        assert status == 201, charge
        _, sms = self.call("GET", "/sim/outbox/sms?recipient=" + person["phone"])
        otp = re.search(r"\b\d{6}\b", sms[-1]["body"]).group(0)
        status, paid = self.signed(platform, "POST", f"/partner/v1/charges/{charge['id']}/confirm", {"otp": otp})
        return charge["id"], status, paid


def http_json(base, method, path, body=None, headers=None, raw=None):
    """One JSON request: (status, decoded body). `raw` sends exact bytes (a signed body) instead of `body`."""
    data = raw if raw is not None else (None if body is None else json.dumps(body, separators=(",", ":")).encode())
    req = urllib.request.Request(base + path, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Checks:
    """Counts and prints what a script checked: 'ok: …' or 'FAILED: …'."""

    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def __call__(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(("ok: " if ok else "FAILED: ") + what, flush=True)
        return ok

    def finish(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed")
        raise SystemExit(1 if self.failed else 0)


def wait_for(predicate, timeout, interval=0.05):
    """Polls `predicate` until it returns something truthy or `timeout` seconds pass; returns its last value."""
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value or time.time() > deadline:
            return value
        time.sleep(interval)
