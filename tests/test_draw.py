"""The pictures' markup in CPython: well-formed, no inline styles, exact numbers, names."""

import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import draw
import model
from history import Run

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
        "step_through": draw.step_through(s.step, s.k, 1.0, s.weights),
        "step_through_0": draw.step_through([], 0, 1.0, s.weights),
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


def test_step_through_explains_every_name_explain_update_produces():
    X, y = model.training_arrays(model.SEED_ROWS)
    for hidden in (0, 3):
        weights = model.initial_weights(1, hidden)
        for name, _ in model.explain_update(weights, X, y):
            assert name in draw.SENTENCES, name
        root = parse(draw.step_through([], 0, 1.0, weights))
        text = "".join(root.itertext())
        assert "Iteration 0: the random initial weights, 2 * random.random(...) - 1" in text
        names = [t.get("data-name") for t in root.iter("table")]
        assert names == (["w"] if hidden == 0 else ["w1", "w2"])


def test_step_through_sentence_before_each_matrix():
    X, y = model.training_arrays(model.SEED_ROWS)
    step = model.explain_update(model.initial_weights(1), X, y, 0.5)
    root = parse(draw.step_through(step, 1, 0.5, [step[-1][1]]))
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
    assert svg.get("viewBox") == f"0 0 {draw.DIAGRAM_W} {draw.DIAGRAM_H}"


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


def test_text_is_escaped():
    assert "&lt;" in draw.step_through([("<b>", np.ones((1, 1)))], 1, 1.0, [])
