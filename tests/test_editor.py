"""The code panel's editor: the script for the settings, edited, run, stopped and reset, in Chromium.

Every number the reader's code prints is checked against the readout and against CPython running
the same text; the editor is used by clicks and keys, the way a reader uses it."""

import re
import subprocess
import sys
from dataclasses import replace

from playwright.sync_api import expect

import model
from browser import wait_until
from pageutil import bit_box, settled_probability, tab_to
from state import format_code, parse, serialise

TWO_LINES = "print('one')\nprint('two')\n"
EDITOR_VALUE = "() => document.getElementById('code').value"


def open_settled(page, url):
    page.goto(url)
    settled_probability(page)


def code(page):
    """The editor's whole text (CodeMirror draws only the lines in view)."""
    return page.locator("#code").evaluate("e => e.value")


def wait_for_code(page, predicate):
    """Wait until the editor's text satisfies a JS predicate of it; returns the text."""
    return wait_until(page, f"() => ({predicate})(document.getElementById('code').value)"
                      f" && document.getElementById('code').value")


def textbox(page):
    return page.get_by_role("textbox", name="Python code", exact=True)


def output_lines(page):
    return page.get_by_role("log", name="Output").locator("div")


def run_status(page):
    return page.locator("#run-status")


def button(page, name):
    return page.get_by_role("button", name=name, exact=True)


def fragment(page):
    return page.evaluate("location.hash").lstrip("#")


def replace_code(page, text):
    """Click in the editor, select everything and put `text` in its place, as a paste does."""
    textbox(page).click()
    expect(page.locator("#code .cm-content")).to_be_focused()  # CodeMirror is up and has the keys
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)
    wait_until(page, "t => document.getElementById('code').value === t", text)


def run(page):
    """Click Run and wait until the run has ended; returns the status line's text."""
    button(page, "Run").click()
    expect(run_status(page)).to_have_text(re.compile(r"^(Finished in|Your code stopped)"))
    return run_status(page).text_content()


def cpython_last_line(script):
    out = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True,
                         check=True)
    return out.stdout.splitlines()[-1]


def test_the_untouched_script_prints_the_readout(page, base_url, clean):
    """Run the script as it is, for the seed and for 2 hidden neurons and other bits: it prints
    the readout's number last, as CPython does with the same text."""
    open_settled(page, base_url)
    steps = [(lambda: None, "bits=100&hidden=0&", "(1, 0, 0)"),
             (lambda: (page.get_by_role("spinbutton", name="Hidden neurons", exact=True).fill("2"),
                       bit_box(page, 2).click()), "bits=110&hidden=2&", "(1, 1, 0)")]
    for change, expected, bits in steps:
        change()
        expect(page).to_have_url(re.compile(re.escape(expected)))
        p = settled_probability(page)
        script = wait_for_code(page, f"v => v.includes('predict(network, {bits})')")
        assert run(page).startswith("Finished in")
        expect(output_lines(page).last).to_have_text(repr(p))
        assert abs(float(cpython_last_line(script)) - p) <= 1e-12, expected


def test_an_edit_runs_and_is_kept_in_the_link(page, base_url, clean):
    """Replace the script by two prints and Run: both lines, in order; the link carries the code,
    the changes show the added lines and the note says the code is edited."""
    open_settled(page, base_url)
    replace_code(page, TWO_LINES)
    run(page)
    expect(output_lines(page)).to_have_text(["one", "two"])
    expect(page).to_have_url(re.compile(r"&code=[A-Za-z0-9_-]+$"))
    assert parse(fragment(page))[0].code == TWO_LINES
    changes = page.get_by_role("region", name="Changes from the original")
    expect(changes).to_contain_text("+print('one')\n+print('two')")
    expect(page.locator("#code-note")).to_contain_text("Edited")


