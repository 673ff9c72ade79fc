"""A runtime that cannot load is reported, not a spinner forever: every runtime file the page loads
is made to fail in every way a host or a network fails (missing, refused, truncated, corrupted),
and the page's one role="alert" element must name it in plain words at once, from the failing
request or error event, never by waiting for the stall detector. A stalled download is reported by
that detector once no byte has come for 20 s (on the main thread's clock, which the stall tests run
ahead), and WebAssembly that is missing or refused is named too. No failing case may show a
prediction. The repository's source, served unbuilt, says how to build it.

Failing loads log console errors, so these tests use `guard` (no request to another origin), not
`clean`."""

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from browser import (SNAPSHOT_DETAIL, SNAPSHOT_TOLD, STORED_SNAPSHOT, free_port, serve,
                     wait_for_snapshot, wait_until)
from conftest import PageGuard
from pageutil import settled_probability

ROOT = Path(__file__).resolve().parent.parent

# Every runtime file the page loads, by path from the site's root; SHORT names the test cases.
RUNTIME = {
    "worker.js": "site/worker.js",
    "pyodide.js": "site/vendor/pyodide/pyodide.js",
    "pyodide-internals.js": "site/pyodide-internals.js",
    "pyodide.asm.js": "site/vendor/pyodide/pyodide.asm.js",
    "pyodide.asm.wasm": "site/vendor/pyodide/pyodide.asm.wasm",
    "python_stdlib.zip": "site/vendor/pyodide/python_stdlib.zip",
    "pyodide-lock.json": "site/vendor/pyodide/pyodide-lock.json",
    "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl":
        "site/vendor/pyodide/numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl",
    "_multiarray_umath.wasm": "site/vendor/pyodide/_multiarray_umath.wasm",  # NumPy's, beside the wheel
    "main.py": "py/main.py",
    "model.py": "py/model.py",
}
OTHER_SOURCES = ["history.py", "trainer.py", "state.py", "draw.py", "listing.py", "page.py"]
# Every file PyScript loads on the page's main thread (site/boot.js checks each): its modules,
# MicroPython, the config and py/ui.py (not PyScript's source maps, which only developer tools
# ask for). A missing and a damaged file take the two ways a failure is told there (an HTTP
# error, a failed checksum); refused and truncated take the same two.
LOCKED = json.loads((ROOT / "vendor.lock.json").read_text())["files"]
ON_PAGE = {Path(entry["path"]).name: "site/vendor/" + entry["path"] for entry in LOCKED
           if entry["source"] in ("pyscript", "micropython") and not entry["path"].endswith(".map")
           and entry.get("for") != "editor"}
# The code editor's modules (CodeMirror, from PyScript's package), loaded once it is needed.
EDITOR = ["site/vendor/" + entry["path"] for entry in LOCKED if entry.get("for") == "editor"]
ON_PAGE.update({"pyscript.toml": "pyscript.toml", "ui.py": "py/ui.py"})
SHORT = {name: "numpy.whl" if name.endswith(".whl") else name for name in {**RUNTIME, **ON_PAGE}}

# A failure known from a request or an error event is reported within seconds (1-2 s for most
# cases here, up to 8 s for the NumPy wheel on a busy 2-core machine: the runtime must start before
# it asks for NumPy); the stall detector needs 20 s without a byte, so an alert within this limit
# is not its.
PROMPT_MS = 15_000
STALL_MS = 20_000
STALLED = "nothing has arrived for 20 seconds"  # the stall detector's words

# Lines that are no plain words: a Python traceback, a JavaScript stack frame (Chromium's
# "at f (url:1:2)", Firefox's and Safari's "f@url:1:2"), an exception's class name.
NOT_PLAIN = re.compile(r"Traceback|File \"|^\s*at\s|@\S+:\d+|:\d+:\d+|\bUncaught\b"
                       r"|\b\w*(Error|Exception|Warning):", re.M)

# Records whether the readout ever showed a settled prediction, from the first byte of the page.
WATCH_READOUT = """
window.__tenlineSettled = false;
new MutationObserver((changes) => {
  if (changes.some((c) => c.target.hasAttribute("data-probability"))) window.__tenlineSettled = true;
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-probability"] });
"""

# ---- the ways a file fails -----------------------------------------------------------------

def missing(route):
    route.fulfill(status=404, content_type="text/html", body="<h1>404 Not Found</h1>")


def refused(route):
    route.abort()


_REAL = {}  # url -> (status, headers, body): each real file crosses Playwright's pipe once


def _serve_changed(route, change):
    url = route.request.url
    if url not in _REAL:
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        _REAL[url] = response.status, headers, response.body()
    status, headers, body = _REAL[url]
    route.fulfill(status=status, headers=headers, body=change(body))


