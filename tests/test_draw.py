"""The pictures' markup in CPython: well-formed, no inline styles, exact numbers, names."""

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import draw
import model
from history import ALL_INPUTS, Run

SHAPES = {"single": 0, "hidden 16": 16}


@pytest.fixture(params=SHAPES.values(), ids=SHAPES.keys())
def snapshot(request):
    """A short run's network at iteration 5, with or without a hidden layer."""
    run = Run(model.SEED_ROWS, 20, seed=3, hidden=request.param, rate=1.0)
    run.advance(20)
    return run.at(5)


def parse(markup):
    """The markup as XML, inside a root element (the HTML fragments are kept well-formed)."""
    return ET.fromstring(f"<root>{markup}</root>")


def all_markup(s, total=20):
    current = [layer[4] for layer in s.layers]  # inputs 1 0 0
    return {
        "loss_curve": draw.loss_curve(s.losses, s.k, total),
        "network_diagram": draw.network_diagram(s.weights, current),
        "weights_table": draw.weights_table(s.weights),
        "truth_table": draw.truth_table(s.layers[-1], model.SEED_ROWS, (1, 0, 0)),
        "input_cube": draw.input_cube(s.weights, s.layers[-1], model.SEED_ROWS, (1, 0, 0)),
        "step_through": draw.step_through(s.step, s.k, 1.0, s.network),
        "step_through_0": draw.step_through([], 0, 1.0, s.network),
    }


def values(root):
    """Every data-value in document order, parsed back to float."""
    return [float(e.get("data-value")) for e in root.iter() if e.get("data-value") is not None]


def test_no_inline_style_and_well_formed(snapshot):
    for name, markup in all_markup(snapshot).items():
        assert not re.search(r"style\s*=", markup, re.I), name
        assert "<style" not in markup.lower(), name
        parse(markup)  # raises if not well-formed


def test_data_values_are_the_exact_floats(snapshot):
    s = snapshot
    out = all_markup(s)
    flat = [float(v) for w in s.weights for v in w.ravel()]
    table = parse(out["weights_table"])
    assert values(table) == flat
    diagram = parse(out["network_diagram"])
    weights = [e for e in diagram.iter() if e.get("tabindex")]
    assert [float(e.get("data-value")) for e in weights] == flat
    nodes = [float(e.get("data-value")) for e in diagram.iter("text") if e.get("data-value")]
    assert nodes == [float(a) for layer in s.layers for a in np.ravel(layer[4])]
    assert values(parse(out["truth_table"])) == [float(v) for v in s.layers[-1].ravel()]
    initial = zip(["w"] if len(s.weights) == 1 else ["w1", "w2"], s.weights)
    for root, pairs in ((parse(out["step_through"]), s.step),
                        (parse(out["step_through_0"]), initial)):
        for name, array in pairs:
            tables = [t for t in root.iter("table") if t.get("data-name") == name]
            assert len(tables) == 1, name
            assert values(tables[0]) == [float(v) for v in np.ravel(array)], name
    marker = [e for e in parse(out["loss_curve"]).iter() if "loss-at-k" in e.get("class", "")]
    assert [float(e.get("data-value")) for e in marker] == [float(s.losses[s.k])]


@pytest.mark.parametrize("bias", [False, True])
def test_step_through_explains_every_name_explain_update_produces(bias):
    X, y = model.training_arrays(model.SEED_ROWS)
    for hidden in (0, 3):
        network = model.initial_network(1, hidden, bias)
        for name, _ in model.explain_update(network, X, y):
            assert name in draw.SENTENCES, name
        root = parse(draw.step_through([], 0, 1.0, network))
        text = "".join(root.itertext())
        assert "Iteration 0: the random initial weights, 2 * random.random(...) - 1" in text
        names = [t.get("data-name") for t in root.iter("table")]
        weights = ["w"] if hidden == 0 else ["w1", "w2"]
        assert names == weights + ([w.replace("w", "b") for w in weights] if bias else [])


