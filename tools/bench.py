"""`make bench`: tenline's figures on this machine, measured in one run. It asserts nothing.

Loads the built site (_site/) from a loopback server in Debian's Chromium and prints:
cold, repeat and third load to the first prediction (beside a plain-Pyodide reference page), the
longest main-thread task while loading, the bytes a cold visit fetches, training time in the
browser beside CPython running the same code (and the longest task while training),
toggle-to-readout latency, JS heap growth over 1,000 slider moves, the time per frame while
playing, a soak run (tools/soak.py: 10,000 toggles and 1,000 setting changes) and Lighthouse's
scores (tools/lighthouse.py).
Times are taken inside the page (performance.now() from navigation start or from the event), not by
polling from Python. Medians over a few runs unless a row says otherwise; machines here are noisy.
Every request to another origin is refused and counted. The exit status is 0 unless the page
cannot be loaded at all.
"""

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Error as PlaywrightError, sync_playwright

import lighthouse
import soak
from browser import CHROMIUM, CHROMIUM_ARGS, free_port, serve, wait_for_snapshot, wait_until

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
import history  # noqa: E402
import model  # noqa: E402
from state import parse  # noqa: E402

RUNS = 5
BETWEEN_VISITS_MS = 5000
LOAD_TIMEOUT_MS = 120_000
TRAINING_CASES = {  # name: (URL fragment, browser runs); add a case here to bench it
    "seed (10,000 it.)": ("iterations=10000", 3),
    "4 hidden, XOR, 60,000 it.": ("rows=001:0,011:1,101:1,111:0&hidden=4&iterations=60000", 3),
    "seed, 1,000,000 it.": ("iterations=1000000", 1),
}
# Installed before any page script: every long task, and the moment of the first settled readout.
PROBE = """
window.__longtasks = [];
new PerformanceObserver(list => { for (const e of list.getEntries())
  window.__longtasks.push([e.startTime, e.duration]); }).observe({type: 'longtask', buffered: true});
new MutationObserver((_, observer) => {
  const r = document.getElementById('prediction');
  if (r && r.getAttribute('aria-busy') === 'false' && r.hasAttribute('data-probability')) {
    window.__firstPrediction = performance.now(); observer.disconnect(); }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['aria-busy', 'data-probability']});
"""
SETTLED = "#prediction[aria-busy='false'][data-probability]"


def median(values):
    return statistics.median(values)


def spread(values):
    return f"median {median(values):6.0f}  min {min(values):6.0f}  max {max(values):6.0f} ms"


def task(ms):
    """A longest-task figure; the Long Tasks API reports only tasks of 50 ms or more."""
    return f"{ms:4.0f} ms" if ms else " <50 ms"


def guarded_context(browser, origin, foreign, service_workers="block"):
    """A fresh context (own HTTP cache) that refuses, and records, requests to another origin.
    Service workers are blocked unless asked for: the reference page has none, so the load
    comparison is between two pages fetched over the network (or the HTTP cache)."""
    context = browser.new_context(service_workers=service_workers)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith((origin, "data:"))
                  else (foreign.append(r.request.url), r.abort()))
    return context


def longest_task(page, since=0.0, until=float("inf")):
    """The longest main-thread task overlapping [since, until), in ms (page clock)."""
    page.wait_for_timeout(200)  # an entry is delivered only after its task has ended
    return page.evaluate("([a, b]) => Math.max(0, ...window.__longtasks"
                         ".filter(([s, d]) => s < b && s + d > a).map(([, d]) => d))",
                         [since, until if until != float("inf") else 1e15])


# When the controls answer (py/ui.py has bound them; a page without that mark, the reference,
# counts its first prediction) and when the page first painted, in ms from navigation start.
CONTROLS_AND_PAINT = """() => [
  (performance.getEntriesByName('tenline:controls-bound')[0] || {}).startTime ?? window.__firstPrediction,
  (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? NaN]"""


