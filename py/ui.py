"""The page's main thread, in MicroPython under PyScript (index.html, pyscript.toml).

It binds every control, sends the reader's events to the Python worker, where CPython and NumPy
run main.py, and applies the DOM operations ("ops") that come back; page.py is where they are
made. It computes nothing: MicroPython prints floats differently from CPython (`repr(0.1 + 0.2)`
is `0.3`), so every number it shows is a string it was given; a toggled input bit's readout is
one CPython sent for those bits, chosen at once. site/boot.js carries the messages (`bridge`)
and names a runtime that fails to load.
"""

import json

from pyscript import document, window
from pyscript.ffi import create_proxy, to_js
from pyscript.js_modules.boot import bridge

# The events Python is told of, by the id of the control or of the table holding it (its rows
# come and go: Python redraws them).
FORWARDED = {
    "change": ("bit-1", "bit-2", "bit-3", "rows", "training-set", "bias", "activation", "loss",
               "share-dialog"),
    "input": ("hidden", "iterations", "seed", "rate", "iteration", "code"),
    "click": ("rows", "truth-body", "cube", "add-row", "play", "step", "reset",
              "restore-defaults", "download", "reset-code", "pin", "unpin", "share"),
}

readout = document.getElementById("prediction")
probability = readout.querySelector(".probability")
digit = readout.querySelector(".digit")
bit_boxes = [document.getElementById(f"bit-{i}") for i in (1, 2, 3)]
status = document.getElementById("status")
motion = window.matchMedia("(prefers-reduced-motion: reduce)")
caught_up = True  # whether the worker has answered every event sent to it
readouts = None  # CPython's readout for each input ("100": texts), if the last answer settled


def send(event):
    global caught_up
    readout.setAttribute("aria-busy", "true")
    bridge.send(json.dumps(event))
    caught_up = False


CLICKABLE = "button, [role='button']"  # what a click inside a forwarded element may be on


def forward(event):
    """An event of a control, described as main.py's handlers read it."""
    control = event.target.closest(CLICKABLE) if event.type == "click" else event.target
    if not control:
        return
    validity = getattr(control, "validity", None)
    data = json.loads(window.JSON.stringify(control.dataset))
    bits = None  # the input bits a toggle or a truth-table row asks for
    if control.classList.contains("input-bit"):
        bits = "".join("1" if box.checked else "0" for box in bit_boxes)
    elif "bits" in data:
        bits = data["bits"]
    answered_all = caught_up
    send({
        "type": event.type,
        "id": event.currentTarget.id,
        "value": getattr(control, "value", None),  # an SVG button has none
        "checked": bool(getattr(control, "checked", False)),
        "bad": bool(validity and validity.badInput),  # typed text the browser cannot read
        "data": data,
    })
    if bits and answered_all and readouts:
        show_readout(readouts[bits])


def show_readout(texts):
    """A toggle's readout and address at once, before the worker answers: CPython's own for
    these bits and the network the page shows (sent with it), chosen, not computed. The
    worker's answer then writes the same."""
    probability.textContent = texts["probability"]
    digit.textContent = texts["digit"]
    readout.setAttribute("data-probability", texts["exact"])
    show_url(texts["fragment"])
    readout.setAttribute("aria-busy", "false")


def environment(kind):
    send({"type": kind, "hash": window.location.hash, "reduced": bool(motion.matches)})


def say(text):
    status.textContent = text


def tell_share(text):
    share_status.textContent = text


# Each made once: a proxy made per click would never be released.
# (a promise that resolves with undefined calls its callback with no argument)
SAID = {"link": (create_proxy(lambda *_: say("Link copied: it opens this exact network.")),
                 create_proxy(lambda *_: say("Could not copy; the address bar holds the link."))),
        "share": (create_proxy(lambda *_: tell_share("Link copied.")),
                  create_proxy(lambda *_: tell_share("Could not copy; select the link and copy "
                                                     "it.")))}


def copy(text, what):
    copied, not_copied = SAID[what]
    try:
        window.navigator.clipboard.writeText(text).then(copied, not_copied)
    except Exception:  # no clipboard here (an insecure context, say)
        not_copied()


def copy_link(event):
    copy(window.location.href, "link")  # needs no worker: the address bar holds every setting


# The Share dialog: opened and closed here; the worker fills in its boxes and the link they make.
# Its own status speaks: the page's is behind the modal dialog, inert.
share_dialog = document.getElementById("share-dialog")
share_link = document.getElementById("share-link")
share_status = document.getElementById("share-status")


def copy_share(event):
    copy(share_link.value, "share")


# ---- the reader's code -----------------------------------------------------------------------

