"""The page's controller: one State, kept in the URL, turned into training runs and views.

Every change the reader makes goes through `apply`: it writes the canonical fragment, and either
retrains (any setting but the input bits and the iteration shown; after typing pauses) or only
shows the network at the chosen iteration. Numbers come from the Trainer; page.py writes them.
"""

import asyncio
import time
from dataclasses import replace

from pyodide.ffi import create_proxy, to_js
from pyscript import document, when, window

import listing
import page
from state import (DEFAULT, PRESETS, add_row, parse, parse_field, serialise,
                   with_at)
from trainer import Cancelled, Trainer

TYPING_PAUSE = 0.3  # seconds without a change before retraining
PROGRESS_EVERY = 0.1  # seconds between redraws while training
PLAY_FRAME = 0.06  # seconds per frame while playing; with reduced motion, REDUCED_FRAME
REDUCED_FRAME = 0.5
REDUCED_JUMPS = 20

trainer = Trainer()
state = DEFAULT
trained_for = None  # the State (bits and `at` aside) that the trainer's finished run belongs to
pending_change = 0  # counts changes, so a delayed training run knows when it is out of date
playing = False
messages = {}  # what the alert says, by source: "url" or a state key


def training_settings(s):
    return replace(s, bits=DEFAULT.bits, at=None)


def trained():
    return trained_for == training_settings(state)


def shown_iteration():
    return state.iterations if state.at is None else state.at


def show_prediction(settled):
    page.show_prediction(trainer.predict(state.bits), settled)


def show_network():
    """All views for the network at the chosen iteration, once training has finished."""
    k = shown_iteration()
    snapshot = trainer.at(k)
    page.show_snapshot(snapshot, state, with_step=True)
    page.show_scrubber(k, state.iterations, enabled=True, playing=playing)
    page.show_code(listing.call(state, k))
    show_prediction(settled=not playing)


def show_messages():
    page.show_alert(list(messages.values()))


def apply(new_state, delay=TYPING_PAUSE):
    """Make new_state current: URL, views, and a retrain if a training setting changed."""
    global state
    state = new_state
    window.history.replaceState(None, "", "#" + serialise(state))
    page.mark_busy()
    if trained():
        show_network()
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
    global pending_change, playing
    pending_change += 1
    playing = False
    trainer.cancel()
    asyncio.ensure_future(train_current(pending_change, delay))


async def train_current(change, delay):
    global trained_for
    await asyncio.sleep(delay)
    if change != pending_change:
        return  # a newer change came while waiting: its own run follows
    goal = training_settings(state)
    page.status.textContent = f"Training {goal.iterations:,} iterations…"
    last_drawn = 0.0

    def on_progress(done, total, seconds):
        nonlocal last_drawn
        page.show_progress(done, total, seconds)
        if time.perf_counter() - last_drawn > PROGRESS_EVERY or done == total:
            last_drawn = time.perf_counter()
            page.show_snapshot(trainer.at(done, with_step=False), state, with_step=False)
            page.show_scrubber(done, total, enabled=False, playing=False)
            show_prediction(settled=False)

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
    show_network()


def edit(key, text):
    """A setting the reader typed or clicked: applied if valid, else flagged and explained."""
    try:
        value = parse_field(key, text)
    except ValueError as err:
        messages[key] = str(err)
        return False
    else:
        messages.pop(key, None)
        messages.pop("url", None)  # the reader has moved on from the link's problems
        apply(replace(state, at=None, **{key: value}))
        return True
    finally:
        show_messages()


def go_to(k):
    apply(with_at(state, k))


@when("change", ".input-bit")
def on_bit_change(event):
    apply(replace(state, bits=page.read_bits()))


@when("click", "#truth")
def on_truth_row(event):
    bits = event.target.closest("[data-bits]")
    if bits is not None:
        page.show_bits(tuple(int(c) for c in bits.dataset.bits))
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


@when("input", "#iteration")
def on_scrub(event):
    global playing
    playing = False
    go_to(int(event.target.value))


@when("click", "#step")
def on_step(event):
    global playing
    playing = False
    go_to(min(shown_iteration() + 1, state.iterations))


@when("click", "#reset")
def on_reset(event):
    global playing
    playing = False
    go_to(0)


@when("click", "#play")
async def on_play(event):
    global playing
    if playing:
        playing = False
        show_network()  # settles the readout where Play stopped
        return
    playing = True
    if shown_iteration() == state.iterations:
        go_to(0)
    reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches
    while playing and trained() and shown_iteration() < state.iterations:
        await asyncio.sleep(REDUCED_FRAME if reduced else PLAY_FRAME)
        if not playing:
            break
        k = shown_iteration()
        # Faster as k grows, so the early, quick learning is seen up close; with reduced motion,
        # a few even jumps (REDUCED_JUMPS) instead of an animation.
        step = max(1, state.iterations // REDUCED_JUMPS) if reduced else max(1, k // 25)
        go_to(min(state.iterations, k + step))
    if playing:
        playing = False
        show_network()


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


@when("click", "#download")
def on_download(event):
    script = listing.standalone_script(state, shown_iteration(), serialise(state))
    blob = window.Blob.new(to_js([script]), to_js({"type": "text/x-python"},
                                                  dict_converter=window.Object.fromEntries))
    page.download(blob, "tenline.py")


def on_hash_change(event):
    if window.location.hash.lstrip("#") != serialise(state):
        load(window.location.hash)


window.addEventListener("hashchange", create_proxy(on_hash_change))
page.show_source(listing.model_source())
load(window.location.hash)
document.documentElement.dataset.runtime = "ready"
