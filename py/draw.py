"""Pictures of the network as markup: numbers in, HTML and SVG strings out.

Pure functions, no browser imports: the page sets `element.innerHTML` to what they return, and the
tests parse it in CPython. The markup has no `style` attribute and no <style> element (the page runs
under a strict Content-Security-Policy); looks come from classes in site/style.css and from SVG
presentation attributes. Every number a reader or a test may check carries its exact value in
`data-value` (as `repr(float(v))`); the visible text is rounded.
"""

import html
import itertools

import numpy as np

import model

# The pictures are drawn about as wide as a panel is at a 1280 px wide window (and on a phone),
# so one unit of their viewBox is about one CSS pixel there: their 13 px text (site/style.css)
# stays 12-13 px on screen instead of being scaled down with the picture.
DIGIT_W = 8  # the width of a digit or comma of that text in the monospace font, rounded up

# Loss curve: a fixed viewBox and plotting area, so nothing moves when the numbers change.
CURVE_W, CURVE_H = 320, 210
LEFT, TOP, RIGHT, BOTTOM = 60, 12, 284, 172
MAX_POINTS = 400  # a million losses must not go into the DOM
TICK_GAP = 4  # the least room between two tick labels
LEGEND_X = RIGHT - 150  # room for "pinned (cross-entropy)" after its line

# Network diagram: one pill-shaped node per neuron, a row each; it grows taller with the hidden
# layer (16 rows for 16 neurons), never shrinking its labels.
DIAGRAM_W = 320
NODES_TOP, ROW_PITCH, MIN_ROWS = 30, 28, 6
NODE_W, NODE_H = 66, 22
MIN_WIDTH, MAX_WIDTH = 0.5, 8  # a connection's stroke width is |weight|, clamped to this range

