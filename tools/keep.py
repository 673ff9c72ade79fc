"""Compute which standard-library and NumPy modules the page imports: runtime-modules.json.

Builds the site untrimmed in a temporary folder, loads it in Chromium, uses every feature once
(training both shapes, the scrubber, Play, a malformed link, invalid input, the table, presets,
download, copy link), then asks the page's interpreter, in its web worker, for sys.modules. tools/build.py keeps
only those modules' files in the shipped runtime; the e2e suite, run on that trimmed site, is
the guard. Run it (`make runtime-modules`) after adding an import to py/.
"""

import json
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

import build
from browser import CHROMIUM, CHROMIUM_ARGS, free_port, serve

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "runtime-modules.json"
STDLIB, SITE_PACKAGES = "/lib/python312.zip/", "/lib/python3.12/site-packages/"
# Runs in the worker's interpreter (site/worker.js keeps it as self.pyodide): every module's file.
REPORT = ("pyodide.runPython(`import sys, json; json.dumps(sorted("
          "getattr(m, '__file__', None) or '' for m in list(sys.modules.values())))`)")


def exercise(page, url):
    settle = lambda: page.wait_for_selector("#prediction[aria-busy='false']")  # noqa: E731
    role = page.get_by_role
    page.goto(url + "#iterations=ten&rate=1e5&rows=01x:1")
    settle()
    page.goto(url + "#rows=001:0,011:1,101:1,111:0&hidden=4&iterations=3000&at=5")
    settle()
    for name in ("Step", "Reset", "Play", "Pause", "Copy link"):
        role("button", name=name, exact=True).click()
    with page.expect_download():
        role("button", name="Download script", exact=True).click()
    role("spinbutton", name="Hidden neurons", exact=True).fill("99")
    role("spinbutton", name="Learning rate", exact=True).fill("0.5")
    role("checkbox", name="Row 1 bit 2", exact=True).click()  # a duplicate input: refused
    role("button", name="Add row", exact=True).click()
    role("button", name="Remove row 1", exact=True).click()
    role("combobox", name="Training set").select_option("Majority")
    role("button", name="Set input bits to 1 1 0", exact=True).click()
    settle()
    role("button", name="Restore defaults", exact=True).click()
    settle()


def loaded_files(page):
    (worker,) = page.workers
    return json.loads(worker.evaluate(REPORT))


def source_name(path, prefix):
    """The member that a loaded module came from: a .py (the site ships it as .pyc) or a .so."""
    return path[len(prefix):].removesuffix("c")


def compute():
    """The kept set: {"stdlib": [...], "site-packages": [...]} of the .py names (and NumPy's
    .so extension modules) the page imports."""
    site = Path(tempfile.mkdtemp(prefix="tenline-keep-"))
    build.build(site, trim=False)
    port = free_port()
    server = serve(site, port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
            page = context.new_page()
            page.set_default_timeout(120_000)
            exercise(page, f"http://127.0.0.1:{port}/")
            files = loaded_files(page)
            browser.close()
    finally:
        server.terminate()
        shutil.rmtree(site)
    return {
        "stdlib": sorted(source_name(f, STDLIB) for f in files if f.startswith(STDLIB)),
        "site-packages": sorted(source_name(f, SITE_PACKAGES) for f in files
                                if f.startswith(SITE_PACKAGES) and f.endswith((".pyc", ".so"))),
    }


def main():
    kept = compute()
    if "--print" in sys.argv:  # for the test that checks the committed file is current
        print(json.dumps(kept))
        return
    OUT.write_text(json.dumps(kept, indent=1) + "\n")
    print(f"keep: {len(kept['stdlib'])} stdlib and {len(kept['site-packages'])} NumPy modules"
          f" in {OUT.name}")


if __name__ == "__main__":
    main()