# Run hands the editor's text to the code runner, a worker with a CPython of its own (site/boot.js
# starts it, py/runner.py runs the code), so the page's training never waits for the reader's
# code. Stop ends that worker at once, whatever the code is doing, and starts a fresh one for the
# next Run. What the code prints is shown line by line as the runner sends it.
editor = document.getElementById("code")
output = document.getElementById("output")
run_status = document.getElementById("run-status")
run_button = document.getElementById("run")
stop_button = document.getElementById("stop")
runner = None
runner_started = False  # whether the runner's Python is up
running = False


def start_runner():
    global runner, runner_started
    runner, runner_started = bridge.codeRunner(), False
    runner.onmessage = on_runner_message
    runner.onerror = on_runner_error


def show_running(now):
    global running
    running = now
    run_button.setAttribute("aria-disabled", "true" if now else "false")
    stop_button.setAttribute("aria-disabled", "false" if now else "true")


def write_output(text, kind):
    line = document.createElement("div")
    line.className = kind
    line.textContent = text
    output.append(line)


def run_code(event):
    if running:
        return
    if runner is None:
        start_runner()
    output.replaceChildren()
    run_status.textContent = "Running…" if runner_started else "Starting Python for your code…"
    show_running(True)
    window.performance.mark("tenline:run")  # for whoever measures (tools/bench.py)
    runner.postMessage(editor.value)


def stop_code(event):
    if not running:
        return
    runner.terminate()
    show_running(False)
    run_status.textContent = "Stopped."
    start_runner()  # ready for the next Run


def on_runner_message(event):
    global runner_started
    data = event.data
    if data.kind == "output":
        write_output(data.text, data.stream)
    elif data.kind == "started":
        runner_started = True
        if running:
            run_status.textContent = "Running…"
    elif data.kind == "done":
        show_running(False)
        if data.error:
            write_output(data.error, "error")
            run_status.textContent = "Your code stopped with an error: " + data.error.strip().split("\n")[-1]
        else:
            run_status.textContent = "Finished in " + data.seconds + " s."
    elif data.kind == "failed":
        runner_failed(data.message)


def on_runner_error(event):
    event.preventDefault()
    runner_failed(f"Python for your code stopped ({event.message}); it may have run out of memory.")


def runner_failed(message):
    global runner
    runner.terminate()
    runner = None  # the next Run starts another
    show_running(False)
    run_status.textContent = message + " Run starts it afresh."


on_runner_message = create_proxy(on_runner_message)
on_runner_error = create_proxy(on_runner_error)


# ---- what the worker sends -------------------------------------------------------------------

by_id = {}  # "#id": [the element], found once: the page's own elements stay


def each(selector):
    """The elements an op names: one of the page's own, by its id, or any inside what Python
    draws, found afresh."""
    if selector.startswith("#") and " " not in selector:
        if selector not in by_id:
            by_id[selector] = [document.querySelector(selector)]
        return by_id[selector]
    return document.querySelectorAll(selector)


def show_text(selector, text):
    for element in each(selector):
        element.textContent = text


def show_html(selector, html):
    for element in each(selector):
        # What the reader had focused inside, or the diagram's tab stop, stays where it was: it
        # is found again by its data-key.
        focused = document.activeElement
        had_focus = element.contains(focused)
        current = focused if had_focus else element.querySelector(ROVING_STOP)
        key = current.getAttribute("data-key") if current else None
        element.innerHTML = html
        again = element.querySelector(f'[data-key="{key}"]') if key else None
        if again:
            if again.hasAttribute("tabindex"):
                rove(element, again)
            if had_focus:
                again.focus()


# A group of items with one tab stop between them (a roving tabindex): the network diagram's
# weights, the input cube's corners. Tab reaches the one with tabindex 0; arrow keys, Home and
# End move inside.
ROVING_STOP = '[data-key][tabindex="0"]'
ROVING_KEYS = {"ArrowRight": 1, "ArrowDown": 1, "ArrowLeft": -1, "ArrowUp": -1}


def rove(group, item):
    for stop in group.querySelectorAll(ROVING_STOP):
        stop.tabIndex = -1
    item.tabIndex = 0


def press(event):
    """Enter or Space on a focused SVG button (a corner of the input cube) clicks it, as they
    click an HTML <button>: SVG has no button of its own."""
    if event.key in ("Enter", " ") and event.target.getAttribute("role") == "button":
        event.preventDefault()  # Space would scroll the page
        event.target.dispatchEvent(window.MouseEvent.new("click", to_js({"bubbles": True})))


def move_in_group(event):
    items = list(event.currentTarget.querySelectorAll("[data-key][tabindex]"))
    here = next((i for i, item in enumerate(items) if item.isSameNode(event.target)), None)
    if here is None:
        return
    if event.key in ROVING_KEYS:
        there = min(max(here + ROVING_KEYS[event.key], 0), len(items) - 1)
    elif event.key in ("Home", "End"):
        there = 0 if event.key == "Home" else len(items) - 1
    else:
        return
    event.preventDefault()
    rove(event.currentTarget, items[there])
    items[there].focus()


