"""How the tests read the page: by role and name, waiting for the readout to settle."""

from playwright.sync_api import expect


def settled_probability(page):
    """Wait until the readout reflects the current state, then return its full-precision value."""
    readout = page.locator("#prediction")
    expect(readout).to_have_attribute("aria-busy", "false")
    return float(readout.get_attribute("data-probability"))


def bit_box(page, i):
    return page.get_by_role("checkbox", name=f"Input bit {i}", exact=True)


def set_bits(page, bits):
    for i, bit in enumerate(bits, start=1):
        box = bit_box(page, i)
        if box.is_checked() != bool(bit):
            box.click()


def tab_to(page, control, limit=200):
    """Press Tab until `control` (a locator) has the focus, as a keyboard user gets there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if control.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {control}")
