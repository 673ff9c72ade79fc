"""The input cube in Chromium: CPython's outputs at its corners, the single layer's boundary,
corners that set the input bits by pointer and by keyboard, the iteration it follows; and every
picture's text legible, on a wide window and on a phone."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from playwright.sync_api import expect

import draw
import model
from history import Run
from pageutil import bit_box, settled_probability, tab_to
from state import parse

SEED = "rows=001:0,111:1,101:1,011:0"
XOR = "rows=001:0,011:1,101:1,111:0&hidden=4"
WITH_BIAS = "rows=001:0,111:1,101:1,011:0,000:1&bias=1"  # a plane off corner 000


def open_settled(page, url):
    page.goto(url)
    settled_probability(page)


def corner(page, bits):
    """A corner's button, by its name: "011→0 0.008: input 0 1 1, output …"."""
    return page.get_by_role("button", name=re.compile(rf": input {' '.join(bits)}, output "))


def cpython(fragment, k=None):
    """The state of a fragment, and CPython's network after k of its iterations (all of them
    without k): history.Run, which keeps the outputs for all eight inputs."""
    s, _ = parse(fragment)
    run = Run(s.rows, s.iterations, s.seed, s.hidden, s.rate, s.bias)
    run.advance(s.iterations)
    return s, run.at(s.iterations if k is None else k, with_step=False)


def expect_cpythons_corners(page, s, snapshot):
    """Each corner is named with CPython's output for its input, 8 decimals as in the table."""
    targets = dict(s.rows)
    for index, p in enumerate(snapshot.layers[-1][:, 0]):
        bits = f"{index:03b}"
        target = targets.get(tuple(map(int, bits)))
        shown = bits + ("" if target is None else f"→{target}")
        name = f"{shown} {p:.3f}: input {' '.join(bits)}, output {p:.8f}"
        if target is not None:
            name += f", training row, target {target}"
        expect(corner(page, bits)).to_have_accessible_name(name)


def points(polygon):
    return np.array([[float(v) for v in p.split(",")] for p in polygon.split()])


def expect_cpythons_boundary(page, s, snapshot):
    """The page's boundary is the one draw.py draws from CPython's weights, or none as there."""
    markup = draw.input_cube(snapshot.weights, snapshot.layers[-1], s.rows, s.bits,
                             snapshot.network.biases)
    expected = [points(p.get("points")) for p in ET.fromstring(markup).iter("polygon")]
    drawn = page.locator("#cube polygon.boundary")
    expect(drawn).to_have_count(len(expected))
    if expected:
        assert np.allclose(points(drawn.get_attribute("points")), expected[0], atol=0.11)


@pytest.mark.parametrize("fragment", [SEED, XOR, WITH_BIAS],
                         ids=["seed", "xor-hidden-4", "with-bias"])
def test_the_cube_shows_cpythons_outputs_and_the_single_layers_boundary(page, base_url, clean,
                                                                        fragment):
    open_settled(page, base_url + "#" + fragment)
    cube = page.get_by_role("img", name=re.compile(r"^Input cube: "))
    expect(cube).to_be_visible()
    expect(cube).to_have_accessible_description(re.compile("“All eight inputs”"))
    s, snapshot = cpython(fragment)
    expect_cpythons_corners(page, s, snapshot)
    expect_cpythons_boundary(page, s, snapshot)
    if s.hidden:
        expect(cube).to_have_accessible_name(re.compile("is no plane: none is drawn"))
    else:
        expect(cube).to_have_accessible_name(re.compile("a plane, cuts it in a 4-sided shape"))
    expect(corner(page, "100")).to_have_attribute("aria-current", "true")


