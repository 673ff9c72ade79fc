"""What the page shows, as DOM operations ("ops") for the main thread. No math and no decisions:
main.py decides what to show.

Python runs in a web worker, which cannot touch the DOM. So every write here is recorded as an
op, `[name, selector, ...]`, and sent to the page as JSON, with whether the readout is settled
(shows the network trained for the current state): at the end of each event (`flush`), and at
the end of each turn of the event loop that wrote something (training, Play). py/ui.py, on the
page's main thread, applies the ops (its OPS table lists the names) and owns the readout's
aria-busy.
"""

import asyncio
import html
import json

import draw
from state import LOCKABLE, MAX_ROWS, PARTS, SETTINGS, format_field, preset_name

FIELDS = tuple(key for key, setting in SETTINGS.items() if setting.field)  # number inputs, by id

_ops = []
_send = None
_settled = False


def connect(send):
    """Where the ops go: a function taking JSON text, {"ops": [...], "settled": bool}."""
    global _send
    _send = send


def _op(*op):
    if not _ops:
        asyncio.get_event_loop().call_soon(_flush_written)
    _ops.append(op)


def _flush_written():
    if _ops:
        flush()


def flush():
    """Send what was written since the last flush, even nothing: the page counts the answers."""
    _send(json.dumps({"ops": _ops, "settled": _settled}))
    _ops.clear()


def _text(selector, text):
    _op("text", selector, text)


def _attr(selector, name, value):
    _op("attr", selector, name, value)


def _prop(selector, name, value):
    _op("prop", selector, name, value)


def _flag(selector, name, on):
    _attr(selector, name, "true" if on else "false")


def show_status(text):
    _text("#status", text)


def show_bits(bits):
    for i, bit in enumerate(bits, start=1):
        _prop(f"#bit-{i}", "checked", bool(bit))


def _checkbox(label, checked, row_id, col):
    return (f'<td><input type="checkbox" aria-label="{label}" data-row="{row_id}" '
            f'data-col="{col}" data-key="row-{row_id}-{col}"{" checked" if checked else ""}></td>')


def remove_button(row_id):
    """The selector of a row's Remove button, while it can be pressed."""
    return f'[data-remove="{row_id}"]:not([disabled])'


def show_rows(rows, ids):
    """Render the training table: rows of (three input bits, target), each with its identity,
    which the events name (the numbers the reader sees are positions)."""
    html = []
    for i, ((bits, target), id) in enumerate(zip(rows, ids)):
        r = i + 1
        cells = [_checkbox(f"Row {r} bit {c + 1}", bit, id, c) for c, bit in enumerate(bits)]
        cells.append(_checkbox(f"Row {r} target", target, id, 3))
        disabled = " disabled" if len(rows) == 1 else ""
        cells.append(f'<td><button type="button" class="remove" data-remove="{id}" '
                     f'data-key="remove-{id}" aria-label="Remove row {r}"{disabled}>Remove'
                     f'</button></td>')
        html.append(f'<tr><th scope="row">{r}</th>{"".join(cells)}</tr>')
    _op("html", "#rows", "".join(html))
    _prop("#add-row", "disabled", len(rows) >= MAX_ROWS)


def refocus(*selectors):
    """Where the focus goes if what had it was redrawn away: the first of these that exists."""
    _op("focus", *selectors)


def show_preset(rows):
    _prop("#training-set", "value", preset_name(rows))


def mark_rows_invalid(invalid):
    _flag("#rows input", "aria-invalid", invalid)


def show_fields(state):
    for key in FIELDS:
        _prop(f"#{key}", "value", format_field(state, key))
        mark_field(key, False)


def show_choices(state):
    """The settings chosen, not typed: the bias, the activation (for a hidden layer only, said
    beside it) and the loss."""
    _prop("#bias", "checked", state.bias)
    _prop("#activation", "value", state.activation)
    _prop("#activation", "disabled", state.hidden == 0 or "activation" in state.lock)
    _text("#activation-hint", "the hidden layer's: add hidden neurons to choose it"
          if state.hidden == 0 else "the hidden layer's; the output stays a sigmoid")
    _prop("#loss", "value", state.loss)
    _prop("#why-bias", "hidden", not state.bias)  # the "Why" text on 0 0 0, for this network
    _prop("#why-no-bias", "hidden", state.bias)