def test_step_through_sentence_before_each_matrix():
    X, y = model.training_arrays(model.SEED_ROWS)
    step = model.explain_update(model.initial_network(1), X, y, 0.5)
    root = parse(draw.step_through(step, 1, 0.5, model.Network([step[-1][1]])))
    steps = [d for d in root.iter("div") if d.get("class") == "step"]
    assert len(steps) == len(step)
    for div, (name, _) in zip(steps, step):
        sentence = div.find("p")
        assert sentence.find("code").text == name
        assert len("".join(sentence.itertext())) > len(name) + 10
    assert "learning rate (0.5)" in "".join(root.itertext())


def curve_points(svg):
    line = next(e for e in parse(svg).iter("polyline"))
    return [tuple(map(float, p.split(","))) for p in line.get("points").split()]


def test_loss_curve_of_a_million_iterations_is_downsampled_with_both_ends():
    losses = np.linspace(0.25, 1.2e-6, 1_000_001)
    svg = draw.loss_curve(losses, 37, 1_000_000)
    points = curve_points(svg)
    assert len(points) <= 450
    assert points[0][0] == draw.LEFT and points[-1][0] == draw.RIGHT
    assert points[0][1] == draw.TOP  # the largest loss touches the top
    assert len(svg) < 40_000
    label = parse(svg).find("svg").get("aria-label")
    assert label == ("Loss curve: mean squared error 0.25 at iteration 0, 0.0000012 at iteration "
                     "1,000,000; marker at iteration 37, loss 0.25")


def test_loss_curve_while_training_and_all_zero():
    svg = draw.loss_curve(np.array([0.3, 0.2, 0.1]), 1, 10_000)
    points = curve_points(svg)
    assert len(points) == 3 and points[-1][0] < draw.RIGHT / 2  # iteration 2 of 10,000
    assert "at iteration 2 of 10,000" in parse(svg).find("svg").get("aria-label")
    ticks = [t.text for t in parse(svg).iter("text") if "tick-label" in t.get("class")]
    assert ticks[2:] == ["0", "1", "10", "100", "1,000", "10,000"]
    zero = draw.loss_curve(np.zeros(5), 0, 4)  # no division by zero
    assert all(y == draw.BOTTOM for _, y in curve_points(zero))


@pytest.mark.parametrize("total", [1, 7, 2_500, 10_000, 20_000, 999_999, 1_000_000])
def test_loss_curve_tick_labels_never_overlap_and_the_ends_are_labelled(total):
    svg = parse(draw.loss_curve(np.array([0.3, 0.2]), 1, total))
    labels = [t for t in svg.iter("text") if t.get("y") == f"{draw.BOTTOM + 19:.1f}"]
    spans = [(float(t.get("x")) - len(t.text) * draw.DIGIT_W / 2,
              float(t.get("x")) + len(t.text) * draw.DIGIT_W / 2) for t in labels]
    assert all(right + draw.TICK_GAP <= left for (_, right), (left, _) in zip(spans, spans[1:]))
    assert spans[0][0] >= 0 and spans[-1][1] <= draw.CURVE_W  # inside the picture
    assert labels[0].text == "0" and labels[-1].text == f"{total:,}"
    marks = [e for e in svg.iter("line") if e.get("y2") == f"{draw.BOTTOM + 5}"]
    assert len(marks) == len({0, total, *(10**e for e in range(7) if 10**e <= total)})


@pytest.mark.parametrize("loss, name", [("squared", "mean squared error"),
                                        ("cross-entropy", "cross-entropy")])
def test_loss_curve_names_its_loss_on_the_axis_and_in_its_label(loss, name):
    svg = parse(draw.loss_curve(np.array([0.7, 0.5]), 1, 10, loss))
    titles = [t.text for t in svg.iter("text") if t.get("class") == "axis-title"]
    assert titles == ["iteration (log scale)", name]
    assert svg.find("svg").get("aria-label").startswith(f"Loss curve: {name} 0.7 at iteration 0")


