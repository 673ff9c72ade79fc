"""The page's controller: one State, kept in the URL, turned into training runs and readouts.

Every change the reader makes goes through `apply`: it writes the canonical fragment, and either
retrains (any setting but the input bits; after typing pauses) or only predicts (the bits). The
numbers come from the Trainer; page.py does the reading and writing of elements.
"""

import asyncio
from dataclasses import replace

from pyodide.ffi import create_proxy
from pyscript import document, when, window

import page
from state import DEFAULT, PRESETS, add_row, format_field, parse, parse_field, serialise
from trainer import Cancelled, Trainer

TYPING_PAUSE = 0.3  # seconds without a change before retraining

trainer = Trainer()
state = DEFAULT
trained_for = None  # the State (bits aside) that the trainer's finished network belongs to
pending_change = 0  # counts changes, so a delayed training run knows when it is out of date
messages = {}  # what the alert says, by source: "url" or a state key


def training_settings(s):
    return replace(s, bits=DEFAULT.bits)


def settled():
    return trained_for == training_settings(state)


def show_prediction():
    if trainer.weights is not None:
        page.show_prediction(trainer.predict(state.bits), settled())


def show_messages():
    page.show_alert(list(messages.values()))


def apply(new_state, delay=TYPING_PAUSE):
    """Make new_state current: URL, readout, and a retrain if anything but the bits changed."""
    global state
    state = new_state
    window.history.replaceState(None, "", "#" + serialise(state))
    page.mark_busy()
    if settled():
        show_prediction()
    else:
        schedule_training(delay)


def load(fragment, delay=0):
    """A whole state from a fragment (page load, pasted link, back/forward)."""
    new_state, problems = parse(fragment)
    messages.clear()
    if problems:
        messages["url"] = " ".join(problems)
    show_messages()
    page.show_rows(new_state.rows)
    page.show_fields(new_state)
    page.show_bits(new_state.bits)
    apply(new_state, delay)


def schedule_training(delay):
    global pending_change
    pending_change += 1
    trainer.cancel()
    asyncio.ensure_future(train_current(pending_change, delay))


async def train_current(change, delay):
    global trained_for
    await asyncio.sleep(delay)
    if change != pending_change:
        return  # a newer change came while waiting: its own run follows
    goal = training_settings(state)
    page.status.textContent = f"Training {goal.iterations:,} iterations…"

    def on_progress(done, total, seconds):
        page.show_progress(done, total, seconds)
        show_prediction()

    try:
        seconds = await trainer.train(goal.rows, goal.iterations, goal.seed, goal.hidden,
                                      goal.rate, on_progress)
    except Cancelled:
        return
    except (ArithmeticError, ValueError, MemoryError) as err:  # said in words, not a traceback
        page.show_alert([f"Training stopped: {err}. Try other settings or Restore defaults."])
        page.status.textContent = "Training stopped."
        return
    trained_for = goal
    page.status.textContent = (f"Ready: trained {goal.iterations:,} iterations"
                               f" in {seconds * 1000:,.0f} ms.")
    show_prediction()


def edit(key, text):
    """A value the reader typed or clicked: applied if valid, else flagged and explained."""
    try:
        value = parse_field(key, text)
    except ValueError as err:
        messages[key] = str(err)
        return False
    else:
        messages.pop(key, None)
        messages.pop("url", None)  # the reader has moved on from the link's problems
        apply(replace(state, **{key: value}))
        return True
    finally:
        show_messages()


@when("change", ".input-bit")
def on_bit_change(event):
    apply(replace(state, bits=page.read_bits()))


@when("input", "#hidden, #iterations, #seed, #rate")
def on_field_input(event):
    field = event.target
    text = "" if field.validity.badInput else field.value
    page.mark_field(field.id, not edit(field.id, text))


@when("change", "#rows")
def on_rows_change(event):
    valid = edit("rows", page.read_rows_text())
    page.mark_rows_invalid(not valid)
    if valid:
        page.show_preset(state.rows)


@when("click", "#rows")
def on_rows_click(event):
    index = event.target.getAttribute("data-remove")
    if index is not None:
        rows = state.rows[: int(index)] + state.rows[int(index) + 1:]
        page.show_rows(rows)
        edit("rows", page.read_rows_text())


@when("click", "#add-row")
def on_add_row(event):
    page.show_rows(add_row(state.rows))
    edit("rows", page.read_rows_text())


@when("change", "#training-set")
def on_preset(event):
    name = event.target.value
    if name in PRESETS:
        page.show_rows(parse_field("rows", PRESETS[name]))
        edit("rows", PRESETS[name])


@when("click", "#restore-defaults")
def on_restore_defaults(event):
    load("", delay=0)


@when("click", "#copy-link")
async def on_copy_link(event):
    try:
        await window.navigator.clipboard.writeText(window.location.href)
        page.status.textContent = "Link copied: it opens this exact network."
    except Exception:
        page.status.textContent = "Could not copy; the address bar holds the link."


def on_hash_change(event):
    if window.location.hash.lstrip("#") != serialise(state):
        load(window.location.hash)


window.addEventListener("hashchange", create_proxy(on_hash_change))
load(window.location.hash)
document.documentElement.dataset.runtime = "ready"
