"""Pictures of the network as markup: numbers in, HTML and SVG strings out.

Pure functions, no browser imports: the page sets `element.innerHTML` to what they return, and the
tests parse it in CPython. The markup has no `style` attribute and no <style> element (the page runs
under a strict Content-Security-Policy); looks come from classes in site/style.css and from SVG
presentation attributes. Every number a reader or a test may check carries its exact value in
`data-value` (as `repr(float(v))`); the visible text is rounded.
"""

import html

import numpy as np

# Loss curve: a fixed viewBox and plotting area, so nothing moves when the numbers change.
CURVE_W, CURVE_H = 480, 240
LEFT, TOP, RIGHT, BOTTOM = 56, 12, 448, 200
MAX_POINTS = 400  # a million losses must not go into the DOM

# Network diagram: room for 16 hidden neurons, one pill-shaped node each.
DIAGRAM_W, DIAGRAM_H = 480, 360
NODES_TOP, NODES_BOTTOM = 28, 356
NODE_W, NODE_H = 64, 18
MIN_WIDTH, MAX_WIDTH = 0.5, 8  # a connection's stroke width is |weight|, clamped to this range

# One plain-words sentence for every array model.explain_update names (and the initial weights).
SENTENCES = {
    "w": "the weights, one per input bit.",
    "w1": "the first layer's weights: one row per input bit, one column per hidden neuron.",
    "w2": "the second layer's weights: one per hidden neuron, into the output.",
    "h": "the hidden neurons' activations for each training row: the sigmoid of the row's input "
         "bits times the first layer's weights, added up (X @ w1).",
    "out": "the network's output for each training row, before this update: the sigmoid of the "
           "last layer's inputs times its weights, added up (X @ w, or h @ w2).",
    "d": "the error, y - out, times the sigmoid's slope at each output, out * (1 - out): how far "
         "each row's sum should move. An output near 0 or 1 moves little.",
    "d2": "the output's error, y - out, times its slope, out * (1 - out): how far the output "
          "neuron's sum should move for each row.",
    "d1": "d2 sent back through the second layer's weights (d2 @ w2.T), each hidden neuron's "
          "share of the error, times that neuron's slope, h * (1 - h).",
    "X.T @ d": "the adjustment: each row's d added onto the weight of every input bit that was 1.",
    "X.T @ d1": "the first layer's adjustment: d1 added onto the weight of every input bit "
                "that was 1.",
    "h.T @ d2": "the second layer's adjustment: d2 weighted by each hidden activation.",
    "w + rate * (X.T @ d)": "the new weights: the old weights plus the learning rate ({rate}) "
                            "times the adjustment.",
    "w1 + rate * (X.T @ d1)": "the new first-layer weights: the old ones plus the learning rate "
                              "({rate}) times their adjustment.",
    "w2 + rate * (h.T @ d2)": "the new second-layer weights: the old ones plus the learning rate "
                              "({rate}) times their adjustment.",
}


def _esc(text):
    return html.escape(str(text))


def _value(v):
    """The data-value attribute: the float to the last bit, as repr writes it."""
    return f'data-value="{float(v)!r}"'


def _num(v, places):
    return f"{float(v):.{places}f}"


def _short(v):
    """A loss for reading: four significant digits, positional down to 1e-6 (then exponent)."""
    v = float(v)
    if v != 0 and abs(v) < 1e-6:
        return f"{v:.3e}"
    return np.format_float_positional(v, precision=4, unique=False, fractional=False, trim="-")


def _plain(v):
    """A setting such as the learning rate, as short as it goes without losing digits."""
    return np.format_float_positional(float(v), trim="-")


def _text(x, y, content, cls, anchor="middle", extra=""):
    return (f'<text class="{cls}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>'
            f"{content}</text>")


def _svg(width, height, cls, role, label, body):
    # width and height give the aspect ratio before the stylesheet scales the picture to fit.
    return (f'<svg class="chart {cls}" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="{role}" aria-label="{_esc(label)}">{body}</svg>')


# --- Loss curve -----------------------------------------------------------------------------


