"""The model in plain CPython: the seed reproduced bit for bit, shapes, determinism."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
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
@pytest.mark.parametrize("bias", [False, True])
def test_shapes(hidden, bias):
    network = model.train(iterations=3, hidden=hidden, bias=bias)
    expected = [(3, 1)] if hidden == 0 else [(3, hidden), (hidden, 1)]
    assert [w.shape for w in network.weights] == expected
    assert network.biases is None if not bias else \
        [b.shape for b in network.biases] == [(1, shape[1]) for shape in expected]
    X, _ = model.training_arrays(model.SEED_ROWS)
    assert model.forward(network, X).shape == (4, 1)
    assert 0 < model.predict(network, (1, 0, 0)) < 1


def test_training_is_deterministic():
    a = model.train(iterations=500, seed=7, hidden=3)
    b = model.train(iterations=500, seed=7, hidden=3)
    assert same(a.weights, b.weights)
    c = model.train(iterations=500, seed=8, hidden=3)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_biases_start_at_zero_and_draw_nothing_from_the_generator():
    with_bias = model.initial_network(5, hidden=3, bias=True)
    assert same(with_bias.weights, model.initial_weights(5, hidden=3))
    assert all(not b.any() for b in with_bias.biases)


def sigmoid(x):
    return 1 / (1 + exp(-x))


@pytest.mark.parametrize("rate", [0.5, 1.0, 3.0])
def test_an_update_adds_rate_times_each_adjustment(rate):
    # Written out here as backpropagation is on paper; update() skips multiplying by a rate of 1.
    X, y = model.training_arrays(model.SEED_ROWS)
    (w,) = model.initial_weights(1)
    out = sigmoid(X @ w)
    expected = w + rate * (X.T @ ((y - out) * out * (1 - out)))
    network = model.Network([w.copy()])
    assert np.array_equal(model.update(network, X, y, rate), out)
    assert np.array_equal(network.weights[0], expected)

    w1, w2 = model.initial_weights(1, hidden=4)
    h = sigmoid(X @ w1)
    out = sigmoid(h @ w2)
    d2 = (y - out) * out * (1 - out)
    d1 = (d2 @ w2.T) * h * (1 - h)
    network = model.Network([w1.copy(), w2.copy()])
    model.update(network, X, y, rate)
    assert np.array_equal(network.weights[0], w1 + rate * (X.T @ d1))
    assert np.array_equal(network.weights[1], w2 + rate * (h.T @ d2))


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
    network = model.Network([w1.copy(), w2.copy(), w3.copy()])
    activations, deltas, adjustments = model.backprop(network, X, y)
    assert same(activations, [X, h1, h2, out])
    assert same(deltas, [d1, d2, d3])  # none for the inputs X
    assert same(adjustments, [X.T @ d1, h1.T @ d2, h2.T @ d3])
    assert same(network.weights, [w1, w2, w3])


# ---- every setting against a straightforward NumPy loop --------------------------------------

HIDDEN_ACTIVATIONS = {"sigmoid": sigmoid, "tanh": lambda z: 2 * sigmoid(2 * z) - 1,
                      "relu": lambda z: np.maximum(z, 0)}


def reference_train(rows, iterations, seed, hidden, rate, bias, activation, loss):
    """The formulas written out, one shape at a time: z = a @ w + b, the output a sigmoid, the
    output delta by loss, the hidden delta (d2 @ w2.T) times act'(z1) (the sigmoid's slope
    h * (1 - h) multiplied in left to right, as the seed did), then every adjustment applied,
    the biases' as rate * d.sum(axis=0). Returns the output for all 8 inputs."""
    X = np.array([bits for bits, _ in rows], dtype=float)
    y = np.array([[t] for _, t in rows], dtype=float)
    weights = model.initial_weights(seed, hidden)
    biases = [np.zeros((1, w.shape[1])) for w in weights]
    act = HIDDEN_ACTIVATIONS[activation]

    def run(inputs):
        if hidden == 0:
            return [sigmoid(inputs @ weights[0] + (biases[0] if bias else 0))]
        h = act(inputs @ weights[0] + (biases[0] if bias else 0))
        return [h, sigmoid(h @ weights[1] + (biases[1] if bias else 0))]

    for _ in range(iterations):
        *hs, out = run(X)
        d_out = (y - out) * out * (1 - out) if loss == "squared" else y - out
        if hidden == 0:
            deltas, inputs = [d_out], [X]
        else:
            (h,) = hs
            back = d_out @ weights[1].T
            d_hidden = {"sigmoid": back * h * (1 - h), "tanh": back * (1 - h**2),
                        "relu": back * (h > 0).astype(float)}[activation]
            deltas, inputs = [d_hidden, d_out], [X, h]
        for w, b, a, d in zip(weights, biases, inputs, deltas):
            w += rate * (a.T @ d)
            if bias:
                b += rate * d.sum(axis=0)
    all_inputs = np.array([[i >> 2 & 1, i >> 1 & 1, i & 1] for i in range(8)], dtype=float)
    return run(all_inputs)[-1]