def test_loss_curve_marker_at_the_first_iteration():
    svg = parse(draw.loss_curve(np.array([0.5]), 0, 1))
    (marker,) = [e for e in svg.iter() if e.get("class") == "marker"]
    assert float(marker.get("x1")) == draw.LEFT
    assert svg.find("svg").get("role") == "img"


def weight_labels(weights):
    diagram = parse(draw.network_diagram(weights, [np.ones(w.shape[0]) for w in weights]
                                         + [np.ones(1)]))
    return [(e.get("aria-label"), e.find("title").text)
            for e in diagram.iter() if e.get("tabindex")]


@pytest.mark.parametrize("hidden", [0, 1, 5, 16])
def test_diagram_has_one_focusable_group_per_weight_and_one_tab_stop(hidden):
    weights = model.initial_weights(2, hidden)
    labels = weight_labels(weights)
    diagram = parse(draw.network_diagram(weights, [np.ones(w.shape[0]) for w in weights]
                                         + [np.ones(1)]))
    stops = [e.get("tabindex") for e in diagram.iter() if e.get("tabindex")]
    assert stops == ["0"] + ["-1"] * (len(labels) - 1)
    keys = [e.get("data-key") for e in diagram.iter() if e.get("tabindex")]
    assert len(set(keys)) == len(keys)
    assert len(labels) == (3 if hidden == 0 else 3 * hidden + hidden)
    assert all(aria == title for aria, title in labels)
    if hidden == 0:
        (w,) = weights
        expected = [f"Weight from input {i + 1} to output: {w[i, 0]:.4f}" for i in range(3)]
    else:
        w1, w2 = weights
        expected = [f"Weight from input {i + 1} to hidden {j + 1}: {w1[i, j]:.4f}"
                    for i in range(3) for j in range(hidden)]
        expected += [f"Weight from hidden {j + 1} to output: {w2[j, 0]:.4f}" for j in range(hidden)]
    assert [aria for aria, _ in labels] == expected


def test_diagram_line_widths_and_signs():
    w = np.array([[9.6729], [-0.1], [-3.0]])
    root = parse(draw.network_diagram([w], [np.array([1.0, 0, 0]), np.array([0.99])]))
    groups = [e for e in root.iter("g") if e.get("tabindex")]
    assert [g.get("class") for g in groups] == ["weight pos", "weight neg", "weight neg"]
    assert [float(g.find("line").get("stroke-width")) for g in groups] == [8.0, 0.5, 3.0]
    assert groups[0].get("aria-label") == "Weight from input 1 to output: 9.6729"
    svg = root.find("svg")
    assert svg.get("role") == "group" and "0.990" in svg.get("aria-label")
    assert svg.get("viewBox").startswith(f"0 0 {draw.DIAGRAM_W} ")


def node_rows(hidden):
    """The diagram's height and its node boxes' tops, for a network of this shape."""
    weights = model.initial_weights(1, hidden)
    svg = parse(draw.network_diagram(weights, [np.ones(3)] + [np.ones(w.shape[1]) for w in weights]
                                     )).find("svg")
    tops = [float(g.find("rect").get("y")) for g in svg.iter("g") if g.get("class") == "node"
            and g.find("title").text.startswith("hidden")]
    return float(svg.get("viewBox").split()[3]), tops


def test_the_diagram_grows_with_the_hidden_layer_instead_of_shrinking():
    small, _ = node_rows(0)
    tall, tops = node_rows(16)
    assert tall > small
    assert len(tops) == 16 and min(np.diff(tops)) >= draw.NODE_H + 4  # rows never overlap
    assert tops[-1] + draw.NODE_H <= tall


