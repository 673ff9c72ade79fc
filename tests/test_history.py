"""The network at iteration k: recomputed from checkpoints, equal to training k iterations."""

import subprocess
import sys

import numpy as np
import pytest

import listing
import model
from history import ALL_INPUTS, Run
from state import parse, serialise

XOR = (((0, 0, 1), 0), ((0, 1, 1), 1), ((1, 0, 1), 1), ((1, 1, 1), 0))
SETTINGS = [
    dict(rows=model.SEED_ROWS, seed=1, hidden=0, rate=1.0),
    dict(rows=XOR, seed=5, hidden=4, rate=0.7),
]
# Beyond the seed: a bias, another activation, the cross-entropy loss (model tests check the
# arithmetic; here the run's revisiting of iteration k).
MORE_SETTINGS = [
    dict(rows=XOR, seed=2, hidden=3, rate=0.5, bias=True, activation="tanh", loss="cross-entropy"),
    dict(rows=XOR, seed=3, hidden=2, rate=1.0, bias=True, activation="relu", loss="squared"),
]


def plain_numpy_loop(rows, iterations, seed, hidden, rate):
    """The issue's pseudo-code, written out without the model's helpers."""
    X = np.array([b for b, _ in rows], dtype=float)
    y = np.array([[t] for _, t in rows], dtype=float)
    sig = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    np.random.seed(seed)
    if hidden == 0:
        w = 2 * np.random.random((3, 1)) - 1
        for _ in range(iterations):
            out = sig(X @ w)
            w += rate * (X.T @ ((y - out) * out * (1 - out)))
        return [w]
    w1 = 2 * np.random.random((3, hidden)) - 1
    w2 = 2 * np.random.random((hidden, 1)) - 1
    for _ in range(iterations):
        h = sig(X @ w1)
        out = sig(h @ w2)
        d2 = (y - out) * out * (1 - out)
        d1 = (d2 @ w2.T) * h * (1 - h)
        w1 += rate * (X.T @ d1)
        w2 += rate * (h.T @ d2)
    return [w1, w2]


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("iterations", [1, 7, 2500])
def test_model_matches_a_plain_numpy_loop(settings, iterations):
    assert same(model.train(iterations=iterations, **settings).weights,
                plain_numpy_loop(iterations=iterations, **settings))


@pytest.mark.parametrize("settings", SETTINGS + MORE_SETTINGS)
def test_network_at_k_equals_training_k_iterations(settings):
    run = Run(iterations=2500, **settings)
    while run.done < 2500:
        run.advance(333)
    assert run.checkpoint_every == 3
    for k in (0, 1, 2, 3, 4, 10, 1234, 2499, 2500):
        snapshot = run.at(k)
        expected = model.train(iterations=k, **settings)
        assert same(snapshot.weights, expected.weights), k
        assert same(snapshot.network.biases or [], expected.biases or []), k
        X, y = model.training_arrays(settings["rows"])
        loss = settings.get("loss", "squared")
        assert snapshot.losses[k] == model.loss_of(y, model.forward(expected, X), loss)
        assert len(snapshot.losses) == k + 1
        assert np.array_equal(snapshot.layers[-1], model.forward(expected, ALL_INPUTS))
        if k:
            before = model.train(iterations=k - 1, **settings)
            explained = model.explain_update(before, X, y, settings["rate"], loss)
            assert [name for name, _ in snapshot.step] == [name for name, _ in explained]
            new = [a for name, a in snapshot.step if "+ rate" in name]
            assert same(new, expected.weights + (expected.biases or []))
        else:
            assert snapshot.step == []


def test_memory_is_bounded_for_a_million_iterations():
    run = Run(model.SEED_ROWS, 1_000_000)
    assert run.checkpoint_every == 1000
    run.advance(5000)
    assert len(run.checkpoints) == 6
    with pytest.raises(ValueError):
        run.at(5001)


def test_explain_update_uses_the_numbers_of_update():
    X, y = model.training_arrays(model.SEED_ROWS)
    network = model.initial_network(1, 3)
    step = dict(model.explain_update(network, X, y, 0.5))
    out = model.update(network, X, y, 0.5)
    assert np.array_equal(step["out"], out)
    assert np.array_equal(step["w1 + rate * (X.T @ d1)"], network.weights[0])
    assert np.array_equal(step["w2 + rate * (h.T @ d2)"], network.weights[1])


@pytest.mark.parametrize("fragment, k", [
    ("", 10000),
    ("rows=001:0,011:1,101:1,111:0&hidden=4&bits=011&rate=0.5&seed=3&iterations=2000&at=37", 37),
    ("rows=001:0,011:1,101:1,111:0&hidden=3&bits=110&bias=1&activation=relu&loss=cross-entropy"
     "&iterations=300", 300),
])
def test_downloaded_script_prints_the_prediction(tmp_path, fragment, k):
    state, _ = parse(fragment)
    script = tmp_path / "tenline.py"
    script.write_text(listing.standalone_script(state, k, serialise(state)))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True)
    expected = model.predict(model.train(state.rows, k, state.seed, state.hidden, state.rate,
                                         state.bias, state.activation, state.loss), state.bits)
    assert out.stdout.splitlines()[-1] == repr(expected)
