"""The page in Chromium, used as a person would: by role and name, with clicks and keys."""

import itertools

from playwright.sync_api import expect

import model
from pageutil import bit_box, set_bits, settled_probability, tab_to

SEED_WEIGHTS = model.train()


def test_start_state_shows_the_seed_answer(page, base_url, clean):
    page.goto(base_url)
    assert settled_probability(page) == model.predict(SEED_WEIGHTS, (1, 0, 0))
    expect(bit_box(page, 1)).to_be_checked()
    expect(bit_box(page, 2)).not_to_be_checked()
    expect(bit_box(page, 3)).not_to_be_checked()
    readout = page.locator("#prediction")
    expect(readout).to_contain_text("0.99993704")
    expect(readout).to_contain_text("predicts 1")
    expect(readout).to_have_attribute("aria-live", "polite")
    expect(page.get_by_role("status")).to_contain_text("Ready")
    expect(page.get_by_role("status")).to_contain_text(" ms")
    expect(page.get_by_role("alert")).to_have_count(1)
    expect(page.get_by_role("alert")).to_be_empty()
    expect(page).to_have_title(__import__("re").compile("tenline"))


def test_readout_is_busy_until_a_prediction_exists(page, base_url, guard):
    page.goto(base_url, wait_until="commit")
    readout = page.locator("#prediction")
    # Before Python has run there is no probability, and the readout says it is busy.
    assert readout.get_attribute("aria-busy") == "true" or readout.get_attribute("data-probability")
    assert page.evaluate("() => { const r = document.querySelector('#prediction');"
                         " return r.getAttribute('aria-busy') === 'false' || !r.dataset.probability }")
    settled_probability(page)


def test_every_input_matches_cpython(page, base_url, clean):
    page.goto(base_url)
    settled_probability(page)
    for bits in itertools.product((0, 1), repeat=3):
        set_bits(page, bits)
        p = settled_probability(page)
        expected = model.predict(SEED_WEIGHTS, bits)
        assert abs(p - expected) <= 1e-12, bits
        digit = "1" if expected >= 0.5 else "0"
        expect(page.locator("#prediction .digit")).to_have_text(digit)
        expect(page.locator("#prediction .probability")).to_have_text(f"{expected:.8f}")


def test_keyboard_toggles_a_bit(page, base_url, clean):
    page.goto(base_url)
    settled_probability(page)
    tab_to(page, bit_box(page, 1))
    page.keyboard.press("Space")
    expect(bit_box(page, 1)).not_to_be_checked()
    assert abs(settled_probability(page) - model.predict(SEED_WEIGHTS, (0, 0, 0))) <= 1e-12
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(bit_box(page, 2)).to_be_checked()
    assert abs(settled_probability(page) - model.predict(SEED_WEIGHTS, (0, 1, 0))) <= 1e-12


def test_fifty_toggles_without_an_error(page, base_url, clean):
    page.goto(base_url)
    settled_probability(page)
    for i in range(50):
        bit_box(page, i % 3 + 1).click()
        settled_probability(page)
    # 50 toggles: boxes 1 and 2 toggled 17 times, box 3 16 times, from 1 0 0.
    bits = (0, 1, 0)
    assert abs(settled_probability(page) - model.predict(SEED_WEIGHTS, bits)) <= 1e-12


def test_works_under_a_subpath(page, base_url, clean):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(base_url + "tenline/")
    assert settled_probability(page) == model.predict(SEED_WEIGHTS, (1, 0, 0))
    runtime = [u for u in requests if "/vendor/" in u]
    assert runtime and all(u.startswith(base_url + "tenline/") for u in runtime)
