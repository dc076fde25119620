"""What the end-to-end scripts share: a free loopback port, and the partner API's request signature
(HMAC-SHA256 over platform, timestamp, nonce, method, path and the body's SHA-256, as the README documents),
written here independently of the Swift client."""
import hashlib
import hmac
import socket
import time
import uuid


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def partner_headers(platform, secret, method, path, raw_body):
    ts, nonce = str(int(time.time())), uuid.uuid4().hex
    text = "\n".join([platform, ts, nonce, method, path, hashlib.sha256(raw_body).hexdigest()])
    sig = hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()
    return {"X-Platform-Id": platform, "X-Timestamp": ts, "X-Nonce": nonce, "X-Signature": sig}
