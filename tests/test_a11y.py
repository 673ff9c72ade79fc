"""Accessibility checked by axe-core in the real page, in light and dark, wide and narrow."""

import re

import pytest
from playwright.sync_api import expect

from pageutil import settled_probability, tab_to


def axe_violations(page, axe_script):
    page.evaluate(axe_script)  # not a <script> element, which the page's policy would refuse
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]]


def loading(page, base_url):
    page.route("**/pyodide.asm.wasm", lambda route: None)  # held: the page stays loading
    page.goto(base_url)
    expect(page.get_by_role("status")).to_contain_text("Loading")


def runtime_error(page, base_url):
    page.route("**/python_stdlib.zip", lambda route: route.abort())
    page.goto(base_url)
    expect(page.get_by_role("alert")).to_contain_text("python_stdlib.zip")


def ready(page, base_url):
    page.goto(base_url)
    settled_probability(page)


def malformed_link(page, base_url):
    page.goto(base_url + "#iterations=ten&rows=01x:1")
    settled_probability(page)
    expect(page.get_by_role("alert")).to_contain_text("iterations")


def lab_edited(page, base_url):
    ready(page, base_url)
    page.get_by_role("button", name="Add row", exact=True).click()
    page.get_by_role("checkbox", name="Row 1 bit 2", exact=True).click()  # a duplicate: flagged
    page.get_by_role("spinbutton", name="Hidden neurons", exact=True).fill("99")  # out of range
    expect(page.get_by_role("alert")).to_contain_text("hidden")


def every_view(page, base_url):
    page.goto(base_url + "#rows=001:0,011:1,101:1,111:0&hidden=4&at=20")
    settled_probability(page)
    page.get_by_text("All weights as a table").click()
    page.get_by_text("as the page runs it").click()


def code_run(page, base_url):
    """The code editor mounted, edited and run: Output with a line and an error, the changes."""
    ready(page, base_url)
    editor = page.get_by_role("textbox", name="Python code")
    editor.click()
    expect(page.locator("#code .cm-content")).to_be_focused()  # CodeMirror, not the plain box
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("print('printed')\nundefined_name\n")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_role("log", name="Output")).to_contain_text("NameError")
    expect(page.get_by_role("region", name="Changes from the original")).to_contain_text("+print")


def comparing(page, base_url):
    """A run pinned and another beside it: the readout's line, the column, the curve's legend."""
    page.goto(base_url + "#iterations=2000")
    settled_probability(page)
    page.get_by_role("button", name="Pin this run").click()
    page.get_by_role("spinbutton", name="Random seed", exact=True).fill("2")
    expect(page.locator("#pinned-differences")).to_contain_text("seed")
    settled_probability(page)


def lesson(page, base_url):
    """A lesson with few parts and locked settings, its Share dialog open."""
    page.goto(base_url + "#iterations=2000&show=bits,network-settings,loss&lock=seed,bits")
    settled_probability(page)
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_role("textbox", name="Link")).to_have_value(re.compile("lock=bits,seed"))


STATES = [loading, runtime_error, ready, malformed_link, lab_edited, every_view, code_run,
          comparing, lesson]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("state", STATES, ids=[s.__name__ for s in STATES])
def test_no_axe_violations(page, base_url, guard, axe_script, state, scheme):
    page.emulate_media(color_scheme=scheme)
    state(page, base_url)
    assert axe_violations(page, axe_script) == []


def test_no_axe_violations_on_a_narrow_screen(page, base_url, clean, axe_script):
    page.set_viewport_size({"width": 360, "height": 800})
    every_view(page, base_url)
    assert axe_violations(page, axe_script) == []


def test_focus_is_visible(page, base_url, clean):
    page.goto(base_url)
    settled_probability(page)
    tab_to(page, page.get_by_role("button", name="Add row", exact=True))
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