def refocus(*selectors):
    """Focus the first of these that exists, if the focus was lost to a redraw."""
    focused = document.activeElement
    if focused is None or focused.isSameNode(document.body):
        for selector in selectors:
            element = document.querySelector(selector)
            if element:
                element.focus()
                return


def set_property(selector, name, value):
    for element in each(selector):
        # The reader's own newer input wins over Python's echo of an older one (a slider dragged on).
        if (not caught_up and name in ("value", "checked")
                and element.isSameNode(document.activeElement)):
            continue
        setattr(element, name, value)


def set_attribute(selector, name, value):
    for element in each(selector):
        element.setAttribute(name, value)


def show_url(fragment):
    window.history.replaceState(None, "", "#" + fragment)


def download(filename, text):
    link = document.createElement("a")
    link.href = window.URL.createObjectURL(window.Blob.new(to_js([text]),
                                                          to_js({"type": "text/x-python"})))
    link.download = filename
    link.click()
    window.URL.revokeObjectURL(link.href)


def show_ready():
    document.documentElement.dataset.runtime = "ready"
    bridge.keepForOffline()


def keep_readouts(table):
    global readouts
    readouts = table


OPS = {"text": show_text, "html": show_html, "prop": set_property, "attr": set_attribute,
       "url": show_url, "download": download, "ready": show_ready, "focus": refocus,
       "readouts": keep_readouts}


def apply(text, answered_all):
    """One answer of the worker: {"ops": [[name, args...], ...], "settled": bool}, and whether it
    has answered every event sent. The readout is busy until it shows the network trained for
    the current state and every event is answered."""
    global caught_up, readouts
    caught_up = answered_all
    readouts = None  # until this answer says the network it shows is settled
    answer = json.loads(text)
    for name, *args in answer["ops"]:
        OPS[name](*args)
    readout.setAttribute("aria-busy", "false" if answer["settled"] and caught_up else "true")
    while early:
        tell_early(*early.pop(0))


def tell_early(element, value):
    """A change the reader made before this script ran, put back (the worker's first answer has
    drawn the page's address over it) and told, as if just made."""
    if element.type == "checkbox":
        element.checked = value
    else:
        element.value = value
    element.dispatchEvent(window.Event.new("input" if element.type == "number" else "change"))


def changed_before(element):
    """Whether the reader changed a control from what index.html had in it."""
    if element.tagName == "SELECT":
        return not element.options[element.selectedIndex].defaultSelected
    if element.type == "checkbox":
        return element.checked != element.defaultChecked
    return element.value != element.defaultValue


# ---- start -----------------------------------------------------------------------------------

# Bound with the DOM's addEventListener, as pyscript.when would, without its import of
# pyscript.web, which MicroPython would compile in the page's start-up task (~25 ms here).
listener = create_proxy(forward)
for kind, ids in FORWARDED.items():
    for id in ids:
        document.getElementById(id).addEventListener(kind, listener)
document.getElementById("copy-link").addEventListener("click", create_proxy(copy_link))
document.getElementById("share").addEventListener("click",
                                                  create_proxy(lambda e: share_dialog.showModal()))
document.getElementById("share-close").addEventListener("click",
                                                        create_proxy(lambda e: share_dialog.close()))
document.getElementById("share-copy").addEventListener("click",
                                                       create_proxy(copy_share))
run_button.addEventListener("click", create_proxy(run_code))
stop_button.addEventListener("click", create_proxy(stop_code))
document.getElementById("diagram").addEventListener("keydown", create_proxy(move_in_group))
cube = document.getElementById("cube")
cube.addEventListener("keydown", create_proxy(move_in_group))
cube.addEventListener("keydown", create_proxy(press))
# (pyscript's `window` calls lose `this` for addEventListener; the page's own window keeps it)
document.defaultView.addEventListener("hashchange",
                                      create_proxy(lambda event: environment("hashchange")))
motion.addEventListener("change", create_proxy(lambda event: environment("motion")))

# What the reader changed before this script ran is told once the worker's first answer, which
# shows the page's address (see boot.js), is applied. The buttons that need Python wait for this
# script (index.html).
early = [(element, element.checked if element.type == "checkbox" else element.value)
         for element in document.querySelectorAll(
             ".input-bit, #training-set, #hidden, #iterations, #seed, #rate, #bias, #activation,"
             " #loss")
         if changed_before(element)]
bridge.listen(create_proxy(apply))
for element in document.querySelectorAll("button[data-waits-for-python]"):
    element.disabled = False
window.performance.mark("tenline:controls-bound")  # for whoever measures (tools/bench.py)