def truncated(route):
    """The first half of the real file, with its real headers (but the length of what is sent)."""
    _serve_changed(route, lambda body: body[:len(body) // 2])


def corrupted(route):
    """The real file, same length, with 16 bytes in the middle flipped."""
    def flip(body):
        middle = len(body) // 2
        return body[:middle] + bytes(b ^ 0xFF for b in body[middle:middle + 16]) + body[middle + 16:]
    _serve_changed(route, flip)


def harmlessly_changed(route):
    """The real script with its last line break turned into a space: it still parses and runs
    just the same, and only its checksum tells that it is not the file the build shipped."""
    def change(body):
        i = body.rindex(b"\n")
        return body[:i] + b" " + body[i + 1:]
    _serve_changed(route, change)


def with_a_custom_section(route):
    """The real WebAssembly with a custom section (id 0, named "x") added at its end: a valid
    module that compiles and runs just the same, and only its checksum tells."""
    _serve_changed(route, lambda body: body + b"\x00\x02\x01x")


WAYS = {"missing": missing, "refused": refused, "truncated": truncated, "corrupted": corrupted}


# ---- what every failure must look like -----------------------------------------------------

@pytest.fixture
def failing(page, guard):
    """The page, watched for a settled prediction from its first byte."""
    page.add_init_script(WATCH_READOUT)
    return page


def assert_reported(page, name, within_ms=PROMPT_MS):
    """The alert names `name` within `within_ms`, in plain words; the status says the runtime did
    not load; no prediction was ever shown. Returns the alert's text."""
    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).not_to_be_empty(timeout=within_ms)
    expect(alert).to_contain_text(name, timeout=2_000)  # the first message, not a later one
    text = alert.inner_text()
    assert not NOT_PLAIN.search(text), f"not plain words: {text!r}"
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"runtime did not load", re.I), timeout=5_000)
    assert_never_settled(page)
    return text


def assert_never_settled(page):
    expect(page.locator("#prediction")).not_to_have_attribute("data-probability", re.compile("."),
                                                              timeout=1_000)
    assert page.evaluate("window.__tenlineSettled") is False, "a prediction was shown"


MATRIX = [pytest.param(path, way, id=f"{SHORT[name]}-{way}")
          for name, path in RUNTIME.items() for way in WAYS] + [
          pytest.param(path, way, id=f"{name}-{way}")
          for name, path in ON_PAGE.items() for way in ("missing", "corrupted")]


# ---- the tests -----------------------------------------------------------------------------

@pytest.mark.parametrize("path, way", MATRIX)
def test_failing_runtime_file_is_named_at_once(failing, base_url, path, way):
    page = failing
    page.route(f"**/{path}", WAYS[way])
    page.goto(base_url)
    text = assert_reported(page, Path(path).name)
    assert STALLED not in text  # the failing request said it, not the stall detector


@pytest.mark.parametrize("change", [truncated, with_a_custom_section])
def test_changed_webassembly_on_a_later_visit_is_named(failing, base_url, change):
    # A later visit compiles pyodide.asm.wasm on the page (site/boot.js), which must not hand on a
    # module from bytes that are not the file's, even if they compile: the worker's own checked
    # request then names the file.
    page = failing
    page.goto(base_url)
    settled_probability(page)
    wait_for_snapshot(page)
    page.route(f"**/{RUNTIME['pyodide.asm.wasm']}", change)
    page.reload()
    text = assert_reported(page, "pyodide.asm.wasm")
    assert STALLED not in text


def test_changed_webassembly_is_not_given_to_the_snapshot_maker(page, guard, base_url):
    # After a first visit's prediction the page compiles pyodide.asm.wasm for the snapshot maker,
    # which checks the file itself: bytes that compile but are not the file's make no snapshot,
    # and the page, working already, shows no alert.
    asked = []

    def changed_after_the_first(route):
        asked.append(route.request.url)
        if len(asked) == 1:
            route.fallback()
        else:
            with_a_custom_section(route)
    page.route(f"**/{RUNTIME['pyodide.asm.wasm']}", changed_after_the_first)
    page.goto(base_url)
    settled_probability(page)
    wait_until(page, f"() => {SNAPSHOT_TOLD}")
    told = json.loads(page.evaluate(SNAPSHOT_DETAIL))
    assert told["kept"] is False and "pyodide.asm.wasm" in told["why"], told
    assert page.evaluate(STORED_SNAPSHOT) == 0
    expect(page.get_by_role("alert")).to_be_empty()


@pytest.mark.parametrize("name", OTHER_SOURCES)
def test_every_python_source_is_named_when_missing(failing, base_url, name):
    page = failing
    page.route(f"**/py/{name}", missing)
    page.goto(base_url)
    assert_reported(page, name)


