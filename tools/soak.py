"""The soak run in the bench: 10,000 input-bit toggles and 1,000 setting changes, each waited until
the readout is settled again, with the console errors and the memory growth they leave behind.

tools/bench.py calls `run(browser, url, foreign)`; run alone, this serves _site/ on loopback:
`.venv/bin/python tools/soak.py`. Toggles and setting changes are driven from inside the page (one
page.evaluate per chunk of 1,000, awaiting aria-busy="false" after each), so the figures are the
page's and not Playwright's round trips. Settings come mostly as URL fragments with small iteration
counts (they retrain at once) and every TYPED_EVERY-th one typed into the Random seed field (applied
after the typing pause), so both ways in are soaked. Memory is sampled after a short warm-up, after
every chunk and back at the default state at the end (so first and last compare alike): the main
thread's JS heap after a forced GC (CDP), the worker's WebAssembly memory (which never shrinks) and
Python's live objects after gc.collect(), so a leak in the DOM ops, in Python or of JS proxies
shows. Both final readouts are checked against CPython.
It asserts nothing; an error inside the loop (a readout that never settles) ends the run.
"""

import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

from playwright.sync_api import sync_playwright

from browser import CHROMIUM, CHROMIUM_ARGS, free_port, serve

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
import model  # noqa: E402
from state import DEFAULT, PRESETS, parse, parse_field, serialise  # noqa: E402

TOGGLES = 10_000
SETTINGS = 1_000
CHUNK = 1_000  # toggles or setting changes per page.evaluate, with a memory sample after each
TYPED_EVERY = 10  # every 10th setting change is typed into the Random seed field
WARM_UP = (30, 10)  # toggles and setting changes before the first memory sample
STEP_TIMEOUT_MS = 60_000  # one toggle or change not settled by then ends the run
LOAD_TIMEOUT_MS = 120_000
SHOWN_ERRORS = 5
SETTLED = "#prediction[aria-busy='false'][data-probability]"
RATES = (0.5, 1.0, 2.0, 3.0)

# Shared by both loops: a promise for the readout settled again, or an error after `ms`.
IN_PAGE = """
const readout = document.getElementById('prediction');
const isSettled = () => readout.getAttribute('aria-busy') === 'false'
  && readout.hasAttribute('data-probability');
const within = (promise, ms, what) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  promise.then(value => { clearTimeout(timer); resolve(value); });
});
const settled = () => new Promise(resolve => {
  if (isSettled()) return resolve();
  const observer = new MutationObserver(() => {
    if (isSettled()) { observer.disconnect(); resolve(); } });
  observer.observe(readout, {attributes: true, attributeFilter: ['aria-busy', 'data-probability']});
});
const busyNow = what => {
  if (readout.getAttribute('aria-busy') !== 'true') throw new Error(`${what}: readout not busy`);
};
"""

# Toggles first .. first+count-1: bit (i mod 3) + 1, each to a settled readout; ms per toggle.
TOGGLE_LOOP = """async ([first, count, timeout]) => {""" + IN_PAGE + """
  const times = [];
  for (let i = first; i < first + count; i++) {
    const box = document.getElementById(`bit-${i % 3 + 1}`);
    const start = performance.now();
    box.click();  // settled at once when py/ui.py has CPython's readout for it, else busy
    await within(settled(), timeout, `toggle ${i}`);
    times.push(performance.now() - start);
  }
  return times;
}"""

# Setting changes, each ["hash", fragment] or ["seed", text typed]; ms per change.
SETTING_LOOP = """async ([steps, timeout]) => {""" + IN_PAGE + """
  const times = [];
  for (const [kind, value] of steps) {
    const start = performance.now();
    if (kind === 'hash') {
      const sent = new Promise(resolve => addEventListener('hashchange', resolve, {once: true}));
      location.hash = value;
      await within(sent, timeout, `hashchange to ${value}`);  // py/ui.py has sent it by now
    } else {
      const field = document.getElementById('seed');
      field.value = value;
      field.dispatchEvent(new Event('input', {bubbles: true}));
    }
    busyNow(`${kind} ${value}`);
    await within(settled(), timeout, `${kind} ${value}`);
    times.push(performance.now() - start);
  }
  return times;
}"""

WORKER_MEMORY = """() => [self.pyodide._module.HEAP8.length, self.pyodide.runPython(
  "__import__('gc').collect(); len(__import__('gc').get_objects())")]"""


def guarded_context(browser, origin, foreign):
    """As tools/bench.py's (not imported: bench imports this module), but with the service
    worker a reader's browser runs."""
    context = browser.new_context()
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith((origin, "data:"))
                  else (foreign.append(r.request.url), r.abort()))
    return context