settings_strategy = st.fixed_dictionaries({
    "rows": st.lists(st.tuples(st.tuples(*[st.integers(0, 1)] * 3), st.integers(0, 1)),
                     min_size=1, max_size=8, unique_by=lambda row: row[0]),
    "iterations": st.integers(0, 60), "seed": st.integers(0, 2**32 - 1),
    "hidden": st.integers(0, 5), "rate": st.sampled_from([0.1, 0.5, 1.0, 2.5]),
    "bias": st.booleans(), "activation": st.sampled_from(sorted(HIDDEN_ACTIVATIONS)),
    "loss": st.sampled_from(["squared", "cross-entropy"]),
})


@settings(max_examples=200, deadline=None)
@given(settings_strategy)
def test_every_setting_trains_as_the_formulas_say(s):
    network = model.train(**s)
    X = np.array([[i >> 2 & 1, i >> 1 & 1, i & 1] for i in range(8)], dtype=float)
    assert np.array_equal(model.forward(network, X), reference_train(**s))  # to the last bit


def test_tanh_is_numpys_up_to_rounding():
    z = np.linspace(-30, 30, 10_001)
    assert np.allclose(model.tanh(z), np.tanh(z), rtol=0, atol=4e-16)


def test_the_seeds_settings_are_the_blog_posts_to_the_last_bit():
    X, y = model.training_arrays(model.SEED_ROWS)
    assert model.predict(model.train(bias=False, activation="tanh", loss="squared"), (1, 0, 0)) \
        == float(seed_blog_post()[0])  # no hidden layer: the activation does not apply


@pytest.mark.parametrize("hidden, bias, names", [
    (0, False, ["out", "d", "X.T @ d", "w + rate * (X.T @ d)"]),
    (4, False, ["h", "out", "d2", "h.T @ d2", "d1", "X.T @ d1",
                "w1 + rate * (X.T @ d1)", "w2 + rate * (h.T @ d2)"]),
    (0, True, ["out", "d", "X.T @ d", "d.sum(axis=0)", "w + rate * (X.T @ d)",
               "b + rate * d.sum(axis=0)"]),
    (4, True, ["h", "out", "d2", "h.T @ d2", "d2.sum(axis=0)", "d1", "X.T @ d1",
               "d1.sum(axis=0)", "w1 + rate * (X.T @ d1)", "w2 + rate * (h.T @ d2)",
               "b1 + rate * d1.sum(axis=0)", "b2 + rate * d2.sum(axis=0)"]),
])
def test_explain_update_names_backprops_arrays_and_the_new_weights(hidden, bias, names):
    X, y = model.training_arrays(model.SEED_ROWS)
    network = model.initial_network(1, hidden, bias)
    network.biases = network.biases and [b + 0.25 for b in network.biases]  # not all zero
    before = network.copy()
    step = model.explain_update(network, X, y, 0.5)
    assert [name for name, _ in step] == names
    assert same(network.weights, before.weights)
    activations, deltas, adjustments = model.backprop(network, X, y)
    arrays = dict(step)
    assert same([arrays[name] for name in names if name in ("h", "out")], activations[1:])
    assert same([arrays[name] for name in names if name[0] == "d" and "." not in name],
                deltas[::-1])
    assert same([arrays[name] for name in names if ".T @" in name and "+" not in name],
                adjustments[::-1])
    model.update(network, X, y, 0.5)
    new = [array for name, array in step if "+ rate" in name]
    assert same(new, network.weights + (network.biases or []))


@pytest.mark.parametrize("loss", ["squared", "cross-entropy"])
def test_losses_are_the_mean_of_each_rows_loss(loss):
    y = np.array([[0.0], [1.0], [1.0]])
    out = np.array([[0.2], [0.9], [1.0]])
    expected = ([0.04, 0.01, 0.0] if loss == "squared"
                else [-np.log(0.8), -np.log(0.9), -np.log(1.0)])
    assert model.loss_of(y, out, loss) == pytest.approx(sum(expected) / 3, rel=1e-15)


def test_a_cross_entropy_of_a_certain_miss_is_large_not_infinite():
    assert np.isfinite(model.loss_of(np.array([[1.0]]), np.array([[0.0]]), "cross-entropy"))
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
    assert [together[j] for j in range(300)] == [model.loss_of(y, outs[:, [j]]) for j in range(300)]
    assert together == pytest.approx(((y - outs) ** 2).mean(axis=0), rel=1e-15)
