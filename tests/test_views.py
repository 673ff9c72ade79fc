"""Seeing it learn: the scrubber, the views' numbers, the code and the download, in Chromium."""

import subprocess
import sys

import numpy as np
import pytest
from playwright.sync_api import expect

import model
from browser import wait_until
from history import ALL_INPUTS
from pageutil import bit_box, settled_probability, tab_to
from state import parse

SHAPES = {
    "single": "rows=001:0,111:1,101:1,011:0&iterations=2500",  # checkpoints every 3 iterations
    "hidden": "rows=001:0,011:1,101:1,111:0&hidden=4&seed=5&rate=0.7&iterations=2500&bits=011",
}


def trained(fragment, k):
    s, _ = parse(fragment)
    return s, model.train(s.rows, k, s.seed, s.hidden, s.rate)


def slider(page):
    return page.get_by_role("slider", name="Iteration", exact=True)


def values(locator):
    return [float(v) for v in locator.evaluate_all("els => els.map(e => e.dataset.value)")]


def open_settled(page, url):
    page.goto(url)
    settled_probability(page)
    expect(slider(page)).to_be_enabled()


@pytest.mark.parametrize("shape", SHAPES)
def test_scrubbing_to_k_matches_cpython_trained_k_iterations(page, base_url, clean, shape):
    fragment = SHAPES[shape]
    open_settled(page, base_url + "#" + fragment)
    s, _ = parse(fragment)
    tab_to(page, slider(page))
    page.keyboard.press("Home")
    for k in (0, 1, 3, 4, 10):  # 3 is a checkpoint, 4 lies between checkpoints
        while int(slider(page).input_value()) < k:
            page.keyboard.press("ArrowRight")
        p = settled_probability(page)
        assert abs(p - model.predict(trained(fragment, k)[1], s.bits)) <= 1e-12, k
        assert f"at={k}" in page.url
    page.keyboard.press("End")
    p = settled_probability(page)
    assert abs(p - model.predict(trained(fragment, 2500)[1], s.bits)) <= 1e-12
    assert "at=" not in page.url


def test_play_pause_step_reset(page, base_url, clean):
    open_settled(page, base_url + "#iterations=400")
    play = page.get_by_role("button", name="Play", exact=True)
    step = page.get_by_role("button", name="Step", exact=True)
    expect(step).to_be_disabled()  # at the end
    page.get_by_role("button", name="Reset", exact=True).click()
    expect(slider(page)).to_have_value("0")
    assert settled_probability(page) == model.predict(model.initial_network(1), (1, 0, 0))
    step.click()
    expect(slider(page)).to_have_value("1")
    assert abs(settled_probability(page) - model.predict(model.train(iterations=1), (1, 0, 0))) <= 1e-12
    play.click()
    pause = page.get_by_role("button", name="Pause", exact=True)
    expect(pause).to_be_visible()
    wait_until(page, "() => +document.querySelector('#iteration').value > 5")
    pause.click()
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible()
    k = int(slider(page).input_value())
    assert 5 < k <= 400
    p = settled_probability(page)
    assert abs(p - model.predict(model.train(iterations=k), (1, 0, 0))) <= 1e-12
    # Play from the end starts again at 0 and stops by itself at the end.
    slider(page).fill("400")
    play.click()
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible(timeout=60_000)
    expect(slider(page)).to_have_value("400")
    settled_probability(page)


def test_a_link_with_at_opens_at_that_iteration(page, base_url, clean):
    open_settled(page, base_url + "#iterations=500&at=37")
    expect(slider(page)).to_have_value("37")
    assert abs(settled_probability(page) - model.predict(model.train(iterations=37), (1, 0, 0))) <= 1e-12
    expect(page.get_by_role("heading", name="The network at iteration 37 of 500")).to_be_visible()


@pytest.mark.parametrize("shape", SHAPES)
def test_views_show_cpythons_numbers(page, base_url, clean, shape):
    fragment = SHAPES[shape] + "&at=10"
    open_settled(page, base_url + "#" + fragment)
    s, network = trained(fragment, 10)
    X, y = model.training_arrays(s.rows)
    # Truth table: all eight outputs in counting order.
    outputs = model.forward(network, ALL_INPUTS)[:, 0]
    assert np.allclose(values(page.locator("#truth-body td[data-value]")), outputs, rtol=0, atol=1e-12)
    # Diagram and weights table: every weight.
    flat = np.concatenate([w.ravel() for w in network.weights])
    diagram = page.locator("#diagram .weight[data-value]")
    assert sorted(values(diagram)) == pytest.approx(sorted(flat), abs=1e-12)
    # Loss curve: the marker's loss.
    losses = [model.loss_of(y, model.forward(model.train(s.rows, k, s.seed, s.hidden, s.rate), X))
              for k in (10,)]
    assert values(page.locator("#loss-curve .loss-at-k")) == pytest.approx(losses, abs=1e-12)
    # Step-through: the arrays of update 10.
    before = model.train(s.rows, 9, s.seed, s.hidden, s.rate)
    for name, array in model.explain_update(before, X, y, s.rate):
        table = page.locator(f"#step-through table[data-name='{name}']")
        assert values(table.locator("[data-value]")) == pytest.approx(array.ravel().tolist(), abs=1e-12), name


