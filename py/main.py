"""The page's controller: one State, kept in the URL, turned into training runs and views.

It runs in the web worker (site/worker.js), which calls `start` with the function that carries
page.py's ops to the page, then hands it the reader's events as JSON through `handle` (py/ui.py
sends them from the page's main thread). Every change the reader makes goes through `apply`: it
writes the canonical fragment, and either retrains (a training setting changed; after typing
pauses) or shows the network at the chosen iteration and input bits, following a run in progress
when there is one. Numbers come from the Trainer.
"""

import asyncio
import itertools
import json
import time
import traceback
from dataclasses import replace

import listing
import page
from state import (DEFAULT, LOCKABLE, PARTS, PRESETS, add_row, differences, format_code,
                   format_rows, parse, parse_field, run_settings, serialise, with_at)
from trainer import Cancelled, Trainer

TYPING_PAUSE = 0.3  # seconds without a change before retraining
PROGRESS_EVERY = 0.1  # seconds between redraws while training
FIRST_REDRAW_AFTER = 0.25  # seconds; a run done sooner looks instant, so it is drawn once, when done
PLAY_FRAME = 0.06  # seconds per frame while playing; with reduced motion, REDUCED_FRAME
REDUCED_FRAME = 0.5
REDUCED_JUMPS = 20
INPUTS = tuple(itertools.product((0, 1), repeat=3))  # all eight, 000 to 111

trainer = Trainer()
state = DEFAULT
trained_for = None  # the run_settings that the trainer's finished run belongs to
training_for = None  # the same for the run scheduled or under way, until it ends
drawn_at = None  # the iteration of the last frame drawn of the run under way
pending_change = 0  # counts changes, so a delayed training run knows when it is out of date
playing = False
reduced_motion = False  # the reader's prefers-reduced-motion, as the page reports it
table = DEFAULT.rows  # the training table as shown, which may be invalid (then state.rows is not)
row_ids = ()  # each shown row's identity: events name rows by it, so a removed row is not another
new_row_id = itertools.count()
messages = {}  # what the alert says, by source: "url" or a state key
edited_code = None  # the editor's text once the reader has made it differ from the script
pin_trainer = Trainer()  # retrains a pinned run that came in a link
pinned = None  # the pinned run's Snapshot at its end, once trained
pinned_for = None  # the run settings that `pinned` belongs to, or is being trained for
share = {"show": PARTS, "lock": ()}  # what the Share dialog's boxes say
base_url = ""  # the page's address without its fragment, for the links Share gives
lesson_shown = None  # the (show, lock) the page shows


def trained():
    return trained_for == run_settings(state)


def pin_shown():
    """The pinned run's Snapshot, if one is pinned and trained."""
    return pinned if state.pin is not None and pinned_for == state.pin else None


def shown_iteration():
    return state.iterations if state.at is None else state.at


def show_prediction(settled):
    page.show_prediction(trainer.predict(state.bits), settled)
    page.show_pinned(state, pin_shown(), differences(state, state.pin) if state.pin else [],
                     can_pin=trained())
    if settled:
        show_readouts()


def show_readouts():
    page.show_readouts({bits: (trainer.predict(bits), serialise(replace(state, bits=bits)))
                        for bits in INPUTS})


def original_script():
    """The standalone script for the current settings: what Download script gives unedited."""
    return listing.standalone_script(state, shown_iteration(), serialise(replace(state, code="")))


def show_code_panel():
    """The editor, which follows the settings until the reader edits it, and the changes."""
    original = original_script()
    if edited_code is None:
        page.show_editor(original)
    page.show_changes(listing.changes(original, edited_code) if edited_code else "",
                      edited=edited_code is not None)


def show_network(same_network=False):
    """All views for the network at the chosen iteration, once training has finished; with
    same_network (only the input bits changed), only the views that depend on the input."""
    k = shown_iteration()
    if same_network:
        page.show_input_views(trainer.at(k, with_step=False, reuse=True), state, same_network,
                              pin_shown())
    else:
        page.show_snapshot(trainer.at(k), state, with_step=True, pinned=pin_shown())
        page.show_scrubber(k, state.iterations, enabled="at" not in state.lock, playing=playing)
    page.show_code(listing.call(state, k))
    if not playing:
        show_code_panel()
    show_prediction(settled=not playing)


def show_messages():
    page.show_alert(list(messages.values()))


