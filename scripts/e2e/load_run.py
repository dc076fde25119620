#!/usr/bin/env python3
"""`prakerja-sim load` end to end, against a running `serve` and the storefronts it lists at /sim/storefronts:

- two shards run at once (half the rate each, their own participants), each writing JSON; `load merge` makes one
  report whose counts are the sums and whose thresholds hold; every field a CI reads is there;
- a threshold naming an unknown metric is an error before anything starts; an impossible threshold fails the run
  with a non-zero exit; the audit after the run is clean;
- `--url` drives one plain endpoint with the same engine;
- the HTML report opens in headless Chromium with no request leaving the file.

Usage: load_run.py BINARY WORKDIR GATEWAY_URL   (prints 'load: N passed, M failed')
"""
import json
import os
import subprocess
import sys
import time

from browser import Browser
from sim import Checks

BIN, WORK, GATEWAY = sys.argv[1], sys.argv[2], sys.argv[3]
check = Checks("load")


def load(*args, timeout=180):
    return subprocess.run([BIN, "load", *args], capture_output=True, text=True, timeout=timeout)


# Unknown metric: refused at once, before any flow.
started = time.time()
r = load("--gateway", GATEWAY, "--rate", "5", "--duration", "5s", "--threshold", "confrm.p99<50ms")
check(r.returncode != 0 and "unknown metric 'confrm.p99'" in r.stderr and time.time() - started < 10,
      f"an unknown metric is an error before the run ({r.returncode}: {r.stderr.strip()[:120]})")

# Two shards at once.
shards = []
for i in (1, 2):
    out = os.path.join(WORK, f"load-{i}.json")
    shards.append((out, subprocess.Popen(
        [BIN, "load", "--gateway", GATEWAY, "--rate", "16", "--duration", "8s", "--shard", f"{i}/2", "--json", out,
         "--wrong-otp", "0.1", "--threshold", "errors==0", "--threshold", "flow.p99<20s", "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)))
for out, proc in shards:
    text, _ = proc.communicate(timeout=240)
    check(proc.returncode == 0, f"shard {out} passed its thresholds and audit (exit {proc.returncode})\n{text[-1500:]}")
reports = [json.load(open(out)) for out, _ in shards]
for rep in reports:
    steps = rep["steps"]
    ok = all(k in rep for k in ("seed", "configuration", "target_rate", "achieved_rate", "dropped", "audit", "thresholds", "intervals"))
    ok = ok and all(all(k in steps[s] for k in ("count", "errors", "latency_ms", "uncorrected_latency_ms", "histogram")) for s in steps)
    ok = ok and set(steps["confirm"]["latency_ms"]) == {"p50", "p90", "p99", "p999", "max"}
    check(ok and rep["audit"]["ok"] and rep["target_rate"] == 8, f"shard report has every field, target 8/s, audit {rep['audit']}")

merged_json, merged_html = os.path.join(WORK, "load-merged.json"), os.path.join(WORK, "load-merged.html")
r = subprocess.run([BIN, "load", "merge", shards[0][0], shards[1][0], "--json", merged_json, "--html", merged_html,
                    "--threshold", "errors==0", "--threshold", "rate_ratio>=0.9"], capture_output=True, text=True, timeout=60)
check(r.returncode == 0, f"load merge passes its thresholds over the whole ({r.returncode})\n{r.stdout[-1200:]}{r.stderr[-400:]}")
merged = json.load(open(merged_json))
check(merged["flows"]["started"] == sum(x["flows"]["started"] for x in reports)
      and merged["steps"]["confirm"]["count"] == sum(x["steps"]["confirm"]["count"] for x in reports)
      and merged["target_rate"] == 16 and merged["shards"] == ["1/2", "2/2"],
      f"merged counts are the shards' sums: {merged['flows']}")
wrong = merged["steps"].get("confirm_wrong_otp", {}).get("count", 0)
check(wrong > 0 and merged["steps"]["confirm_wrong_otp"]["errors"] == 0, f"{wrong} flows entered a wrong OTP first, each refused as expected")

r = subprocess.run([BIN, "load", "merge", shards[0][0], shards[1][0], "--threshold", "confirm.p50<1us"], capture_output=True, text=True, timeout=60)
check(r.returncode != 0 and "FAILED confirm.p50<1us" in r.stdout, "an impossible threshold fails with a non-zero exit")

r = subprocess.run([BIN, "audit", "--gateway", GATEWAY], capture_output=True, text=True, timeout=60)
check(r.returncode == 0 and "audit: ok" in r.stdout, f"prakerja-sim audit after the runs: {r.stdout.strip()[-200:]}")

# One URL with the same engine.
url_json = os.path.join(WORK, "load-url.json")
r = load("--url", GATEWAY + "/health", "--rate", "200", "--duration", "3s", "--json", url_json, "--threshold", "errors==0", "--quiet")
rep = json.load(open(url_json)) if os.path.exists(url_json) else {}
check(r.returncode == 0 and rep.get("steps", {}).get("request", {}).get("count") == 600,
      f"--url: 600 requests at 200/s ({rep.get('flows')})")

# The HTML report in a real browser, offline.
browser = Browser(WORK)
try:
    browser.send("Page.enable")
    browser.send("Network.enable")
    browser.send("Page.navigate", url="file://" + os.path.abspath(merged_html))
    check(browser.wait("document.readyState === 'complete' && document.querySelectorAll('svg').length > 4", 10),
          "the HTML report renders its charts")
    browser.drain()
    outside = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"
               and not e["params"]["request"]["url"].startswith("file://")]
    check(not outside, f"the HTML report loads nothing from anywhere: {outside[:3]}")
finally:
    browser.close()
check.finish()
