"""The page in other browser engines: Debian's Firefox ESR and WebKitGTK, each behind one small
interface, so a test reads the same for both.

    with ForeignRequests() as foreign, launch("firefox", proxy_port=foreign.port) as browser:
        browser.open(url)
        started = browser.wait_for("document.title != ''")   # ms since navigation start
        browser.click("#bit-2"); browser.type("#hidden", "4")
        browser.attribute("#prediction", "data-probability"); browser.text("#status")

- Firefox ESR is driven over WebDriver BiDi by the small client below (Playwright's Firefox
  channel fails with Debian's Firefox, and no geckodriver is obtainable here). Its profile turns
  off updates, telemetry, Safe Browsing, remote settings and the other background services.
- WebKitGTK is driven by its own WebKitWebDriver through Selenium, on a private Xvfb display.
  The driver's path is always given, so Selenium Manager never looks for one online.
- Both browsers get `ForeignRequests`, a loopback HTTP proxy that answers every request 403 and
  remembers it, as their proxy for everything but loopback: whatever the page or the browser
  itself tries to fetch from another host shows up in its `requests`. (It sees HTTP(S) only,
  not DNS or other protocols.) Firefox also runs with MOZ_DISABLE_NONLOCAL_CONNECTIONS=1, so it
  refuses any direct socket to a non-loopback address.

`missing()` says which programs an engine lacks; tools/ensure-engines.sh installs them.
"""

import contextlib
import itertools
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import warnings
from pathlib import Path

FIREFOX = os.environ.get("FIREFOX", "/usr/bin/firefox-esr")
WEBKIT_DRIVER = os.environ.get("WEBKIT_DRIVER", "/usr/bin/WebKitWebDriver")
ENGINES = ("firefox", "webkit")


class EngineError(Exception):
    """The browser could not do what was asked (or the page never reached a condition)."""


def missing(engine):
    """The programs `engine` needs that cannot be found, as a list of names (empty: ready)."""
    need = {"firefox": [FIREFOX], "webkit": [WEBKIT_DRIVER, "Xvfb", "xauth"]}[engine]
    return [program for program in need if not shutil.which(program)]


def launch(engine, proxy_port=None, timeout=120):
    """A started browser session for engine ('firefox' or 'webkit')."""
    cls = {"firefox": Firefox, "webkit": WebKit}[engine]
    return cls(proxy_port=proxy_port, timeout=timeout)


# The in-page poll behind wait_for: resolves with performance.now() (ms since the navigation
# started) as soon as the condition holds, so the time does not depend on driver round trips.
_WAIT = """new Promise((resolve, reject) => {
  const limit = performance.now() + %(ms)d;
  const check = () => {
    let ok = false;
    try { ok = Boolean(%(condition)s); } catch (e) { ok = false; }
    if (ok) resolve(performance.now());
    else if (performance.now() > limit) reject(new Error("timed out"));
    else setTimeout(check, 20);
  };
  check();
})"""

# Focus a field and select its content, so the keys typed next replace it, as a reader's would.
_SELECT = """(() => {
  const el = document.querySelector(%s);
  if (!el) return false;
  el.scrollIntoView({block: "center"});
  el.focus();
  el.select();
  return true;
})()"""