# One plain-words sentence for every array model.explain_update names (and the initial weights).
SENTENCES = {
    "w": "the weights, one per input bit.",
    "w1": "the first layer's weights: one row per input bit, one column per hidden neuron.",
    "w2": "the second layer's weights: one per hidden neuron, into the output.",
    "h": "the hidden neurons' activations for each training row: the activation function "
         "(sigmoid, tanh or ReLU) of the row's input bits times the first layer's weights, added "
         "up (X @ w1, plus b1 with a bias).",
    "out": "the network's output for each training row, before this update: the sigmoid of the "
           "last layer's inputs times its weights, added up (X @ w, or h @ w2, plus the bias).",
    "d": "how far each row's sum should move: the error, y - out, times the sigmoid's slope "
         "out * (1 - out) for squared error (so an output near 0 or 1 moves little), or the "
         "error alone for cross-entropy.",
    "d2": "how far the output neuron's sum should move for each row: the error, y - out, times "
          "its slope out * (1 - out) for squared error, or the error alone for cross-entropy.",
    "d1": "d2 sent back through the second layer's weights (d2 @ w2.T), each hidden neuron's "
          "share of the error, times that neuron's slope: h * (1 - h) for the sigmoid, "
          "1 - h**2 for tanh, 1 where h > 0 (else 0) for ReLU.",
    "b": "the bias: a weight whose input is always 1, starting at 0.",
    "b1": "the hidden layer's biases, one per hidden neuron, starting at 0.",
    "b2": "the output's bias, starting at 0.",
    "d.sum(axis=0)": "the bias's adjustment: d added up over the rows (its input is 1 in each).",
    "d1.sum(axis=0)": "the hidden biases' adjustment: d1 added up over the rows.",
    "d2.sum(axis=0)": "the output bias's adjustment: d2 added up over the rows.",
    "b + rate * d.sum(axis=0)": "the new bias: the old one plus the learning rate ({rate}) "
                                "times its adjustment.",
    "b1 + rate * d1.sum(axis=0)": "the new hidden biases: the old ones plus the learning rate "
                                  "({rate}) times their adjustment.",
    "b2 + rate * d2.sum(axis=0)": "the new output bias: the old one plus the learning rate "
                                  "({rate}) times its adjustment.",
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
    """Iterations 0, 1, 10, 100, ... up to total, and total itself: {iteration: labelled}. A
    label that would overlap one already placed is left out (the axis's ends are placed first),
    so a long run's axis keeps its tick marks and loses only crowded numbers."""
    ticks = dict.fromkeys([0, total] + [10**e for e in range(len(str(total))) if 10**e < total])
    placed = []  # (left, right) of each label kept
    for i in ticks:
        half = len(f"{i:,}") * DIGIT_W / 2
        left, right = float(x(i)) - half, float(x(i)) + half
        ticks[i] = all(right + TICK_GAP <= a or left >= b + TICK_GAP for a, b in placed)
        if ticks[i]:
            placed.append((left, right))
    return dict(sorted(ticks.items()))


# The loss curve's name for each loss (model.OUTPUT_DELTAS), on its axis and in its label.
LOSS_NAMES = {"squared": "mean squared error", "cross-entropy": "cross-entropy"}


def loss_curve(losses, k, total, loss="squared", pinned=None):
    """SVG of the loss after iterations 0..n on a log x axis ending at `total`, marked at k; the
    vertical axis named after the loss. `pinned`, (losses, loss) of a pinned run, is drawn
    dashed beside it, with a legend; the axis then ends at the longer run's end."""
    losses = np.asarray(losses, dtype=float)
    n = len(losses) - 1
    curves = [losses] + ([np.asarray(pinned[0], dtype=float)] if pinned else [])
    axis_end = max(total, *(len(c) - 1 for c in curves))
    span = np.log10(max(axis_end, 1) + 1)
    top_loss = max(float(c.max()) for c in curves)
    top_loss = top_loss if top_loss > 0 else 1.0  # an all-zero curve lies on 0

    def x(i):
        return LEFT + (RIGHT - LEFT) * np.log10(np.asarray(i) + 1) / span

    def y(v):
        return BOTTOM - (BOTTOM - TOP) * np.asarray(v) / top_loss

    def polyline(curve, cls, at):
        idx = _curve_indices(len(curve) - 1, at)
        points = " ".join(f"{px:.1f},{py:.1f}" for px, py in zip(x(idx), y(curve[idx])))
        return f'<polyline class="{cls}" fill="none" points="{points}"/>'

    parts = [f'<line class="grid" x1="{LEFT}" y1="{TOP}" x2="{RIGHT}" y2="{TOP}"/>',
             f'<line class="axis-rule" x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}"/>',
             f'<line class="axis-rule" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}"/>',
             _text(LEFT - 6, TOP + 4, _short(top_loss), "tick-label num", "end",
                   f" {_value(top_loss)}"),
             _text(LEFT - 6, BOTTOM + 4, "0", "tick-label num", "end")]
    for i, labelled in _ticks(axis_end, x).items():
        parts.append(f'<line class="axis-rule" x1="{x(i):.1f}" y1="{BOTTOM}" x2="{x(i):.1f}" '
                     f'y2="{BOTTOM + 5}"/>')
        if labelled:
            parts.append(_text(x(i), BOTTOM + 19, f"{i:,}", "tick-label num"))
    parts.append(_text((LEFT + RIGHT) / 2, CURVE_H - 4, "iteration (log scale)", "axis-title"))
    middle = (TOP + BOTTOM) / 2
    parts.append(_text(14, middle, LOSS_NAMES[loss], "axis-title", "middle",
                       f' transform="rotate(-90 14 {middle:.1f})"'))
    if pinned:
        parts.append(polyline(curves[1], "pinned-line", len(curves[1]) - 1))
        # The legend, in the middle on the right: late in training, where the curves have
        # come down, below the marker's label.
        pinned_name = "pinned" + ("" if pinned[1] == loss else f" ({pinned[1]})")  # its loss
        for row, (cls, words) in enumerate((("loss-line", "this run"),
                                            ("pinned-line", pinned_name))):
            ly = (TOP + BOTTOM) / 2 + 16 * row
            parts += [f'<line class="{cls}" x1="{LEGEND_X}" y1="{ly - 4:.1f}" x2="{LEGEND_X + 22}" '
                      f'y2="{ly - 4:.1f}"/>', _text(LEGEND_X + 28, ly, words, "legend", "start")]
    parts.append(polyline(losses, "loss-line", k))
    mx, my, at_k = x(k), y(losses[k]), losses[k]
    anchor, dx = ("start", 6) if mx < (LEFT + RIGHT) / 2 else ("end", -6)  # stay in the box
    # Two lines, so that the label fits beside the marker on either side.
    parts += [f'<line class="marker" x1="{mx:.1f}" y1="{TOP}" x2="{mx:.1f}" y2="{BOTTOM}"/>',
              f'<circle class="marker-dot" cx="{mx:.1f}" cy="{my:.1f}" r="4"/>',
              _text(mx + dx, TOP + 16, f"iteration {k:,}", "marker-label", anchor),
              _text(mx + dx, TOP + 32, f'loss <tspan class="loss-at-k num" {_value(at_k)}>'
                    f"{_short(at_k)}</tspan>", "marker-label", anchor)]
    of_total = f" of {total:,}" if n < total else ""
    label = (f"Loss curve: {LOSS_NAMES[loss]} {_short(losses[0])} at iteration 0, "
             f"{_short(losses[n])} at iteration {n:,}{of_total}; "
             f"marker at iteration {k:,}, loss {_short(at_k)}")
    if pinned:
        p, m = curves[1], len(curves[1]) - 1
        label += (f"; pinned run, dashed: {LOSS_NAMES[pinned[1]]} {_short(p[0])} at iteration 0, "
                  f"{_short(p[m])} at iteration {m:,}")
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
            f'<circle class="node-dot" cx="{left + 12:.1f}" cy="{cy:.1f}" r="6" '
            f'fill-opacity="{_opacity(activation)}"/>'
            + _text(left + 22, cy + 4.5, _num(activation, 3), "activation num", "start",
                    f" {_value(activation)}") + "</g>")