@pytest.mark.parametrize("hidden", [0, 16])
def test_weights_table_rows(hidden):
    weights = model.initial_weights(1, hidden)
    table = parse(draw.weights_table(weights)).find("table")
    assert table.find("caption").text == "Weights"
    rows = table.find("tbody").findall("tr")
    assert len(rows) == (3 if hidden == 0 else 4 * hidden)
    first = "output" if hidden == 0 else "hidden 1"
    assert [td.text for td in rows[0].findall("td")[:2]] == ["input 1", first]


def truth(outputs, rows=model.SEED_ROWS, bits=(1, 0, 0)):
    return parse(draw.truth_table(np.array(outputs, dtype=float).reshape(8, 1), rows, bits))


def test_truth_table_rows_buttons_and_current():
    root = truth(np.linspace(0.05, 0.95, 8), bits=(0, 1, 1))
    rows = root.findall("tr")
    assert len(rows) == 8
    for index, tr in enumerate(rows):
        bits = f"{index:03b}"
        spaced = " ".join(bits)
        assert tr.get("data-inputs") == bits
        button = tr.find(".//button")
        assert button.get("aria-label") == f"Set input bits to {spaced}"
        assert button.text == spaced and button.get("data-bits") == bits
        meter = tr.find(".//meter")
        assert meter.get("aria-label") == f"Output for {spaced}"
        assert float(meter.get("value")) == float(np.linspace(0.05, 0.95, 8)[index])
    current = [tr.get("data-inputs") for tr in rows if tr.get("class") == "current"]
    assert current == ["011"]
    assert [tr.get("data-inputs") for tr in rows if tr.get("aria-current") == "true"] == ["011"]


def test_truth_table_marks_mismatches_by_rounding_half_up():
    # Seed rows: 001 -> 0, 011 -> 0, 101 -> 1, 111 -> 1.
    outputs = [0.9, 0.5, 0.1, 0.5, 0.2, 0.4999999, 0.0, 0.5]
    rows = truth(outputs).findall("tr")
    cells = [[("".join(td.itertext())) for td in tr.findall("td")] for tr in rows]
    in_set = [c[2] for c in cells]
    assert in_set == ["", "yes", "", "yes", "", "yes", "", "yes"]
    assert [c[3] for c in cells] == ["—", "0", "—", "0", "—", "1", "—", "1"]
    marked = [tr.get("data-inputs") for tr, c in zip(rows, cells) if c[4]]
    assert marked == ["001", "011", "101"]  # 0.5 rounds up to 1; 000 is not in the training set
    assert cells[1][4] == "✗rounded output differs from target"
    assert [c[0] for c in cells][:2] == ["0.90000000", "0.50000000"]


def on_plane(polygon, w, b):
    return all(abs(np.dot(w, p) + b) < 1e-9 and all(0 <= c <= 1 for c in p) for p in polygon)


def turns(polygon, w):
    """The sign of each turn around the polygon, seen along the plane's normal w."""
    points = np.array(polygon)
    sides = np.roll(points, -1, axis=0) - points
    after = np.roll(sides, -1, axis=0)
    return {int(np.sign(np.dot(np.cross(a, b), w))) for a, b in zip(sides, after)}


def test_the_boundary_of_weights_1_0_0_with_bias_minus_half_is_the_square_x_half():
    square = draw.boundary_polygon([1, 0, 0], -0.5)
    assert sorted(map(tuple, square)) == [(0.5, 0, 0), (0.5, 0, 1), (0.5, 1, 0), (0.5, 1, 1)]
    # In order around it: each side is one of the square's, never a diagonal.
    for p, q in zip(square, square[1:] + square[:1]):
        assert np.sum(p != q) == 1