def apply(new_state, delay=TYPING_PAUSE):
    """Make new_state current: URL, views, and a retrain if a training setting changed."""
    global state, lesson_shown
    same_network = replace(new_state, bits=state.bits) == state and trained()
    state = new_state
    page.show_fragment(serialise(state))
    page.show_choices(state)
    if (state.show, state.lock) != lesson_shown:  # rarely: not on every toggle
        lesson_shown = (state.show, state.lock)
        page.show_lesson(state)
    page.mark_busy()
    if state.pin is not None and state.pin != pinned_for:
        train_pinned(state.pin)
    if trained():
        show_network(same_network)
    elif run_settings(state) == training_for:
        follow_run()
    else:
        schedule_training(delay)


def follow_run():
    """The input views and readout for the run under way: it goes on for these settings (the
    bits or the iteration to show changed); its next frames, and its end, show them too."""
    if drawn_at is not None:
        page.show_input_views(trainer.at(drawn_at, with_step=False, reuse=True), state,
                              same_network=True, pinned=pin_shown())
        show_prediction(settled=False)


def load(fragment, delay=0):
    """A whole state from a fragment (page load, pasted link, back/forward). Code in it is shown
    in the editor, never run: only the reader's Run runs it."""
    global edited_code
    new_state, problems = parse(fragment)
    edited_code = new_state.code or None
    if edited_code:
        page.show_editor(edited_code)
    messages.clear()
    if problems:
        messages["url"] = " ".join(problems)
    show_messages()
    show_table(new_state.rows, new_ids(new_state.rows))
    page.show_fields(new_state)
    page.show_bits(new_state.bits)
    apply(new_state, delay)


def schedule_training(delay):
    global pending_change, playing, trained_for, training_for, drawn_at
    pending_change += 1
    playing = False
    trained_for, training_for, drawn_at = None, run_settings(state), None
    trainer.cancel()
    asyncio.ensure_future(reporting(train_current(pending_change, delay)))


async def train_current(change, delay):
    global trained_for, training_for
    await asyncio.sleep(delay)
    if change != pending_change:
        return  # a newer change came while waiting: its own run follows
    goal = training_for
    page.show_status(f"Training {goal.iterations:,} iterations…")
    next_redraw = time.perf_counter() + FIRST_REDRAW_AFTER

    def on_progress(done, total, seconds):
        nonlocal next_redraw
        global drawn_at
        page.show_progress(done, total, seconds)
        if time.perf_counter() > next_redraw and done < total:  # the last frame: show_network
            next_redraw = time.perf_counter() + PROGRESS_EVERY
            drawn_at = done
            page.show_snapshot(trainer.at(done, with_step=False), state, with_step=False,
                               pinned=pin_shown())
            page.show_scrubber(done, total, enabled=False, playing=False)
            show_prediction(settled=False)

    try:
        seconds = await trainer.train(goal, on_progress)
    except Cancelled:
        return
    except (ArithmeticError, ValueError, MemoryError) as err:  # said in words, not a traceback
        training_for = None
        page.show_alert([f"Training stopped: {err}. Try other settings or Restore defaults."])
        page.show_status("Training stopped.")
        return
    trained_for, training_for = goal, None
    page.show_status(f"Ready: trained {goal.iterations:,} iterations"
                     f" in {seconds * 1000:,.0f} ms.")
    show_network()


def train_pinned(settings):
    """Train the run a link pinned, beside the current one; the views show it once done."""
    global pinned, pinned_for
    pinned, pinned_for = None, settings
    pin_trainer.cancel()
    if trained_for == settings:  # it is the run on show: kept as it is
        pinned = trainer.run.at(settings.iterations, with_step=False)
        return
    asyncio.ensure_future(reporting(train_pinned_run(settings)))


async def train_pinned_run(settings):
    global pinned
    try:
        await pin_trainer.train(settings)
    except Cancelled:
        return
    except (ArithmeticError, ValueError, MemoryError) as err:
        messages["pin"] = f"The pinned run could not be trained: {err}."
        show_messages()
        return
    pinned = pin_trainer.run.at(settings.iterations, with_step=False)
    if trained() and not playing:
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


def new_ids(rows):
    return tuple(next(new_row_id) for _ in rows)


def show_table(rows, ids):
    global table, row_ids
    table, row_ids = rows, ids
    page.show_rows(rows, ids)
    page.show_preset(rows)


def edit_table(rows, ids, redraw=True):
    """A new training table from the reader: shown as it is, used if it is valid. A checkbox
    the reader ticked needs no redraw (which would also take the focus away from it)."""
    global table, row_ids
    table, row_ids = rows, ids
    if redraw:
        page.show_rows(rows, ids)
    valid = edit("rows", format_rows(rows))
    page.mark_rows_invalid(not valid)
    if valid:
        page.show_preset(state.rows)


def stop_playing():
    global playing
    playing = False


