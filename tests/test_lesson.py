"""Compare two runs and lessons, in Chromium, by role and name: Pin this run, change a setting,
both runs' numbers against CPython; the link that reproduces the comparison; Unpin; each show=
part; lock=; the Share dialog's link; the page framed by another origin."""

import re

import pytest
from playwright.sync_api import expect

import model
from browser import free_port, serve
from conftest import PageGuard
from pageutil import bit_box, settled_probability
from state import DEFAULT, PARTS, format_pin, parse, replace

SHORT = "iterations=2000"


def cpython_outputs(fragment):
    """CPython's output for all eight inputs (000 to 111) of the network a fragment trains."""
    s, _ = parse(fragment)
    network = model.train(s.rows, s.iterations, s.seed, s.hidden, s.rate, s.bias, s.activation,
                          s.loss)
    return [model.predict(network, tuple(map(int, f"{i:03b}"))) for i in range(8)]


def pinned_column(page):
    return [float(t) for t in page.locator("#truth-body td.pinned").all_inner_texts()]


def current_column(page):
    return [float(t) for t in page.locator("#truth-body tr td:nth-child(2)").all_inner_texts()]


LEGEND_INSIDE = """svg => [...svg.querySelectorAll('.legend')].every(t =>
  t.getBoundingClientRect().right <= svg.getBoundingClientRect().right)"""


def expect_comparison(page, pinned_fragment):
    """The truth table's two columns, the readout's line and the curve, for both runs."""
    fragment = page.evaluate("location.hash")
    pinned = cpython_outputs(pinned_fragment)
    expect(page.locator("#truth-body td.pinned")).to_have_count(8)
    assert pinned_column(page) == [round(p, 8) for p in pinned]
    assert current_column(page) == [round(p, 8) for p in cpython_outputs(fragment)]
    expect(page.get_by_role("columnheader", name="Pinned run")).to_be_visible()
    bits = parse(fragment)[0].bits
    index = int("".join(map(str, bits)), 2)
    expect(page.locator("#pinned-readout")).to_have_text(
        f"The pinned run answers {pinned[index]:.8f} for {' '.join(map(str, bits))}.")
    curve = page.get_by_role("img", name=re.compile("^Loss curve: .*; pinned run, dashed: "))
    expect(curve.locator(".pinned-line")).to_have_count(2)  # the curve and its legend's line
    expect(curve).to_contain_text("pinned")
    assert curve.evaluate(LEGEND_INSIDE), "a label of the legend is cut off"


