"""Headless Chromium from Debian's packages, driven through its DevTools protocol over a websocket (nothing
downloads a browser): one page, commands, events, screenshots."""
import base64
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import urllib.request

from websockets.sync.client import connect

from partner import free_port
from sim import wait_for


class Browser:
    """One headless Chromium with one page, spoken to over the DevTools protocol."""

    def __init__(self, work, shots=None):
        self.shots = shots
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            raise SystemExit("chromium is not installed (scripts/setup.sh --test installs it)")
        self.profile = tempfile.mkdtemp(prefix="console-chromium-")
        port = free_port()
        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--mute-audio",
             f"--remote-debugging-port={port}", f"--user-data-dir={self.profile}", "--window-size=1280,800", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "chromium.log"), "ab"))
        targets = wait_for(lambda: self._targets(port), 30, 0.1)
        page = next(t for t in targets if t["type"] == "page")
        self.ws = connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10).__enter__()
        self.ids = itertools.count(1)
        self.events = []

    @staticmethod
    def _targets(port):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=1) as r:
                return [t for t in json.loads(r.read()) if t["type"] == "page"]
        except OSError:
            return None

    def send(self, method, **params):
        n = next(self.ids)
        self.ws.send(json.dumps({"id": n, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == n:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def drain(self):
        """Collects the events the browser sent since the last command."""
        while True:
            try:
                self.events.append(json.loads(self.ws.recv(timeout=0.05)))
            except TimeoutError:
                return

    def js(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, expression, timeout=10):
        return wait_for(lambda: self.js(expression), timeout, 0.05)

    def key(self, key):
        extra = {"code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"} if key == "Enter" else {"text": key}
        self.send("Input.dispatchKeyEvent", type="keyDown", key=key, **extra)
        self.send("Input.dispatchKeyEvent", type="keyUp", key=key)

    def screenshot(self, name):
        path = os.path.join(self.shots, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"]))
        return path

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            shutil.rmtree(self.profile, ignore_errors=True)