def first_prediction(page, url):
    """Navigate; ms from navigation start to the first settled readout, the longest task before
    it, and when the controls answered and the page first painted."""
    page.goto(url)
    page.wait_for_selector(SETTLED, timeout=LOAD_TIMEOUT_MS)
    wait_until(page, "() => window.__firstPrediction !== undefined")
    at = page.evaluate("window.__firstPrediction")
    return (at, longest_task(page, until=at), *page.evaluate(CONTROLS_AND_PAINT))


VISITS = ["cold load", "repeat visit", "third visit"]  # what visit_thrice measures, in order


def visit_thrice(browser, base, path, root, foreign):
    """A cold visit, a repeat visit and a third in one fresh context: ({visit: (ms to the first
    prediction, longest task)}, bytes of the cold visit). The third tells whether a second visit
    left anything still to cache (tenline's should not: site/boot.js).
    Both pages are left alone for BETWEEN_VISITS_MS before each return, as a reader would before
    coming back (browsers finish caching compiled code in the background), and tenline's waits
    until it has kept its start-up snapshot, as any later visit would find it."""
    url = base + path
    context = guarded_context(browser, base, foreign)
    page = context.new_page()
    page.add_init_script(PROBE)
    paths = []
    page.on("response", lambda r: paths.append(urlparse(r.url).path))
    measured = {VISITS[0]: first_prediction(page, url)}
    cold_bytes = transferred(root, paths)
    for visit in VISITS[1:]:
        page.wait_for_timeout(BETWEEN_VISITS_MS)
        if path != "reference.html" and len(measured) == 1:  # the second restores it, makes none
            wait_for_snapshot(page)
        measured[visit] = first_prediction(page, url)
    context.close()
    return measured, cold_bytes


def transferred(root, paths):
    """(raw, gzip) bytes of the files a visit fetched, gzip as a static host serves them."""
    files = [root / p.lstrip("/") for p in dict.fromkeys(paths)]
    files = [f if f.is_file() else f / "index.html" for f in files]
    raw = sum(f.stat().st_size for f in files)
    return raw, sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)


def bench_loading(browser, base, root, foreign, pages):
    """Each of `pages` ({name: path}: tenline, the plain-Pyodide reference, maybe a baseline
    build), interleaved, several times each."""
    results = {name: [] for name in pages}
    for _ in range(RUNS):
        for name, path in pages.items():
            results[name].append(visit_thrice(browser, base, path, root, foreign))
    return results


def offline_repeat(browser, base, foreign):
    """A repeat visit once the service worker has cached the site: ms to the first prediction."""
    times = []
    for _ in range(3):
        context = guarded_context(browser, base, foreign, service_workers="allow")
        page = context.new_page()
        page.add_init_script(PROBE)
        first_prediction(page, base)
        # Installed and active (its cache filled): the next visit is its. It does not claim this
        # page, so `controller` stays null here.
        wait_until(page, """() => navigator.serviceWorker.getRegistration().then((r) =>
                              r !== undefined && r.active !== null && r.active.state === "activated")""",
                   timeout=LOAD_TIMEOUT_MS)
        wait_for_snapshot(page)
        times.append(first_prediction(page, base)[0])
        context.close()
    return times


def retrain(page, fragment, timeout=600_000):
    """Set the fragment and wait until the page reports that very training done and settled."""
    iterations = parse(fragment)[0].iterations
    page.evaluate("f => { location.hash = f; }", "#" + fragment)
    wait_until(
        page, """n => document.getElementById('status').textContent.startsWith(`Ready: trained ${n} `)
           && document.getElementById('prediction').getAttribute('aria-busy') === 'false'""",
        arg=f"{iterations:,} iterations", timeout=timeout)


def status_ms(page):
    """The in-browser training time the page reports: 'trained N iterations in T ms'."""
    text = page.locator("#status").inner_text()
    return float(text.rsplit(" in ", 1)[1].split(" ms")[0].replace(",", ""))


