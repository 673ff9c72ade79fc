"""`make bench`: tenline's figures on this machine, measured in one run. It asserts nothing.

Loads the built site (_site/) from a loopback server in Debian's Chromium and prints:
cold and repeat load to the first prediction, training time in the browser beside CPython running
the same code, toggle-to-readout latency, the longest main-thread task while loading and while
training, JS heap growth over 1,000 slider moves and the time per frame while playing.
Every number is a median over a few runs unless it says otherwise; machines here are noisy.
"""

import gzip
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright

from browser import CHROMIUM, CHROMIUM_ARGS, free_port, serve

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "py"))
import history  # noqa: E402
import model  # noqa: E402
from state import parse  # noqa: E402

RUNS = 5
TRAINING_CASES = {  # name: fragment
    "seed (10,000 it.)": "iterations=10000",
    "4 hidden, XOR, 60,000 it.": "rows=001:0,011:1,101:1,111:0&hidden=4&iterations=60000",
    "seed, 1,000,000 it.": "iterations=1000000",
}
# Long tasks from navigation on, and the readout's settling time, recorded inside the page.
PROBE = """
window.__longest = 0;
new PerformanceObserver(list => { for (const e of list.getEntries())
  window.__longest = Math.max(window.__longest, e.duration); })
  .observe({type: 'longtask', buffered: true});
"""


def median(values):
    return statistics.median(values)


def settle(page, timeout=600_000):
    page.wait_for_selector("#prediction[aria-busy='false'][data-probability]", timeout=timeout)


def load_time(page, url):
    """Milliseconds from navigation start to the first settled prediction."""
    page.goto(url)
    settle(page)
    return page.evaluate("performance.now()")


def status_ms(page):
    """The in-browser training time the page reports: 'trained N iterations in T ms'."""
    text = page.locator("#status").inner_text()
    return float(text.rsplit(" in ", 1)[1].split(" ms")[0].replace(",", ""))


def cpython_ms(fragment, runs=3):
    """CPython running the page's training loop (history.Run) for the same state."""
    s, _ = parse(fragment)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run = history.Run(s.rows, s.iterations, s.seed, s.hidden, s.rate)
        run.advance(s.iterations)
        times.append((time.perf_counter() - start) * 1000)
    return median(times)


def visit_twice(browser, url, root):
    """Cold then repeat visit in a fresh context: (cold ms, repeat ms, longest task, bytes)."""
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(PROBE)
    paths = []
    page.on("response", lambda r: paths.append(urlparse(r.url).path))
    cold = load_time(page, url)
    longest = page.evaluate("window.__longest")
    cold_bytes = transferred(root, paths)
    repeat = load_time(page, url)
    context.close()
    return cold, repeat, longest, cold_bytes


def transferred(root, paths):
    """(raw, gzip) bytes of the files a visit fetched, gzip as a static host serves them."""
    files = [root / p.lstrip("/") for p in dict.fromkeys(paths)]
    files = [f if f.is_file() else f / "index.html" for f in files]
    raw = sum(f.stat().st_size for f in files)
    return raw, sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)


def bench_loading(browser, base, root):
    """tenline and the plain-Pyodide reference, interleaved, several times each."""
    results = {"tenline": [], "reference": []}
    for _ in range(RUNS):
        for name, path in (("tenline", ""), ("reference", "reference.html")):
            results[name].append(visit_twice(browser, base + path, root))
    return {name: list(zip(*runs)) for name, runs in results.items()}


def bench_toggles(page, url, count=200):
    """Click → settled readout, measured in the page from the click to aria-busy='false'."""
    page.goto(url)
    settle(page)
    page.evaluate("""() => { window.__lat = []; const r = document.querySelector('#prediction');
      document.addEventListener('click', () => { window.__t0 = performance.now(); }, true);
      new MutationObserver(() => { if (r.getAttribute('aria-busy') === 'false' && window.__t0)
        { window.__lat.push(performance.now() - window.__t0); window.__t0 = 0; } })
        .observe(r, {attributes: true, attributeFilter: ['aria-busy', 'data-probability']}); }""")
    for i in range(count):
        page.get_by_role("checkbox", name=f"Input bit {i % 3 + 1}", exact=True).click()
        settle(page)
    return sorted(page.evaluate("window.__lat"))


def bench_training(page, fragment):
    """Retrain on a loaded page by changing its fragment; the longest task counts from the change."""
    page.evaluate("window.__longest = 0")
    page.evaluate(f"location.hash = '#{fragment}'")
    settle(page)
    return status_ms(page), page.evaluate("window.__longest")


