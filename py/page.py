"""Reading and writing the page's elements. No math and no decisions: main.py decides what to show.

Every element is found by id once; the training table is rendered as HTML from the rows.
"""

from pyscript import document, window

import draw
from state import MAX_ROWS, format_field, preset_name

FIELDS = ("hidden", "iterations", "seed", "rate")  # number inputs, by id = state key

_el = document.getElementById
readout = _el("prediction")
status = _el("status")
alert = _el("alert")
rows_body = _el("rows")
training_set = _el("training-set")
add_row_button = _el("add-row")
progress = _el("training-progress")
progress_text = _el("progress-text")
bit_boxes = [_el(f"bit-{i}") for i in (1, 2, 3)]


def read_bits():
    return tuple(int(box.checked) for box in bit_boxes)


def show_bits(bits):
    for box, bit in zip(bit_boxes, bits):
        box.checked = bool(bit)


def _checkbox(label, checked, row, col):
    return (f'<td><input type="checkbox" aria-label="{label}" data-row="{row}" data-col="{col}"'
            f'{" checked" if checked else ""}></td>')


def show_rows(rows):
    """Render the training table and the preset that matches it."""
    html = []
    for i, (bits, target) in enumerate(rows):
        r = i + 1
        cells = [_checkbox(f"Row {r} bit {c + 1}", bit, i, c) for c, bit in enumerate(bits)]
        cells.append(_checkbox(f"Row {r} target", target, i, 3))
        disabled = " disabled" if len(rows) == 1 else ""
        cells.append(f'<td><button type="button" class="remove" data-remove="{i}"'
                     f' aria-label="Remove row {r}"{disabled}>Remove</button></td>')
        html.append(f'<tr><th scope="row">{r}</th>{"".join(cells)}</tr>')
    rows_body.innerHTML = "".join(html)
    add_row_button.disabled = len(rows) >= MAX_ROWS
    show_preset(rows)


def show_preset(rows):
    training_set.value = preset_name(rows)


def read_rows_text():
    """The table as the reader has it, in the fragment's `rows` syntax (validated by the caller)."""
    items = []
    for tr in rows_body.querySelectorAll("tr"):
        boxes = tr.querySelectorAll("input")
        bits = "".join(str(int(boxes.item(c).checked)) for c in range(3))
        items.append(f"{bits}:{int(boxes.item(3).checked)}")
    return ",".join(items)


def mark_rows_invalid(invalid):
    for box in rows_body.querySelectorAll("input"):
        box.setAttribute("aria-invalid", "true" if invalid else "false")


def show_fields(state):
    for key in FIELDS:
        field = _el(key)
        field.value = format_field(state, key)
        field.setAttribute("aria-invalid", "false")


def mark_field(key, invalid):
    _el(key).setAttribute("aria-invalid", "true" if invalid else "false")


def show_alert(messages):
    alert.textContent = " ".join(messages)


def mark_busy():
    readout.setAttribute("aria-busy", "true")


def show_prediction(p, settled):
    """Write a prediction; `settled` means it is the network trained for the current state."""
    readout.querySelector(".probability").textContent = f"{p:.8f}"
    readout.querySelector(".digit").textContent = "1" if p >= 0.5 else "0"
    if settled:
        readout.dataset.probability = repr(p)
        readout.setAttribute("aria-busy", "false")


def show_progress(done, total, seconds):
    progress.max = total
    progress.value = done
    text = f"{done:,} of {total:,} iterations, {seconds:.1f} s"
    progress.setAttribute("aria-valuetext", text)
    progress_text.textContent = text


def _bits_index(bits):
    """The row of `bits` among all 8 inputs in counting order (000 is 0, 111 is 7)."""
    return int("".join(map(str, bits)), 2)


def show_snapshot(snapshot, state, with_step):
    """Every picture of the network after snapshot.k iterations."""
    current = [layer[_bits_index(state.bits)] for layer in snapshot.layers]
    _el("loss-curve").innerHTML = draw.loss_curve(snapshot.losses, snapshot.k, state.iterations)
    _el("diagram").innerHTML = draw.network_diagram(snapshot.weights, current)
    _el("weights-table").innerHTML = draw.weights_table(snapshot.weights)
    _el("truth-body").innerHTML = draw.truth_table(snapshot.layers[-1], state.rows, state.bits)
    if with_step:
        _el("step-through").innerHTML = draw.step_through(snapshot.step, snapshot.k, state.rate,
                                                          snapshot.weights)


def show_scrubber(k, total, enabled, playing):
    slider = _el("iteration")
    slider.max = total
    slider.value = k
    slider.disabled = not enabled
    slider.setAttribute("aria-valuetext", f"iteration {k:,} of {total:,}")
    _el("iteration-text").textContent = f"{k:,} of {total:,}"
    _el("play").textContent = "Pause" if playing else "Play"
    _el("play").disabled = not enabled
    _el("step").disabled = not enabled or k >= total
    _el("reset").disabled = not enabled


def show_source(text):
    _el("source").textContent = text


def show_code(call):
    _el("call").textContent = call


def download(blob, filename):
    """Save a Blob as a file, through a temporary link."""
    url = window.URL.createObjectURL(blob)
    link = document.createElement("a")
    link.href = url
    link.download = filename
    link.click()
    window.URL.revokeObjectURL(url)