def _opacity(v):
    """A fill's opacity for a value between 0 and 1: the pictures' one colour scale."""
    return f"{min(max(float(v), 0.0), 1.0):.3f}"


def _rows(names):
    """The diagram's height in rows: its longest column's, and never fewer than MIN_ROWS."""
    return max(MIN_ROWS, *map(len, names))


def _diagram_height(names):
    """The viewBox's height: the column titles, then the rows."""
    return NODES_TOP + _rows(names) * ROW_PITCH + 4


def _layout(names):
    """Each layer's x and each node's y in the diagram: a column spread over the rows."""
    count, height = len(names), _rows(names) * ROW_PITCH
    margin = NODE_W / 2 + 4
    xs = [margin + (DIAGRAM_W - 2 * margin) * c / (count - 1) for c in range(count)]
    ys = [[NODES_TOP + height * (i + 0.5) / len(column) for i in range(len(column))]
          for column in names]
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
    parts = [_text(x, 16, title, "col-label") for x, title in zip(xs, _titles(names))]
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
    return _svg(DIAGRAM_W, _diagram_height(names), "network-chart", "group",
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


def truth_table(outputs, rows, bits, pinned=None, locked=False):
    """The <tr> rows (the <tbody>'s content) for all eight inputs in counting order; with the
    pinned run's outputs (all eight) in a column beside; with `locked` bits, no row sets them."""
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
        disabled = " disabled" if locked else ""
        pinned_cell = "" if pinned is None else (
            f'<td class="num pinned" {_value(pinned[index][0])}>{_num(pinned[index][0], 8)}</td>')
        html_rows.append(
            f'<tr data-inputs="{packed}"{current}><th scope="row"><button type="button" '
            f'class="set-bits" data-bits="{packed}" data-key="bits-{packed}" '
            f'aria-label="Set input bits to {spaced}"{disabled}>{spaced}</button></th>'
            f'<td class="num" {_value(out)}>{_num(out, 8)}</td>{pinned_cell}'
            f'<td><meter min="0" max="1" value="{float(out)!r}" '
            f'aria-label="Output for {spaced}"></meter></td>'
            f'<td>{"yes" if target is not None else ""}</td>'
            f'<td>{"—" if target is None else target}</td><td>{mark}</td></tr>')
    return "".join(html_rows)


# --- Input cube -----------------------------------------------------------------------------

# The eight inputs as the corners of a cube, in counting order (000 to 111), and its 12 edges:
# the pairs of corners that differ in one bit.
CUBE_CORNERS = np.array(list(itertools.product((0, 1), repeat=3)), dtype=float)
CUBE_EDGES = [(a, b) for a in range(8) for b in range(a + 1, 8) if bin(a ^ b).count("1") == 1]

# An oblique projection: bit 1 across, bit 3 up, bit 2 into the page (drawn up and to the right,
# shorter). The depth leaves room for a label inside the front and right faces, beside the two
# corners drawn there (010 and 101), clear of every edge.
CUBE_W, CUBE_H = 320, 244
CUBE_X, CUBE_Y = 62, 206  # where corner 000 is drawn
CUBE_SIDE, DEPTH_X, DEPTH_Y = 128, 64, 48
HIDDEN_CORNER = 0b010  # behind the front face: its three edges are dashed
DOT_R, RING_R = 9, 13
LABEL_DX = 16  # from a corner to its label, outwards: left for bit 1 = 0, right for bit 1 = 1
LABEL_CHARS = 5  # "0.999", or "101→1" for a training row
ON_PLANE = 1e-9  # how near w·x + b may be to 0 at a corner that is taken to lie on the plane


def plane_crossings(w, b=0.0):
    """The points where the plane w·x + b = 0 meets the cube's edges (0 to 1 on each axis), each
    point once: a corner on the plane is one of them."""
    side = CUBE_CORNERS @ np.ravel(w) + b  # each corner's w·x + b
    # A corner this close is on the plane: its edges' crossings would be one point when drawn,
    # yet too close together to be put in order around the polygon.
    side[np.abs(side) < ON_PLANE] = 0
    points = []
    for p, q in CUBE_EDGES:
        if side[p] == side[q] == 0:  # the whole edge lies in the plane
            points += [CUBE_CORNERS[p], CUBE_CORNERS[q]]
        elif min(side[p], side[q]) <= 0 <= max(side[p], side[q]):
            t = side[p] / (side[p] - side[q])
            points.append(CUBE_CORNERS[p] + t * (CUBE_CORNERS[q] - CUBE_CORNERS[p]))
    # A corner met from several edges is computed exactly (t is 0 or 1) each time.
    return list({tuple(point): point for point in points}.values())


def boundary_polygon(w, b=0.0):
    """The plane w·x + b = 0 cut out by the cube, a convex polygon: its corners in order around
    it. Empty where the plane misses the cube or only touches it (fewer than three points), and
    for w = 0, which is no plane."""
    w = np.ravel(w).astype(float)
    points = plane_crossings(w, b)
    if not w.any() or len(points) < 3:
        return []
    centre = np.mean(points, axis=0)
    across, up = points[0] - centre, np.cross(w, points[0] - centre)  # axes in the plane
    return sorted(points, key=lambda p: np.arctan2((p - centre) @ up, (p - centre) @ across))


def _project(point):
    """A point of the cube (bit 1, bit 2, bit 3 in 0..1) on the picture."""
    x1, x2, x3 = point
    return CUBE_X + CUBE_SIDE * x1 + DEPTH_X * x2, CUBE_Y - CUBE_SIDE * x3 - DEPTH_Y * x2


def _spaced(index):
    return " ".join(f"{index:03b}")


def bits_index(bits):
    """The place of three input bits among all eight in counting order (000 is 0, 111 is 7)."""
    return int("".join(map(str, bits)), 2)


def _corner(index, out, target, current, locked):
    """One input as a button: a dot filled as far as the output (as the diagram's nodes), a ring
    for a training row, the bits (with the target, as in "101→1") and the output beside it."""
    x, y = _project(CUBE_CORNERS[index])
    side = 1 if index & 0b100 else -1
    anchor = "start" if side > 0 else "end"
    # The highlight behind the ring and the label (the current input's, and the focus's).
    near, far = x - side * (RING_R + 3), x + side * (LABEL_DX + LABEL_CHARS * DIGIT_W + 3)
    bits = f"{index:03b}" + ("" if target is None else f"→{target}")
    # The name starts with the label as shown, so that it is what a voice user says to choose it
    # (and there is no <title>: its text would count as shown, and not be in the name).
    name = f"{bits} {_num(out, 3)}: input {_spaced(index)}, output {_num(out, 8)}"
    ring = ""
    if target is not None:
        name += f", training row, target {target}"
        ring = f'<circle class="ring" cx="{x:.1f}" cy="{y:.1f}" r="{RING_R}"/>'
    attributes = (' aria-current="true"' if current else "") + (
        ' aria-disabled="true"' if locked else "")
    return (f'<g class="corner{" current" if current else ""}" role="button" '
            f'tabindex="{0 if current else -1}" data-bits="{index:03b}" '
            f'data-key="corner-{index:03b}" aria-label="{name}"{attributes}>'
            f'<rect class="corner-back" x="{min(near, far):.1f}" y="{y - RING_R - 3:.1f}" '
            f'width="{abs(far - near):.1f}" height="{RING_R + 23}" rx="6"/>{ring}'
            f'<circle class="corner-dot" cx="{x:.1f}" cy="{y:.1f}" r="{DOT_R}" '
            f'fill-opacity="{_opacity(out)}"/>'
            + _text(x + side * LABEL_DX, y + 1, bits, "corner-bits num", anchor)
            + " "  # read as "001→0 0.010", as the name starts, not "001→00.010"
            + _text(x + side * LABEL_DX, y + 15, _num(out, 3), "corner-output num", anchor,
                    f" {_value(out)}") + "</g>")


def _cube_label(outputs, targets, polygon, single_layer, current):
    ones = [_spaced(i) for i, out in enumerate(outputs) if out >= 0.5]  # round half up
    if not single_layer:
        boundary = ("with a hidden layer, the boundary where the output is 0.5 is no plane: "
                    "none is drawn")
    elif polygon:
        boundary = (f"the boundary where the output is 0.5, a plane, cuts it in a "
                    f"{len(polygon)}-sided shape")
    else:
        boundary = "the boundary where the output is 0.5, a plane, does not cut it"
    rows = f"{len(targets)} training row{'' if len(targets) == 1 else 's'}"
    return (f"Input cube: the eight inputs as its corners (bit 1 across, bit 2 in depth, bit 3 "
            f"up), each filled as far as the network's output. Output 0.5 or more at "
            f"{', '.join(ones) or 'no corner'}; {rows} ringed; {boundary}. "
            f"Current input {_spaced(current)}.")


def input_cube(weights, outputs, rows, bits, biases=None, locked=False):
    """SVG of the eight inputs as the corners of a cube, each filled by the network's output
    (all eight, in counting order) and a button that sets the input bits; training rows ringed;
    for a single layer, the neuron's boundary (output 0.5: w·x + b = 0, with `biases` the
    network's bias rows, if it has any) drawn where it cuts the cube. With `locked` bits, the
    corners are shown as buttons that do nothing (aria-disabled)."""
    outputs = [float(v) for v in np.ravel(outputs)]
    targets = {bits_index(b): t for b, t in rows}
    single_layer, polygon = len(weights) == 1, []
    if single_layer:
        polygon = boundary_polygon(weights[0], biases[0].item() if biases else 0.0)
    parts = []
    for p, q in CUBE_EDGES:
        (x1, y1), (x2, y2) = _project(CUBE_CORNERS[p]), _project(CUBE_CORNERS[q])
        hidden = " hidden" if HIDDEN_CORNER in (p, q) else ""
        parts.append(f'<line class="cube-edge{hidden}" x1="{x1:.1f}" y1="{y1:.1f}" '
                     f'x2="{x2:.1f}" y2="{y2:.1f}"/>')
    if polygon:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in map(_project, polygon))
        parts.append(f'<polygon class="boundary" points="{points}"/>')
    # The axes are the edges from 000, each named beside it where no corner's label is.
    parts += [_text(CUBE_X + CUBE_SIDE / 2, CUBE_Y + 18, "bit 1 →", "axis-title"),
              _text(CUBE_X - 6, CUBE_Y - CUBE_SIDE / 2, "bit 3 ↑", "axis-title", "end"),
              _text(CUBE_X + DEPTH_X / 2 + 6, CUBE_Y - DEPTH_Y / 2 + 14, "bit 2 ↗",
                    "axis-title", "start")]
    current = bits_index(bits)
    label = _cube_label(outputs, targets, polygon, single_layer, current)
    corners = "".join(_corner(i, out, targets.get(i), i == current, locked)
                      for i, out in enumerate(outputs))
    # The picture is an image, described by the page's hint (which names the table with the
    # same numbers); the corners are buttons beside it in a group, as an image's children are
    # hidden from assistive technology.
    return _svg(CUBE_W, CUBE_H, "cube-chart", "group", "The input cube",
                f'<g role="img" aria-label="{_esc(label)}" aria-describedby="cube-hint">'
                f'{"".join(parts)}</g>{corners}')


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


def step_through(step, k, rate, network):
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
        _, weights, biases, _ = model.NAMES[len(network.weights)]
        pairs = [*zip(weights, network.weights), *zip(biases, network.biases or ())]
    return f'<p class="step-intro">{intro}</p>' + "".join(
        _explained(name, array, rate) for name, array in pairs)