def test_worker_served_as_a_web_page_is_named(failing, base_url):
    # A host that answers every unknown path with its start page (a single-page-app fallback)
    # serves HTML, with status 200, where the worker's script should be.
    page = failing
    html = page.request.get(base_url).text()
    page.route(f"**/{RUNTIME['worker.js']}",
               lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page.goto(base_url)
    assert_reported(page, "worker.js")


@pytest.mark.parametrize("name", ["pyodide.js", "pyodide.asm.js"])
def test_script_that_fails_its_checksum_is_named_and_not_run(failing, base_url, name):
    page = failing
    workers, closed = [], []

    def started(worker):
        workers.append(worker)
        worker.on("close", lambda w: closed.append(w))
    page.on("worker", started)
    page.route(f"**/{RUNTIME[name]}", harmlessly_changed)
    page.goto(base_url)
    assert_reported(page, name)
    # Not run: give the runtime the time a start takes (a few seconds here) to show a prediction
    # anyway, unless the page has stopped its worker.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not (workers and len(closed) == len(workers)):
        assert page.evaluate("window.__tenlineSettled") is False, "the unchecked script ran"
        page.wait_for_timeout(250)
    assert_never_settled(page)
    expect(page.get_by_role("alert")).to_contain_text(name, timeout=1_000)


@pytest.mark.parametrize("name", ["ui.py", "core.js"])
def test_page_python_that_fails_its_checksum_is_named_and_not_run(failing, base_url, name):
    # Changed harmlessly, the file would run just the same: only its checksum tells.
    page = failing
    page.route(f"**/{ON_PAGE[name]}", harmlessly_changed)
    page.goto(base_url)
    assert_reported(page, name)
    page.wait_for_timeout(3_000)  # what a start would take to show a prediction, had it run
    assert_never_settled(page)
    expect(page.locator("html")).not_to_have_attribute("data-runtime", "ready")


def test_missing_webassembly_is_reported(failing, base_url):
    page = failing
    page.add_init_script("delete window.WebAssembly")
    page.goto(base_url)
    assert_reported(page, "WebAssembly")


def test_webassembly_refused_by_content_security_policy_is_reported(failing, guard, base_url):
    # A host that sends the common strict header `default-src 'self'` with every page: it has no
    # 'wasm-unsafe-eval', so the worker (whose policy comes from its own response) may fetch every
    # file but not compile WebAssembly, though WebAssembly exists.
    page = failing

    def strict(route):
        if route.request.resource_type == "document" or route.request.url.endswith("/worker.js"):
            response = route.fetch()
            route.fulfill(response=response, headers={
                **response.headers, "content-security-policy": "default-src 'self'"})
        else:
            route.fallback()
    page.route("**/*", strict)
    # MicroPython's WebAssembly on the page is refused too (as often as it is tried, which may be
    # after this test's last step): that is this host's policy at work.
    guard.expected_csp = ("blocked wasm-eval",)
    with page.expect_console_message(lambda message: message.text.endswith("blocked wasm-eval")):
        page.goto(base_url)
        assert_reported(page, "WebAssembly")


STALLS = [pytest.param(path, id=SHORT[name]) for name, path in {**RUNTIME, **ON_PAGE}.items()]


@pytest.mark.parametrize("path", STALLS)
def test_stalled_download_is_reported(failing, base_url, path):
    # Hold the file's download forever and let the page's clock run past the stall window.
    page = failing
    page.clock.install()
    held = []
    page.route(f"**/{path}", lambda route: held.append(route))
    with page.expect_request(f"**/{path}", timeout=PROMPT_MS):
        page.goto(base_url)
    expect(page.get_by_role("alert")).to_be_empty()
    page.clock.run_for(STALL_MS + 1_000)
    text = assert_reported(page, Path(path).name, within_ms=5_000)
    assert STALLED in text
    for route in held:
        try:
            route.abort()
        except PlaywrightError:
            pass


def test_the_unbuilt_source_tree_says_how_to_build_it(page):
    # The repository's own index.html, served as it is (GitHub Pages set to deploy from a branch):
    # the build has written none of boot.js's constants, and the page says what to do instead.
    port = free_port()
    server = serve(ROOT, port)
    try:
        guard = PageGuard(page, f"http://127.0.0.1:{port}")
        page.goto(f"http://127.0.0.1:{port}/")
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("make site")
        expect(alert).to_contain_text("GitHub Actions")
        assert not NOT_PLAIN.search(alert.inner_text())
        expect(page.get_by_role("status")).to_contain_text("runtime did not load")
        page.wait_for_timeout(1_000)  # room for a late error to show
        assert page.workers == [], "the unbuilt page started the Python worker"
        assert guard.errors == [] and guard.foreign == [] and guard.csp == []
    finally:
        page.context.unroute_all(behavior="ignoreErrors")
        server.terminate()
        server.wait()


@pytest.mark.parametrize("way", ["missing", "corrupted"])
def test_an_editor_that_cannot_load_leaves_a_plain_text_box_that_runs(page, guard, base_url, way):
    """CodeMirror's modules failing (missing, or not matching their checksum) cost the page only
    its highlighting: the prediction is shown, a plain text box holds the script, and Run runs it."""
    page.route(f"**/{EDITOR[0]}", WAYS[way])
    page.goto(base_url)
    readout = settled_probability(page)
    editor = page.get_by_role("textbox", name="Python code")
    editor.scroll_into_view_if_needed()
    expect(page.locator("#alert")).to_be_empty()
    wait_until(page, "() => document.getElementById('code').shadowRoot.querySelector('textarea')"
                     " && !document.getElementById('code').shadowRoot.querySelector('.cm-editor')"
                     " && performance.getEntriesByType('resource').some((e) =>"
                     " e.name.includes('codemirror'))")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#run-status")).to_contain_text("Finished")
    assert float(page.get_by_role("log", name="Output").locator("div").last.inner_text()) == readout
