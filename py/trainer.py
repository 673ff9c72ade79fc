"""The one interface the view talks to: train (with progress), the network at k, predict.

The view never touches NumPy. It asks a Trainer to train for a set of settings, hears about
progress through a callback, then asks for the network after any k iterations and for
predictions. Training runs in slices that hand control back to the event loop between them, so
the page stays responsive; `cancel` (or a new `train` call) stops a run still going at its next
slice. This is the seam at which the model can move into a web worker.
"""

import asyncio
import time

import numpy as np

import model
from history import Run

# A large learning rate drives sigmoid's exp() past the float range; the result (0 or 1) is the
# right limit, so the overflow warning is noise that would reach the browser console as an error.
np.seterr(over="ignore")

# How long one slice of training may hold the thread before yielding, in seconds: the longest a
# reader's event waits while training runs (Python has its own thread, a web worker, so the page
# itself never waits).
SLICE_SECONDS = 0.05


class Cancelled(Exception):
    """The run was cancelled, or superseded by a newer `train` call."""


class Trainer:
    def __init__(self):
        self.run = None
        self._generation = 0
        self._snapshot = None  # the last network asked for, kept for the predictions that follow

    async def train(self, settings, on_progress=None):
        """Train from scratch for these settings (a State: rows, iterations, seed, hidden, rate,
        bias, activation, loss); calls on_progress(done, iterations, seconds) after each slice.

        Returns the training time in seconds, or raises Cancelled if cancelled meanwhile.
        """
        self.cancel()
        generation = self._generation
        s = settings
        self.run = run = Run(s.rows, s.iterations, s.seed, s.hidden, s.rate, s.bias,
                             s.activation, s.loss)
        iterations = s.iterations
        self._snapshot = None
        started = time.perf_counter()
        batch = 50
        while run.done < iterations:
            slice_start = time.perf_counter()
            run.advance(batch)
            # Size the next batch so one slice takes about SLICE_SECONDS.
            took = max(time.perf_counter() - slice_start, 1e-6)
            batch = max(1, min(batch * 4, int(batch * SLICE_SECONDS / took)))
            if on_progress:
                on_progress(run.done, iterations, time.perf_counter() - started)
            if run.done < iterations:
                await asyncio.sleep(0)
                if generation != self._generation:
                    raise Cancelled
        return time.perf_counter() - started

    def cancel(self):
        """Stop the run in progress, if any, at its next slice."""
        # A counter, not asyncio's Task.cancel: Pyodide 0.27's event loop logs cancelled tasks
        # as errors in the console.
        self._generation += 1

    @property
    def done(self):
        """How many iterations have been trained so far."""
        return self.run.done if self.run else 0

    def at(self, k, with_step=True, reuse=False):
        """The Snapshot after k iterations (history.Snapshot); without the step it is cheaper.
        With reuse, the last one asked for is returned if it is for k (as when only the input
        changed)."""
        if not (reuse and self._snapshot is not None and self._snapshot.k == k):
            self._snapshot = self.run.at(k, with_step)
        return self._snapshot

    def predict(self, bits):
        """The output of the network last asked for with `at`, for three input bits."""
        return model.predict(self._snapshot.network, bits)
