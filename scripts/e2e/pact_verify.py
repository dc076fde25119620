#!/usr/bin/env python3
"""Pact interop end to end. `prakerja-sim contract export --format pact` writes, per platform, a Pact V4 contract of
its storefront with the gateway and one of its adapter with its storefront (recorded from the real adapter). The
Pact verifier (PyPI pact-python-cli) verifies every one against a running `serve`: the gateway, with provider
states set up through POST /sim/pact/state, and each of the seven storefronts, with provider states set up through
POST /sim/pact/storefronts/state. Contracts changed to expect what the provider does not do must fail, and so must
an adapter contract whose signature is no longer computed by the provider state, so a green run means something.

Usage: pact_verify.py BINARY WORKDIR GATEWAY_URL   (prints 'pact: N passed, M failed')
"""
import json
import os
import subprocess
import sys
import urllib.request
from urllib.parse import urlsplit

from sim import Checks

BIN, WORK, GATEWAY = sys.argv[1], sys.argv[2], sys.argv[3]
PACT = os.path.join(os.path.dirname(sys.executable), "pact")
check = Checks("pact")
url = urlsplit(GATEWAY)
out = os.path.join(WORK, "pacts")

r = subprocess.run([BIN, "contract", "export", "--format", "pact", "--out", out], capture_output=True, text=True)
files = sorted(f for f in os.listdir(out) if f.endswith(".json")) if os.path.isdir(out) else []
gateway_files = [f for f in files if f.endswith("-storefront-prakerja-gateway.json")]
adapter_files = [f for f in files if "-adapter-" in f]
check(r.returncode == 0 and len(gateway_files) == 7 and len(adapter_files) == 7,
      f"exported {len(gateway_files)} storefront → gateway and {len(adapter_files)} adapter → storefront Pact files ({r.stderr.strip()[:300]})")
for name in (gateway_files[0], adapter_files[0]):
    pact = json.load(open(os.path.join(out, name)))
    check(pact["metadata"]["pactSpecification"]["version"] == "4.0" and all(i["type"] == "Synchronous/HTTP" for i in pact["interactions"])
          and all(i.get("providerStates") for i in pact["interactions"] if "unsigned" not in i["description"]),
          f"{name}: Pact V4 synchronous HTTP interactions with provider states")


def verify(directory, report, provider, port, states):
    return subprocess.run([PACT, "verifier", "--dir", directory, "--hostname", url.hostname, "--port", str(port),
                           "--provider-name", provider, "--state-change-url", GATEWAY + states,
                           "--json", report, "--no-colour"], capture_output=True, text=True, timeout=600)


def verified(directory, name, provider, port, states, contracts):
    report_file = os.path.join(WORK, f"pact-{name}.json")
    r = verify(directory, report_file, provider, port, states)
    tail = (r.stdout + r.stderr).strip().splitlines()[-15:]
    report = json.load(open(report_file)) if os.path.exists(report_file) else {}
    results = report.get("interactionResults", [])
    expected = sum(len(json.load(open(os.path.join(directory, f)))["interactions"]) for f in contracts)
    ok = sum(1 for x in results if x.get("result") == "OK")
    check(r.returncode == 0 and len(results) == expected and ok == expected and not report.get("errors"),
          f"pact verifier, {provider}: {ok} of {expected} interactions OK" + ("" if r.returncode == 0 else "\n" + "\n".join(tail)))


def only(directory, names):
    os.makedirs(directory, exist_ok=True)
    for name in names:
        with open(os.path.join(out, name)) as src, open(os.path.join(directory, name), "w") as dst:
            dst.write(src.read())
    return directory


# Storefronts → gateway.
verified(only(os.path.join(WORK, "pacts-gateway"), gateway_files), "gateway", "prakerja-gateway", url.port, "/sim/pact/state", gateway_files)

# Adapters → storefronts, each storefront on the port the gateway lists.
with urllib.request.urlopen(GATEWAY + "/sim/storefronts", timeout=10) as response:
    storefronts = {s["platform_id"]: urlsplit(s["base_url"]).port for s in json.load(response)}
check(len(storefronts) == 7, f"the gateway lists {len(storefronts)} storefronts")
for name in adapter_files:
    platform = name.split("-adapter-")[0]
    verified(only(os.path.join(WORK, "pacts-" + platform), [name]), platform, f"{platform}-storefront", storefronts[platform],
             "/sim/pact/storefronts/state", [name])


def broken(name, change, provider, port, states, what):
    """The contract with `change` applied must fail verification in exactly the interactions it changed (named by the
    verifier's JSON report), and pass in every other one."""
    directory = os.path.join(WORK, "pacts-broken-" + name.replace(".json", ""))
    os.makedirs(directory, exist_ok=True)
    pact = json.load(open(os.path.join(out, name)))
    changed = change(pact)
    json.dump(pact, open(os.path.join(directory, name), "w"))
    report_file = os.path.join(directory, "report.json")
    r = verify(directory, report_file, provider, port, states)
    results = json.load(open(report_file)).get("interactionResults", []) if os.path.exists(report_file) else []
    failed = sorted(x.get("description") for x in results if x.get("result") != "OK")
    check(r.returncode != 0 and changed and failed == sorted(changed) and len(results) == len(pact["interactions"]),
          f"{what}: failed {failed}, changed {sorted(changed)}")


def wrong_otp_pays(pact):
    # The wrong OTP's interaction now expects the right OTP's answer.
    paid = {i["description"]: i["response"] for i in pact["interactions"]}
    right = paid.get("the confirmation of a pending charge with its OTP") or paid.get("paying with the OTP")
    changed = []
    for i in pact["interactions"]:
        if i["description"] in ("the confirmation of a pending charge with a wrong OTP", "paying with a wrong OTP"):
            i["response"] = json.loads(json.dumps(right))
            changed.append(i["description"])
    return changed


broken("tokopedia-storefront-prakerja-gateway.json", wrong_otp_pays, "prakerja-gateway", url.port, "/sim/pact/state",
       "a storefront → gateway contract expecting a wrong OTP to pay fails verification")
broken("tokopedia-adapter-tokopedia-storefront.json", wrong_otp_pays, "tokopedia-storefront", storefronts["tokopedia"],
       "/sim/pact/storefronts/state", "an adapter → storefront contract expecting a wrong OTP to pay fails verification")


def stale_signature(pact):
    # The example signature was made for another request at another time: sent as it is, it must be refused (every
    # Pijar Mahir request is signed, so every interaction that expected success now fails).
    changed = []
    for i in pact["interactions"]:
        if i["request"].get("generators", {}).get("header", {}).pop("signature", None) and i["response"]["status"] != 401:
            changed.append(i["description"])
    return changed


broken("pijarmahir-adapter-pijarmahir-storefront.json", stale_signature, "pijarmahir-storefront", storefronts["pijarmahir"],
       "/sim/pact/storefronts/state", "an adapter → storefront contract sending a recorded signature instead of a fresh one fails verification")
check.finish()