def test_output_comes_line_by_line(page, base_url, clean):
    """A script prints, works 3 s, prints again: the first line shows while it still runs."""
    open_settled(page, base_url)
    replace_code(page, "import time\nprint('first')\nend = time.perf_counter() + 3\n"
                       "while time.perf_counter() < end:\n    pass\nprint('second')\n")
    button(page, "Run").click()
    expect(output_lines(page).first).to_have_text("first")
    # Seen at once with the first line: the run has not ended, the second line is not there yet.
    assert run_status(page).text_content() == "Running…"
    expect(output_lines(page)).to_have_count(1)
    expect(output_lines(page)).to_have_text(["first", "second"])
    expect(run_status(page)).to_have_text(re.compile(r"^Finished in \d+\.\d\d s\.$"))


def test_an_error_is_told_at_its_line_and_the_page_goes_on(page, base_url, clean):
    """A NameError on line 3 and a SyntaxError on line 2 are told at their lines; then the input
    bits still answer and Run runs again."""
    open_settled(page, base_url)
    replace_code(page, "x = 1\ny = 2\nprint(x + y + z)\n")
    status = run(page)
    assert status == "Your code stopped with an error: NameError: name 'z' is not defined"
    error = page.get_by_role("log", name="Output").locator("div.error")
    expect(error).to_contain_text('File "<your code>", line 3')
    expect(error).to_contain_text("print(x + y + z)")  # the reader's own line
    expect(error).to_contain_text("NameError: name 'z' is not defined")
    assert "runner.py" not in error.text_content()

    replace_code(page, "print('fine')\nif True\n    print('never')\n")
    assert run(page).startswith("Your code stopped with an error: SyntaxError:")
    expect(error).to_contain_text("line 2")
    expect(output_lines(page)).to_have_count(1)  # nothing ran

    bit_box(page, 3).click()
    assert settled_probability(page) == model.predict(model.train(), (1, 0, 1))
    replace_code(page, "print('again')\n")
    assert run(page).startswith("Finished in")
    expect(output_lines(page)).to_have_text(["again"])


def test_stop_ends_a_runaway_loop(page, base_url, clean):
    """Run `while True: pass`: the input bits still answer; Stop ends it promptly; Run then works."""
    open_settled(page, base_url)
    replace_code(page, "while True:\n    pass\n")
    stop = button(page, "Stop")
    expect(stop).to_have_attribute("aria-disabled", "true")
    button(page, "Run").click()
    expect(run_status(page)).to_have_text("Running…")
    expect(stop).to_have_attribute("aria-disabled", "false")
    bit_box(page, 2).click()
    assert settled_probability(page) == model.predict(model.train(), (1, 1, 0))
    expect(run_status(page)).to_have_text("Running…")
    stop.click()
    expect(run_status(page)).to_have_text("Stopped.", timeout=5_000)
    expect(stop).to_have_attribute("aria-disabled", "true")
    replace_code(page, "print('after the stop')\n")
    assert run(page).startswith("Finished in")
    expect(output_lines(page)).to_have_text(["after the stop"])


def test_reset_code_brings_back_the_script(page, base_url, clean):
    """Edit, then Reset code: the script for the settings is back, the link has no code, the
    note says the script follows the settings again."""
    open_settled(page, base_url + "#hidden=3&seed=5")
    original = wait_for_code(page, "v => v.includes('seed=5')")
    note = page.locator("#code-note")
    expect(note).to_contain_text("This is the script for the settings above")
    replace_code(page, TWO_LINES)
    expect(page).to_have_url(re.compile("&code="))
    expect(note).to_contain_text("Edited")
    button(page, "Reset code").click()
    wait_until(page, "t => document.getElementById('code').value === t", original)
    expect(note).to_contain_text("This is the script for the settings above")
    expect(page.get_by_role("region", name="Changes from the original")) \
        .to_have_text("None: the editor holds the script for the settings above.")
    assert "code=" not in fragment(page)
    assert fragment(page) == serialise(parse("hidden=3&seed=5")[0])