def test_pin_change_a_setting_compare_with_cpython_then_the_link_then_unpin(page, base_url,
                                                                            clean):
    page.goto(base_url + "#" + SHORT)
    settled_probability(page)
    page.get_by_role("button", name="Pin this run").click()
    expect(page.get_by_role("button", name="Unpin")).to_be_visible()
    expect(page.locator("#pinned-differences")).to_have_text("It has the same settings as this one.")
    page.get_by_role("spinbutton", name="Random seed").fill("2")
    expect(page).to_have_url(re.compile(r"&seed=2&"))
    p = settled_probability(page)
    assert p == model.predict(model.train(iterations=2000, seed=2), (1, 0, 0))
    expect(page.locator("#pinned-differences")).to_have_text("It differs in seed (2 here, 1 pinned).")
    expect_comparison(page, SHORT)
    # The bits: the pinned run's answer follows them.
    bit_box(page, 2).check()
    settled_probability(page)
    expect_comparison(page, SHORT)

    # The link reproduces the comparison: the pinned run retrained in the worker.
    link = page.url
    other = page.context.new_page()
    PageGuard(other, base_url.rstrip("/"))
    other.goto(link)
    settled_probability(other)
    expect(other.locator("#pinned-readout")).to_contain_text("The pinned run answers")
    expect_comparison(other, SHORT)
    other.close()

    page.get_by_role("button", name="Unpin").click()
    expect(page.get_by_role("button", name="Pin this run")).to_be_visible()
    expect(page.locator("#truth-body td.pinned")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Pinned run")).to_be_hidden()
    expect(page.locator("#loss-curve .pinned-line")).to_have_count(0)
    assert "pin=" not in page.evaluate("location.hash")


def test_a_pinned_run_of_another_loss_is_named_so_in_the_legend(page, base_url, clean):
    pinned = replace(DEFAULT, iterations=500, loss="cross-entropy")
    page.goto(f"{base_url}#iterations=500&pin={format_pin(pinned)}")
    settled_probability(page)
    curve = page.get_by_role("img", name=re.compile("; pinned run, dashed: cross-entropy "))
    expect(curve.locator(".legend").last).to_have_text("pinned (cross-entropy)")
    assert curve.evaluate(LEGEND_INSIDE), "a label of the legend is cut off"
    expect(page.locator("#pinned-differences")).to_have_text(
        "It differs in loss (squared here, cross-entropy pinned).")


# What each part is, found as a reader finds it.
PART_LOCATORS = {
    "training-set": lambda p: p.get_by_role("region", name="Training set", exact=True),
    "network-settings": lambda p: p.get_by_role("region", name="Network and training"),
    "bits": lambda p: p.get_by_role("checkbox", name="Input bit 1", exact=True),
    "iteration": lambda p: p.get_by_role("slider", name="Iteration", exact=True),
    "loss": lambda p: p.get_by_role("region", name="Loss", exact=True),
    "network": lambda p: p.get_by_role("region", name="Network", exact=True),
    "truth-table": lambda p: p.get_by_role("region", name="All eight inputs", exact=True),
    "cube": lambda p: p.get_by_role("heading", name="The input cube"),
    "step": lambda p: p.get_by_role("region", name="One update, step by step"),
    "why": lambda p: p.get_by_role("region", name="Why", exact=True),
    "code": lambda p: p.get_by_role("region", name="The code", exact=True),
}


def test_every_part_has_a_locator():
    assert tuple(PART_LOCATORS) == PARTS


@pytest.mark.parametrize("part", PARTS)
def test_show_shows_that_part_alone(page, base_url, clean, part):
    page.goto(f"{base_url}#{SHORT}&show={part}")
    settled_probability(page)
    for other, locate in PART_LOCATORS.items():
        if other == part:
            expect(locate(page)).to_be_visible()
        else:
            expect(locate(page)).to_be_hidden()
    expect(page.get_by_role("alert")).to_be_empty()


def test_an_unknown_part_is_named_and_everything_shown(page, base_url, clean):
    page.goto(f"{base_url}#{SHORT}&show=loss,netwrok")
    settled_probability(page)
    expect(page.get_by_role("alert")).to_contain_text("show: 'netwrok' is not a part of the page")
    for locate in PART_LOCATORS.values():
        expect(locate(page)).to_be_visible()


def test_lock_disables_those_controls_and_says_why(page, base_url, clean):
    page.goto(f"{base_url}#{SHORT}&lock=seed,bits,rows,at")
    settled_probability(page)
    expect(page.get_by_text("This lesson locks the training set, the input bits, the random seed "
                            "and the iteration shown: shown, not to be changed.")).to_be_visible()
    expect(page.get_by_role("spinbutton", name="Random seed")).to_be_disabled()
    expect(page.get_by_role("spinbutton", name="Random seed")).to_have_value("1")
    expect(page.get_by_role("spinbutton", name="Learning rate")).to_be_enabled()
    for i in (1, 2, 3):
        expect(bit_box(page, i)).to_be_disabled()
    expect(page.get_by_role("button", name="Set input bits to 0 1 1")).to_be_disabled()
    expect(page.get_by_role("button", name=re.compile(": input 0 1 1, output"))).to_have_attribute(
        "aria-disabled", "true")
    expect(page.get_by_role("combobox", name="Training set")).to_be_disabled()
    expect(page.get_by_role("button", name="Add row")).to_be_disabled()
    expect(page.get_by_role("checkbox", name="Row 1 bit 1")).to_be_disabled()
    expect(page.get_by_role("slider", name="Iteration", exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name="Play")).to_be_disabled()
    # A corner clicked anyway changes nothing.
    page.get_by_role("button", name=re.compile(": input 0 1 1, output")).click(force=True)
    page.get_by_role("spinbutton", name="Learning rate").fill("0.5")
    expect(page).to_have_url(re.compile(r"&rate=0.5&"))
    assert parse(page.evaluate("location.hash"))[0].bits == (1, 0, 0)


def test_the_share_dialog_builds_a_lesson_link_and_a_frame(page, base_url, clean):
    page.goto(f"{base_url}#{SHORT}")
    settled_probability(page)
    page.get_by_role("button", name="Share").click()
    dialog = page.get_by_role("dialog", name="Share")
    expect(dialog).to_be_visible()
    parts = dialog.get_by_role("group", name="Parts to show")
    for name in ("Training set", "Network and training", "Iteration", "Network", "All eight inputs",
                 "The input cube", "One update, step by step", "Why", "The code"):
        parts.get_by_role("checkbox", name=name, exact=True).uncheck()
    dialog.get_by_role("group", name="Settings to lock").get_by_role(
        "checkbox", name="Random seed").check()
    link = dialog.get_by_role("textbox", name="Link")
    expect(link).to_have_value(re.compile(r"&show=bits,loss&lock=seed$"))
    expect(dialog.get_by_role("textbox", name="Frame for a web page")).to_have_value(
        re.compile(r'^<iframe src="http://127\.0\.0\.1:\d+/#rows=.*&amp;show=bits,loss&amp;'
                   r'lock=seed" width="600" height="400"'))
    url = link.input_value()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Share")).to_be_focused()

    page.goto("about:blank")
    page.goto(url)
    settled_probability(page)
    expect(PART_LOCATORS["loss"](page)).to_be_visible()
    expect(PART_LOCATORS["bits"](page)).to_be_visible()
    expect(PART_LOCATORS["code"](page)).to_be_hidden()
    expect(page.get_by_role("spinbutton", name="Random seed")).to_be_hidden()  # its part is hidden


@pytest.fixture
def host(tmp_path, base_url):
    """A page of another origin (another port) with the lesson in an <iframe>."""
    lesson = f"{base_url}#{SHORT}&show=bits,loss&lock=seed"
    (tmp_path / "index.html").write_text(
        f'<!doctype html><title>A blog</title><p>My lesson:</p>'
        f'<iframe src="{lesson}" width="600" height="400" title="tenline"></iframe>')
    port = free_port()
    proc = serve(tmp_path, port)
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    proc.wait()


def test_a_lesson_works_in_a_frame_of_another_origin(page, base_url, host):
    errors, foreign = [], []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r):
        if r.request.url.startswith((base_url, host)):
            r.continue_()
        else:
            foreign.append(r.request.url)
            r.abort()
    page.context.route("**/*", route)
    try:
        lesson_in_a_frame(page, host)
    finally:
        page.context.unroute_all(behavior="ignoreErrors")
    assert errors == [] and foreign == []