# What a lesson locks, by key: the control (or the fieldset holding the controls) disabled.
LOCKED_CONTROLS = {"rows": "#rows-lock", "bits": "#input-bits", "hidden": "#hidden",
                   "iterations": "#iterations", "seed": "#seed", "rate": "#rate", "bias": "#bias",
                   "loss": "#loss"}  # activation: show_choices; at: show_scrubber
# How the lesson's note names what is locked.
LOCK_NAMES = {"rows": "the training set", "bits": "the input bits", "hidden": "hidden neurons",
              "iterations": "iterations", "seed": "the random seed", "rate": "the learning rate",
              "bias": "the bias", "activation": "the activation", "loss": "the loss",
              "at": "the iteration shown"}


def show_lesson(state):
    """A lesson's page: only the parts it shows (each one's element is #part-<key>), and its
    locked settings' controls disabled, said in a note."""
    shown = state.show or PARTS
    for part in PARTS:
        _prop(f"#part-{part}", "hidden", part not in shown)
    _prop("#part-ask", "hidden", not {"bits", "cube"} & set(shown))  # the panel of both
    _attr("main", "data-lesson", "true" if state.show or state.lock else "false")
    for key, selector in LOCKED_CONTROLS.items():
        _prop(selector, "disabled", key in state.lock)
    locked = [LOCK_NAMES[key] for key in LOCKABLE if key in state.lock]
    _text("#lesson-note", f"This lesson locks {_listed(locked)}: shown, not to be changed."
          if locked else "")
    _prop("#lesson-note", "hidden", not locked)


