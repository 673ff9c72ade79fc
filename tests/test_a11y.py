"""Accessibility checked by axe-core in the real page, in light and dark, wide and narrow."""

import pytest
from playwright.sync_api import expect

from pageutil import settled_probability


def axe_violations(page, axe_script):
    page.add_script_tag(content=axe_script)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
            for v in result["violations"]]


@pytest.mark.parametrize("scheme, width", [("light", 1280), ("dark", 1280), ("light", 360)])
def test_no_axe_violations(page, base_url, clean, axe_script, scheme, width):
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url + "#rows=001:0,011:1,101:1,111:0&hidden=4&at=20")
    settled_probability(page)
    page.get_by_text("All weights as a table").click()
    page.get_by_text("as the page runs it").click()
    assert axe_violations(page, axe_script) == []


def test_focus_is_visible(page, base_url, clean):
    page.goto(base_url)
    settled_probability(page)
    page.get_by_role("button", name="Add row", exact=True).focus()
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
