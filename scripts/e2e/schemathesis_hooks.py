"""Schemathesis hooks: authenticate every fuzzed request the way its API requires, so the fuzzing reaches past
the signature checks (`SCHEMATHESIS_HOOKS=schemathesis_hooks`).

- The gateway's partner API: each request signed as a platform (HMAC-SHA256 over platform, timestamp, nonce,
  method, path and the body's SHA-256), computed over the exact bytes `requests` is about to send.
- The redeem-code API: signed as a training provider (HMAC-SHA1 over client code, timestamp, method, path and
  the compact JSON body).
- A storefront (`PRAKERJA_STOREFRONT=platform=URL`): its dialect's credentials — an OAuth token, HTTP Basic, a
  callback token, an HMAC signature or SNAP BI's token plus symmetric signature.

Half the generated charges are pointed at a real participant and a course the platform sells, so the fuzzing
also reaches the OTP and confirm paths. `PRAKERJA_GATEWAY` is the gateway's base URL.
"""
import base64
import hashlib
import hmac
import json
import os
import random
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

import schemathesis
from requests.auth import AuthBase

from partner import partner_headers

GATEWAY = os.environ["PRAKERJA_GATEWAY"].rstrip("/")
STOREFRONT = os.environ.get("PRAKERJA_STOREFRONT")  # platform=URL
PLATFORM = "tokopedia"


def get(path):
    with urllib.request.urlopen(GATEWAY + path, timeout=10) as r:
        return json.load(r)