def test_a_link_with_code_shows_it_and_runs_it_only_on_run(page, base_url, clean):
    """Open a link carrying code: the editor holds it, nothing runs until Run prints it."""
    linked = "print('from the link')\nprint(6 * 7)\n"
    open_settled(page, base_url + "#code=" + format_code(linked))
    wait_until(page, "t => document.getElementById('code').value === t", linked)
    expect(page.locator("#code-note")).to_contain_text("Edited")
    page.wait_for_timeout(2_000)  # time enough for a run that should not start
    expect(output_lines(page)).to_have_count(0)
    expect(run_status(page)).to_have_text("")
    run(page)
    expect(output_lines(page)).to_have_text(["from the link", "42"])


def test_a_malformed_code_in_a_link_is_named_and_the_script_shown(page, base_url, clean):
    """Open a link with code=!!!: the alert names code:, the editor holds the settings' script."""
    page.goto(base_url + "#bits=011&code=!!!")
    expect(page.get_by_role("alert")).to_contain_text("code:")
    p = settled_probability(page)
    assert fragment(page) == serialise(parse("bits=011")[0])
    expect(page.locator("#code-note")).to_contain_text("This is the script for the settings above")
    script = wait_for_code(page, "v => v.includes('predict(network, (0, 1, 1))')")
    assert abs(float(cpython_last_line(script)) - p) <= 1e-12  # it is the readout's script


def test_the_editor_follows_the_settings_until_edited(page, base_url, clean):
    """Unedited, the editor follows a new seed; once edited, a new seed leaves it alone."""
    open_settled(page, base_url)
    seed = page.get_by_role("spinbutton", name="Random seed", exact=True)
    seed.fill("2")
    wait_for_code(page, "v => v.includes('seed=2')")
    textbox(page).click()
    expect(page.locator("#code .cm-content")).to_be_focused()
    page.keyboard.press("Control+Home")
    page.keyboard.insert_text("# my own\n")
    edited = wait_for_code(page, "v => v.startsWith('# my own\\n')")
    expect(page).to_have_url(re.compile("&code="))
    seed.fill("3")
    expect(page).to_have_url(re.compile("seed=3&"))
    settled_probability(page)
    assert code(page) == edited
    assert parse(fragment(page))[0].code == edited


def test_keyboard_only(page, base_url, clean):
    """Tab into the editor, type a line, Tab indents it; Escape then Tab reaches Run; Enter and
    Space on Run run the code."""
    open_settled(page, base_url)
    tab_to(page, page.locator("#code"))
    content = page.locator("#code .cm-content")
    expect(content).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("print('typed')")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    wait_until(page, "t => document.getElementById('code').value === t", "    print('typed')")
    expect(content).to_be_focused()  # Tab stayed in the editor
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(button(page, "Run")).to_be_focused()
    page.keyboard.press("Enter")  # the indented line runs: Python tells the indent
    expect(run_status(page)).to_have_text(re.compile("^Your code stopped with an error: IndentationError"))

    page.keyboard.press("Shift+Tab")  # back into the editor
    expect(content).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("print('typed')")
    wait_until(page, "t => document.getElementById('code').value === t", "print('typed')")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    expect(button(page, "Run")).to_be_focused()
    page.keyboard.press("Space")
    expect(run_status(page)).to_have_text(re.compile("^Finished in"))
    expect(output_lines(page)).to_have_text(["typed"])


def test_download_script_gives_the_edited_code(page, base_url, clean, tmp_path):
    """Edit the code, then Download script: the file holds the edited code."""
    open_settled(page, base_url)
    replace_code(page, TWO_LINES)
    expect(page).to_have_url(re.compile("&code="))
    with page.expect_download() as info:
        button(page, "Download script").click()
    script = tmp_path / "tenline.py"
    info.value.save_as(script)
    assert script.read_text() == TWO_LINES
