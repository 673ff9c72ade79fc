"""The settings beyond the seed's network: Bias, Activation, Loss, by their controls, in the
URL and back from a link; CPython agrees, and the code the page shows prints the readout.

The page and CPython agree to the last bit for the seed's settings; beyond them they agree to
about 1e-12 only (NumPy's exp and its matrix products round their last bit differently on x86,
with SIMD and a BLAS, than in WebAssembly, and a cross-entropy run does not damp that as the
squared error's slope does), so they are compared to 1e-9 relative here. The in-page runner is
the page's own NumPy: what it prints equals the readout exactly."""

import re

import pytest
from playwright.sync_api import expect

import model
from pageutil import settled_probability
from state import parse


def cpython(page):
    s, _ = parse(page.evaluate("location.hash"))
    network = model.train(s.rows, s.iterations, s.seed, s.hidden, s.rate, s.bias,
                          s.activation, s.loss)
    return model.predict(network, s.bits)


def test_activation_needs_a_hidden_layer_and_says_so(page, base_url, clean):
    page.goto(base_url)
    settled_probability(page)
    activation = page.get_by_role("combobox", name="Activation")
    expect(activation).to_be_disabled()
    expect(page.locator("#activation-hint")).to_contain_text("add hidden neurons")
    page.get_by_role("spinbutton", name="Hidden neurons").fill("2")
    expect(activation).to_be_enabled()
    expect(page.locator("#activation-hint")).to_contain_text("the output stays a sigmoid")


def test_bias_activation_and_loss_by_their_controls(page, base_url, clean):
    page.goto(base_url + "#iterations=2000")
    seed_like = settled_probability(page)
    page.get_by_role("spinbutton", name="Hidden neurons").fill("3")
    page.get_by_role("combobox", name="Activation").select_option(label="Tanh")
    page.get_by_role("checkbox", name="Bias").check()
    page.get_by_role("combobox", name="Loss").select_option(label="Cross-entropy")
    expect(page).to_have_url(re.compile(r"&bias=1&activation=tanh&loss=cross-entropy$"))
    p = settled_probability(page)
    assert p != seed_like and p == pytest.approx(cpython(page), rel=1e-9)
    # The step-through shows the biases' update, the loss curve names the loss.
    expect(page.locator("#step-through")).to_contain_text("b2 + rate * d2.sum(axis=0)")
    expect(page.get_by_role("img", name="Loss curve", exact=False)).to_contain_text("cross-entropy")
    # Unchecked, the bias is left out of the link again.
    page.get_by_role("checkbox", name="Bias").uncheck()
    expect(page).to_have_url(re.compile(r"&rate=1&activation=tanh&loss=cross-entropy$"))


@pytest.mark.parametrize("fragment", [
    "rows=001:0,011:1,101:1,111:0&hidden=4&activation=relu&bias=1&iterations=3000&bits=011",
    "hidden=2&activation=tanh&loss=cross-entropy&iterations=1500&bits=110",
    "bias=1&iterations=5000&bits=000",
])
def test_a_link_with_them_trains_that_network_and_its_script_prints_the_readout(
        page, base_url, clean, fragment):
    page.goto(base_url + "#" + fragment)
    p = settled_probability(page)
    assert p == pytest.approx(cpython(page), rel=1e-9)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.locator("#run-status")).to_contain_text("Finished")
    printed = page.get_by_role("log", name="Output").locator("div").last.inner_text()
    assert printed == page.locator("#prediction").get_attribute("data-probability")


def test_with_a_bias_0_0_0_is_no_longer_stuck_at_one_half(page, base_url, clean):
    page.goto(base_url + "#rows=000:1,111:0&bits=000")
    assert settled_probability(page) == 0.5  # no bias: the sum for 0 0 0 is always 0
    why = page.get_by_role("region", name="Why")
    expect(why.get_by_text("has no bias term to move it")).to_be_visible()
    expect(why.get_by_text("With Bias ticked")).to_be_hidden()
    page.get_by_role("checkbox", name="Bias").check()
    expect(page.locator("#prediction")).not_to_have_attribute("data-probability", "0.5")
    assert settled_probability(page) > 0.9
    # The "Why" text says so.
    expect(why.get_by_text("With Bias ticked")).to_be_visible()
    expect(why.get_by_text("has no bias term to move it")).to_be_hidden()


def test_a_malformed_choice_is_named_with_its_default(page, base_url, clean):
    page.goto(base_url + "#hidden=2&activation=softmax&loss=hinge&bias=yes")
    settled_probability(page)
    alert = page.get_by_role("alert")
    for words in ("activation: 'softmax'", "Using the default, sigmoid", "loss: 'hinge'",
                  "bias: 'yes'"):
        expect(alert).to_contain_text(words)
    expect(page.get_by_role("combobox", name="Activation")).to_have_value("sigmoid")
    assert "activation=" not in page.evaluate("location.hash")