def _curve_indices(n, k):
    """At most MAX_POINTS + 1 iterations, log-spaced like the x axis, always with 0, k and n."""
    spaced = np.geomspace(1, n + 1, min(n + 1, MAX_POINTS)).round().astype(int) - 1
    return np.unique(np.concatenate([spaced, [0, k, n]]))


def _ticks(total, x):
    """Iterations 0, 1, 10, 100, ... up to total, and total itself when there is room."""
    ticks = [0] + [10**e for e in range(len(str(total))) if 10**e <= total]
    if x(total) - x(ticks[-1]) >= 40:  # room for one more label without overlap
        ticks.append(total)
    return ticks


def loss_curve(losses, k, total):
    """SVG of the loss after iterations 0..n on a log x axis ending at `total`, marked at k."""
    losses = np.asarray(losses, dtype=float)
    n = len(losses) - 1
    span = np.log10(max(total, 1) + 1)
    top_loss = float(losses.max()) if losses.max() > 0 else 1.0  # an all-zero curve lies on 0

    def x(i):
        return LEFT + (RIGHT - LEFT) * np.log10(np.asarray(i) + 1) / span

    def y(v):
        return BOTTOM - (BOTTOM - TOP) * np.asarray(v) / top_loss

    idx = _curve_indices(n, k)
    points = " ".join(f"{px:.1f},{py:.1f}" for px, py in zip(x(idx), y(losses[idx])))
    parts = [f'<line class="grid" x1="{LEFT}" y1="{TOP}" x2="{RIGHT}" y2="{TOP}"/>',
             f'<line class="axis-rule" x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}"/>',
             f'<line class="axis-rule" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}"/>',
             _text(LEFT - 6, TOP + 4, _short(top_loss), "tick-label num", "end",
                   f" {_value(top_loss)}"),
             _text(LEFT - 6, BOTTOM + 4, "0", "tick-label num", "end")]
    for i in _ticks(total, x):
        parts.append(f'<line class="axis-rule" x1="{x(i):.1f}" y1="{BOTTOM}" x2="{x(i):.1f}" '
                     f'y2="{BOTTOM + 5}"/>')
        parts.append(_text(x(i), BOTTOM + 18, f"{i:,}", "tick-label num"))
    parts.append(_text((LEFT + RIGHT) / 2, CURVE_H - 4, "iteration (log scale)", "axis-title"))
    parts.append(f'<polyline class="loss-line" fill="none" points="{points}"/>')
    mx, my, at_k = x(k), y(losses[k]), losses[k]
    anchor, dx = ("start", 6) if mx < (LEFT + RIGHT) / 2 else ("end", -6)  # stay in the box
    parts += [f'<line class="marker" x1="{mx:.1f}" y1="{TOP}" x2="{mx:.1f}" y2="{BOTTOM}"/>',
              f'<circle class="marker-dot" cx="{mx:.1f}" cy="{my:.1f}" r="4"/>',
              _text(mx + dx, TOP + 14, f'iteration {k:,}, loss <tspan class="loss-at-k num" '
                    f'{_value(at_k)}>{_short(at_k)}</tspan>', "marker-label", anchor)]
    of_total = f" of {total:,}" if n < total else ""
    label = (f"Loss curve: mean squared error {_short(losses[0])} at iteration 0, "
             f"{_short(losses[n])} at iteration {n:,}{of_total}; "
             f"marker at iteration {k:,}, loss {_short(at_k)}")
    return _svg(CURVE_W, CURVE_H, "loss-chart", "img", label, "".join(parts))


# --- Network diagram and weights table ------------------------------------------------------


def _names(weights):
    """Every node's name, layer by layer: input 1..3, hidden 1..h, output."""
    sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
    names = []
    for layer, size in enumerate(sizes):
        kind = "input" if layer == 0 else "output" if layer == len(sizes) - 1 else "hidden"
        names.append([kind] if kind == "output" and size == 1
                     else [f"{kind} {i + 1}" for i in range(size)])
    return names


def _connections(weights):
    """(layer, i, j, from, to, value) for every weight, matrix by matrix, row by row."""
    names = _names(weights)
    for layer, w in enumerate(weights):
        for (i, j), v in np.ndenumerate(w):
            yield layer, i, j, names[layer][i], names[layer + 1][j], float(v)


