"""The page's main thread is Python: PyScript runs py/ui.py in MicroPython, which binds every
control. No control gets a listener from the project's own JavaScript (site/boot.js), and what a
reader does before that Python is ready is not lost."""

import re

from playwright.sync_api import expect

import model
from browser import wait_until
from pageutil import bit_box, settled_probability

SEED_WEIGHTS = model.train()

# Each control the reader uses, and the event Python must hear from it.
CONTROLS = {
    "#bit-1": "change", "#bit-2": "change", "#bit-3": "change", "#training-set": "change",
    "#hidden": "input", "#iterations": "input", "#seed": "input", "#rate": "input",
    "#iteration": "input", "#rows": "click", "#truth-body": "click", "#cube": "click",
    "#add-row": "click", "#bias": "change", "#activation": "change", "#loss": "change",
    "#play": "click", "#step": "click", "#reset": "click", "#restore-defaults": "click",
    "#download": "click", "#copy-link": "click", "#pin": "click", "#unpin": "click",
    "#share": "click", "#share-dialog": "change", "#share-copy": "click", "#share-close": "click",
}


def listeners(cdp, scripts, expression):
    """{event type: [script URL of each listener]} on what `expression` evaluates to."""
    target = cdp.send("Runtime.evaluate", {"expression": expression})["result"]["objectId"]
    found = {}
    for listener in cdp.send("DOMDebugger.getEventListeners", {"objectId": target})["listeners"]:
        found.setdefault(listener["type"], []).append(scripts.get(listener["scriptId"], "?"))
    return found


def test_every_control_is_bound_by_python_on_the_page(page, base_url, clean):
    cdp = page.context.new_cdp_session(page)
    scripts = {}
    cdp.on("Debugger.scriptParsed", lambda e: scripts.__setitem__(e["scriptId"], e["url"]))
    cdp.send("Debugger.enable")
    page.goto(base_url)
    settled_probability(page)
    for selector, kind in CONTROLS.items():
        found = listeners(cdp, scripts, f"document.querySelector('{selector}')")
        assert kind in found, f"{selector} has no {kind} listener: {found}"
        # A Python function made into a JS one by MicroPython's proxy: its code is micropython.mjs's.
        assert all(url.endswith("/micropython.mjs") for url in found[kind]), (selector, found)
    for holder in ("document", "window"):
        found = listeners(cdp, scripts, holder)
        assert not any(url.endswith("/boot.js") for urls in found.values() for url in urls), found


def test_page_python_shows_what_cpython_formats(page, base_url, clean):
    # MicroPython would print the seed's answer ...156; the page shows CPython's text.
    page.goto(base_url)
    p = settled_probability(page)
    assert p == model.predict(SEED_WEIGHTS, (1, 0, 0))
    assert page.locator("#prediction").get_attribute("data-probability") == repr(p)
    expect(page.locator("#prediction .probability")).to_have_text(f"{p:.8f}")


def test_what_the_reader_does_before_python_on_the_page_is_ready_is_not_lost(page, base_url,
                                                                              clean):
    # MicroPython is held back; meanwhile the reader ticks input bit 2 and types a seed.
    held = []
    page.route("**/micropython.wasm", lambda route: held.append(route))
    page.goto(base_url)
    wait_until(page, "() => performance.getEntriesByName('tenline:python-started').length")
    while not held:
        page.wait_for_timeout(50)
    restore = page.get_by_role("button", name="Restore defaults")
    expect(restore).to_be_disabled()  # buttons wait for Python
    bit_box(page, 2).click()
    seed = page.get_by_role("spinbutton", name="Random seed")
    seed.fill("2")
    expect(page.locator("#prediction")).to_have_attribute("aria-busy", "true")
    for route in held:
        route.continue_()
    expect(page).to_have_url(re.compile(r"bits=110.*seed=2"))
    p = settled_probability(page)
    assert p == model.predict(model.train(seed=2), (1, 1, 0))
    expect(bit_box(page, 2)).to_be_checked()
    expect(seed).to_have_value("2")
    expect(restore).to_be_enabled()