# Event handlers, by (event type, id of the element or of the table holding it). Each takes the
# event as py/ui.py describes it: value, checked, bad (the browser could not parse the
# input), data (the element's data-* attributes).

def on_bit(event):
    bits = list(state.bits)
    bits[int(event["id"][-1]) - 1] = int(event["checked"])
    page.show_bits(bits)  # over an older answer that the page may have shown since the click
    apply(replace(state, bits=tuple(bits)))


def on_set_bits(event):
    """A button that sets the input bits (a truth table's row, a corner of the input cube)."""
    if "bits" in event["data"]:
        bits = tuple(int(c) for c in event["data"]["bits"])
        page.show_bits(bits)
        apply(replace(state, bits=bits))


def on_field(event):
    key = event["id"]
    text = "" if event["bad"] else event["value"]
    page.mark_field(key, not edit(key, text))


def row_index(event, name):
    """Where the row an event names (by identity, in data-<name>) is now; None if it is gone,
    as when the reader removed it just before: the event is then dropped."""
    given = event["data"].get(name)
    return next((i for i, id in enumerate(row_ids) if str(id) == given), None)


def on_row_box(event):
    row = row_index(event, "row")
    if row is None:
        return
    col = int(event["data"]["col"])
    bits, target = table[row]
    if col == 3:
        target = int(event["checked"])
    else:
        bits = bits[:col] + (int(event["checked"]),) + bits[col + 1:]
    edit_table(table[:row] + ((bits, target),) + table[row + 1:], row_ids, redraw=False)


def on_remove_row(event):
    i = row_index(event, "remove")
    if i is None:
        return
    edit_table(table[:i] + table[i + 1:], row_ids[:i] + row_ids[i + 1:])
    # The Remove button had the focus: it goes to the next row's, or the last one's, or Add row.
    page.refocus(page.remove_button(row_ids[min(i, len(row_ids) - 1)]), "#add-row")


def on_add_row(event):
    rows = add_row(table)
    edit_table(rows, row_ids + new_ids(rows[len(table):]))
    page.refocus("#add-row", page.remove_button(row_ids[-1]))  # Add row is disabled when full


def on_pin(event):
    """Pin this run: its settings go in the link, its numbers are kept as they are."""
    if trained():  # else a click that raced the button's disabling as a run began
        apply(replace(state, pin=run_settings(state)))  # train_pinned keeps the run on show


def on_unpin(event):
    global pinned, pinned_for
    pin_trainer.cancel()
    pinned = pinned_for = None
    messages.pop("pin", None)
    show_messages()
    apply(replace(state, pin=None))


def on_share_open(event):
    """The Share dialog starts from the page as it is: its parts and its locks."""
    share.update(show=state.show or PARTS, lock=state.lock)
    show_share()


def on_share_box(event):
    """A box of the Share dialog: a part to show (data-part) or a setting to lock (data-lock)."""
    for group, names in (("show", PARTS), ("lock", LOCKABLE)):
        key = event["data"].get("part" if group == "show" else "lock")
        if key in names:
            chosen = set(share[group]) - {key} | ({key} if event["checked"] else set())
            share[group] = tuple(name for name in names if name in chosen)
    show_share()


def show_share():
    lesson = replace(state, show=None if share["show"] == PARTS else share["show"],
                     lock=share["lock"])
    page.show_share(share, base_url + "#" + serialise(lesson))


def on_bias(event):
    edit("bias", "1" if event["checked"] else "0")


def on_choice(event):
    edit(event["id"], event["value"])


def on_preset(event):
    name = event["value"]
    if name in PRESETS:
        rows = parse_field("rows", PRESETS[name])
        edit_table(rows, new_ids(rows))


def on_scrub(event):
    stop_playing()
    go_to(int(event["value"]))


def on_step(event):
    stop_playing()
    go_to(min(shown_iteration() + 1, state.iterations))


def on_reset(event):
    stop_playing()
    go_to(0)


def on_play(event):
    global playing
    if not trained():
        return  # a click that raced the button's disabling as a run began; the run goes on
    if playing:
        playing = False
        show_network()  # settles the readout where Play stopped
        return
    playing = True
    if shown_iteration() == state.iterations:
        go_to(0)
    asyncio.ensure_future(reporting(play()))


