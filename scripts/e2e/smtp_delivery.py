#!/usr/bin/env python3
"""Voucher e-mails over real SMTP: `serve --smtp HOST:PORT` against an aiosmtpd server (PyPI), a real SMTP
server process speaking RFC 5321, which refuses (550) the participants' old addresses as a relay would.

- a purchase's voucher e-mail arrives: to the participant, the voucher code in its (decoded) body, the
  subject decoded from RFC 2047, one Message-ID per event;
- the e-mail faults act on this channel (magic cards): duplicated → the same message twice; lost → nothing
  arrives; delayed → nothing until business time is advanced two hours; stale address → sent to the old
  address, refused with 550, dead-lettered;
- the server down → the attempt fails (connection refused) and stays pending; server back and business time
  advanced past the retry → it arrives, once;
- the audit stays clean.

Usage: smtp_delivery.py BINARY WORKDIR   (prints 'smtp: N passed, M failed')
"""
import email
import email.policy
import sys
import threading

from aiosmtpd.controller import Controller

from partner import free_port
from sim import Checks, Sim, wait_for

BIN, WORK = sys.argv[1], sys.argv[2]
check = Checks("smtp")
SMTP_PORT = free_port()


class Mailbox:
    """An aiosmtpd handler: keeps every message, refuses mail to the old addresses."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if "@old-" in address:
            return "550 5.1.1 mailbox unavailable: the participant no longer uses this address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address):
        with self.lock:
            return [m for rcpts, m in self.messages if address in rcpts]


mailbox = Mailbox()


def smtp_server():
    return Controller(mailbox, hostname="127.0.0.1", port=SMTP_PORT)


server = smtp_server()
server.start()
sim = Sim(BIN, WORK, "smtp", ["--smtp", f"127.0.0.1:{SMTP_PORT}"]).start()


def email_delivery(charge_id):
    _, timeline = sim.call("GET", f"/sim/charges/{charge_id}/timeline")
    return next(d for d in timeline["deliveries"] if d["channel"] == "email")


def magic(suffix):
    return sim.participant(card_number="500000000000" + suffix)


try:
    # The plain case.
    person = sim.participant()
    charge_id, status, paid = sim.purchase(person)
    code = paid["voucher"]["code"]
    wait_for(lambda: email_delivery(charge_id)["status"] == "delivered", 10)
    got = mailbox.to(person["email"])
    check(len(got) == 1, f"one voucher e-mail reached the SMTP server for {person['email']} ({len(got)})")
    if got:
        m = got[0]
        body = m.get_body(preferencelist=("plain",)).get_content()
        check(code in body, f"its body carries the voucher code {code}")
        check(m["Subject"].startswith("Kode voucher pelatihan"), f"subject decoded: {m['Subject']}")
        check(m["X-Prakerja-Charge"] == charge_id and m["Message-ID"].endswith("@prakerja-sim.local>"), "charge and Message-ID headers")
    d = email_delivery(charge_id)
    check(d["status"] == "delivered" and "SMTP" in d["last_outcome"], f"the delivery says where it went: {d['last_outcome']}")

    # email.duplicated: the same message twice.
    person = magic("4003")
    charge_id, _, _ = sim.purchase(person)
    got = wait_for(lambda: mailbox.to(person["email"]) if len(mailbox.to(person["email"])) >= 2 else None, 10) or []
    check(len(got) == 2 and got[0]["Message-ID"] == got[1]["Message-ID"], f"email.duplicated: two copies, one Message-ID ({len(got)})")

    # email.lost: reported as handed over, never arrives.
    person = magic("4001")
    charge_id, _, _ = sim.purchase(person)
    wait_for(lambda: email_delivery(charge_id)["status"] == "delivered", 10)
    check(not mailbox.to(person["email"]) and "never arrived" in email_delivery(charge_id)["last_outcome"],
          "email.lost: the delivery counts as made and nothing reaches the server")

    # email.delayed: nothing until business time passes the delay.
    person = magic("4002")
    charge_id, _, _ = sim.purchase(person)
    wait_for(lambda: email_delivery(charge_id)["attempts"] >= 1, 10)
    check(not mailbox.to(person["email"]), "email.delayed: nothing yet")
    sim.call("POST", "/sim/clock/advance", {"seconds": 2 * 3600 + 60})
    got = wait_for(lambda: mailbox.to(person["email"]), 10)
    check(len(got) == 1, "email.delayed: it arrives once business time has moved two hours")

    # email.stale_address: sent to the old address, refused for good (550), dead-lettered.
    person = magic("4004")
    charge_id, _, _ = sim.purchase(person)
    d = wait_for(lambda: (lambda x: x if x["status"] != "pending" else None)(email_delivery(charge_id)), 10)
    check(d and d["status"] == "exhausted" and "550" in d["last_outcome"],
          f"email.stale_address: refused with 550 and dead-lettered ({d and d['last_outcome']})")
    check(not mailbox.to(person["email"]), "nothing reached the current address")

    # The server down: the attempt fails and waits for its retry; back up, it arrives once.
    server.stop()
    person = sim.participant()
    charge_id, _, paid = sim.purchase(person)
    d = wait_for(lambda: (lambda x: x if x["attempts"] >= 1 else None)(email_delivery(charge_id)), 10)
    check(d and d["status"] == "pending" and "refused" in d["last_outcome"], f"server down: attempt failed, retry pending ({d and d['last_outcome']})")
    server = smtp_server()
    server.start()
    sim.call("POST", "/sim/clock/advance", {"seconds": 16 * 60})
    wait_for(lambda: email_delivery(charge_id)["status"] == "delivered", 10)
    got = mailbox.to(person["email"])
    check(len(got) == 1 and paid["voucher"]["code"] in got[0].get_body(preferencelist=("plain",)).get_content(),
          "back up and past the retry: the voucher e-mail arrives once")
    _, audit = sim.call("GET", "/sim/audit")
    check(audit["ok"], f"audit clean: {audit['problems'][:3]}")
finally:
    sim.stop()
    server.stop()
check.finish()