def row(name, value):
    print(f"  {name:<50} {value}")


def setting_changes(start, count, first=0):
    """[(kind, value)] for `count` changes from state `start`, and the state they end in.
    Consecutive states always differ, so every fragment fires a hashchange."""
    presets = list(PRESETS.values())
    steps, s = [], start
    for i in range(first, first + count):
        if i % TYPED_EVERY == TYPED_EVERY - 1:
            new = replace(s, seed=(s.seed * 7 + 3) % 1000, at=None)
            steps.append(("seed", str(new.seed)))
        else:
            iterations = 100 + (i * 37) % 201
            new = replace(DEFAULT, rows=parse_field("rows", presets[i % len(presets)]),
                          bits=tuple(int(c) for c in f"{i % 8:03b}"), hidden=i % 5,
                          iterations=iterations, seed=i % 13, rate=RATES[i % len(RATES)],
                          at=iterations // 2 if i % 9 == 4 else None)
            if new == s:
                new = replace(new, iterations=iterations + 1)
            steps.append(("hash", "#" + serialise(new)))
        assert new != s
        s = new
    return steps, s


def expected_probability(s):
    """What CPython's model says for state s, at the iteration it shows."""
    k = s.iterations if s.at is None else s.at
    return model.predict(model.train(s.rows, k, s.seed, s.hidden, s.rate), s.bits)


def sample(page, cdp):
    """(main-thread JS heap after GC, worker WebAssembly memory, Python objects after gc)."""
    for _ in range(2):  # a second pass frees what the first one's finalizers let go
        cdp.send("HeapProfiler.collectGarbage")
    heap = cdp.send("Runtime.getHeapUsage")["usedSize"]
    wasm, objects = page.workers[0].evaluate(WORKER_MEMORY)
    return heap, wasm, objects


def readout(page):
    return float(page.locator(SETTLED).get_attribute("data-probability"))


def spread(times):
    p95 = statistics.quantiles(times, n=20, method="inclusive")[-1]
    return (f"median {statistics.median(times):5.1f}  p95 {p95:5.1f}  max {max(times):6.1f} ms"
            f"  ({sum(times) / 1000:5.1f} s)")


def run(browser, url, foreign):
    """The soak in a fresh context; prints its rows and returns the figures."""
    began = time.perf_counter()
    context = guarded_context(browser, url, foreign)
    try:
        figures, points = soak(context.new_page(), url)
    finally:
        context.close()
    figures["seconds"] = time.perf_counter() - began
    report(figures, points)
    return figures


def soak(page, url):
    """The figures, and which memory samples to show (start, after toggles, end)."""
    errors, warnings = [], []  # Python's stderr (a traceback in an asyncio task) is a warning

    def console(message):
        if message.type in ("error", "warning"):
            (errors if message.type == "error" else warnings).append(
                f"console.{message.type}: {message.text}")

    page.on("console", console)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    page.goto(url)
    page.wait_for_selector(SETTLED, timeout=LOAD_TIMEOUT_MS)
    cdp = page.context.new_cdp_session(page)

    # Warm-up (not counted): every code path once, so the baseline is not taken before lazy
    # allocations (compiled code, caches) that are no leak.
    page.evaluate(TOGGLE_LOOP, [0, WARM_UP[0], STEP_TIMEOUT_MS])
    steps, s = setting_changes(parse(page.evaluate("location.hash"))[0], WARM_UP[1], first=1)
    page.evaluate(SETTING_LOOP, [steps, STEP_TIMEOUT_MS])
    back_to_default = [["hash", "#" + serialise(DEFAULT)]]  # so that samples compare alike
    page.evaluate(SETTING_LOOP, [back_to_default, STEP_TIMEOUT_MS])
    samples = [sample(page, cdp)]

    toggle_ms = []
    for first in range(0, TOGGLES, CHUNK):
        toggle_ms += page.evaluate(TOGGLE_LOOP, [first, min(CHUNK, TOGGLES - first),
                                                 STEP_TIMEOUT_MS])
        samples.append(sample(page, cdp))
    bits = list(DEFAULT.bits)
    for i in range(TOGGLES):
        bits[i % 3] ^= 1
    toggled = replace(DEFAULT, bits=tuple(bits))
    toggles_end = (page.evaluate("location.hash") == "#" + serialise(toggled),
                   readout(page), expected_probability(toggled))
    after_toggles = len(samples) - 1

    steps, s = setting_changes(toggled, SETTINGS)
    setting_ms = {"hash": [], "seed": []}
    for first in range(0, SETTINGS, CHUNK):
        chunk = steps[first:first + CHUNK]
        for (kind, _), ms in zip(chunk, page.evaluate(SETTING_LOOP, [chunk, STEP_TIMEOUT_MS])):
            setting_ms[kind].append(ms)
        samples.append(sample(page, cdp))
    settings_end = (page.evaluate("location.hash") == "#" + serialise(s),
                    readout(page), expected_probability(s))
    page.evaluate(SETTING_LOOP, [back_to_default, STEP_TIMEOUT_MS])
    samples.append(sample(page, cdp))

    heap, wasm, objects = (list(series) for series in zip(*samples))
    points = [0, after_toggles, len(samples) - 1]
    figures = {
        "toggles": TOGGLES, "settings_by_fragment": len(setting_ms["hash"]),
        "settings_typed": len(setting_ms["seed"]),
        "toggle_ms": toggle_ms, "setting_ms": setting_ms,
        "toggles_final": {"bits": toggled.bits, "url_ok": toggles_end[0],
                          "browser": toggles_end[1], "cpython": toggles_end[2]},
        "settings_final": {"fragment": serialise(s), "url_ok": settings_end[0],
                           "browser": settings_end[1], "cpython": settings_end[2]},
        "errors": errors, "warnings": warnings,
        # after the warm-up, after each chunk, and back at the defaults after the last one
        "heap_bytes": heap, "wasm_bytes": wasm, "python_objects": objects,
        "heap_growth_mb": (heap[-1] - heap[0]) / 1e6,
        "wasm_growth_mb": (wasm[-1] - wasm[0]) / 1e6,
        "python_objects_growth": objects[-1] - objects[0],
    }
    return figures, points


def report(f, points):
    print(f"Soak: {f['toggles']:,} input-bit toggles, then {SETTINGS:,} setting changes "
          f"({f['settings_by_fragment']:,} URL fragments of 100-300\niterations, "
          f"{f['settings_typed']:,} typed seeds), each to a settled readout. Memory at the "
          f"defaults: after a warm-up\n({WARM_UP[0]} toggles, {WARM_UP[1]} changes) / after "
          "the toggles / after the setting changes")
    row(f"input bit click to settled readout, {f['toggles']:,} clicks", spread(f["toggle_ms"]))
    row(f"URL fragment change to settled, {f['settings_by_fragment']:,}",
        spread(f["setting_ms"]["hash"]))
    row(f"typed seed to settled (incl. typing pause), {f['settings_typed']:,}",
        spread(f["setting_ms"]["seed"]))
    for what, end in (("after toggles, bits " + "".join(map(str, f["toggles_final"]["bits"])),
                       f["toggles_final"]), ("after settings", f["settings_final"])):
        delta = abs(end["browser"] - end["cpython"])
        row(f"readout vs CPython {what}",
            f"{end['browser']:.12f} vs {end['cpython']:.12f}  |Δ| {delta:.1e}"
            f"  {'same' if delta <= 1e-12 else 'DIFFERENT'}"
            f"{'' if end['url_ok'] else ', URL not the state'}")
    for what, messages in (("console errors and page errors", f["errors"]),
                           ("console warnings (where Python's stderr goes)", f["warnings"])):
        row(what, str(len(messages)))
        for message in messages[:SHOWN_ERRORS]:
            print(f"    {message[:300]}")
    for name, series, unit, scale, growth in (
            ("main-thread JS heap after GC", f["heap_bytes"], " MB", 1e6, f["heap_growth_mb"]),
            ("worker WebAssembly memory", f["wasm_bytes"], " MB", 1e6, f["wasm_growth_mb"]),
            ("worker Python objects after gc.collect()", f["python_objects"], "", 1,
             f["python_objects_growth"])):
        shown = " / ".join(f"{series[i] / scale:,.{1 if unit else 0}f}" for i in points)
        change = f"{growth:+,.2f}" if unit else f"{growth:+,}"
        row(name, f"{shown}{unit}  growth {change}{unit}")
    row("soak run time", f"{f['seconds']:5.0f} s")


def main():
    port = free_port()
    server = serve(ROOT / "_site", port)
    foreign = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"tenline soak, {time.strftime('%Y-%m-%d %H:%M')}, Chromium {browser.version}")
            run(browser, f"http://127.0.0.1:{port}/", foreign)
            row("requests to another origin (refused)", str(len(foreign)))
            for address in dict.fromkeys(foreign):
                print(f"    {address}")
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
