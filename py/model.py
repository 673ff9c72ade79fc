"""The ten-line neural network, and its one-hidden-layer sibling, in plain NumPy.

No browser imports: this file runs the same in CPython and in Pyodide. Run it as a script to
print the seed's answer for the input 1 0 0.
"""

from dataclasses import dataclass

import numpy as np

# The seed's training table: three input bits -> one output bit.
SEED_ROWS = (((0, 0, 1), 0), ((1, 1, 1), 1), ((1, 0, 1), 1), ((0, 1, 1), 0))


# Constants are written 1.0, not 1: NumPy would convert the int to a float on every call, a tenth
# of the training time in the browser; the numbers are the same.
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# The hidden layer's activation function (the output's is always the sigmoid: a probability), and
# how its layer's delta is made from the delta sent back through the weights: times the function's
# slope, written from its output h.
def tanh(x):
    # Through exp, as the sigmoid: NumPy's own np.tanh differs in its last bits between machines
    # (its x86 SIMD code and WebAssembly's libm), and the page must give CPython's numbers.
    return 2.0 / (1.0 + np.exp(-2.0 * x)) - 1.0


ACTIVATIONS = {
    "sigmoid": (sigmoid, lambda back, h: back * h * (1.0 - h)),
    "tanh": (tanh, lambda back, h: back * (1.0 - h**2)),
    "relu": (lambda z: np.maximum(z, 0.0), lambda back, h: back * (h > 0)),
}

# The output's delta for each loss: how far each row's sum should move.
OUTPUT_DELTAS = {
    "squared": lambda y, out: (y - out) * out * (1.0 - out),
    "cross-entropy": lambda y, out: y - out,  # the sigmoid's slope cancels the loss's own
}


@dataclass
class Network:
    """The weight matrices, one per layer; with a bias, one bias row per layer (else None); and
    the hidden layer's activation function, by name."""

    weights: list
    biases: list = None
    activation: str = "sigmoid"

    def copy(self):
        return Network([w.copy() for w in self.weights],
                       self.biases and [b.copy() for b in self.biases], self.activation)


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


def initial_network(seed, hidden=0, bias=False, activation="sigmoid"):
    """Random weights; biases, if any, start at zero and draw nothing from the generator."""
    weights = initial_weights(seed, hidden)
    biases = [np.zeros((1, w.shape[1])) for w in weights] if bias else None
    return Network(weights, biases, activation)


def layers(network, X):
    """Every layer's activations for each row of X: [X, h, out] or [X, out]."""
    activations = [X]
    for i, w in enumerate(network.weights):
        z = activations[-1] @ w
        if network.biases:
            z += network.biases[i]
        last = i == len(network.weights) - 1
        activations.append(sigmoid(z) if last else ACTIVATIONS[network.activation][0](z))
    return activations


def forward(network, X):
    """The network's output for each row of X."""
    return layers(network, X)[-1]


def backprop(network, X, y, loss="squared"):
    """One forward pass and its error sent back through the network; changes nothing.

    Returns every layer's activations, each layer's delta (how far its sums should move) and
    each weight matrix's adjustment, all from the network as it was.
    """
    weights, slope_times = network.weights, ACTIVATIONS[network.activation][1]
    activations = layers(network, X)
    delta = OUTPUT_DELTAS[loss](y, activations[-1])
    deltas, adjustments = [delta], [activations[-2].T @ delta]
    for i in reversed(range(1, len(weights))):  # back through the hidden layers; X needs no delta
        delta = slope_times(delta @ weights[i].T, activations[i])
        deltas.insert(0, delta)
        adjustments.insert(0, activations[i - 1].T @ delta)
    return activations, deltas, adjustments


def scaled(rate, adjustment):
    """rate * adjustment. At rate 1 that is the adjustment itself, bit for bit, so it is
    returned as it is: one array operation fewer per layer and iteration."""
    return adjustment if rate == 1 else rate * adjustment


def update(network, X, y, rate=1.0, loss="squared"):
    """One iteration of training, in place. Returns `out`, the output before the update."""
    activations, deltas, adjustments = backprop(network, X, y, loss)
    for w, adjustment in zip(network.weights, adjustments):
        w += scaled(rate, adjustment)
    for b, delta in zip(network.biases or (), deltas):
        b += scaled(rate, delta.sum(axis=0))  # a bias is a weight whose input is always 1
    return activations[-1]


# The step-through's names for the page's two shapes: the activations, weights, biases and deltas.
NAMES = {1: (["X", "out"], ["w"], ["b"], ["d"]),
         2: (["X", "h", "out"], ["w1", "w2"], ["b1", "b2"], ["d1", "d2"])}


def explain_update(network, X, y, rate=1.0, loss="squared"):
    """One update from this network as (name, array) pairs, in the order computed: each layer's
    output; from the output back, each layer's delta and adjustments; the new weights and biases.

    They are backprop's own arrays, so every number is the one training used; `network` is left
    as it was.
    """
    activations, deltas, adjustments = backprop(network, X, y, loss)
    a, w, b, d = NAMES[len(network.weights)]  # names, not arrays: "h", "w2", "b2", "d2"
    steps = list(zip(a[1:], activations[1:]))
    for i in reversed(range(len(network.weights))):
        steps += [(d[i], deltas[i]), (f"{a[i]}.T @ {d[i]}", adjustments[i])]
        if network.biases:
            steps.append((f"{d[i]}.sum(axis=0)", deltas[i].sum(axis=0)))
    for i, weights in enumerate(network.weights):
        steps.append((f"{w[i]} + rate * ({a[i]}.T @ {d[i]})", weights + scaled(rate, adjustments[i])))
    for i, bias in enumerate(network.biases or ()):
        steps.append((f"{b[i]} + rate * {d[i]}.sum(axis=0)", bias + scaled(rate, deltas[i].sum(axis=0))))
    return steps


# A probability of 0 for a target would make its cross-entropy infinite: such an output is taken
# as the smallest positive float instead, so that a curve can still be drawn.
TINY = np.finfo(float).tiny


def losses(y, outs, loss="squared"):
    """The loss of each column of outs (mean over the rows): the outputs of many iterations side
    by side, so a training run's losses cost a few array operations, not a few per iteration.
    (Python's sum adds the rows in order: a column's loss is the same whatever its neighbours.)"""
    if loss == "cross-entropy":
        likelihood = np.where(y == 1, outs, 1.0 - outs)  # of each row's target
        return sum(-np.log(np.maximum(likelihood, TINY))) / len(y)
    error = y - outs
    return sum(error * error) / len(y)


def loss_of(y, out, loss="squared"):
    """The loss of one output."""
    return float(losses(y, out, loss)[0])


def train(rows=SEED_ROWS, iterations=10_000, seed=1, hidden=0, rate=1.0, bias=False,
          activation="sigmoid", loss="squared"):
    """Train from scratch; returns the Network."""
    X, y = training_arrays(rows)
    network = initial_network(seed, hidden, bias, activation)
    for _ in range(iterations):
        update(network, X, y, rate, loss)
    return network


def predict(network, bits):
    """The network's output, a float in (0, 1), for three input bits."""
    return float(forward(network, np.array([bits], dtype=float))[0, 0])


if __name__ == "__main__":
    print(f"1 0 0 -> {predict(train(), (1, 0, 0)):.8f}")
