"""The ten-line neural network, and its one-hidden-layer sibling, in plain NumPy.

No browser imports: this file runs the same in CPython and in Pyodide. Run it as a script to
print the seed's answer for the input 1 0 0.
"""

import numpy as np

# The seed's training table: three input bits -> one output bit.
SEED_ROWS = (((0, 0, 1), 0), ((1, 1, 1), 1), ((1, 0, 1), 1), ((0, 1, 1), 0))


# Constants are written 1.0, not 1: NumPy would convert the int to a float on every call, a tenth
# of the training time in the browser; the numbers are the same.
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def training_arrays(rows):
    """X of shape (n, 3) and y of shape (n, 1), float64, in the rows' order."""
    X = np.array([bits for bits, _ in rows], dtype=float)
    y = np.array([[target] for _, target in rows], dtype=float)
    return X, y


def initial_weights(seed, hidden=0):
    """Random weights in [-1, 1): one matrix for the single layer, two with a hidden layer."""
    np.random.seed(seed)
    if hidden == 0:
        return [2 * np.random.random((3, 1)) - 1]
    w1 = 2 * np.random.random((3, hidden)) - 1  # drawn first
    w2 = 2 * np.random.random((hidden, 1)) - 1
    return [w1, w2]


def layers(weights, X):
    """Every layer's activations for each row of X: [X, h, out] or [X, out]."""
    activations = [X]
    for w in weights:
        activations.append(sigmoid(activations[-1] @ w))
    return activations


def forward(weights, X):
    """The network's output for each row of X."""
    return layers(weights, X)[-1]


def backprop(weights, X, y):
    """One forward pass and its error sent back through the network; changes nothing.

    Returns every layer's activations, each layer's delta (how far its sums should move) and
    each weight matrix's adjustment, all from the weights as they were.
    """
    activations = layers(weights, X)
    out = activations[-1]
    delta = (y - out) * out * (1.0 - out)
    deltas, adjustments = [delta], [activations[-2].T @ delta]
    for i in reversed(range(1, len(weights))):  # back through the hidden layers; X needs no delta
        h = activations[i]
        delta = (delta @ weights[i].T) * h * (1.0 - h)
        deltas.insert(0, delta)
        adjustments.insert(0, activations[i - 1].T @ delta)
    return activations, deltas, adjustments


def scaled(rate, adjustment):
    """rate * adjustment. At rate 1 that is the adjustment itself, bit for bit, so it is
    returned as it is: one array operation fewer per layer and iteration."""
    return adjustment if rate == 1 else rate * adjustment


def update(weights, X, y, rate=1.0):
    """One iteration of training, in place. Returns `out`, the output before the update."""
    activations, _, adjustments = backprop(weights, X, y)
    for w, adjustment in zip(weights, adjustments):
        w += scaled(rate, adjustment)
    return activations[-1]


# The step-through's names for the page's two shapes: the activations, weights and deltas.
NAMES = {1: (["X", "out"], ["w"], ["d"]),
         2: (["X", "h", "out"], ["w1", "w2"], ["d1", "d2"])}


def explain_update(weights, X, y, rate=1.0):
    """One update from these weights as (name, array) pairs, in the order computed: each
    layer's output; from the output back, each layer's delta and adjustment; the new weights.

    They are backprop's own arrays, so every number is the one training used; `weights` is
    left as it was.
    """
    activations, deltas, adjustments = backprop(weights, X, y)
    a, w, d = NAMES[len(weights)]  # names, not arrays: "h", "w2", "d2"
    steps = list(zip(a[1:], activations[1:]))
    for i in reversed(range(len(weights))):
        steps += [(d[i], deltas[i]), (f"{a[i]}.T @ {d[i]}", adjustments[i])]
    for i in range(len(weights)):
        new_weights = weights[i] + scaled(rate, adjustments[i])
        steps.append((f"{w[i]} + rate * ({a[i]}.T @ {d[i]})", new_weights))
    return steps


def losses(y, outs):
    """The mean squared error of each column of outs: the outputs of many iterations side by
    side, so a training run's losses cost a few array operations, not a few per iteration.
    (Python's sum adds the rows in order: a column's loss is the same whatever its neighbours.)"""
    error = y - outs
    return sum(error * error) / len(y)


def loss(y, out):
    """Mean squared error of one output."""
    return float(losses(y, out)[0])


def train(rows=SEED_ROWS, iterations=10_000, seed=1, hidden=0, rate=1.0):
    """Train from scratch; returns the list of weight matrices."""
    X, y = training_arrays(rows)
    weights = initial_weights(seed, hidden)
    for _ in range(iterations):
        update(weights, X, y, rate)
    return weights


def predict(weights, bits):
    """The network's output, a float in (0, 1), for three input bits."""
    return float(forward(weights, np.array([bits], dtype=float))[0, 0])


if __name__ == "__main__":
    print(f"1 0 0 -> {predict(train(), (1, 0, 0)):.8f}")
