"""Debian's Chromium driven by Playwright, and the site served on loopback: shared by the tests
and the bench."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(root, port):
    """Start tools/serve.py on root; returns the process once it answers."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "tools" / "serve.py"), "--port", str(port),
                             "--root", str(root)], stdout=subprocess.DEVNULL)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("the site server did not start")


def wait_until(page, expression, arg=None, timeout=60_000):
    """Poll a JS function of `arg` in the page until it returns something truthy; returns that.

    Playwright's wait_for_function evaluates its predicate with eval(), which the page's
    Content-Security-Policy refuses; page.evaluate goes through the debugging protocol instead.
    The function may return a promise."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"not true within {timeout} ms: {expression}")
        time.sleep(0.05)


# The page's IndexedDB as site/worker.js keeps its start-up snapshot, for in-page functions:
# opened() gives the database, asked(db, mode, use) the result of the request use(store) makes.
SNAPSHOT_DB = """
const opened = () => new Promise((resolve, reject) => {
  const opening = indexedDB.open("tenline", 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore("snapshots");
  opening.onsuccess = () => resolve(opening.result);
  opening.onerror = () => reject(opening.error);
});
const asked = (db, mode, use) => new Promise((resolve, reject) => {
  const request = use(db.transaction("snapshots", mode).objectStore("snapshots"));
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});
"""

# The kept snapshot's size in bytes, or 0.
STORED_SNAPSHOT = f"""async () => {{ {SNAPSHOT_DB}
  const db = await opened();
  const saved = await asked(db, "readonly", (store) => store.get("python"));
  db.close();
  return saved ? saved.memory.size ?? saved.memory.byteLength : 0;
}}"""


# Whether the page's CPython was restored from a snapshot (site/boot.js marks its start).
STARTED_FROM_SNAPSHOT = "performance.getEntriesByName('tenline:python-started')[0].detail.snapshot"
# Whether the Python worker was handed WebAssembly the page compiled (site/boot.js says when).
COMPILED_BY_PAGE = "performance.getEntriesByName('tenline:python-started')[0].detail.compiledByPage"
# Whether it was also handed NumPy's core library compiled by the page, and used it.
NUMPY_COMPILED_BY_PAGE = ("performance.getEntriesByName('tenline:python-started')[0]"
                          ".detail.numpyCompiledByPage")

# What the page says of its snapshot maker (site/boot.js marks it): whether it kept a snapshot
# and, if not, why. Asked of the page rather than of IndexedDB, so that waiting never competes
# with the page's own write.
SNAPSHOT_TOLD = "performance.getEntriesByName('tenline:snapshot').length > 0"
SNAPSHOT_DETAIL = "JSON.stringify(performance.getEntriesByName('tenline:snapshot')[0].detail)"


def wait_for_snapshot(page, timeout=60_000):
    """Wait until the page has kept its start-up snapshot (made a few seconds after a first
    visit), so that the next visit can restore it; returns its size in bytes."""
    wait_until(page, f"() => {SNAPSHOT_TOLD}", timeout=timeout)
    told = json.loads(page.evaluate(SNAPSHOT_DETAIL))
    assert told["kept"], f"the page kept no start-up snapshot: {told.get('why')}"
    return page.evaluate(STORED_SNAPSHOT)