def browser_training(page, fragment, runs):
    """In-browser training ms (median over runs, as the page times it) and the longest task."""
    times, longest = [], 0.0
    for _ in range(runs):
        retrain(page, "iterations=1")  # a different state, so the next one trains afresh
        since = page.evaluate("performance.now()")
        retrain(page, fragment)
        times.append(status_ms(page))
        longest = max(longest, longest_task(page, since))
    return median(times), longest


def cpython_ms(fragment, runs=3):
    """CPython running the page's training loop (history.Run) for the same state."""
    s, _ = parse(fragment)
    return median([_time(lambda: history.Run(s.rows, s.iterations, s.seed, s.hidden, s.rate)
                         .advance(s.iterations)) for _ in range(runs)])


def toggle_latency(page, url, count=200):
    """Click on an input bit → settled readout, ms measured in the page; sorted."""
    page.goto(url)
    page.wait_for_selector(SETTLED, timeout=LOAD_TIMEOUT_MS)
    page.evaluate("""() => { window.__lat = []; const r = document.getElementById('prediction');
      for (const type of ['click', 'change']) document.addEventListener(type, e => {
        if (e.target.matches('.input-bit') && !window.__t0) window.__t0 = performance.now(); }, true);
      new MutationObserver(() => { if (r.getAttribute('aria-busy') === 'false' && window.__t0)
        { window.__lat.push(performance.now() - window.__t0); window.__t0 = 0;
          if (window.__wake) window.__wake(); } })
        .observe(r, {attributes: true, attributeFilter: ['aria-busy', 'data-probability']}); }""")
    for i in range(count):
        page.get_by_role("checkbox", name=f"Input bit {i % 3 + 1}", exact=True).click()
        # One call that waits for the readout, not polling, which would compete for the thread.
        page.evaluate("() => window.__t0 && new Promise(wake => { window.__wake = wake; })")
    return sorted(page.evaluate("window.__lat"))


def heap_while_scrubbing(page, url, cdp):
    """JS heap after GC: before, after 500 and after 1,000 slider moves (bytes)."""
    page.goto(url + "#iterations=1000")
    page.wait_for_selector(SETTLED, timeout=LOAD_TIMEOUT_MS)
    heap = []
    slider = page.get_by_role("slider", name="Iteration", exact=True)
    slider.focus()
    page.keyboard.press("Home")
    for sweep in ("ArrowRight", "ArrowLeft"):
        cdp.send("HeapProfiler.collectGarbage")
        heap.append(cdp.send("Runtime.getHeapUsage")["usedSize"])
        for _ in range(500):
            page.keyboard.press(sweep)
    page.wait_for_selector(SETTLED)
    cdp.send("HeapProfiler.collectGarbage")
    heap.append(cdp.send("Runtime.getHeapUsage")["usedSize"])
    return heap


def frame_time_playing(page, url):
    """Mean ms per Play frame over a whole play-through of 2,000 iterations, and the frames."""
    page.goto(url + "#iterations=2000")
    page.wait_for_selector(SETTLED, timeout=LOAD_TIMEOUT_MS)
    page.evaluate("""() => { window.__frames = 0; new MutationObserver(() => window.__frames++)
      .observe(document.getElementById('iteration-text'),
               {childList: true, characterData: true, subtree: true}); }""")
    start = time.perf_counter()
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).wait_for()
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=120_000)
    frames = page.evaluate("window.__frames")
    return (time.perf_counter() - start) * 1000 / max(frames, 1), frames


# Prints at once, then loops forever on any later Run of the same runner: Run, Run, Stop, Run
# measures Stop to the next working Run with no edit in between (Stop starts a fresh runner).
STOP_CASE = """import os
if os.path.exists("/tmp/ran"):
    while True:
        pass
open("/tmp/ran", "w").close()
print("ready")
"""
# The moment of a click on a button (by id), then of the next line in Output, in the page.
CLICK_TO_OUTPUT = """(id) => { const out = document.getElementById('output');
  document.getElementById(id).addEventListener('click', () => { window.__clickAt = performance.now(); },
                                               {capture: true, once: true});
  window.__line = new Promise((done) => new MutationObserver((_, observer) => {
    if (out.firstChild) { observer.disconnect(); done(performance.now() - window.__clickAt); } })
    .observe(out, {childList: true})); }"""