@pytest.mark.parametrize("w, b, sides", [
    ((1, 1, 1), -1.5, 6),  # the hexagon through the middle
    ((1, 1, 1), -0.5, 3),  # a corner cut off
    ((1, -1, 0), 0, 4),  # through two opposite edges: the diagonal rectangle
    ((1, 0, 0), 0, 4),  # the face x = 0 itself
    ((9.6729, -0.2066, -4.6294), 0, 4),  # about the seed's: through corner 000, as bias-free
])
def test_the_boundary_is_the_planes_cut_in_order(w, b, sides):
    polygon = draw.boundary_polygon(w, b)
    assert len(polygon) == sides
    assert on_plane(polygon, w, b)
    assert turns(polygon, w) in ({1}, {-1})  # convex, and each corner once, in order


@pytest.mark.parametrize("w, b", [
    ((1, 1, 1), 0.5),  # every corner on one side
    ((1, 1, 1), -3.5),
    ((1, 1, 1), 0),  # touches corner 000 only
    ((1, 1, 0), 0),  # touches the edge from 000 to 001 only
    ((0, 0, 0), 0),  # no plane: output 0.5 everywhere
])
def test_no_boundary_where_the_plane_does_not_cut_the_cube(w, b):
    assert draw.boundary_polygon(w, b) == []


@given(st.lists(st.floats(-20, 20), min_size=3, max_size=3), st.floats(-30, 30))
def test_a_boundary_is_drawn_exactly_when_the_corners_lie_on_both_sides(w, b):
    side = model_free_sides(w, b)
    polygon = draw.boundary_polygon(w, b)
    near = draw.ON_PLANE  # a corner nearer the plane than this is on it
    if side.min() < -near and side.max() > near:
        assert 3 <= len(polygon) <= 6
        assert on_plane(polygon, w, b)
        assert turns(polygon, w) in ({1}, {-1})
    elif (side > near).all() or (side < -near).all():
        assert polygon == []


def model_free_sides(w, b):
    """w·x + b at each corner of the cube, written out without draw's own arrays."""
    return np.array([np.dot(w, bits) + b for bits in itertools.product((0, 1), repeat=3)])


def cube(weights, outputs, rows=model.SEED_ROWS, bits=(1, 0, 0), biases=None):
    return parse(draw.input_cube(weights, outputs, rows, bits, biases)).find("svg")


def corners(svg):
    return [g for g in svg.iter("g") if g.get("role") == "button"]


def image(svg):
    (picture,) = [g for g in svg.iter("g") if g.get("role") == "img"]
    return picture


def test_the_cubes_corners_are_the_networks_outputs_for_the_eight_inputs(snapshot):
    s = snapshot
    svg = cube(s.weights, s.layers[-1])
    hidden = 0 if len(s.weights) == 1 else s.weights[0].shape[1]
    expected = model.forward(model.train(model.SEED_ROWS, 5, 3, hidden), ALL_INPUTS)[:, 0]
    buttons = corners(svg)
    assert [g.get("data-bits") for g in buttons] == [f"{i:03b}" for i in range(8)]
    outputs = [float(e.get("data-value")) for g in buttons for e in g.iter() if e.get("data-value")]
    assert outputs == expected.tolist()
    for i, (g, p) in enumerate(zip(buttons, expected)):
        target = dict(model.SEED_ROWS).get(tuple(int(c) for c in f"{i:03b}"))
        shown = f"{i:03b}" + ("" if target is None else f"→{target}") + f" {p:.3f}"
        assert "".join(g.itertext()) == shown  # the label as it reads, the name's start
        name = f"{shown}: input {' '.join(f'{i:03b}')}, output {p:.8f}"
        if target is not None:
            name += f", training row, target {target}"
            assert g.find("circle").get("class") == "ring"
        assert g.get("aria-label") == name
    # The current input (1 0 0) is marked, and it is the corners' one tab stop.
    assert [g.get("data-bits") for g in buttons if g.get("aria-current") == "true"] == ["100"]
    assert [g.get("tabindex") for g in buttons] == ["-1"] * 4 + ["0"] + ["-1"] * 3
    assert image(svg).get("aria-label").startswith("Input cube: ")
    assert image(svg).get("aria-describedby") == "cube-hint"