class Session:
    """What both engines offer. `errors` holds console errors and uncaught exceptions seen."""

    name = "?"
    version = "?"

    def __init__(self, proxy_port=None, timeout=120):
        self.timeout = timeout
        self.errors = []

    def open(self, url):
        """Navigate and wait for the load event."""
        raise NotImplementedError

    def evaluate(self, expression, timeout=None):
        """The JSON-like value of a JavaScript expression (a promise is awaited, for up to
        `timeout` seconds, by default the session's)."""
        raise NotImplementedError

    def click(self, css):
        """A real pointer click in the middle of the first element matching css."""
        raise NotImplementedError

    def type(self, css, text):
        """Replace the content of the field matching css by typing text, key by key."""
        raise NotImplementedError

    def close(self):
        raise NotImplementedError

    def wait_for(self, condition, timeout=None):
        """Wait until the JavaScript expression `condition` is truthy in the page.

        Returns the page's performance.now() at that moment: ms since the navigation started.
        """
        seconds = timeout or self.timeout
        ms = int(seconds * 1000)
        try:
            return self.evaluate(_WAIT % {"ms": ms, "condition": condition}, timeout=seconds + 10)
        except EngineError as err:
            if "timed out" not in str(err):
                raise
            raise EngineError(f"{self.name}: not within {ms / 1000:.0f} s: {condition}") from None

    def attribute(self, css, name):
        return self.evaluate(f"document.querySelector({json.dumps(css)})"
                             f"?.getAttribute({json.dumps(name)}) ?? null")

    def text(self, css):
        return self.evaluate(f"document.querySelector({json.dumps(css)})?.textContent ?? null")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ForeignRequests:
    """A loopback HTTP proxy that refuses and records every request sent through it."""

    def __init__(self):
        self.requests = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return  # closed
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn):
        with conn:
            conn.settimeout(5)
            data = b""
            try:
                while b"\r\n" not in data and len(data) < 8192:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except OSError:
                pass
            if data.startswith(b"\x16\x03"):  # a TLS handshake: a client taking it for HTTPS
                self.requests.append(f"TLS to the proxy, for host {_tls_server_name(data)}")
                return
            line = data.split(b"\r\n", 1)[0].decode("latin-1")
            self.requests.append(" ".join(line.split(" ")[:2]) or "(a connection, no request)")
            try:
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")
            except OSError:
                pass

    def close(self):
        self._server.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _tls_server_name(hello):
    """The host a TLS ClientHello names (its SNI extension), or '?'.

    WebKitGTK speaks TLS to an `sslProxy` (it makes the proxy address https://…), so an HTTPS
    request from WebKit arrives as a handshake addressed to 127.0.0.1, without the real host.
    """
    try:
        at = 5 + 4 + 2 + 32  # record header, handshake header, version, random
        at += 1 + hello[at]  # session id
        at += 2 + int.from_bytes(hello[at:at + 2], "big")  # cipher suites
        at += 1 + hello[at]  # compression methods
        end = at + 2 + int.from_bytes(hello[at:at + 2], "big")
        at += 2
        while at + 4 <= end:
            kind = int.from_bytes(hello[at:at + 2], "big")
            size = int.from_bytes(hello[at + 2:at + 4], "big")
            if kind == 0:  # server_name: list length, name type, name length, name
                length = int.from_bytes(hello[at + 7:at + 9], "big")
                return hello[at + 9:at + 9 + length].decode("ascii")
            at += 4 + size
    except (IndexError, UnicodeDecodeError):
        pass
    return "?"


# ---------------------------------------------------------------------------------------------
# Firefox ESR over WebDriver BiDi