def test_choosing_a_truth_table_row_sets_the_bits(page, base_url, clean):
    open_settled(page, base_url)
    page.get_by_role("button", name="Set input bits to 0 1 1", exact=True).click()
    expect(bit_box(page, 1)).not_to_be_checked()
    expect(bit_box(page, 2)).to_be_checked()
    expect(bit_box(page, 3)).to_be_checked()
    assert abs(settled_probability(page) - model.predict(model.train(), (0, 1, 1))) <= 1e-12


def test_code_view_and_download(page, base_url, clean, tmp_path):
    fragment = SHAPES["hidden"] + "&at=37"
    open_settled(page, base_url + "#" + fragment)
    expect(page.locator("#call")).to_contain_text("iterations=37")
    source = page.locator("#source").text_content()
    assert source == open(model.__file__).read()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download script", exact=True).click()
    script = tmp_path / "tenline.py"
    info.value.save_as(script)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    assert abs(float(out.stdout.splitlines()[-1]) - settled_probability(page)) <= 1e-12


def test_a_thousand_slider_moves(page, base_url, clean):
    open_settled(page, base_url + "#iterations=1000")
    tab_to(page, slider(page))
    page.keyboard.press("Home")
    for _ in range(500):
        page.keyboard.press("ArrowRight")
    for _ in range(500):
        page.keyboard.press("ArrowLeft")
    expect(slider(page)).to_have_value("0")
    assert settled_probability(page) == model.predict(model.initial_network(1), (1, 0, 0))


def test_narrow_screen_has_no_horizontal_scroll(page, base_url, clean):
    page.set_viewport_size({"width": 360, "height": 800})
    open_settled(page, base_url + "#hidden=16")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


# What a host that sends headers could add for the worker, which the page's <meta> policy does not
# reach: Pyodide needs WebAssembly compilation and its own origin's files, nothing more.
WORKER_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'"


def test_the_page_declares_a_strict_content_security_policy(page, base_url, clean):
    page.goto(base_url)
    policy = page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    assert "default-src 'none'" in policy and "script-src 'self' 'wasm-unsafe-eval';" in policy
    # No eval, no inline script or style on the main thread; compiling WebAssembly is allowed, as
    # the page compiles Pyodide's for its workers (site/boot.js says why).
    assert policy.replace("'wasm-unsafe-eval'", "").count("unsafe") == 0
    settled_probability(page)


def test_everything_draws_with_the_worker_locked_down_too(page, base_url, clean):
    def with_csp(route):
        response = route.fetch()
        headers = {**response.headers}
        if route.request.url.endswith("/worker.js"):
            headers["content-security-policy"] = WORKER_CSP
        route.fulfill(response=response, headers=headers)

    page.route("**/*", with_csp)
    open_settled(page, base_url + "#hidden=3&at=5")
    page.get_by_role("button", name="Play", exact=True).click()
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.locator("#diagram svg")).to_be_visible()
    expect(page.locator("#loss-curve svg")).to_be_visible()


@pytest.mark.parametrize("motion", ["no-preference", "reduce"])
def test_play_pace_follows_the_motion_preference(page, base_url, clean, motion):
    page.emulate_media(reduced_motion=motion)
    open_settled(page, base_url + "#iterations=400&at=0")
    page.evaluate("""() => { window.seen = []; const s = document.querySelector('#iteration');
      new MutationObserver(() => window.seen.push(+s.value)).observe(
        document.querySelector('#iteration-text'), {childList: true, characterData: true, subtree: true}); }""")
    page.get_by_role("button", name="Play", exact=True).click()
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible(timeout=60_000)
    seen = sorted(set(page.evaluate("window.seen")))
    assert seen[-1] == 400
    if motion == "reduce":
        assert len(seen) <= 21 and all(k % 20 == 0 for k in seen)  # 20 even jumps
    else:
        assert seen[:10] == list(range(1, 11))  # one iteration at a time at first
    assert abs(settled_probability(page) - model.predict(model.train(iterations=400), (1, 0, 0))) <= 1e-12
