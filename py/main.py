"""The page's glue: binds the input-bit checkboxes to the trainer and renders what it says.

No math here: numbers come from the Trainer, this file only reads the page and writes to it.
"""

from pyscript import document, when

import model
from trainer import Trainer

trainer = Trainer()
readout = document.getElementById("prediction")
status = document.getElementById("status")
alert = document.getElementById("alert")
bit_boxes = [document.getElementById(f"bit-{i}") for i in (1, 2, 3)]


def current_bits():
    return tuple(int(box.checked) for box in bit_boxes)


def show_prediction():
    """Write the trainer's prediction for the checked bits into the readout, then mark it settled."""
    p = trainer.predict(current_bits())
    readout.querySelector(".probability").textContent = f"{p:.8f}"
    readout.querySelector(".digit").textContent = "1" if p >= 0.5 else "0"
    readout.dataset.probability = repr(p)
    readout.setAttribute("aria-busy", "false")


@when("change", ".input-bit")
def on_bit_change(event):
    readout.setAttribute("aria-busy", "true")
    show_prediction()


async def start():
    iterations = 10_000
    status.textContent = f"Training {iterations:,} iterations…"
    seconds = await trainer.train(model.SEED_ROWS, iterations)
    status.textContent = f"Ready: trained {iterations:,} iterations in {seconds * 1000:.0f} ms."
    show_prediction()
    document.documentElement.dataset.runtime = "ready"


try:
    await start()  # noqa: F704 (PyScript runs this module with top-level await)
except Exception as err:  # shown to the reader in plain words, never as a traceback
    alert.textContent = f"Training failed: {err}"
    status.textContent = "Stopped."