# Quiet, reproducible Firefox: no first-run pages, updates, telemetry, experiments, Safe Browsing
# lists, remote settings, push, captive-portal or connectivity checks, DNS-over-HTTPS, prefetching
# or region lookups. (The remote agent's own recommended preferences add more of the same.)
# Checked with the recording proxy: with neither these nor _FIREFOX_ENV, Firefox ESR 153 tries
# remote settings (a dozen times), its update server and a media-plugin update host within 20 s;
# with both, nothing at all.
FIREFOX_PREFS = {
    "app.normandy.enabled": False,
    "app.shield.optoutstudies.enabled": False,
    "app.update.auto": False,
    "app.update.checkInstallTime": False,
    "app.update.disabledForTesting": True,
    "app.update.enabled": False,
    "browser.aboutwelcome.enabled": False,
    "browser.contentblocking.report.lockwise.enabled": False,
    "browser.discovery.enabled": False,
    "browser.newtabpage.enabled": False,
    "browser.newtabpage.activity-stream.feeds.snippets": False,
    "browser.newtabpage.activity-stream.feeds.system.topstories": False,
    "browser.newtabpage.activity-stream.feeds.topsites": False,
    "browser.newtabpage.activity-stream.telemetry": False,
    "browser.ping-centre.telemetry": False,
    "browser.places.speculativeConnect.enabled": False,
    "browser.region.network.url": "",
    "browser.region.update.enabled": False,
    "browser.safebrowsing.blockedURIs.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "browser.safebrowsing.downloads.remote.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.provider.google.updateURL": "",
    "browser.safebrowsing.provider.google4.updateURL": "",
    "browser.safebrowsing.provider.mozilla.updateURL": "",
    "browser.search.geoSpecificDefaults": False,
    "browser.search.update": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage": "about:blank",
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.tabs.warnOnClose": False,
    "browser.topsites.contile.enabled": False,
    "browser.urlbar.quicksuggest.enabled": False,
    "browser.urlbar.suggest.searches": False,
    "captivedetect.canonicalURL": "",
    "datareporting.healthreport.uploadEnabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.policy.firstRunURL": "",
    "dom.push.connection.enabled": False,
    "dom.push.serverURL": "",
    "extensions.blocklist.enabled": False,
    "extensions.getAddons.cache.enabled": False,
    "extensions.systemAddon.update.enabled": False,
    "extensions.update.enabled": False,
    "geo.provider.network.url": "",
    "media.gmp-gmpopenh264.enabled": False,
    "media.gmp-manager.updateEnabled": False,
    "messaging-system.rsexperimentloader.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.dns.disablePrefetch": True,
    "network.http.http3.enable": False,
    "network.http.speculative-parallel-limit": 0,
    "network.predictor.enabled": False,
    "network.prefetch-next": False,
    "network.trr.mode": 5,
    "nimbus.rollouts.enabled": False,
    "services.settings.server": "data:,#remote-settings-dummy/v1",  # honoured: see _FIREFOX_ENV
    "services.sync.enabled": False,
    "toolkit.telemetry.archive.enabled": False,
    "toolkit.telemetry.enabled": False,
    "toolkit.telemetry.server": "",
    "toolkit.telemetry.unified": False,
    "toolkit.telemetry.updatePing.enabled": False,
    "toolkit.startup.max_resumed_crashes": -1,
    # Firefox sizes an origin's storage from the disk's free space when it starts; on a nearly
    # full CI disk that left no room for the page's 21 MB start-up snapshot beside its service
    # worker cache, and the snapshot test failed for the machine's sake. A fixed 1 GiB (in KiB)
    # makes the test the same on every disk.
    "dom.quotaManager.temporaryStorage.fixedLimit": 1024 * 1024,
}


# Release builds ignore services.settings.server unless told they run under test; this variable,
# which Mozilla's own test harnesses set, does that and also makes Firefox refuse any socket to
# a non-loopback address. Remote settings then skip all network activity.
_FIREFOX_ENV = {"MOZ_DISABLE_NONLOCAL_CONNECTIONS": "1", "MOZ_CRASHREPORTER_DISABLE": "1"}


def _proxy_prefs(port):
    """Send everything but loopback through the recording proxy at port."""
    return {
        "network.proxy.type": 1,
        "network.proxy.http": "127.0.0.1",
        "network.proxy.http_port": port,
        "network.proxy.ssl": "127.0.0.1",
        "network.proxy.ssl_port": port,
        "network.proxy.no_proxies_on": "localhost, 127.0.0.1",
        "network.proxy.allow_hijacking_localhost": False,
        "network.proxy.socks_remote_dns": True,
    }


def _user_js(prefs):
    return "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items())


def _from_remote(value):
    """A BiDi RemoteValue as a Python value (nodes and other handles become their type name)."""
    kind = value.get("type")
    if kind in ("undefined", "null"):
        return None
    if kind == "number":
        v = value["value"]
        return {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf"),
                "-0": -0.0}.get(v, v) if isinstance(v, str) else v
    if kind in ("string", "boolean"):
        return value["value"]
    if kind == "bigint":
        return int(value["value"])
    if kind in ("array", "set"):
        return [_from_remote(v) for v in value.get("value", [])]
    if kind in ("object", "map"):
        return {(k if isinstance(k, str) else str(_from_remote(k))): _from_remote(v)
                for k, v in value.get("value", [])}
    return f"<{kind}>"


