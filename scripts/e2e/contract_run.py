#!/usr/bin/env python3
"""`prakerja-sim contract` end to end:

- in process, every platform: exit 0, at least 30 scenarios passed on each, and JUnit XML that a JUnit consumer
  (the `junitparser` library) parses, with one suite per platform and no failure; the JSON report's fields;
- against a running `serve` as an external target would be tested (`--target URL --client-id --client-secret`
  with `--gateway`): exit 0; with a wrong client secret the run fails (exit 1) and names the scenarios that
  broke, in the console and in the JUnit file;
- `--list`, `--scenario GLOB`, and clear errors for options that cannot work.

Usage: contract_run.py BINARY WORKDIR GATEWAY_URL   (prints 'contract: N passed, M failed')
"""
import json
import os
import re
import subprocess
import sys
import urllib.request

from junitparser import JUnitXml, Failure, Skipped
from sim import Checks

BIN, WORK, GATEWAY = sys.argv[1], sys.argv[2], sys.argv[3]
check = Checks("contract")


def contract(*args, timeout=600):
    return subprocess.run([BIN, "contract", *args], capture_output=True, text=True, timeout=timeout)


def cases(path):
    out = []
    for suite in JUnitXml.fromfile(path):
        for case in suite:
            kind = "failed" if any(isinstance(r, Failure) for r in case.result) else \
                "skipped" if any(isinstance(r, Skipped) for r in case.result) else "passed"
            out.append((suite.name, case.name, kind))
    return out


# The whole kit in process: seven platforms, both rules profiles.
junit, report = os.path.join(WORK, "contract.xml"), os.path.join(WORK, "contract.json")
r = contract("--platform", "all", "--junit", junit, "--json", report)
check(r.returncode == 0, f"contract --platform all passes in process (exit {r.returncode}: {r.stdout.strip().splitlines()[-1:]})")
got = cases(junit)
platforms = ["bukalapak", "sisnaker", "maubelajarapa", "pijarmahir", "pintaria", "sekolahmu", "tokopedia"]
for p in platforms:
    n = sum(1 for s, _, k in got if s == p and k == "passed")
    check(n >= 30, f"{p}: {n} scenarios passed (>= 30) in the JUnit file")
check(not [c for c in got if c[2] == "failed"], "the JUnit file has no failure")
check(("gateway", "audit", "passed") in got, "the gateway's audit is a passing test case")
data = json.load(open(report))
check(data["ok"] is True and data["failed"] == 0 and data["passed"] >= 400 and data["rules"] == ["2021", "2023"]
      and any(x["rules"] == "2023" and x["covers"] == "rule" and x["outcome"] == "passed" for x in data["results"]),
      f"the JSON report: ok, {data['passed']} passed, rules {data['rules']}")
check(all({"platform", "scenario", "covers", "rules", "outcome", "duration_ms"} <= set(x) for x in data["results"]), "every result has its fields")

# Against the running gateway, the way a partner tests its own storefront: --target with its credentials.
with urllib.request.urlopen(GATEWAY + "/sim/storefronts") as resp:
    listing = {s["platform_id"]: s for s in json.load(resp)}
sis = listing["sisnaker"]
external = ["--platform", "sisnaker", "--target", sis["base_url"], "--gateway", GATEWAY]
r = contract(*external, "--client-id", sis["client_id"], "--client-secret", sis["client_secret"], "--scenario", "otp-*",
             "--scenario", "confirm-*", "--scenario", "buy-self-paced", "--scenario", "stale-signature")
summary = next((l for l in r.stdout.splitlines() if l.startswith("contract: ")), "")
check(r.returncode == 0 and re.search(r"contract: [1-9]\d* passed, 0 failed", summary) is not None,
      f"--target with the right credentials passes ({r.stdout.strip().splitlines()[-1:]})")
bad_xml = os.path.join(WORK, "contract-bad.xml")
r = contract(*external, "--client-id", sis["client_id"], "--client-secret", "not-the-secret", "--scenario", "buy-*",
             "--scenario", "bad-client-secret", "--junit", bad_xml)
check(r.returncode == 1 and "FAIL  sisnaker      buy-self-paced" in r.stdout and "expected success, got bad_credentials" in r.stdout,
      "--target with a wrong secret fails and names the scenario with expected vs actual")
bad = cases(bad_xml)
check(("sisnaker", "buy-self-paced", "failed") in bad, "the failure is in the JUnit file")

# Listing and filtering; options that cannot work are refused with a message.
r = contract("--list")
check(r.returncode == 0 and "tokopedia: " in r.stdout and "webhook-retried" in r.stdout, "--list names the scenarios and counts per platform")
for p in platforms:
    line = next((l for l in r.stdout.splitlines() if l.startswith(p + ": ")), "")
    check(line and int(line.split()[1]) >= 30, f"--list: {line}")
r = contract("--scenario", "no-such-*")
check(r.returncode != 0 and "no scenario matches" in r.stderr, "a glob that matches nothing is an error")
r = contract("--target", "http://127.0.0.1:1")
check(r.returncode != 0 and "--platform" in r.stderr, "--target without --platform is refused")
r = contract("--platform", "tokopedia", "--target", "http://127.0.0.1:1")
check(r.returncode != 0 and "--gateway" in r.stderr, "--target without --gateway is refused")
r = contract("--platform", "tokopedia", "--gateway", "http://127.0.0.1:1", "--scenario", "buy-self-paced")
check(r.returncode != 0 and "127.0.0.1:1" in (r.stderr + r.stdout), "an unreachable gateway is a clear error")
check.finish()