def bench_scrubbing(page, url, cdp):
    page.goto(url + "#iterations=1000")
    settle(page)
    heap = []
    slider = page.get_by_role("slider", name="Iteration", exact=True)
    slider.focus()
    page.keyboard.press("Home")
    for sweep in range(2):
        cdp.send("HeapProfiler.collectGarbage")
        heap.append(cdp.send("Runtime.getHeapUsage")["usedSize"])
        for i in range(500):
            page.keyboard.press("ArrowRight" if sweep == 0 else "ArrowLeft")
    settle(page)
    cdp.send("HeapProfiler.collectGarbage")
    heap.append(cdp.send("Runtime.getHeapUsage")["usedSize"])
    return heap


def bench_playing(page, url):
    """Mean milliseconds per Play frame over a whole play-through of 2,000 iterations."""
    page.goto(url + "#iterations=2000")
    settle(page)
    page.evaluate("""() => { window.__frames = 0;
      new MutationObserver(() => window.__frames++).observe(
        document.querySelector('#iteration-text'), {childList: true, characterData: true, subtree: true}); }""")
    start = time.perf_counter()
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).wait_for()
    page.get_by_role("button", name="Play", exact=True).wait_for(timeout=120_000)
    elapsed = (time.perf_counter() - start) * 1000
    frames = page.evaluate("window.__frames")
    return elapsed / max(frames, 1), frames


def row(name, value):
    print(f"  {name:<52} {value}")


def main():
    root = Path(tempfile.mkdtemp(prefix="tenline-bench-"))
    for entry in (ROOT / "_site").iterdir():
        (root / entry.name).symlink_to(entry)
    (root / "reference.html").symlink_to(ROOT / "tools" / "bench_reference.html")
    (root / "original").symlink_to(ROOT / "site" / "vendor" / "pyodide")  # as fetched, not derived
    port = free_port()
    server = serve(root, port)
    url = f"http://127.0.0.1:{port}/"
    foreign = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"tenline bench — {time.strftime('%Y-%m-%d %H:%M')}, Chromium {browser.version}")
            loads = bench_loading(browser, url, root)
            print(f"Loading to the first prediction; fresh context each time, {RUNS} interleaved runs,"
                  " medians; reference = plain Pyodide + NumPy + the seed")
            for i, what in enumerate(["cold load", "repeat visit"]):
                ours, ref = median(loads["tenline"][i]), median(loads["reference"][i])
                row(what, f"tenline {ours:6.0f} ms   reference {ref:6.0f} ms   ratio {ours / ref:4.2f}×")
            ours, ref = median(loads["tenline"][2]), median(loads["reference"][2])
            row("longest main-thread task while loading", f"tenline {ours:6.0f} ms   reference {ref:6.0f} ms")
            for name in ("tenline", "reference"):
                raw, zipped = loads[name][3][0]
                row(f"bytes on a cold visit, {name}", f"{raw / 1e6:5.2f} MB raw   {zipped / 1e6:5.2f} MB gzip")

            context = browser.new_context()
            context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url)
                          else (foreign.append(r.request.url), r.abort()))
            page = context.new_page()
            page.add_init_script(PROBE)
            page.goto(url + "#iterations=1")
            settle(page)
            print("Training: browser (as the status line reports it) vs CPython (same loop)")
            for name, fragment in TRAINING_CASES.items():
                browser_ms, task_ms = bench_training(page, fragment)
                py_ms = cpython_ms(fragment, runs=1 if "1,000,000" in name else 3)
                row(name, f"browser {browser_ms:8.0f} ms   CPython {py_ms:8.0f} ms"
                          f"   ratio {browser_ms / py_ms:4.1f}×   longest task {task_ms:4.0f} ms")
            seed_plain = median([_time(lambda: model.train()) for _ in range(3)])
            row("CPython model.train() for the seed (no loss history)", f"{seed_plain:7.0f} ms")

            latency = bench_toggles(page, url)
            print("Interaction")
            row(f"toggle to settled readout, {len(latency)} toggles",
                f"median {median(latency):5.1f} ms   p95 {latency[int(len(latency) * 0.95) - 1]:5.1f} ms")
            heap = bench_scrubbing(page, url, context.new_cdp_session(page))
            row("JS heap after GC: before / after 500 / after 1,000 slider moves",
                " / ".join(f"{h / 1e6:.1f} MB" for h in heap))
            frame_ms, frames = bench_playing(page, url)
            row(f"Play, 0 to 2,000 iterations ({frames} frames)", f"{frame_ms:5.1f} ms per frame")
            row("requests to another origin", str(len(foreign)))
            browser.close()
    finally:
        server.terminate()
        shutil.rmtree(root)


def _time(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    main()