def renderer_rss():
    """The resident memory of Chromium's renderer processes (the page and its workers), bytes."""
    total = 0
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and b"--type=renderer" in (proc / "cmdline").read_bytes():
                status = (proc / "status").read_text()
                total += int(status.split("VmRSS:")[1].split()[0]) * 1024
        except (OSError, IndexError):
            continue
    return total


def code_runs(page, url):
    """The reader's code: ms from a click to the first line in Output, for the first Run of a
    page (its code runner starts then, from the snapshot), Stop on a runaway loop then Run (a
    fresh runner), and Runs once the runner is up; and the renderers' resident memory before
    and after the runner started (bytes)."""
    page.goto(url)
    page.wait_for_selector(SETTLED, timeout=LOAD_TIMEOUT_MS)
    run, stop = (page.get_by_role("button", name=name, exact=True) for name in ("Run", "Stop"))

    def use_code(text):
        page.get_by_role("textbox", name="Python code").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(text)

    def first_line(click, id):
        page.evaluate(CLICK_TO_OUTPUT, id)
        click()
        ms = page.evaluate("window.__line")
        page.get_by_text("Finished in").wait_for()
        return ms

    use_code(STOP_CASE)
    time.sleep(2)
    before = renderer_rss()
    cold = first_line(run.click, "run")
    time.sleep(2)
    after = renderer_rss()
    restarted = []
    for _ in range(3):
        run.click()  # the same runner: the loop
        page.get_by_text("Running…").wait_for()
        time.sleep(0.5)
        restarted.append(first_line(lambda: (stop.click(), run.click()), "stop"))
    use_code('print("ready")\n')
    warm = [first_line(run.click, "run") for _ in range(5)]
    return cold, restarted, warm, after - before


def row(name, value):
    print(f"  {name:<50} {value}")


