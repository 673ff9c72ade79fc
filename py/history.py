"""A training run that can be revisited at any iteration, in bounded memory.

Training is deterministic, so "the network after k iterations" is well defined. A Run keeps the
loss after every iteration and a copy of the weights every `checkpoint_every` iterations (at most
MAX_CHECKPOINTS of them); the network at any k is recomputed from the nearest checkpoint before
it, with the same operations as the first time, so it is the same to the last bit.
"""

from dataclasses import dataclass
from itertools import product

import numpy as np

import model

MAX_CHECKPOINTS = 1000
ALL_INPUTS = np.array(list(product((0, 1), repeat=3)), dtype=float)  # 000, 001, ... 111


@dataclass
class Snapshot:
    """The network after k iterations, and how it got there."""

    k: int
    weights: list  # the weight matrices after k updates
    losses: np.ndarray  # mean squared error after 0..k iterations
    step: list  # (name, array) pairs of update k, as model.explain_update; empty at k = 0
    layers: list  # activations for all 8 inputs in counting order: [inputs, (hidden,) output]


class Run:
    def __init__(self, rows, iterations, seed=1, hidden=0, rate=1.0):
        self.X, self.y = model.training_arrays(rows)
        self.iterations = iterations
        self.rate = rate
        self.checkpoint_every = -(-iterations // MAX_CHECKPOINTS)  # ceiling division
        self.weights = model.initial_weights(seed, hidden)
        self.checkpoints = {0: [w.copy() for w in self.weights]}
        self.losses = np.empty(iterations + 1)
        self.done = 0
        self._record_final_loss()

    def advance(self, n):
        """Train n more iterations (fewer at the end); returns how many were done."""
        n = min(n, self.iterations - self.done)
        start = self.done
        outs = []  # each iteration's output, from before its update; their losses come after
        for _ in range(n):
            outs.append(model.update(self.weights, self.X, self.y, self.rate))
            self.done += 1
            if self.done % self.checkpoint_every == 0:
                self.checkpoints[self.done] = [w.copy() for w in self.weights]
        if outs:
            self.losses[start:self.done] = model.losses(self.y, np.hstack(outs))
        self._record_final_loss()
        return n

    def _record_final_loss(self):
        self.losses[self.done] = model.loss(self.y, model.forward(self.weights, self.X))

    def weights_at(self, k):
        """The weights after k updates (k <= done), recomputed from the checkpoint before k."""
        base = k - k % self.checkpoint_every
        weights = [w.copy() for w in self.checkpoints[base]]
        for _ in range(k - base):
            model.update(weights, self.X, self.y, self.rate)
        return weights

    def at(self, k, with_step=True):
        """The Snapshot after k iterations, 0 <= k <= done; without the step (cheap) at k = done."""
        if not 0 <= k <= self.done:
            raise ValueError(f"iteration {k} is not trained yet (0 to {self.done})")
        step = []
        if not with_step and k == self.done:
            weights = [w.copy() for w in self.weights]
        elif k == 0:
            weights = self.weights_at(0)
        else:
            before = self.weights_at(k - 1)
            step = model.explain_update(before, self.X, self.y, self.rate)
            weights = [array for _, array in step[-len(before):]]  # the updated weights
        return Snapshot(k, weights, self.losses[: k + 1], step, model.layers(weights, ALL_INPUTS))