def _weight_label(source, target, v):
    return f"Weight from {source} to {target}: {v:.4f}"


def _node(name, cx, cy, activation):
    """A pill: a dot whose fill opacity is the activation, then the activation in digits."""
    left = cx - NODE_W / 2
    return (f'<g class="node"><title>{_esc(name)}: activation {_num(activation, 4)}</title>'
            f'<rect class="node-box" x="{left:.1f}" y="{cy - NODE_H / 2:.1f}" width="{NODE_W}" '
            f'height="{NODE_H}" rx="{NODE_H / 2}"/>'
            f'<circle class="node-dot" cx="{left + 11:.1f}" cy="{cy:.1f}" r="5.5" '
            f'fill-opacity="{min(max(float(activation), 0.0), 1.0):.3f}"/>'
            + _text(left + 20, cy + 4, _num(activation, 3), "activation num", "start",
                    f" {_value(activation)}") + "</g>")


def _layout(names):
    """Each layer's x and each node's y in the diagram."""
    count = len(names)
    xs = [40 + (DIAGRAM_W - 80) * c / (count - 1) for c in range(count)]
    ys = [[NODES_TOP + (NODES_BOTTOM - NODES_TOP) * (i + 0.5) / len(column)
           for i in range(len(column))] for column in names]
    return xs, ys


def _titles(names):
    return ["inputs"] + ["hidden"] * (len(names) - 2) + ["output"]


def diagram_nodes(weights, activations):
    """The diagram's nodes with their activations: what changes when only the input does (the
    content of its `<g class="nodes">`)."""
    names = _names(weights)
    xs, ys = _layout(names)
    return "".join(_node(name, xs[c], ys[c][i], a)
                   for c, column in enumerate(names)
                   for i, (name, a) in enumerate(zip(column, np.ravel(activations[c]))))


def diagram_label(weights, activations):
    names = _names(weights)
    described = "; ".join(
        f"{kind} {', '.join(_num(a, 3) for a in np.ravel(values))}"
        for kind, values in zip(_titles(names), activations))
    hidden = f"{len(names[1])} hidden neurons, " if len(names) == 3 else ""
    return (f"Network diagram: 3 inputs, {hidden}1 output, {sum(w.size for w in weights)} "
            f"weights; line width shows a weight's size, colour and dashes its sign. "
            f"Activations: {described}. Focus a connection for its weight, arrow keys for the "
            f"next; or hover one.")


def network_diagram(weights, activations):
    """SVG of the network: nodes with their activations, one focusable line per weight."""
    names = _names(weights)
    xs, ys = _layout(names)
    parts = [_text(x, 14, title, "col-label") for x, title in zip(xs, _titles(names))]
    for n, (layer, i, j, source, target, v) in enumerate(_connections(weights)):
        label = _esc(_weight_label(source, target, v))
        x1, y1 = xs[layer] + NODE_W / 2, ys[layer][i]  # from the right of one pill ...
        x2, y2 = xs[layer + 1] - NODE_W / 2, ys[layer + 1][j]  # ... to the left of the next
        ends = f'x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
        # A wide transparent path under the line makes thin weights easy to hover (a path, so
        # the stylesheet's `.weight line` colours leave it alone).
        hit = f"M{x1:.1f} {y1:.1f}L{x2:.1f} {y2:.1f}"
        # One tab stop for all weights (a roving tabindex: arrow keys move inside, py/ui.py).
        parts.append(f'<g class="weight {"pos" if v >= 0 else "neg"}" role="img" '
                     f'tabindex="{-1 if n else 0}" data-key="weight-{layer}-{i}-{j}" '
                     f'aria-label="{label}" {_value(v)}><title>{label}</title>'
                     f'<path class="hit" d="{hit}"/><line class="edge" {ends} '
                     f'stroke-width="{min(max(abs(v), MIN_WIDTH), MAX_WIDTH):.2f}"/></g>')
    parts.append(f'<g class="nodes">{diagram_nodes(weights, activations)}</g>')
    # A group, not an image: an image's children are hidden from assistive technology, and
    # every weight inside must be reachable.
    return _svg(DIAGRAM_W, DIAGRAM_H, "network-chart", "group",
                diagram_label(weights, activations), "".join(parts))


