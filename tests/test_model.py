"""The model in plain CPython: the seed reproduced bit for bit, shapes, determinism."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numpy import array, dot, exp, random

import model


def seed_blog_post():
    """The seed's ten lines, as the blog post wrote them."""
    training_set_inputs = array([[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]])
    training_set_outputs = array([[0, 1, 1, 0]]).T
    random.seed(1)
    synaptic_weights = 2 * random.random((3, 1)) - 1
    for _ in range(10000):
        output = 1 / (1 + exp(-(dot(training_set_inputs, synaptic_weights))))
        synaptic_weights += dot(training_set_inputs.T,
                                (training_set_outputs - output) * output * (1 - output))
    return 1 / (1 + exp(-(dot(array([1, 0, 0]), synaptic_weights))))


def test_seed_answer_matches_the_blog_post_bit_for_bit():
    p = model.predict(model.train(), (1, 0, 0))
    assert p == float(seed_blog_post()[0])
    assert f"{p:.8f}" == "0.99993704"


def test_running_the_module_prints_the_seed_answer():
    script = Path(model.__file__)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("0.99993704")


@pytest.mark.parametrize("hidden", [0, 1, 4, 16])
def test_shapes(hidden):
    weights = model.train(iterations=3, hidden=hidden)
    expected = [(3, 1)] if hidden == 0 else [(3, hidden), (hidden, 1)]
    assert [w.shape for w in weights] == expected
    X, _ = model.training_arrays(model.SEED_ROWS)
    assert model.forward(weights, X).shape == (4, 1)
    assert 0 < model.predict(weights, (1, 0, 0)) < 1


def test_training_is_deterministic():
    a = model.train(iterations=500, seed=7, hidden=3)
    b = model.train(iterations=500, seed=7, hidden=3)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    c = model.train(iterations=500, seed=8, hidden=3)
    assert not np.array_equal(a[0], c[0])


def sigmoid(x):
    return 1 / (1 + exp(-x))


@pytest.mark.parametrize("rate", [0.5, 1.0, 3.0])
def test_an_update_adds_rate_times_each_adjustment(rate):
    # Written out here as backpropagation is on paper; update() skips multiplying by a rate of 1.
    X, y = model.training_arrays(model.SEED_ROWS)
    (w,) = model.initial_weights(1)
    out = sigmoid(X @ w)
    expected = w + rate * (X.T @ ((y - out) * out * (1 - out)))
    weights = [w.copy()]
    assert np.array_equal(model.update(weights, X, y, rate), out)
    assert np.array_equal(weights[0], expected)

    w1, w2 = model.initial_weights(1, hidden=4)
    h = sigmoid(X @ w1)
    out = sigmoid(h @ w2)
    d2 = (y - out) * out * (1 - out)
    d1 = (d2 @ w2.T) * h * (1 - h)
    weights = [w1.copy(), w2.copy()]
    model.update(weights, X, y, rate)
    assert np.array_equal(weights[0], w1 + rate * (X.T @ d1))
    assert np.array_equal(weights[1], w2 + rate * (h.T @ d2))


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_backprop_works_for_any_number_of_layers_and_changes_nothing():
    X, y = model.training_arrays(model.SEED_ROWS)
    rng = np.random.default_rng(3)
    w1, w2, w3 = (2 * rng.random(shape) - 1 for shape in ((3, 5), (5, 4), (4, 1)))
    h1 = sigmoid(X @ w1)
    h2 = sigmoid(h1 @ w2)
    out = sigmoid(h2 @ w3)
    d3 = (y - out) * out * (1 - out)
    d2 = (d3 @ w3.T) * h2 * (1 - h2)
    d1 = (d2 @ w2.T) * h1 * (1 - h1)
    weights = [w1.copy(), w2.copy(), w3.copy()]
    activations, deltas, adjustments = model.backprop(weights, X, y)
    assert same(activations, [X, h1, h2, out])
    assert same(deltas, [d1, d2, d3])  # none for the inputs X
    assert same(adjustments, [X.T @ d1, h1.T @ d2, h2.T @ d3])
    assert same(weights, [w1, w2, w3])


@pytest.mark.parametrize("hidden, names", [
    (0, ["out", "d", "X.T @ d", "w + rate * (X.T @ d)"]),
    (4, ["h", "out", "d2", "h.T @ d2", "d1", "X.T @ d1",
         "w1 + rate * (X.T @ d1)", "w2 + rate * (h.T @ d2)"]),
])
def test_explain_update_names_backprops_arrays_and_the_new_weights(hidden, names):
    X, y = model.training_arrays(model.SEED_ROWS)
    weights = model.initial_weights(1, hidden)
    before = [w.copy() for w in weights]
    step = model.explain_update(weights, X, y, 0.5)
    assert [name for name, _ in step] == names
    assert same(weights, before)
    activations, deltas, adjustments = model.backprop(weights, X, y)
    arrays = dict(step)
    assert same([arrays[name] for name in names if name in ("h", "out")], activations[1:])
    assert same([arrays[name] for name in names if name[0] == "d"], deltas[::-1])
    assert same([arrays[name] for name in names if ".T @" in name and "+" not in name],
                adjustments[::-1])
    model.update(weights, X, y, 0.5)
    assert same([array for _, array in step[-len(weights):]], weights)


def test_training_arrays_keep_row_order():
    X, y = model.training_arrays(model.SEED_ROWS)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert X.tolist() == [[0, 0, 1], [1, 1, 1], [1, 0, 1], [0, 1, 1]]
    assert y.tolist() == [[0], [1], [1], [0]]


@pytest.mark.parametrize("rows", range(1, 9))
def test_losses_side_by_side_equal_each_loss_alone(rows):
    # A run computes its losses many iterations at a time; each must be the loss of that
    # iteration alone, to the last bit, for every table size (8 rows is where NumPy's own sums
    # change their order).
    rng = np.random.default_rng(rows)
    y = rng.integers(0, 2, (rows, 1)).astype(float)
    outs = rng.random((rows, 300))
    together = model.losses(y, outs)
    assert [together[j] for j in range(300)] == [model.loss(y, outs[:, [j]]) for j in range(300)]
    assert together == pytest.approx(((y - outs) ** 2).mean(axis=0), rel=1e-15)