def report_loading(loads):
    print(f"Loading to the first prediction: a fresh context (no HTTP cache) visited thrice, {RUNS} "
          "interleaved runs;\nreference = plain Pyodide + NumPy + the seed, same vendored files")
    for i, measure in enumerate(["", "longest main-thread task, "]):
        for visit in VISITS:
            ours, ref = ([measured[visit][i] for measured, _ in loads[name]]
                         for name in ("tenline", "reference"))
            row(f"{measure}{visit}, tenline", spread(ours))
            ratio = f"   tenline/ref {median(ours) / median(ref):4.2f}×" if median(ref) else ""
            row(f"{measure}{visit}, reference", spread(ref) + ratio)
    for visit in VISITS[:2]:
        bound, painted = ([measured[visit][i] for measured, _ in loads["tenline"]] for i in (2, 3))
        row(f"controls answer (py/ui.py bound), {visit}",
            spread(bound) + f"   first paint {median(painted):4.0f} ms")
    for name in loads:
        raw, zipped = loads[name][0][1]
        row(f"bytes on a cold visit, {name}", f"{raw / 1e6:5.2f} MB raw  {zipped / 1e6:5.2f} MB gzip")
    if "baseline" in loads:
        print("A/B against the baseline build (--against), the same interleaved runs:")
        for visit in VISITS[:2]:
            ours, base = ([measured[visit][0] for measured, _ in loads[name]]
                          for name in ("tenline", "baseline"))
            paired = [a - b for a, b in zip(ours, base)]
            row(f"{visit}, tenline - baseline",
                f"median {median(paired):+6.0f} ms ({median(paired) / median(base):+.1%})"
                f"  min {min(paired):+6.0f}  max {max(paired):+6.0f} ms  (baseline median"
                f" {median(base):.0f} ms)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, metavar="SITE",
                        help="another built site (a _site/ of an earlier commit), loaded"
                             " interleaved with this one for an A/B of the first prediction")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="tenline-bench-"))
    for entry in (ROOT / "_site").iterdir():
        (root / entry.name).symlink_to(entry)
    pages = {"tenline": "", "reference": "reference.html"}
    if args.against:
        (root / "baseline").symlink_to(args.against.resolve())
        pages["baseline"] = "baseline/"
    (root / "reference.html").symlink_to(ROOT / "tools" / "bench_reference.html")
    (root / "original").symlink_to(ROOT / "site" / "vendor" / "pyodide")  # as fetched, not derived
    port = free_port()
    server = serve(root, port)
    url = f"http://127.0.0.1:{port}/"
    foreign = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"tenline bench, {time.strftime('%Y-%m-%d %H:%M')}, Chromium {browser.version}")
            try:
                loads = bench_loading(browser, url, root, foreign, pages)
            except PlaywrightError as err:
                print(f"The page could not be loaded: {err}", file=sys.stderr)
                return 1
            report_loading(loads)
            row("repeat visit from the service worker's cache, tenline",
                spread(offline_repeat(browser, url, foreign)))

            page = guarded_context(browser, url, foreign).new_page()
            page.add_init_script(PROBE)
            page.goto(url + "#iterations=1")
            page.wait_for_selector(SETTLED, timeout=LOAD_TIMEOUT_MS)
            wait_for_snapshot(page)  # its maker, started now, would share the CPU with the timings
            print("Training: browser (the page's own timing, as its status line reports it) vs "
                  "CPython (same loop);\nlongest main-thread task from the change to the settled readout")
            for name, (fragment, runs) in TRAINING_CASES.items():
                browser_ms, task_ms = browser_training(page, fragment, runs)
                py_ms = cpython_ms(fragment, runs)
                row(name, f"browser {browser_ms:7.0f} ms  CPython {py_ms:7.0f} ms  ratio "
                          f"{browser_ms / py_ms:4.1f}×  longest task {task(task_ms)}  ({runs} run(s))")
            row("CPython model.train() for the seed, 7 runs",
                f"{median([_time(model.train) for _ in range(7)]):7.1f} ms")

            print("Interaction")
            latency = toggle_latency(page, url)
            p95 = statistics.quantiles(latency, n=20)[-1]
            row(f"input bit click to settled readout, {len(latency)} clicks",
                f"median {median(latency):5.1f} ms  p95 {p95:5.1f} ms  max {latency[-1]:5.1f} ms")
            heap = heap_while_scrubbing(page, url, page.context.new_cdp_session(page))
            row("JS heap after GC, 0 / 500 / 1,000 slider moves",
                " / ".join(f"{h / 1e6:.1f} MB" for h in heap))
            frame_ms, frames = frame_time_playing(page, url)
            row(f"Play, 0 to 2,000 iterations ({frames} frames)", f"{frame_ms:5.1f} ms per frame")
            print("The reader's code (Run → first line in Output, in the page)")
            cold, restarted, warm, memory = code_runs(page, url)
            row("first Run of a page (its runner starts, from the snapshot)", f"{cold:5.0f} ms")
            row("Stop on a runaway loop, then Run (a fresh runner)", spread(restarted))
            row("Run with the runner up", spread(warm))
            row("memory the code runner adds (renderers' RSS)", f"{memory / 1e6:5.0f} MB")
            soak.run(browser, url, foreign)
            row("requests to another origin (refused)", str(len(foreign)))
            for address in dict.fromkeys(foreign):
                print(f"    {address}")
            browser.close()
        print("Lighthouse 12.8.2 on Debian's Chromium (targets: performance ≥ 0.95, the rest 1.0)")
        lighthouse.print_table(lighthouse.run(url))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(root)
    return 0


def _time(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    sys.exit(main())