def weights_table(weights):
    """HTML table of every weight, in the diagram's order and naming."""
    rows = "".join(f'<tr><td>{_esc(source)}</td><td>{_esc(target)}</td>'
                   f'<td class="num" {_value(v)}>{_num(v, 8)}</td></tr>'
                   for _, _, _, source, target, v in _connections(weights))
    return ('<table class="weights"><caption>Weights</caption><thead><tr><th scope="col">From</th>'
            '<th scope="col">To</th><th scope="col">Value</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


# --- Truth table ----------------------------------------------------------------------------


def truth_table(outputs, rows, bits):
    """The <tr> rows (the <tbody>'s content) for all eight inputs in counting order."""
    targets = {tuple(b): t for b, t in rows}
    html_rows = []
    for index, out in enumerate(np.ravel(outputs)):
        these = tuple(int(c) for c in f"{index:03b}")
        spaced, packed = " ".join(map(str, these)), "".join(map(str, these))
        target = targets.get(these)
        wrong = target is not None and int(out >= 0.5) != target  # round half up
        current = ' class="current" aria-current="true"' if these == tuple(bits) else ""
        mark = ('<span class="mismatch" aria-hidden="true">✗</span><span class="visually-hidden">'
                "rounded output differs from target</span>") if wrong else ""
        html_rows.append(
            f'<tr data-inputs="{packed}"{current}><th scope="row"><button type="button" '
            f'class="set-bits" data-bits="{packed}" data-key="bits-{packed}" aria-label="Set input bits to {spaced}">'
            f'{spaced}</button></th><td class="num" {_value(out)}>{_num(out, 8)}</td>'
            f'<td><meter min="0" max="1" value="{float(out)!r}" '
            f'aria-label="Output for {spaced}"></meter></td>'
            f'<td>{"yes" if target is not None else ""}</td>'
            f'<td>{"—" if target is None else target}</td><td>{mark}</td></tr>')
    return "".join(html_rows)


# --- Step-through ---------------------------------------------------------------------------


def _matrix_table(name, array):
    """A captioned table of a 2-D array, 8 decimals a cell, in a box that scrolls sideways."""
    array = np.atleast_2d(array)
    body = "".join("<tr>" + "".join(f'<td class="num" {_value(v)}>{_num(v, 8)}</td>' for v in row)
                   + "</tr>" for row in array)
    rows, columns = array.shape
    return (f'<div class="matrix-wrap"><table class="matrix" data-name="{_esc(name)}">'
            f'<caption><code>{_esc(name)}</code> <span class="shape">{rows} × {columns}</span>'
            f"</caption><tbody>{body}</tbody></table></div>")


def _explained(name, array, rate):
    sentence = SENTENCES.get(name, "an intermediate array.").format(rate=_plain(rate))
    return (f'<div class="step"><p><code>{_esc(name)}</code>: {_esc(sentence)}</p>'
            f"{_matrix_table(name, array)}</div>")


def step_through(step, k, rate, weights):
    """HTML walking through update k (iteration k - 1 to k); the weights themselves at k = 0."""
    if step:
        intro = (f"Iteration {k:,}: the update that turned the weights after iteration {k - 1:,} "
                 f"into those after iteration {k:,}, with learning rate {_plain(rate)}. Every "
                 "array is computed for all training rows at once: X holds their input bits, "
                 "y their targets.")
        pairs = step
    else:  # no update to show: the initial weights (or, without a step, the weights at k)
        intro = (f"Iteration {k:,}: the weights after {k:,} updates." if k else
                 "Iteration 0: the random initial weights, <code>2 * random.random(...) - 1</code>"
                 ", each drawn evenly from -1 up to 1.")
        pairs = zip(["w"] if len(weights) == 1 else ["w1", "w2"], weights)
    return f'<p class="step-intro">{intro}</p>' + "".join(
        _explained(name, array, rate) for name, array in pairs)
