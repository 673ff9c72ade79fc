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
    network: model.Network  # after k updates
    losses: np.ndarray  # the loss after 0..k iterations
    step: list  # (name, array) pairs of update k, as model.explain_update; empty at k = 0
    layers: list  # activations for all 8 inputs in counting order: [inputs, (hidden,) output]

    @property
    def weights(self):
        return self.network.weights


class Run:
    def __init__(self, rows, iterations, seed=1, hidden=0, rate=1.0, bias=False,
                 activation="sigmoid", loss="squared"):
        self.X, self.y = model.training_arrays(rows)
        self.iterations = iterations
        self.rate = rate
        self.loss = loss
        self.checkpoint_every = -(-iterations // MAX_CHECKPOINTS)  # ceiling division
        self.network = model.initial_network(seed, hidden, bias, activation)
        self.checkpoints = {0: self.network.copy()}
        self.losses = np.empty(iterations + 1)
        self.done = 0
        self._record_final_loss()

    def advance(self, n):
        """Train n more iterations (fewer at the end); returns how many were done."""
        n = min(n, self.iterations - self.done)
        start = self.done
        outs = []  # each iteration's output, from before its update; their losses come after
        for _ in range(n):
            outs.append(model.update(self.network, self.X, self.y, self.rate, self.loss))
            self.done += 1
            if self.done % self.checkpoint_every == 0:
                self.checkpoints[self.done] = self.network.copy()
        if outs:
            self.losses[start:self.done] = model.losses(self.y, np.hstack(outs), self.loss)
        self._record_final_loss()
        return n

    def _record_final_loss(self):
        self.losses[self.done] = model.loss_of(self.y, model.forward(self.network, self.X),
                                               self.loss)

    def network_at(self, k):
        """The network after k updates (k <= done), recomputed from the checkpoint before k."""
        base = k - k % self.checkpoint_every
        network = self.checkpoints[base].copy()
        for _ in range(k - base):
            model.update(network, self.X, self.y, self.rate, self.loss)
        return network

    def at(self, k, with_step=True):
        """The Snapshot after k iterations, 0 <= k <= done; without the step (cheap) at k = done."""
        if not 0 <= k <= self.done:
            raise ValueError(f"iteration {k} is not trained yet (0 to {self.done})")
        step = []
        if not with_step and k == self.done:
            network = self.network.copy()
        elif k == 0:
            network = self.network_at(0)
        else:
            network = self.network_at(k - 1)
            step = model.explain_update(network, self.X, self.y, self.rate, self.loss)
            model.update(network, self.X, self.y, self.rate, self.loss)  # the same numbers
        return Snapshot(k, network, self.losses[: k + 1], step, model.layers(network, ALL_INPUTS))
