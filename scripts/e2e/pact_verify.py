#!/usr/bin/env python3
"""Pact interop end to end: `prakerja-sim contract export --format pact` writes a Pact V4 contract per platform
(storefront → gateway), and the Pact verifier (PyPI pact-python-cli) verifies every one against the running
gateway, setting up each interaction's provider state through POST /sim/pact/state. A contract changed to expect
what the gateway does not do must fail the verifier, so a green run means something.

Usage: pact_verify.py BINARY WORKDIR GATEWAY_URL   (prints 'pact: N passed, M failed')
"""
import json
import os
import subprocess
import sys
from urllib.parse import urlsplit

from sim import Checks

BIN, WORK, GATEWAY = sys.argv[1], sys.argv[2], sys.argv[3]
PACT = os.path.join(os.path.dirname(sys.executable), "pact")
check = Checks("pact")
url = urlsplit(GATEWAY)
out = os.path.join(WORK, "pacts")

r = subprocess.run([BIN, "contract", "export", "--format", "pact", "--out", out], capture_output=True, text=True)
files = sorted(f for f in os.listdir(out) if f.endswith(".json")) if os.path.isdir(out) else []
check(r.returncode == 0 and len(files) == 7, f"exported {len(files)} Pact files ({r.stderr.strip()[:200]})")
first = json.load(open(os.path.join(out, files[0])))
check(first["metadata"]["pactSpecification"]["version"] == "4.0" and first["provider"]["name"] == "prakerja-gateway"
      and all(i["type"] == "Synchronous/HTTP" for i in first["interactions"]), "Pact V4 synchronous HTTP interactions")


def verify(directory, report):
    return subprocess.run([PACT, "verifier", "--dir", directory, "--hostname", url.hostname, "--port", str(url.port),
                           "--provider-name", "prakerja-gateway", "--state-change-url", GATEWAY + "/sim/pact/state",
                           "--json", report, "--no-colour"], capture_output=True, text=True, timeout=300)


r = verify(out, os.path.join(WORK, "pact-report.json"))
tail = (r.stdout + r.stderr).strip().splitlines()[-15:]
check(r.returncode == 0, "pact verifier: every interaction of the seven contracts verifies against the gateway" + ("" if r.returncode == 0 else "\n" + "\n".join(tail)))
report = json.load(open(os.path.join(WORK, "pact-report.json")))
results = report.get("interactionResults", [])
expected = sum(len(json.load(open(os.path.join(out, f)))["interactions"]) for f in files)
check(len(results) == expected and all(x.get("result") == "OK" for x in results) and not report.get("errors"),
      f"the verifier's JSON report: {sum(1 for x in results if x.get('result') == 'OK')} of {expected} interactions OK")

# A contract that expects what the gateway does not do must fail.
broken = os.path.join(WORK, "pacts-broken")
os.makedirs(broken, exist_ok=True)
pact = json.load(open(os.path.join(out, "tokopedia-storefront-prakerja-gateway.json")))
for i in pact["interactions"]:
    if i["description"] == "the confirmation of a pending charge with a wrong OTP":
        i["response"]["status"] = 200
json.dump(pact, open(os.path.join(broken, "tokopedia.json"), "w"))
r = verify(broken, os.path.join(WORK, "pact-broken.json"))
check(r.returncode != 0 and "wrong OTP" in (r.stdout + r.stderr), "a contract expecting a wrong OTP to pay fails verification")
check.finish()