def test_choosing_a_corner_sets_the_input_bits(page, base_url, clean):
    open_settled(page, base_url + "#" + XOR)
    corner(page, "011").click()
    expect(bit_box(page, 1)).not_to_be_checked()
    expect(bit_box(page, 2)).to_be_checked()
    expect(bit_box(page, 3)).to_be_checked()
    s, _ = parse(XOR)
    network = model.train(s.rows, s.iterations, s.seed, s.hidden, s.rate)
    assert abs(settled_probability(page) - model.predict(network, (0, 1, 1))) <= 1e-12
    expect(corner(page, "011")).to_have_attribute("aria-current", "true")
    expect(corner(page, "100")).not_to_have_attribute("aria-current", "true")
    expect(page.locator("#truth-body tr.current")).to_have_attribute("data-inputs", "011")


def test_the_corners_are_one_tab_stop_with_arrow_keys_and_enter_and_space(page, base_url, clean):
    open_settled(page, base_url)
    tab_to(page, corner(page, "100"))  # the current input's corner is the tab stop
    page.keyboard.press("ArrowRight")
    expect(corner(page, "101")).to_be_focused()
    expect(bit_box(page, 3)).not_to_be_checked()  # moving does not choose
    page.keyboard.press("Enter")
    expect(bit_box(page, 3)).to_be_checked()
    assert abs(settled_probability(page) - model.predict(model.train(), (1, 0, 1))) <= 1e-12
    expect(corner(page, "101")).to_be_focused()  # redrawn under the focus, which stays
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    scrolled = page.evaluate("scrollY")
    page.keyboard.press("Space")
    expect(bit_box(page, 1)).not_to_be_checked()
    expect(bit_box(page, 2)).to_be_checked()
    assert abs(settled_probability(page) - model.predict(model.train(), (0, 1, 1))) <= 1e-12
    assert page.evaluate("scrollY") == scrolled  # Space chose; it did not scroll the page
    page.keyboard.press("Tab")  # one press leaves all eight corners
    assert page.evaluate("document.activeElement.closest('#cube')") is None
    page.keyboard.press("Shift+Tab")  # and comes back to the corner left last
    expect(corner(page, "011")).to_be_focused()


def test_the_cube_follows_the_iteration_shown(page, base_url, clean):
    fragment = SEED + "&iterations=2500"
    open_settled(page, base_url + "#" + fragment)
    slider = page.get_by_role("slider", name="Iteration", exact=True)
    tab_to(page, slider)
    page.keyboard.press("Home")
    for k in (0, 4):
        while int(slider.input_value()) < k:
            page.keyboard.press("ArrowRight")
        settled_probability(page)
        s, snapshot = cpython(fragment, k)
        expect_cpythons_corners(page, s, snapshot)
        expect_cpythons_boundary(page, s, snapshot)


# Every <text> of the pictures, with its size on screen: its font size times its scale there
# (the length of the x axis's unit vector on screen: a rotated label keeps its size).
TEXT_SIZES = """() => [...document.querySelectorAll('#loss-curve text, #diagram text, #cube text')]
  .map(t => { const picture = t.ownerSVGElement.getBoundingClientRect(), box = t.getBoundingClientRect(),
                   m = t.getScreenCTM();
    return {text: t.textContent, picture: t.closest('[id]').id,
            size: parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b),
            inside: box.left >= picture.left - 1 && box.right <= picture.right + 1
                    && box.top >= picture.top - 1 && box.bottom <= picture.bottom + 1}; })"""


@pytest.mark.parametrize("width", [1280, 360])
def test_every_label_of_the_pictures_is_at_least_12_px(page, base_url, clean, width):
    page.set_viewport_size({"width": width, "height": 900})
    # The diagram at its tallest (a million iterations' axis fits too: tests/test_draw.py).
    open_settled(page, base_url + "#hidden=16&iterations=20000&at=5")
    texts = page.evaluate(TEXT_SIZES)
    assert {t["picture"] for t in texts} == {"loss-curve", "diagram", "cube"}
    small = [(t["picture"], t["text"], round(t["size"], 2)) for t in texts if t["size"] < 12]
    assert small == []
    assert [t for t in texts if not t["inside"]] == []  # none cut off at the picture's edge
