"""The one interface the view talks to: train (with progress) and predict.

The view never touches NumPy. It asks a Trainer to train for a set of settings, hears about
progress through a callback, and asks for predictions. Training runs in slices that hand control
back to the event loop between them, so the page stays responsive; `cancel` (or a new `train` call)
stops a run still going at its next slice. This is the seam at which the model can move into a web worker.
"""

import asyncio
import time

import numpy as np

import model

# A large learning rate drives sigmoid's exp() past the float range; the result (0 or 1) is the
# right limit, so the overflow warning is noise that would reach the browser console as an error.
np.seterr(over="ignore")
# How long one slice of training may hold the thread before yielding, in seconds.
SLICE_SECONDS = 0.02


class Cancelled(Exception):
    """The run was cancelled, or superseded by a newer `train` call."""


class Trainer:
    def __init__(self):
        self.weights = None
        self._generation = 0

    async def train(self, rows, iterations, seed=1, hidden=0, rate=1.0, on_progress=None):
        """Train from scratch; calls on_progress(done, iterations, seconds) after each slice.

        Returns the training time in seconds, or raises Cancelled if cancelled meanwhile.
        """
        self.cancel()
        generation = self._generation
        X, y = model.training_arrays(rows)
        weights = model.initial_weights(seed, hidden)
        self.weights = weights
        started = time.perf_counter()
        done, batch = 0, 50
        while done < iterations:
            slice_start = time.perf_counter()
            for _ in range(min(batch, iterations - done)):
                model.update(weights, X, y, rate)
            done += min(batch, iterations - done)
            # Size the next batch so one slice takes about SLICE_SECONDS.
            took = max(time.perf_counter() - slice_start, 1e-6)
            batch = max(1, min(batch * 4, int(batch * SLICE_SECONDS / took)))
            if on_progress:
                on_progress(done, iterations, time.perf_counter() - started)
            if done < iterations:
                await asyncio.sleep(0)
                if generation != self._generation:
                    raise Cancelled
        return time.perf_counter() - started

    def cancel(self):
        """Stop the run in progress, if any, at its next slice."""
        # A counter, not asyncio's Task.cancel: Pyodide 0.27's event loop logs cancelled tasks
        # as errors in the console.
        self._generation += 1

    def predict(self, bits):
        return model.predict(self.weights, bits)
