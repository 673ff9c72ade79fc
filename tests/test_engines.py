"""The page in Firefox ESR and WebKitGTK gives CPython's numbers to the last bit, and it starts in
an engine without `Promise.withResolvers`.

One page load per engine: the seed's prediction, one toggled input bit, one hidden layer typed
in, a reload that restores CPython from the snapshot the page kept, and the code editor's Run,
each compared with `repr()` of what CPython's NumPy computes for the same settings. Each
engine's time from navigation to its first settled prediction is printed (`pytest -s`) and kept
as a property of the test (`--junitxml`). Both browsers send everything but loopback through a
recording proxy (tools/engines.py), and a test fails on any request that reaches it.

A missing engine is installed by tools/ensure-engines.sh when the tests run as root with apt;
otherwise these tests are skipped, saying why, unless TENLINE_REQUIRE_ENGINES=1 (set by the deploy
gate, .github/workflows/pages.yml), which makes a missing engine a failure with the script's reason.
"""

import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

import engines
import model
from browser import SNAPSHOT_DETAIL, SNAPSHOT_TOLD, STARTED_FROM_SNAPSHOT
from pageutil import settled_probability
from state import DEFAULT

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 120  # a cold start in WebKitGTK under Xvfb on a busy 2-core machine takes ~10 s
REQUIRE = "TENLINE_REQUIRE_ENGINES"

SETTLED = ("(p => p !== null && p.getAttribute('aria-busy') === 'false'"
           " && p.hasAttribute('data-probability'))(document.querySelector('#prediction'))")


def settled_other_than(previous):
    """The readout has settled on a value other than `previous` (the page may update it from
    another thread, so its busy flag alone does not say that the change has been seen)."""
    return (f"{SETTLED} && document.querySelector('#prediction')"
            f".getAttribute('data-probability') !== {json.dumps(previous)}")


def cpython(bits, hidden=DEFAULT.hidden):
    """repr() of CPython's prediction after training the default settings with `hidden`."""
    weights = model.train(DEFAULT.rows, DEFAULT.iterations, DEFAULT.seed, hidden, DEFAULT.rate)
    return repr(model.predict(weights, bits))


def ensure_engines():
    """Runs tools/ensure-engines.sh: (its exit status, what it said)."""
    started = time.monotonic()
    run = subprocess.run(["bash", str(ROOT / "tools" / "ensure-engines.sh")],
                         capture_output=True, text=True, timeout=1800)
    output = (run.stdout + run.stderr).strip() or "(no output)"
    print(f"\ntools/ensure-engines.sh: exit {run.returncode} after"
          f" {time.monotonic() - started:.0f} s\n{output}")
    return run.returncode, output


def engines_required():
    """Why a missing engine must fail the tests rather than skip them, or None."""
    if os.environ.get(REQUIRE) == "1":
        return f"{REQUIRE}=1 (the deploy gate) requires every engine"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        return "running as root with apt, where tools/ensure-engines.sh installs them"
    return None


def unavailable_engines(ensure=ensure_engines):
    """Runs `ensure` (tools/ensure-engines.sh) once if any engine lacks a program.

    Returns {engine: why it cannot run} for the engines still missing, which are then skipped
    with that reason; fails instead where engines_required() says why they must be there.
    """
    if not any(engines.missing(engine) for engine in engines.ENGINES):
        return {}
    returncode, output = ensure()
    still = {engine: engines.missing(engine) for engine in engines.ENGINES}
    required = engines_required()
    if required and (returncode or any(still.values())):
        pytest.fail(f"{required}, yet the engines are not ready: "
                    f"{still}\ntools/ensure-engines.sh said:\n{output}")
    return {engine: f"{engine} cannot run here: {', '.join(programs)} not found."
                    f" tools/ensure-engines.sh said: {output}"
            for engine, programs in still.items() if programs}


@pytest.fixture(scope="session")
def installed_engines():
    return unavailable_engines()


