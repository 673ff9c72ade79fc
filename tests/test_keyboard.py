"""Keyboard only, and fast hands: the focus stays where the reader is, however Python redraws.

The focus tests move with Tab, Shift+Tab, Enter, Space and arrow keys, as a reader would; none
puts the focus anywhere with .focus()."""

from playwright.sync_api import expect

import model
from pageutil import bit_box, settled_probability, tab_to
from state import parse


def focused(page):
    """The focused element's accessible name (its aria-label or text)."""
    return page.evaluate(
        "(e => e.getAttribute('aria-label') || e.textContent.trim())(document.activeElement)")


def open_settled(page, url):
    page.goto(url)
    settled_probability(page)


def rows(page):
    return page.locator("#rows tr")


def test_remove_and_add_keep_the_focus_in_the_table(page, base_url, clean):
    open_settled(page, base_url)
    tab_to(page, page.get_by_role("button", name="Remove row 2", exact=True))
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(3)
    # The focus is on the next row's Remove, which is now row 2's.
    expect(page.get_by_role("button", name="Remove row 2", exact=True)).to_be_focused()
    page.keyboard.press("Space")
    expect(rows(page)).to_have_count(2)
    expect(page.get_by_role("button", name="Remove row 2", exact=True)).to_be_focused()
    page.keyboard.press("Enter")  # the last row: the focus goes to the row before it
    expect(rows(page)).to_have_count(1)
    # One row left: its Remove is disabled, so the focus goes to Add row.
    expect(page.get_by_role("button", name="Add row", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(rows(page)).to_have_count(2)
    expect(page.get_by_role("button", name="Add row", exact=True)).to_be_focused()
    assert page.evaluate("location.hash").startswith("#rows=001:0,000:0&")


def test_a_truth_table_row_chosen_by_keyboard_keeps_the_focus(page, base_url, clean):
    open_settled(page, base_url)
    tab_to(page, page.get_by_role("button", name="Set input bits to 0 1 1", exact=True))
    page.keyboard.press("Enter")
    expect(bit_box(page, 1)).not_to_be_checked()
    expect(bit_box(page, 3)).to_be_checked()
    assert abs(settled_probability(page) - model.predict(model.train(), (0, 1, 1))) <= 1e-12
    expect(page.get_by_role("button", name="Set input bits to 0 1 1", exact=True)).to_be_focused()
    page.keyboard.press("Shift+Tab")  # to the row above, chosen with Space
    page.keyboard.press("Space")
    expect(bit_box(page, 2)).to_be_checked()
    expect(bit_box(page, 3)).not_to_be_checked()
    expect(page.get_by_role("button", name="Set input bits to 0 1 0", exact=True)).to_be_focused()


def test_the_diagram_is_one_tab_stop_with_arrow_keys_inside(page, base_url, clean):
    open_settled(page, base_url + "#hidden=2")
    first = page.locator("#diagram .weight").first.get_attribute("aria-label")
    tab_to(page, page.get_by_role("img", name=first, exact=True))
    assert first.startswith("Weight from input 1 to hidden 1")
    page.keyboard.press("ArrowRight")
    assert focused(page).startswith("Weight from input 1 to hidden 2")
    page.keyboard.press("End")
    last = focused(page)
    assert last.startswith("Weight from hidden 2 to output")
    page.keyboard.press("Tab")  # one press leaves all 8 weights
    assert not focused(page).startswith("Weight")
    page.keyboard.press("Shift+Tab")  # and comes back to the weight left last
    assert focused(page) == last
    page.keyboard.press("Home")
    assert focused(page) == first
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    third = focused(page)
    assert third.startswith("Weight from input 2 to hidden 1")
    # Python redraws the diagram under the focus (new input bits from a link): it stays there.
    page.evaluate("location.hash = location.hash.replace('bits=100', 'bits=111')")
    expect(bit_box(page, 2)).to_be_checked()
    settled_probability(page)
    assert focused(page) == third
    page.keyboard.press("ArrowLeft")
    assert focused(page).startswith("Weight from input 1 to hidden 2")


def test_a_click_on_a_row_removed_a_moment_ago_never_edits_another(page, base_url, clean):
    open_settled(page, base_url)
    # Two clicks in one go, faster than Python answers: "Remove row 1", then row 4's target,
    # which the worker hears of only after the removal (row 4 is then the 3rd of 3 rows).
    page.evaluate("""() => {
      document.querySelector('[aria-label="Remove row 1"]').click();
      document.querySelector('[aria-label="Row 4 target"]').click(); }""")
    p = settled_probability(page)
    fragment = page.evaluate("location.hash")
    assert fragment.startswith("#rows=111:1,101:1,011:1&"), fragment  # that row, no other
    expect(page.get_by_role("alert")).to_have_text("")
    expect(rows(page)).to_have_count(3)
    s, _ = parse(fragment)
    assert p == model.predict(model.train(s.rows, s.iterations), s.bits)


def test_an_unexpected_error_is_said_and_the_page_goes_on(page, base_url, clean):
    open_settled(page, base_url)
    warnings = []
    page.on("console", lambda m: m.type == "warning" and warnings.append(m.text))
    # An event py/ui.py would never send (no column): the controller fails on it.
    page.evaluate("""import('./site/boot.js').then(({ bridge }) => bridge.send(JSON.stringify(
        {type: 'change', id: 'rows', data: {row: '0'}, value: '', checked: true, bad: false})))""")
    expect(page.get_by_role("alert")).to_contain_text(
        "Something went wrong in the page's Python (KeyError: 'col')")
    expect(page.locator("#prediction")).to_have_attribute("aria-busy", "false")
    bit_box(page, 2).click()  # the page still answers
    assert settled_probability(page) == model.predict(model.train(), (1, 1, 0))
    # The traceback is for developers: on the console, as a warning (Python's stderr).
    assert any("KeyError" in text for text in warnings)