def test_the_cube_shows_the_single_layers_boundary_and_no_other():
    w = np.array([[9.6729], [-0.2066], [-4.6294]])
    outputs = 1 / (1 + np.exp(-(ALL_INPUTS @ w)))  # the single layer's sigmoid
    (polygon,) = cube([w], outputs).iter("polygon")
    drawn = [tuple(map(float, p.split(","))) for p in polygon.get("points").split()]
    assert len(drawn) == len(draw.boundary_polygon(w))
    assert (draw.CUBE_X, draw.CUBE_Y) in drawn  # through corner 000: no bias
    label = image(cube([w], outputs)).get("aria-label")
    assert "cuts it in a 4-sided shape" in label
    assert "Output 0.5 or more at 0 0 0, 1 0 0, 1 0 1, 1 1 0, 1 1 1;" in label
    # A bias moves the plane off corner 000; one on the far side of every corner removes it.
    moved = [tuple(map(float, p.split(","))) for p in next(
        cube([w], outputs, biases=[np.array([[-1.0]])]).iter("polygon")).get("points").split()]
    assert (draw.CUBE_X, draw.CUBE_Y) not in moved
    assert list(cube([w], outputs, biases=[np.array([[20.0]])]).iter("polygon")) == []
    svg = cube(model.initial_weights(1, 4), outputs)
    assert list(svg.iter("polygon")) == []
    assert "no plane: none is drawn" in image(svg).get("aria-label")


def test_the_cube_rings_training_rows_with_their_targets():
    rows = (((0, 1, 1), 1), ((1, 1, 1), 0))
    svg = cube(model.initial_weights(1), np.full((8, 1), 0.25), rows, (0, 0, 0))
    labels = {g.get("data-bits"): [t.text for t in g.iter("text")] for g in corners(svg)}
    assert labels["011"] == ["011→1", "0.250"] and labels["111"] == ["111→0", "0.250"]
    assert labels["000"] == ["000", "0.250"]
    assert len([c for c in svg.iter("circle") if c.get("class") == "ring"]) == 2


def test_the_stylesheet_keeps_the_cubes_room_before_it_is_drawn():
    css = (Path(__file__).parent.parent / "site" / "style.css").read_text()
    assert f"aspect-ratio: {draw.CUBE_W} / {draw.CUBE_H};" in css


def test_text_is_escaped():
    assert "&lt;" in draw.step_through([("<b>", np.ones((1, 1)))], 1, 1.0, model.Network([]))


@pytest.mark.parametrize("loss, pinned_loss, legend", [
    ("squared", "squared", "pinned"), ("squared", "cross-entropy", "pinned (cross-entropy)")])
def test_a_pinned_run_is_a_second_curve_with_a_legend_inside_the_picture(loss, pinned_loss,
                                                                         legend):
    svg = parse(draw.loss_curve(np.array([0.3, 0.2, 0.1]), 2, 2, loss,
                                (np.array([0.9, 0.5, 0.4, 0.3, 0.2]), pinned_loss)))
    lines = {e.get("class"): e for e in svg.iter("polyline")}
    pinned = [tuple(map(float, p.split(","))) for p in lines["pinned-line"].get("points").split()]
    assert pinned[0] == (draw.LEFT, draw.TOP)  # the highest loss of both touches the top
    assert pinned[-1][0] == draw.RIGHT  # the axis ends at the longer run's end, 4
    labels = [t.text for t in svg.iter("text") if t.get("class") == "legend"]
    assert labels == ["this run", legend]
    # (7 px a character of the legend's proportional 13 px text; the page test measures it)
    assert all(float(t.get("x")) + len(t.text) * 7 <= draw.CURVE_W
               for t in svg.iter("text") if t.get("class") == "legend")
    assert "pinned run, dashed: " in svg.find("svg").get("aria-label")