def test_a_required_engine_that_is_missing_fails(monkeypatch, tmp_path):
    """With TENLINE_REQUIRE_ENGINES=1 a missing engine fails, with the script's reason; without
    it (and not as root) the same engine is skipped with that reason. Firefox is made missing by a
    path that does not exist, and the real script runs where it finds no apt-get (a PATH holding
    only `id`), so it says why it cannot install and installs nothing."""
    monkeypatch.setattr(engines, "FIREFOX", "/nonexistent/firefox-esr")
    (tmp_path / "id").symlink_to(shutil.which("id"))
    said = []

    def ensure_without_apt():
        run = subprocess.run(["/bin/bash", str(ROOT / "tools" / "ensure-engines.sh")],
                             env={**os.environ, "PATH": str(tmp_path), "FIREFOX": engines.FIREFOX},
                             capture_output=True, text=True, timeout=60)
        said.append(run.stderr.strip())
        return run.returncode, said[-1]

    monkeypatch.setattr(os, "geteuid", lambda: 1000)  # as a user: a skip, unless required
    monkeypatch.delenv(REQUIRE, raising=False)
    skipped = unavailable_engines(ensure_without_apt)
    assert "engines: missing firefox-esr" in said[-1]
    assert said[-1] in skipped["firefox"]

    monkeypatch.setenv(REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception) as failed:
        unavailable_engines(ensure_without_apt)
    assert f"{REQUIRE}=1" in str(failed.value) and said[-1] in str(failed.value)


@pytest.fixture
def engine(request, installed_engines):
    name = request.param
    if name in installed_engines:
        pytest.skip(installed_engines[name])
    started = time.monotonic()
    with engines.ForeignRequests() as foreign, \
            engines.launch(name, proxy_port=foreign.port, timeout=WAIT_SECONDS) as session:
        session.launch_seconds = time.monotonic() - started
        session.foreign = foreign
        yield session


def describe(session):
    """What the page shows, for a failure message."""
    try:
        status = session.text("#status")
        alert = session.text("#alert")
    except engines.EngineError as err:
        status, alert = f"(unreadable: {err})", ""
    return f"status {status!r}, alert {alert!r}, errors {session.errors}"