class Firefox(Session):
    name = "Firefox ESR"

    def __init__(self, proxy_port=None, timeout=120):
        super().__init__(proxy_port, timeout)
        from websockets.sync.client import connect  # a test requirement, not the site's

        self._ids = itertools.count(1)
        self._ws = None
        self._connection = contextlib.ExitStack()
        self._profile = tempfile.mkdtemp(prefix="tenline-firefox-")
        prefs = {**FIREFOX_PREFS, **(_proxy_prefs(proxy_port) if proxy_port else {})}
        Path(self._profile, "user.js").write_text(_user_js(prefs))
        env = {**os.environ, **_FIREFOX_ENV}
        self.log = []  # Firefox's own stderr, for diagnosis
        self._proc = subprocess.Popen(
            [FIREFOX, "--headless", "--no-remote", "--profile", self._profile,
             "--remote-debugging-port=0", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            env=env, text=True, errors="replace")
        try:
            # A Firefox that hangs before it prints its address is ended, which ends the reading.
            address = _with_watchdog(self._read_address, timeout, self._proc.kill)
            threading.Thread(target=self._drain, daemon=True).start()
            self._ws = self._connection.enter_context(connect(
                address + "/session", max_size=None, open_timeout=timeout, close_timeout=5))
            caps = self._send("session.new", {"capabilities": {"alwaysMatch": {}}})["capabilities"]
            self.version = f"{caps.get('browserName', 'firefox')} {caps.get('browserVersion', '?')}"
            self._send("session.subscribe", {"events": ["log.entryAdded"]})
            self._context = self._send("browsingContext.getTree", {})["contexts"][0]["context"]
        except BaseException:
            self.close()
            raise

    def _read_address(self):
        for line in self._proc.stderr:
            self.log.append(line.rstrip())
            found = re.search(r"WebDriver BiDi listening on (ws://\S+)", line)
            if found:
                return found[1]
        raise EngineError(f"Firefox did not start its WebDriver BiDi server (exit code "
                          f"{self._proc.poll()}):\n" + "\n".join(self.log[-20:]))

    def _drain(self):
        for line in self._proc.stderr:
            self.log.append(line.rstrip())
            del self.log[:-200]

    def _send(self, method, params, timeout=None):
        """One BiDi command; events that arrive meanwhile are noted."""
        ident = next(self._ids)
        self._ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        deadline = time.monotonic() + (timeout or self.timeout) + 10
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise EngineError(f"Firefox: no answer to {method}")
            try:
                message = json.loads(self._ws.recv(timeout=left))
            except TimeoutError:
                raise EngineError(f"Firefox: no answer to {method}") from None
            if message.get("type") == "event":
                self._event(message)
            elif message.get("id") == ident:
                if message.get("type") == "error":
                    raise EngineError(f"Firefox: {method}: {message.get('error')}: "
                                      f"{message.get('message')}")
                return message["result"]

    def _event(self, message):
        if message.get("method") == "log.entryAdded":
            entry = message["params"]
            if entry.get("level") == "error":
                self.errors.append(f"{entry.get('type')}: {entry.get('text')}")

    def open(self, url):
        self._send("browsingContext.navigate",
                   {"context": self._context, "url": url, "wait": "complete"})

    def evaluate(self, expression, timeout=None):
        result = self._send("script.evaluate", {
            "expression": expression, "target": {"context": self._context},
            "awaitPromise": True, "resultOwnership": "none"}, timeout)
        if result["type"] == "exception":
            details = result["exceptionDetails"]
            raise EngineError(f"Firefox: {details.get('text')}")
        return _from_remote(result["result"])

    def _node(self, css):
        self.evaluate(f"document.querySelector({json.dumps(css)})"
                      "?.scrollIntoView({block: 'center'})")
        nodes = self._send("browsingContext.locateNodes", {
            "context": self._context, "locator": {"type": "css", "value": css},
            "maxNodeCount": 1})["nodes"]
        if not nodes:
            raise EngineError(f"Firefox: nothing matches {css}")
        return {"sharedId": nodes[0]["sharedId"]}

    def click(self, css):
        element = self._node(css)
        self._send("input.performActions", {"context": self._context, "actions": [{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [
                {"type": "pointerMove", "x": 0, "y": 0,
                 "origin": {"type": "element", "element": element}},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerUp", "button": 0}]}]})
        self._send("input.releaseActions", {"context": self._context})

    def type(self, css, text):
        if not self.evaluate(_SELECT % json.dumps(css)):
            raise EngineError(f"Firefox: nothing matches {css}")
        keys = []
        for char in text:
            keys += [{"type": "keyDown", "value": char}, {"type": "keyUp", "value": char}]
        self._send("input.performActions", {"context": self._context, "actions": [
            {"type": "key", "id": "keyboard", "actions": keys}]})
        self._send("input.releaseActions", {"context": self._context})

    def close(self):
        try:
            if self._ws:
                try:
                    self._send("browser.close", {}, timeout=5)
                except Exception:
                    pass  # the browser closes the connection as it goes
            self._connection.close()
        finally:
            _stop(self._proc, wait_first=True)
            shutil.rmtree(self._profile, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# WebKitGTK through WebKitWebDriver and Selenium, on a private Xvfb display

class VirtualDisplay:
    """An Xvfb server on the first free display from :99, with its own authority cookie."""

    def __init__(self, timeout=30):
        self.directory = tempfile.mkdtemp(prefix="tenline-xvfb-")
        self.authority = os.path.join(self.directory, "Xauthority")
        self._proc = None
        cookie = os.urandom(16).hex()
        for number in range(99, 199):
            if os.path.exists(f"/tmp/.X{number}-lock") or \
                    os.path.exists(f"/tmp/.X11-unix/X{number}"):
                continue
            subprocess.run(["xauth", "-q", "-f", self.authority, "add", f":{number}", ".",
                            cookie], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            proc = subprocess.Popen(
                ["Xvfb", f":{number}", "-auth", self.authority, "-nolisten", "tcp",
                 "-screen", "0", "1280x1024x24"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + timeout
            while proc.poll() is None and time.monotonic() < deadline:
                if os.path.exists(f"/tmp/.X11-unix/X{number}"):
                    self._proc, self.display = proc, f":{number}"
                    return
                time.sleep(0.05)
            proc.kill()
            proc.wait()
        shutil.rmtree(self.directory, ignore_errors=True)
        raise EngineError("Xvfb: no display could be started")

    def env(self):
        return {"DISPLAY": self.display, "XAUTHORITY": self.authority}

    def close(self):
        if self._proc:
            _stop(self._proc)
        shutil.rmtree(self.directory, ignore_errors=True)


# Installed after each load: WebDriver classic has no hook before the page's scripts, so errors
# from before the load event are not seen in WebKit.
_CATCH_ERRORS = """(() => {
  if (window.__engineErrors) return;
  const errors = window.__engineErrors = [];
  const original = console.error.bind(console);
  console.error = (...args) => { errors.push("console: " + args.join(" ")); original(...args); };
  addEventListener("error", e => errors.push("javascript: " + e.message));
  addEventListener("unhandledrejection", e => errors.push("javascript: " + e.reason));
})()"""


# WebKitWebDriver normally has its browser up within a second, but about one start in 20 here the
# browser is gone at once without a word and the driver waits for it forever: so a watchdog ends
# the driver after a while, and the start is tried again.
WEBKIT_START_SECONDS = 30
WEBKIT_START_ATTEMPTS = 3


def _stop(proc, wait_first=False):
    """End a child process: terminated (or, with wait_first, given the chance to exit on its own),
    killed if it is still there after 10 s."""
    if not wait_first:
        proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _with_watchdog(call, seconds, on_timeout):
    """call(), with on_timeout() run meanwhile if it has not returned after `seconds`."""
    finished = threading.Event()

    def watch():
        if not finished.wait(seconds):
            on_timeout()

    threading.Thread(target=watch, daemon=True).start()
    try:
        return call()
    finally:
        finished.set()


def _quietly(make, **kwargs):
    """Selenium 4.51's WebKitGTK driver sets up its connection in a way Selenium itself
    deprecates; that warning is about Selenium's code, not ours."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "setting remote_server_addr", DeprecationWarning)
        return make(**kwargs)


def _kill(service):
    """Kill a Selenium service's driver process (and so its browser), making calls to it fail."""
    process = getattr(service, "process", None)
    if process and process.poll() is None:
        process.kill()


class WebKit(Session):
    name = "WebKitGTK"

    def __init__(self, proxy_port=None, timeout=120):
        super().__init__(proxy_port, timeout)
        os.environ.setdefault("SE_AVOID_STATS", "true")  # Selenium Manager stays offline
        from selenium import webdriver
        from selenium.webdriver.common.proxy import Proxy
        from selenium.webdriver.webkitgtk.options import Options
        from selenium.webdriver.webkitgtk.service import Service

        self._driver = None
        self._display = VirtualDisplay()
        try:
            options = Options()
            if proxy_port:
                options.proxy = Proxy({"proxyType": "manual",
                                       "httpProxy": f"127.0.0.1:{proxy_port}",
                                       "sslProxy": f"127.0.0.1:{proxy_port}",
                                       "noProxy": ["127.0.0.1", "localhost"]})
            env = {**os.environ, **self._display.env(), "SE_AVOID_STATS": "true"}
            self.log_path = Path(self._display.directory, "webkit.log")
            for attempt in range(1, WEBKIT_START_ATTEMPTS + 1):
                with open(self.log_path, "a") as log:
                    log.write(f"--- start attempt {attempt}\n")
                    log.flush()
                    service = Service(executable_path=WEBKIT_DRIVER, env=env, log_output=log)
                    try:
                        self._driver = _with_watchdog(
                            lambda: _quietly(webdriver.WebKitGTK, options=options,
                                             service=service),
                            WEBKIT_START_SECONDS, lambda: _kill(service))
                        break
                    except Exception as err:
                        failure = err
            else:
                raise EngineError(
                    f"WebKitGTK did not start in {WEBKIT_START_ATTEMPTS} attempts ({failure});"
                    f" its log:\n{self.log_path.read_text()[-3000:]}")
            self._driver.set_script_timeout(timeout + 10)
            self._driver.set_page_load_timeout(timeout)
            caps = self._driver.capabilities
            self.version = f"{caps.get('browserName', 'webkit')} {caps.get('browserVersion', '?')}"
        except BaseException:
            self.close()
            raise

    def open(self, url):
        self._driver.get(url)
        self._driver.execute_script(_CATCH_ERRORS)

    def evaluate(self, expression, timeout=None):
        from selenium.common.exceptions import WebDriverException
        script = ("const done = arguments[arguments.length - 1];"
                  f"Promise.resolve().then(() => ({expression}))"
                  ".then(v => done({ok: v === undefined ? null : v}),"
                  " e => done({error: String(e && e.message || e)}));")
        try:
            if timeout:
                self._driver.set_script_timeout(timeout)
            result = self._driver.execute_async_script(script)
        except WebDriverException as err:
            raise EngineError(f"WebKitGTK: {err.msg}") from None
        finally:
            if timeout:
                self._driver.set_script_timeout(self.timeout + 10)
            self._collect_errors()
        if "error" in result:
            raise EngineError(f"WebKitGTK: {result['error']}")
        return result["ok"]

    def _collect_errors(self):
        try:
            self.errors += self._driver.execute_script(
                "return (window.__engineErrors || []).splice(0)") or []
        except Exception:
            pass

    def click(self, css):
        from selenium.webdriver.common.by import By
        self._driver.find_element(By.CSS_SELECTOR, css).click()

    def type(self, css, text):
        from selenium.webdriver.common.action_chains import ActionChains
        if not self.evaluate(_SELECT % json.dumps(css)):
            raise EngineError(f"WebKitGTK: nothing matches {css}")
        ActionChains(self._driver).send_keys(text).perform()

    def close(self):
        try:
            if self._driver:
                _with_watchdog(self._driver.quit, 30, lambda: _kill(self._driver.service))
        finally:
            self._display.close()
