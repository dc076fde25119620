#!/usr/bin/env python3
"""The console in a real browser: headless Chromium from Debian's packages, driven through its DevTools
protocol (a websocket; nothing downloads a browser).

- `serve` starts; the page at /console loads with no request leaving the simulator (works offline) and no
  script error; the live stream connects;
- a purchase is made through the signed partner API while the page stays open: the voucher e-mail appears in
  the messages view without a reload, and how long it took is printed;
- the keyboard switches views ("3" → charges), the charge's timeline is drawn in lanes, the resend button
  makes a delivery due again, and the page is usable 390 px wide;
- screenshots land in SHOTS (messages, charge timeline, deliveries, overview, narrow).

Usage: console_browser.py BINARY WORKDIR SHOTS   (prints 'console: N passed, M failed')
"""
import json
import os
import sys
import time

from browser import Browser
from sim import Checks, Sim, wait_for

BIN, WORK, SHOTS = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(SHOTS, exist_ok=True)
check = Checks("console")


sim = Sim(BIN, WORK, "console").start()
browser = Browser(WORK, SHOTS)
try:
    person = sim.participant()
    browser.send("Page.enable")
    browser.send("Runtime.enable")
    browser.send("Network.enable")
    browser.send("Log.enable")
    browser.send("Page.navigate", url=sim.base + "/console")
    check(browser.wait("document.readyState === 'complete' && document.querySelector('#live').textContent === 'live'", 15),
          "the console loads and its live stream connects")
    shown_time = browser.wait("(() => { const t = document.querySelector('#business-time').textContent; return t.includes('WIB') ? t : null; })()", 5)
    check(shown_time, f"business time shows: {shown_time}")
    browser.js("window.__sameDocument = 'yes'")

    # A purchase while the page is open: the voucher e-mail must appear without a reload.
    charge_id, status, paid = sim.purchase(person)
    code = paid["voucher"]["code"] if status == 200 else None
    confirmed = time.time()
    check(status == 200 and code, f"purchase confirmed, voucher {code}")
    shown = browser.wait(f"[...document.querySelectorAll('#messages .message[data-channel=email]')].some(m => m.textContent.includes({json.dumps(code)}))", 10)
    took = time.time() - confirmed
    check(shown, f"the voucher e-mail appeared live in the messages view {took:.2f} s after the confirm")
    check(took < 1, f"within a second of the confirm ({took:.2f} s; the stream polls the store every 0.25 s)")
    check(browser.js("window.__sameDocument") == "yes", "without reloading the page")
    check(browser.wait(f"document.querySelector('#messages').textContent.includes({json.dumps(person['phone'])})", 5),
          "the OTP text to the participant's phone is listed too")
    check(browser.wait("document.querySelector('#audit').textContent === 'audit clean'", 5), "the header shows a clean audit")
    print("screenshot:", browser.screenshot("console-messages.png"))

    # Filter by card number: only this participant's messages remain.
    browser.js(f"document.querySelector('#messages-filter').q.value = {json.dumps(person['card_number'])}; "
               "document.querySelector('#messages-filter').requestSubmit()")
    check(browser.wait(f"(() => {{ const m = [...document.querySelectorAll('#messages .message')]; "
                       f"return m.length === 2 && m.every(x => x.textContent.includes({json.dumps(person['card_number'])})); }})()", 5),
          "filtering by card number lists that participant's two messages")

    # Keyboard: "3" opens the charges view; the charge's timeline is drawn in lanes.
    browser.js("document.activeElement && document.activeElement.blur()")
    browser.key("3")
    check(browser.wait("document.querySelector('#tab-charges').getAttribute('aria-selected') === 'true' && !document.querySelector('#view-charges').hidden", 5),
          "the key 3 switches to the charges view")
    browser.js(f"document.querySelector('#charges-filter').q.value = {json.dumps(code)}; document.querySelector('#charges-filter').requestSubmit()")
    check(browser.wait(f"document.querySelectorAll('#charges button[data-id]').length === 1 && document.querySelector('#charges button[data-id]').dataset.id === {json.dumps(charge_id)}", 5),
          "searching charges by voucher code finds the one charge")
    browser.js("document.querySelector('#charges button[data-id]').click()")
    lanes = browser.wait("(() => { const l = [...document.querySelectorAll('.lanes .step')].map(s => s.className); return l.length ? l : null; })()", 5) or []
    check(any("lane-platform" in c for c in lanes) and any("lane-gateway" in c for c in lanes) and any("lane-email" in c for c in lanes)
          and any("lane-participant" in c for c in lanes), f"the timeline has steps in the participant, platform, gateway and e-mail lanes ({len(lanes)} steps)")
    print("screenshot:", browser.screenshot("console-charge-timeline.png"))

    # Deliveries: the e-mail delivery with its attempt; resend makes it due again.
    browser.key("2")
    browser.js("document.querySelector('#deliveries-filter').channel.value = 'email'; document.querySelector('#deliveries-filter').requestSubmit()")
    check(browser.wait(f"[...document.querySelectorAll('#deliveries .delivery')].some(d => d.textContent.includes({json.dumps(charge_id)}) && d.dataset.status === 'delivered')", 5),
          "the deliveries view lists the delivered voucher e-mail")
    browser.js("[...document.querySelectorAll('#deliveries .delivery .actions button')].find(b => b.textContent.startsWith('Attempts')).focus()")
    browser.key("Enter")
    check(browser.wait("document.querySelector('#deliveries .attempts table td.result-delivered') !== null", 5),
          "Enter on its Attempts button opens them in a table")
    check(browser.wait("document.activeElement.dataset.role === 'toggle' && document.activeElement.textContent === 'Hide attempts'", 5),
          "the keyboard focus stays on the button though the list was redrawn")
    _, before = sim.call("GET", f"/sim/charges/{charge_id}/timeline")
    email = next(d for d in before["deliveries"] if d["channel"] == "email")
    browser.js("[...document.querySelectorAll('#deliveries .delivery .actions button')].find(b => b.textContent === 'Resend').click()")
    again = wait_for(lambda: next(d for d in sim.call("GET", f"/sim/charges/{charge_id}/timeline")[1]["deliveries"] if d["channel"] == "email")["attempts"] > email["attempts"], 10)
    check(again, "the resend button sends the e-mail again (a second attempt)")
    print("screenshot:", browser.screenshot("console-deliveries.png"))

    # Overview: counts, audit, fault plan and the faults that fired (a magic card duplicates its e-mail).
    sim.purchase(sim.participant(card_number="5000000000004003"))
    browser.key("4")
    check(browser.wait("document.querySelector('#counts').textContent.includes('Vouchers') && document.querySelector('#audit-detail').textContent.includes('clean')", 5),
          "the overview shows counts and the audit")
    check(browser.wait("document.querySelector('#fired').textContent.includes('email.duplicated')", 5),
          "the fault that fired (email.duplicated) is listed")
    _, clock_before = sim.call("GET", "/sim/clock")
    browser.js("document.querySelector('#advance button[data-seconds=\"86400\"]').click()")
    moved = wait_for(lambda: sim.call("GET", "/sim/clock")[1]["offset_seconds"] - clock_before["offset_seconds"] > 86399, 5)
    check(moved, "the +1 day control advances business time")
    print("screenshot:", browser.screenshot("console-overview.png"))

    # Narrow screen: nothing wider than the viewport but the timeline's own scroller.
    browser.send("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
    browser.key("1")
    time.sleep(0.5)
    overflow = browser.js("document.documentElement.scrollWidth")
    check(overflow <= 390, f"the page fits 390 px without sideways scrolling (scroll width {overflow})")
    print("screenshot:", browser.screenshot("console-narrow.png"))

    browser.drain()
    outside = sorted({e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"
                      and not e["params"]["request"]["url"].startswith(sim.base)})
    check(not outside, f"every request went to the simulator itself: {outside[:3]}")
    errors = [e["params"] for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]
    errors += [e["params"]["entry"] for e in browser.events if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
    check(not errors, f"no script errors ({errors[:2]})")
finally:
    browser.close()
    sim.stop()
check.finish()
