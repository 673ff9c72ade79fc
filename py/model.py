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


def scaled(rate, adjustment):
    """rate * adjustment. At rate 1 that is the adjustment itself, bit for bit, so it is
    returned as it is: one array operation fewer per layer and iteration."""
    return adjustment if rate == 1 else rate * adjustment


def update(weights, X, y, rate=1.0):
    """One iteration of training, in place. Returns `out`, the output before the update."""
    if len(weights) == 1:
        (w,) = weights
        out = sigmoid(X @ w)
        w += scaled(rate, X.T @ ((y - out) * out * (1.0 - out)))
        return out
    w1, w2 = weights
    h = sigmoid(X @ w1)
    out = sigmoid(h @ w2)
    d2 = (y - out) * out * (1.0 - out)
    d1 = (d2 @ w2.T) * h * (1.0 - h)
    w1 += scaled(rate, X.T @ d1)  # both adjustments come from the same forward pass
    w2 += scaled(rate, h.T @ d2)
    return out


def explain_update(weights, X, y, rate=1.0):
    """The arrays of one update from these weights, named as in `update`, in the order computed.

    The same arithmetic in the same order as `update`, so every number is the one training used;
    `weights` is left as it was.
    """
    if len(weights) == 1:
        (w,) = weights
        out = sigmoid(X @ w)
        adjustment = X.T @ ((y - out) * out * (1 - out))
        return [("X @ w", X @ w), ("out", out), ("y - out", y - out),
                ("out * (1 - out)", out * (1 - out)),
                ("X.T @ ((y - out) * out * (1 - out))", adjustment),
                ("w + rate * adjustment", w + rate * adjustment)]
    w1, w2 = weights
    h = sigmoid(X @ w1)
    out = sigmoid(h @ w2)
    d2 = (y - out) * out * (1 - out)
    d1 = (d2 @ w2.T) * h * (1 - h)
    return [("X @ w1", X @ w1), ("h", h), ("h @ w2", h @ w2), ("out", out), ("y - out", y - out),
            ("out * (1 - out)", out * (1 - out)), ("d2", d2), ("d2 @ w2.T", d2 @ w2.T),
            ("h * (1 - h)", h * (1 - h)), ("d1", d1), ("X.T @ d1", X.T @ d1),
            ("h.T @ d2", h.T @ d2), ("w1 + rate * (X.T @ d1)", w1 + rate * (X.T @ d1)),
            ("w2 + rate * (h.T @ d2)", w2 + rate * (h.T @ d2))]


def layers(weights, X):
    """Every layer's activations for each row of X: [X, h, out] or [X, out]."""
    activations = [X]
    for w in weights:
        activations.append(sigmoid(activations[-1] @ w))
    return activations


def losses(y, outs):
    """The mean squared error of each column of outs: the outputs of many iterations side by
    side, so a training run's losses cost a few array operations, not a few per iteration.
    (Python's sum adds the rows in order: a column's loss is the same whatever its neighbours.)"""
    error = y - outs
    return sum(error * error) / len(y)


def loss(y, out):
    """Mean squared error of one output."""
    return float(losses(y, out)[0])


def forward(weights, X):
    """The network's output for each row of X."""
    return layers(weights, X)[-1]


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