@pytest.mark.parametrize("engine", engines.ENGINES, indirect=True)
def test_engine_matches_cpython(engine, base_url, record_property):
    browser = engine
    seed, toggled, layered = (cpython((1, 0, 0)), cpython((1, 1, 0)),
                              cpython((1, 1, 0), hidden=4))

    # The proxy really is in the way: a request to a reserved, never-resolving host reaches it.
    # (Asked from the blank start page: the page's own policy would refuse it.)
    browser.evaluate("fetch('http://canary.invalid/').then(() => 0, () => 0)")
    assert browser.foreign.requests == ["GET http://canary.invalid/"], \
        "the recording proxy is not in the browser's path, so the check below means nothing"
    browser.foreign.requests.clear()

    started = time.monotonic()
    browser.open(base_url)
    try:
        first_ms = browser.wait_for(SETTLED)
    except engines.EngineError as err:
        pytest.fail(f"{err}\n{describe(browser)}")
    total_seconds = time.monotonic() - started
    print(f"\n{browser.name} ({browser.version}): first settled prediction {first_ms:,.0f} ms"
          f" after navigation ({total_seconds:.1f} s through the driver; browser start"
          f" {browser.launch_seconds:.1f} s)")
    record_property("engine", browser.version)
    record_property("first_prediction_ms", round(first_ms))
    record_property("browser_start_s", round(browser.launch_seconds, 2))

    # (1) The seed, as the page starts.
    assert browser.attribute("#prediction", "data-probability") == seed, describe(browser)

    # (2) One input bit toggled by a click: 1 0 0 -> 1 1 0.
    browser.click("#bit-2")
    try:
        browser.wait_for(settled_other_than(seed))
    except engines.EngineError as err:
        pytest.fail(f"after clicking #bit-2: {err}\n{describe(browser)}")
    assert browser.evaluate("document.querySelector('#bit-2').checked") is True
    assert browser.attribute("#prediction", "data-probability") == toggled, describe(browser)

    # (3) A hidden layer of 4, typed in: the page retrains after the typing pause.
    browser.type("#hidden", "4")
    assert browser.evaluate("document.querySelector('#hidden').value") == "4"
    try:
        browser.wait_for(settled_other_than(toggled))
    except engines.EngineError as err:
        pytest.fail(f"after typing 4 into #hidden: {err}\n{describe(browser)}")
    assert browser.attribute("#prediction", "data-probability") == layered, describe(browser)

    # (4) The page keeps a snapshot of CPython (a helper worker, IndexedDB, crypto.subtle), and a
    # reload restores it and gives the same number.
    try:
        browser.wait_for(SNAPSHOT_TOLD)
        told = json.loads(browser.evaluate(SNAPSHOT_DETAIL))
        assert told["kept"], f"{browser.name} kept no snapshot: {told.get('why')}"
        browser.evaluate("(window.__before = true, setTimeout(() => location.reload()), 0)")
        restored_ms = browser.wait_for(f"!window.__before && {SETTLED}")
    except engines.EngineError as err:
        pytest.fail(f"keeping or restoring the snapshot: {err}\n{describe(browser)}")
    assert browser.evaluate(STARTED_FROM_SNAPSHOT) is True, describe(browser)
    print(f"{browser.name}: after the reload, from the snapshot, {restored_ms:,.0f} ms")
    record_property("from_snapshot_ms", round(restored_ms))
    assert browser.attribute("#prediction", "data-probability") == layered, describe(browser)

    # (5) The code editor: CodeMirror mounts in its shadow root without breaching the page's
    # Content-Security-Policy (watched from here on: it mounts when scrolled to), and Run prints
    # the readout's number last.
    browser.evaluate("(window.__csp = [], document.addEventListener('securitypolicyviolation',"
                     " (e) => window.__csp.push(e.violatedDirective)),"
                     " document.getElementById('code').scrollIntoView(), true)")
    try:
        browser.wait_for("document.getElementById('code').shadowRoot.querySelector('.cm-content')"
                         "?.getAttribute('aria-label') === 'Python code'")
        browser.click("#run")
        browser.wait_for("document.getElementById('run-status').textContent.startsWith('Finished')")
    except engines.EngineError as err:
        pytest.fail(f"the code editor: {err}\n{describe(browser)}")
    printed = browser.evaluate("document.getElementById('output').lastElementChild.textContent")
    assert printed == layered, describe(browser)
    assert browser.evaluate("window.__csp") == [], "the editor breached the page's CSP"

    # (Firefox logs the refused canary request as an error too, sometimes late.)
    errors = [e for e in browser.errors if "canary.invalid" not in e]
    assert errors == [], "console errors or uncaught exceptions in the page"
    assert browser.foreign.requests == [], "requests to another host"


# Removes Promise.withResolvers where it runs, and leaves a mark that it did.
REMOVE = ("delete Promise.withResolvers;"
          " self.__withResolversRemoved = !('withResolvers' in Promise);")
# A script's directive prologue ("use strict"), after any leading comments: the removal goes after
# it, so that the script keeps its strict mode.
PROLOGUE = re.compile(r"""\A(?:\s+|//[^\n]*|/\*.*?\*/)*(?:(["'])use strict\1;?)?""", re.S)


def test_starts_without_promise_with_resolvers(page, clean, base_url):
    """Promise.withResolvers came with Chrome 119, Firefox 121 and Safari 17.4; PyScript, for one,
    calls it. The page must start without it, on its main thread and in any worker it starts, and
    reach CPython's first prediction."""
    page.add_init_script(REMOVE)  # before any script of the page's main thread

    def worker_entry(route):
        """The worker's entry point served with the removal first: a worker has its own globals,
        which init scripts do not reach (the scripts it imports run after it)."""
        if route.request.resource_type != "script":
            route.fallback()  # on to the guard's handler (boot.js's checked request, say)
            return
        response = route.fetch()
        text = response.text()
        at = PROLOGUE.match(text).end()
        route.fulfill(response=response, body=f"{text[:at]}\n{REMOVE}\n{text[at:]}")

    page.route("**/site/worker.js", worker_entry)
    page.goto(base_url)
    assert repr(settled_probability(page)) == cpython((1, 0, 0))
    assert page.evaluate("self.__withResolversRemoved") is True
    # The snapshot maker, started once the prediction is shown, is not part of the start (and its
    # script may come from the service worker, out of this route's reach).
    for worker in page.workers:
        if worker.evaluate("self.name") != "tenline snapshot maker":
            assert worker.evaluate("self.__withResolversRemoved") is True, worker.url
