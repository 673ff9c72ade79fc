"""The lab: every setting by its control, in the URL, and back from a link; CPython agrees."""

import re

import pytest
from playwright.sync_api import expect

import model
from pageutil import bit_box, settled_probability
from state import DEFAULT, PRESETS, parse, serialise


def cpython(fragment):
    """What CPython's model predicts for the state a fragment describes."""
    s, _ = parse(fragment)
    weights = model.train(s.rows, s.iterations, s.seed, s.hidden, s.rate)
    return model.predict(weights, s.bits)


def fragment(page):
    return page.evaluate("location.hash").lstrip("#")


def check_against_cpython(page):
    p = settled_probability(page)
    assert abs(p - cpython(fragment(page))) <= 1e-12, fragment(page)
    return p


def spin(page, name):
    return page.get_by_role("spinbutton", name=name, exact=True)


def test_defaults_are_written_to_the_url(page, base_url, clean):
    page.goto(base_url)
    check_against_cpython(page)
    assert fragment(page) == serialise(DEFAULT)


def test_each_control_changes_the_fragment_and_the_prediction(page, base_url, clean):
    page.goto(base_url)
    check_against_cpython(page)
    row_box = lambda name: page.get_by_role("checkbox", name=name, exact=True)  # noqa: E731
    steps = [  # (action, what the fragment then says; None: refused, duplicate inputs)
        (lambda: spin(page, "Iterations").fill("2500"), "iterations=2500"),
        (lambda: spin(page, "Random seed").fill("42"), "seed=42"),
        (lambda: spin(page, "Learning rate").fill("0.5"), "rate=0.5"),
        (lambda: spin(page, "Hidden neurons").fill("3"), "hidden=3"),
        (lambda: row_box("Row 2 target").click(), "rows=001:0,111:0,101:1,011:0&"),
        (lambda: row_box("Row 1 bit 2").click(), None),  # 011 is row 4's input
        (lambda: row_box("Row 1 bit 1").click(), None),  # 111 is row 2's input
        (lambda: row_box("Row 1 bit 3").click(), "rows=110:0,111:0,101:1,011:0&"),
        (lambda: page.get_by_role("button", name="Remove row 2", exact=True).click(),
         "rows=110:0,101:1,011:0&"),
        (lambda: page.get_by_role("button", name="Add row", exact=True).click(),
         "rows=110:0,101:1,011:0,000:0&"),
        (lambda: row_box("Row 4 target").click(), "rows=110:0,101:1,011:0,000:1&"),
        (lambda: bit_box(page, 3).click(), "bits=101"),
    ]
    before = check_against_cpython(page)
    for act, expected in steps:
        act()
        if expected is None:
            # Not applied: the alert explains, the URL keeps the last valid table.
            expect(page.get_by_role("alert")).to_contain_text("rows:")
            expect(page.get_by_role("alert")).to_contain_text("distinct")
            expect(row_box("Row 1 bit 1")).to_have_attribute("aria-invalid", "true")
            assert "rows=001:0,111:0,101:1,011:0&" in fragment(page)
            continue
        after = check_against_cpython(page)
        expect(page.get_by_role("alert")).to_be_empty()
        assert expected in fragment(page)
        assert after != before, expected
        before = after
    expect(page.get_by_role("combobox", name="Training set")).to_have_value("Custom")


def test_a_link_opened_in_a_new_page_restores_the_network(page, base_url, clean, context):
    page.goto(base_url + "#rows=001:0,011:1,101:1,111:0&bits=110&hidden=4&iterations=3000&seed=7&rate=0.8")
    p = check_against_cpython(page)
    other = context.new_page()
    other.goto(page.url)
    assert settled_probability(other) == p
    expect(spin(other, "Hidden neurons")).to_have_value("4")
    expect(spin(other, "Random seed")).to_have_value("7")
    expect(bit_box(other, 2)).to_be_checked()
    expect(other.get_by_role("combobox", name="Training set")).to_have_value("XOR")


def test_a_pasted_fragment_and_back_forward_load_that_state(page, base_url, clean):
    page.goto(base_url)
    check_against_cpython(page)
    page.evaluate("location.hash = '#rows=001:0,011:0,101:0,111:1&bits=111&seed=3'")
    expect(page.get_by_role("combobox", name="Training set")).to_have_value("AND")
    assert fragment(page) == "rows=001:0,011:0,101:0,111:1&bits=111&hidden=0&iterations=10000&seed=3&rate=1"
    check_against_cpython(page)
    page.go_back()
    expect(page.get_by_role("combobox", name="Training set")).to_have_value("Seed")
    assert fragment(page) == serialise(DEFAULT)
    check_against_cpython(page)


@pytest.mark.parametrize("hidden", [0, 4])
def test_every_preset(page, base_url, clean, hidden):
    page.goto(base_url + f"#hidden={hidden}")
    check_against_cpython(page)
    select = page.get_by_role("combobox", name="Training set")
    for name, rows in PRESETS.items():
        select.select_option(name)
        expect(page).to_have_url(re.compile(re.escape(f"#rows={rows}&")))
        expect(page.get_by_role("checkbox", name=f"Row {rows.count(',') + 1} target", exact=True)).to_be_attached()
        check_against_cpython(page)