def post(path, body):
    req = urllib.request.Request(GATEWAY + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


CREDS = get("/sim/credentials")
SECRETS = {p["platform_id"]: p["secret"] for p in CREDS["platforms"]}
PROVIDERS = CREDS["providers"]
COURSES = [c["id"] for c in get(f"/catalog/courses?platform={PLATFORM}&type=self_paced&limit=20")["items"]]
rng = random.Random(21)


def valid_http(r):
    """An empty Content-Length (which the fuzzer sometimes sends) is not HTTP: the server's parser answers it with a
    bare 400 before any route runs. Send a well-formed length instead; the API under test is what is fuzzed."""
    if r.headers.get("Content-Length", None) == "":
        if r.body:
            r.headers["Content-Length"] = str(len(body_bytes(r)))
        else:
            del r.headers["Content-Length"]
    return r


def body_bytes(r):
    body = r.body or b""
    return body.encode() if isinstance(body, str) else body


class PartnerAuth(AuthBase):
    def __call__(self, r):
        parts = urllib.parse.urlsplit(r.url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        for name, value in partner_headers(PLATFORM, SECRETS[PLATFORM], r.method, target, body_bytes(r)).items():
            r.headers[name] = value
        return valid_http(r)


class RedeemAuth(AuthBase):
    def __call__(self, r):
        provider = PROVIDERS[0]
        body = body_bytes(r)
        try:  # the signature covers the compact JSON body
            body = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()
            r.body = body
            r.headers["Content-Length"] = str(len(body))
        except ValueError:
            pass
        ts = str(int(time.time()))
        path = urllib.parse.urlsplit(r.url).path
        text = provider["client_code"].encode() + ts.encode() + r.method.encode() + path.encode() + body
        r.headers["client_code"] = provider["client_code"]
        r.headers["timestamp"] = ts
        r.headers["signature"] = hmac.new(provider["sign_key"].encode(), text, hashlib.sha1).hexdigest()
        return valid_http(r)


def real_charge(case):
    """Points a generated charge at a fresh participant who may buy, and a course the platform sells."""
    if not isinstance(case.body, dict) or rng.random() < 0.5:
        return
    person = post("/sim/participants", {"videos_watched": 3})
    case.body = {"card_number": person["card_number"], "course_id": rng.choice(COURSES),
                 "platform_order_id": "st-" + uuid.uuid4().hex[:12], "account_id": "st-" + person["card_number"]}


@schemathesis.hook
def before_call(context, case, kwargs):
    path = case.operation.path
    if STOREFRONT:
        kwargs["auth"] = storefront_auth(case)
    elif path.startswith("/partner/"):
        if path == "/partner/v1/charges" and case.method.upper() == "POST":
            real_charge(case)
        kwargs["auth"] = PartnerAuth()
    elif path.startswith("/api/v1/integration/payment/redeem-code/"):
        kwargs["auth"] = RedeemAuth()


# Storefronts, by dialect.

if STOREFRONT:
    SF_PLATFORM, SF_BASE = STOREFRONT.split("=", 1)
    SF = next(s for s in get("/sim/storefronts") if s["platform_id"] == SF_PLATFORM)
    CLIENT_ID, CLIENT_SECRET = SF["client_id"], SF["client_secret"]
_token = {}
_lock = threading.Lock()


def fetch(method, path, body=b"", headers=None):
    req = urllib.request.Request(SF_BASE.rstrip("/") + path, data=body or None, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def token():
    """A storefront's access token, fetched once per run the way its dialect issues them."""
    with _lock:
        if "value" in _token:
            return _token["value"]
        if SF_PLATFORM == "tokopedia":
            value = fetch("POST", "/token?grant_type=client_credentials", headers={"Authorization": basic(CLIENT_ID, CLIENT_SECRET)})["access_token"]
        elif SF_PLATFORM == "bukalapak":
            form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}).encode()
            value = fetch("POST", "/oauth/token", form, {"Content-Type": "application/x-www-form-urlencoded"})["access_token"]
        elif SF_PLATFORM == "sisnaker":
            ts = snap_timestamp()
            sig = hmac.new(CLIENT_SECRET.encode(), f"{CLIENT_ID}|{ts}".encode(), hashlib.sha512).hexdigest()
            value = fetch("POST", "/v1.0/access-token/b2b", json.dumps({"grantType": "client_credentials"}).encode(),
                          {"Content-Type": "application/json", "X-CLIENT-KEY": CLIENT_ID, "X-TIMESTAMP": ts, "X-SIGNATURE": sig})["accessToken"]
        else:
            value = None
        _token["value"] = value
        return value


def snap_timestamp():
    return datetime.now(timezone(timedelta(hours=7))).isoformat(timespec="seconds")


class StorefrontAuth(AuthBase):
    def __init__(self, token_path):
        self.token_path = token_path

    def __call__(self, r):
        parts = urllib.parse.urlsplit(r.url)
        target = parts.path + ("?" + parts.query if parts.query else "")
        if target.startswith(self.token_path or "\0"):
            # The token endpoint: the client's own credentials, where they travel in headers (Bukalapak's
            # travel in the form body, which the fuzzer generates).
            if SF_PLATFORM == "tokopedia":
                r.headers["Authorization"] = basic(CLIENT_ID, CLIENT_SECRET)
            elif SF_PLATFORM == "sisnaker":
                ts = snap_timestamp()
                r.headers["X-CLIENT-KEY"], r.headers["X-TIMESTAMP"] = CLIENT_ID, ts
                r.headers["X-SIGNATURE"] = hmac.new(CLIENT_SECRET.encode(), f"{CLIENT_ID}|{ts}".encode(), hashlib.sha512).hexdigest()
            return valid_http(r)
        body = body_bytes(r)
        if SF_PLATFORM in ("tokopedia", "bukalapak"):
            r.headers["Authorization"] = "Bearer " + token()
        elif SF_PLATFORM == "maubelajarapa":
            r.headers["Authorization"] = basic(CLIENT_ID, CLIENT_SECRET)
        elif SF_PLATFORM == "pintaria":
            r.headers["Authorization"] = basic(CLIENT_SECRET, "")
        elif SF_PLATFORM == "sekolahmu":
            r.headers["x-callback-token"] = CLIENT_SECRET
        elif SF_PLATFORM == "pijarmahir":
            try:
                body = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode() if body else b""
                r.body = body or None
                if body:
                    r.headers["Content-Length"] = str(len(body))
            except ValueError:
                pass
            ts = str(int(time.time()))
            text = CLIENT_ID.encode() + ts.encode() + r.method.encode() + target.encode() + body
            r.headers["client_code"], r.headers["timestamp"] = CLIENT_ID, ts
            r.headers["signature"] = hmac.new(CLIENT_SECRET.encode(), text, hashlib.sha1).hexdigest()
        elif SF_PLATFORM == "sisnaker":
            access = token()
            ts = snap_timestamp()
            digest = hashlib.sha256(minified(body)).hexdigest().lower()
            text = f"{r.method}:{parts.path}:{access}:{digest}:{ts}"
            r.headers["Authorization"] = "Bearer " + access
            r.headers["X-TIMESTAMP"], r.headers["X-PARTNER-ID"] = ts, CLIENT_ID
            r.headers["X-EXTERNAL-ID"] = r.headers.get("X-EXTERNAL-ID") or uuid.uuid4().hex
            r.headers["CHANNEL-ID"] = r.headers.get("CHANNEL-ID") or "95221"
            r.headers["X-SIGNATURE"] = base64.b64encode(hmac.new(CLIENT_SECRET.encode(), text.encode(), hashlib.sha512).digest()).decode()
        return valid_http(r)


def minified(body):
    try:
        return json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode() if body else b""
    except ValueError:
        return body


TOKEN_PATHS = {"tokopedia": "/token", "bukalapak": "/oauth/token", "sisnaker": "/v1.0/access-token/b2b"}


def storefront_auth(case):
    return StorefrontAuth(TOKEN_PATHS.get(SF_PLATFORM))