def _listed(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def show_share(share, link):
    """The Share dialog: its boxes as chosen, the link they make, and a frame for a blog."""
    for part in PARTS:
        _prop(f"#share-part-{part}", "checked", part in share["show"])
    for key in LOCKABLE:
        _prop(f"#share-lock-{key}", "checked", key in share["lock"])
    _prop("#share-link", "value", link)
    _prop("#share-embed", "value", f'<iframe src="{html.escape(link)}" width="600" height="400" '
                                   'title="tenline: a neural network learning"></iframe>')


def show_pinned(state, pinned, differences, can_pin):
    """The pinned run beside this one: what it answers for the same bits, and how the settings
    differ; Pin (once this run is trained) and Unpin as they apply."""
    _prop("#pin", "hidden", state.pin is not None)
    _prop("#pin", "disabled", not can_pin)
    _prop("#unpin", "hidden", state.pin is None)
    _prop("#pinned", "hidden", state.pin is None)
    if state.pin is None:
        return
    if pinned is None:
        _text("#pinned-readout", "Training the pinned run…")
    else:
        p = pinned.layers[-1][draw.bits_index(state.bits)][0]
        _text("#pinned-readout", f"The pinned run answers {p:.8f} for "
                                 f"{' '.join(map(str, state.bits))}.")
    _text("#pinned-differences", "It has the same settings as this one." if not differences else
          "It differs in " + _listed([f"{key} ({now} here, {then} pinned)"
                                      for key, now, then in differences]) + ".")


def mark_field(key, invalid):
    _flag(f"#{key}", "aria-invalid", invalid)


def show_alert(messages):
    _text("#alert", " ".join(messages))


def mark_busy():
    global _settled
    _settled = False


def _readout(p):
    return {"probability": f"{p:.8f}", "digit": "1" if p >= 0.5 else "0", "exact": repr(p)}


def show_prediction(p, settled):
    """Write a prediction; `settled` means it is the network trained for the current state."""
    global _settled
    readout = _readout(p)
    _text("#prediction .probability", readout["probability"])
    _text("#prediction .digit", readout["digit"])
    if settled:
        _attr("#prediction", "data-probability", readout["exact"])
        _settled = True


def show_readouts(predictions):
    """The readout for each input, {(a, b, c): (p, fragment)}, of the settled network the page
    shows, with the page's address for those bits: an input bit toggled then shows its readout
    and address at once (py/ui.py), a frame before the answer."""
    _op("readouts", {"".join(map(str, bits)): {**_readout(p), "fragment": fragment}
                     for bits, (p, fragment) in predictions.items()})


def show_progress(done, total, seconds):
    _prop("#training-progress", "max", total)
    _prop("#training-progress", "value", done)
    text = f"{done:,} of {total:,} iterations, {seconds:.1f} s"
    _attr("#training-progress", "aria-valuetext", text)
    _text("#progress-text", text)


def show_input_views(snapshot, state, same_network=False, pinned=None):
    """The pictures that depend on the input bits: activations in the diagram, the truth table
    (with a pinned run's outputs beside), the input cube. With same_network (the diagram shows
    this snapshot's weights already), only the diagram's nodes and label are redrawn: a toggle
    answers within a frame."""
    current = [layer[draw.bits_index(state.bits)] for layer in snapshot.layers]
    if same_network:
        _op("html", "#diagram .nodes", draw.diagram_nodes(snapshot.weights, current))
        _attr("#diagram svg", "aria-label", draw.diagram_label(snapshot.weights, current))
    else:
        _op("html", "#diagram", draw.network_diagram(snapshot.weights, current))
    locked = "bits" in state.lock
    _prop("#pinned-col", "hidden", pinned is None)
    _op("html", "#truth-body", draw.truth_table(snapshot.layers[-1], state.rows, state.bits,
                                                pinned and pinned.layers[-1], locked))
    _op("html", "#cube", draw.input_cube(snapshot.weights, snapshot.layers[-1], state.rows,
                                         state.bits, snapshot.network.biases, locked))


def show_snapshot(snapshot, state, with_step, pinned=None):
    """Every picture of the network after snapshot.k iterations (and of a pinned run's)."""
    _op("html", "#loss-curve", draw.loss_curve(
        snapshot.losses, snapshot.k, state.iterations, state.loss,
        pinned and (pinned.losses, state.pin.loss)))
    _op("html", "#weights-table", draw.weights_table(snapshot.weights))
    show_input_views(snapshot, state, pinned=pinned)
    if with_step:
        _op("html", "#step-through", draw.step_through(snapshot.step, snapshot.k, state.rate,
                                                       snapshot.network))


def show_scrubber(k, total, enabled, playing):
    _prop("#iteration", "max", total)
    _prop("#iteration", "value", k)
    _prop("#iteration", "disabled", not enabled)
    _attr("#iteration", "aria-valuetext", f"iteration {k:,} of {total:,}")
    _text("#iteration-text", f"{k:,} of {total:,}")
    _text("#play", "Pause" if playing else "Play")
    _prop("#play", "disabled", not enabled)
    _prop("#step", "disabled", not enabled or k >= total)
    _prop("#reset", "disabled", not enabled)


def show_source(text):
    _text("#source", text)


def show_code(call):
    _text("#call", call)


def show_editor(code):
    _prop("#code", "value", code)


def show_changes(diff, edited):
    """The reader's changes to the script (a unified diff), and whether the editor follows the
    settings, said beside it."""
    lines = [f'<span class="{"file" if i < 2 else _DIFF_LINE.get(line[:1], "context")}">'
             f'{html.escape(line, quote=False)}</span>' for i, line in enumerate(diff.splitlines())]
    _op("html", "#changes", "\n".join(lines) if lines else
        "None: the editor holds the script for the settings above.")
    _text("#code-note", "Edited: the code no longer follows the settings above; Reset code brings"
          " back their script." if edited else
          "This is the script for the settings above: it follows them until you edit it.")


_DIFF_LINE = {"-": "removed", "+": "added", "@": "hunk"}  # after the two lines naming the texts


def show_fragment(fragment):
    """Put the state in the address bar, without a new history entry."""
    _op("url", fragment)


def download(text, filename):
    _op("download", filename, text)


def show_ready():
    _op("ready")