async def play():
    global playing
    while playing and trained() and shown_iteration() < state.iterations:
        await asyncio.sleep(REDUCED_FRAME if reduced_motion else PLAY_FRAME)
        if not playing:
            break
        k = shown_iteration()
        # Faster as k grows, so the early, quick learning is seen up close; with reduced motion,
        # a few even jumps (REDUCED_JUMPS) instead of an animation.
        step = max(1, state.iterations // REDUCED_JUMPS) if reduced_motion else max(1, k // 25)
        go_to(min(state.iterations, k + step))
    if playing:
        playing = False
        show_network()


def set_code(text):
    """The editor now holds `text`, the reader's code (None: the script for the settings, which
    it then follows). The link carries the code if it fits."""
    global edited_code, state
    edited_code = text
    messages.pop("code", None)
    code = text or ""
    if code:
        try:
            parse_field("code", format_code(code))
        except ValueError as err:
            messages["code"] = f"{err} The link leaves the code out; Run still runs it."
            code = ""
    show_messages()
    state = replace(state, code=code)
    page.show_fragment(serialise(state))
    show_code_panel()
    if trained() and not playing:
        show_readouts()  # their addresses carry the code too


def on_code(event):
    text = event["value"]
    set_code(None if text == original_script() else text)


def on_reset_code(event):
    set_code(None)


def on_restore_defaults(event):
    """Back to the defaults; a lesson's parts, locks and locked settings, and a pin, stay."""
    kept = {key: getattr(state, key) for key in ("pin", "show", "lock", *state.lock)}
    load(serialise(replace(DEFAULT, **kept)), delay=0)


def on_download(event):
    page.download(edited_code or original_script(), "tenline.py")


def on_motion(event):
    global reduced_motion
    reduced_motion = event["reduced"]


def on_hash_change(event):
    on_motion(event)
    if event["hash"].lstrip("#") != serialise(state):
        load(event["hash"])


def on_start(event):
    global base_url
    base_url = event.get("base", "")
    on_motion(event)
    page.show_source(listing.model_source())
    load(event["hash"])
    page.show_ready()


HANDLERS = {
    **{("change", f"bit-{i}"): on_bit for i in (1, 2, 3)},
    ("click", "truth-body"): on_set_bits,
    ("click", "cube"): on_set_bits,
    **{("input", key): on_field for key in page.FIELDS},
    ("change", "rows"): on_row_box,
    ("click", "rows"): on_remove_row,
    ("click", "add-row"): on_add_row,
    ("change", "training-set"): on_preset,
    ("change", "bias"): on_bias,
    ("change", "activation"): on_choice,
    ("change", "loss"): on_choice,
    ("input", "iteration"): on_scrub,
    ("click", "step"): on_step,
    ("click", "reset"): on_reset,
    ("click", "play"): on_play,
    ("click", "restore-defaults"): on_restore_defaults,
    ("click", "download"): on_download,
    ("input", "code"): on_code,
    ("click", "reset-code"): on_reset_code,
    ("click", "pin"): on_pin,
    ("click", "unpin"): on_unpin,
    ("click", "share"): on_share_open,
    ("change", "share-dialog"): on_share_box,
    ("motion", None): on_motion,
    ("hashchange", None): on_hash_change,
    ("start", None): on_start,
}


# The setting each control changes, by (event type, id): ignored while a lesson locks it (its
# controls are disabled then; an event already on its way is dropped).
LOCKED_BY = {**{("change", f"bit-{i}"): "bits" for i in (1, 2, 3)},
             ("click", "truth-body"): "bits", ("click", "cube"): "bits",
             **{("input", key): key for key in page.FIELDS},
             ("change", "rows"): "rows", ("click", "rows"): "rows", ("click", "add-row"): "rows",
             ("change", "training-set"): "rows", ("change", "bias"): "bias",
             ("change", "activation"): "activation", ("change", "loss"): "loss",
             **{("input" if id == "iteration" else "click", id): "at"
                for id in ("iteration", "step", "reset", "play")}}


def start(send):
    """Where page.py's ops go (JSON text, one message per flush); returns `handle`."""
    page.connect(send)
    return handle


def handle(message):
    """One event from the page (JSON text); events nobody handles are ignored. Every event is
    answered, even one that fails: the page counts the answers to know when it is settled."""
    try:
        event = json.loads(message)
        key = (event["type"], event.get("id"))
        handler = HANDLERS.get(key)
        if handler and LOCKED_BY.get(key) not in state.lock:
            handler(event)
    except Exception as err:  # a bug: said on the page in words, the traceback for developers
        report(err)
    finally:
        page.flush()


async def reporting(task):
    """Run a task of the event loop (training, Play), saying in words what fails in it."""
    try:
        await task
    except Exception as err:
        report(err)


def report(err):
    traceback.print_exc()
    messages["error"] = (f"Something went wrong in the page's Python ({type(err).__name__}: "
                         f"{str(err)[:80]}). The page still works; Restore defaults starts afresh.")
    show_messages()