def test_single_layer_cannot_learn_xor_but_four_hidden_neurons_can(page, base_url, clean):
    page.goto(base_url + "#rows=" + PRESETS["XOR"] + "&bits=011")
    assert abs(check_against_cpython(page) - 0.5) < 1e-6
    spin(page, "Hidden neurons").fill("4")
    spin(page, "Iterations").fill("60000")
    assert check_against_cpython(page) > 0.9


NINE_ROWS = "000:0,001:0,010:0,011:1,100:0,101:1,110:1,111:1,111:0"


@pytest.mark.parametrize("bad, key", [
    ("iterations=ten", "iterations"), ("rows=01x:1", "rows"), ("rows=001:0,001:1", "rows"),
    (f"rows={NINE_ROWS}", "rows"), ("hidden=99", "hidden"), ("rows=", "rows"),
    ("rate=1e3", "rate"), ("seed=-4", "seed"),
])
def test_malformed_links_fall_back_with_an_alert(page, base_url, clean, bad, key):
    page.goto(base_url + "#bits=011&" + bad)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(f"{key}:")
    expect(alert).to_contain_text("allowed")
    expected = serialise(parse("bits=011")[0])  # the other key keeps its value
    expect(page).to_have_url(re.compile(re.escape("#" + expected) + "$"))
    check_against_cpython(page)
    spin(page, "Random seed").fill("6")  # the reader moves on: the state is valid, the alert clears
    expect(alert).to_be_empty()
    check_against_cpython(page)


def test_a_mistyped_key_is_named_and_a_long_value_cut_short(page, base_url, clean):
    page.goto(base_url + "#iteration=5&bits=011&seed=" + "9" * 3000)
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Unknown setting 'iteration' in the link, ignored.")
    expect(alert).to_contain_text("seed: '" + "9" * 24 + "…' is not a whole number")
    assert len(alert.text_content()) < 400
    expect(page).to_have_url(re.compile(re.escape("#" + serialise(parse("bits=011")[0])) + "$"))
    check_against_cpython(page)


@pytest.mark.parametrize("name, bad, good", [
    ("Iterations", "0", "20"), ("Iterations", "1000001", "20"), ("Random seed", "4294967296", "9"),
    ("Learning rate", "0", "0.25"), ("Learning rate", "101", "0.25"), ("Hidden neurons", "17", "2"),
])
def test_out_of_range_input_is_flagged_and_not_applied(page, base_url, clean, name, bad, good):
    page.goto(base_url)
    check_against_cpython(page)
    field = spin(page, name)
    field.fill(bad)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("allowed")
    assert fragment(page) == serialise(DEFAULT)
    field.fill(good)
    expect(field).to_have_attribute("aria-invalid", "false")
    expect(page.get_by_role("alert")).to_be_empty()
    check_against_cpython(page)


def test_copy_link_and_restore_defaults(page, base_url, clean, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(base_url + "#hidden=2&seed=11")
    check_against_cpython(page)
    page.get_by_role("button", name="Copy link", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("copied")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    page.get_by_role("button", name="Restore defaults", exact=True).click()
    assert settled_probability(page) == cpython("")
    assert fragment(page) == serialise(DEFAULT)
    expect(spin(page, "Hidden neurons")).to_have_value("0")


def test_a_million_iterations_stay_responsive_and_are_cancelled_by_a_change(page, base_url, clean):
    page.goto(base_url)
    check_against_cpython(page)
    spin(page, "Hidden neurons").fill("16")
    spin(page, "Iterations").fill("1000000")
    progress = page.get_by_role("progressbar", name="Training progress")
    expect(progress).to_have_attribute("max", "1000000")
    expect(progress).to_have_attribute("aria-valuetext", re.compile(r"^[1-9][0-9,]* of 1,000,000"))
    # A long run is drawn live: the network part-way through it.
    expect(page.get_by_role("heading", name=re.compile(r"network at iteration [1-9][0-9,]* of 1,000,000$"))) \
        .to_be_visible()
    expect(page.locator("#prediction")).to_have_attribute("aria-busy", "true")
    done_before = progress.evaluate("e => e.value")
    bit_box(page, 2).click()  # honoured while training runs, which goes on: it is no setting of it
    expect(bit_box(page, 2)).to_be_checked()
    expect(page).to_have_url(re.compile("bits=110"))
    expect(page.locator("#prediction")).to_have_attribute("aria-busy", "true")
    done = []
    for _ in range(15):  # longer than the pause after which a change would retrain
        page.wait_for_timeout(100)
        done.append(progress.evaluate("e => e.value"))
    assert min(done) >= done_before and done[-1] > done_before, (done_before, done)
    spin(page, "Iterations").fill("300")  # cancels the run
    check_against_cpython(page)
    expect(page.get_by_role("status")).to_contain_text("trained 300 iterations")