def lesson_in_a_frame(page, host):
    """The blog's page: the lesson answers in its frame as CPython does, and fits it."""
    page.goto(host)
    frame = page.frame_locator("iframe[title='tenline']")
    readout = frame.locator("#prediction")
    expect(readout).to_have_attribute("aria-busy", "false")
    assert float(readout.get_attribute("data-probability")) == model.predict(
        model.train(iterations=2000), (1, 0, 0))
    box = frame.get_by_role("checkbox", name="Input bit 2", exact=True)
    box.check()
    expect(readout).to_have_attribute("data-probability", repr(model.predict(
        model.train(iterations=2000), (1, 1, 0))))
    expect(frame.get_by_role("region", name="Loss", exact=True)).to_be_in_viewport()
    # It fits the frame: nothing wider than 600 px, the two parts within 400 px of height.
    width, height = frame.locator("html").evaluate(
        "e => [e.scrollWidth, document.getElementById('part-loss').getBoundingClientRect().bottom]")
    assert width <= 600 and height <= 400


def test_a_frame_of_a_page_that_is_no_secure_context_starts_without_storage(page, base_url,
                                                                           clean):
    # about:blank's content here is no secure context: the frame has no crypto.subtle, no
    # localStorage, and IndexedDB that never answers in its worker.
    page.set_content(f'<iframe src="{base_url}#{SHORT}&show=bits" width="600" height="400" '
                     'title="tenline"></iframe>')
    frame = page.frame_locator("iframe[title='tenline']")
    assert frame.locator("body").evaluate("() => isSecureContext") is False
    readout = frame.locator("#prediction")
    expect(readout).to_have_attribute("aria-busy", "false")
    assert float(readout.get_attribute("data-probability")) == model.predict(
        model.train(iterations=2000), (1, 0, 0))
