"""The controller (py/main.py) in CPython: events in, the page's ops out, as the worker runs it.

Each test drives `main.handle` with the JSON events py/ui.py sends and reads the ops page.py
sends back, inside a running asyncio loop (training runs in slices on it)."""

import asyncio
import importlib
import json
import threading

import pytest

import model
from state import parse


class Page:
    """The other end of page.connect: every answer, and what the page would show."""

    def __init__(self):
        self.answers = []

    def receive(self, text):
        self.answers.append(json.loads(text))

    def ops(self, name=None, selector=None):
        return [op for answer in self.answers for op in answer["ops"]
                if (name is None or op[0] == name) and (selector is None or op[1] == selector)]

    def last(self, name, selector, *rest):
        """The last value written by op `name` to `selector` (and, for attr/prop, `rest`)."""
        values = [op[-1] for op in self.ops(name, selector) if tuple(op[2:-1]) == rest]
        return values[-1] if values else None


@pytest.fixture
def controller():
    """A fresh main.py (its module state is the page's state) connected to a Page."""
    import page as page_module
    import main
    importlib.reload(page_module)
    main = importlib.reload(main)
    view = Page()
    handle = main.start(view.receive)

    def send(**event):
        handle(json.dumps({"data": {}, "value": "", "checked": False, "bad": False, **event}))

    return main, view, send


def run(scenario):
    """Run a coroutine in a thread of its own: Playwright's tests leave a loop running in this
    one (asyncio.run refuses to nest)."""
    failure = []

    def target():
        try:
            asyncio.run(scenario)
        except BaseException as err:  # re-raised in the test's thread
            failure.append(err)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


async def until(condition, timeout=30):
    for _ in range(int(timeout / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("timed out")


def settled(view):
    return view.last("attr", "#prediction", "data-probability")


def cpython(fragment):
    s, _ = parse(fragment)
    return model.predict(model.train(s.rows, s.iterations, s.seed, s.hidden, s.rate), s.bits)


LONG = "iterations=300000"  # long enough to act on while it runs


@pytest.mark.parametrize("action", ["bit", "truth-table row", "iteration shown"])
def test_input_and_view_changes_do_not_restart_a_run(controller, action):
    main, view, send = controller

    async def scenario():
        send(type="start", hash="#" + LONG, reduced=False)
        await until(lambda: main.trainer.done > 20_000 and main.drawn_at)
        run, done = main.trainer.run, main.trainer.done
        if action == "bit":
            send(type="change", id="bit-2", checked=True)
        elif action == "truth-table row":
            send(type="click", id="truth-body", data={"bits": "110"})
        else:
            send(type="input", id="iteration", value="5")
        assert main.trainer.run is run and main.trainer.done >= done  # the same run, going on
        await until(lambda: settled(view) is not None)
        assert main.trainer.run is run

    run(scenario())
    fragment = view.ops("url")[-1][1]
    if action == "iteration shown":  # the network after 5 of the run's iterations
        assert fragment.endswith("&at=5")
        assert float(settled(view)) == cpython("iterations=5")
    else:
        assert "bits=110" in fragment
        assert float(settled(view)) == cpython(fragment)
    progress = [op[-1] for op in view.ops("prop", "#training-progress") if op[2] == "value"]
    assert progress == sorted(progress)  # never back to 0


def test_the_readout_follows_the_bits_while_a_run_goes_on(controller):
    main, view, send = controller

    async def scenario():
        send(type="start", hash="#" + LONG, reduced=False)
        await until(lambda: main.drawn_at)
        shown = len(view.ops("text", "#prediction .probability"))
        send(type="change", id="bit-1", checked=False)
        # At once, from the frame last drawn: the prediction for the new bits, not yet settled.
        k = main.drawn_at
        expected = model.predict(main.trainer.run.network_at(k), (0, 0, 0))
        assert len(view.ops("text", "#prediction .probability")) > shown
        assert view.last("text", "#prediction .probability") == f"{expected:.8f}"
        assert view.answers[-1]["settled"] is False
        main.trainer.cancel()

    run(scenario())


def test_a_training_setting_does_restart_the_run(controller):
    main, view, send = controller

    async def scenario():
        send(type="start", hash="#" + LONG, reduced=False)
        await until(lambda: main.trainer.done > 0)
        run = main.trainer.run
        send(type="input", id="iterations", value="2000")
        await until(lambda: settled(view) is not None)
        assert main.trainer.run is not run

    run(scenario())
    assert float(settled(view)) == cpython("iterations=2000")


def remove(send, row_id):
    send(type="click", id="rows", data={"remove": str(row_id)})


def test_an_event_about_a_removed_row_is_dropped_and_the_focus_moves_on(controller):
    main, view, send = controller

    async def scenario():
        send(type="start", hash="", reduced=False)
        ids = main.row_ids
        remove(send, ids[1])
        # The focus (the Remove button pressed is gone) goes to the next row's Remove.
        assert view.ops("focus")[-1][1:] == [f'[data-remove="{ids[2]}"]:not([disabled])',
                                               "#add-row"]
        # Sent before the page heard of the removal: a box of the row just removed ...
        send(type="change", id="rows", data={"row": str(ids[1]), "col": "3"}, checked=True)
        # ... and of the row that was 4th, now 3rd: it is that row that changes.
        send(type="change", id="rows", data={"row": str(ids[3]), "col": "3"}, checked=True)
        remove(send, ids[3])  # the last row: the focus goes to the one before it
        assert view.ops("focus")[-1][1] == f'[data-remove="{ids[2]}"]:not([disabled])'
        send(type="change", id="rows", data={"row": str(ids[3]), "col": "0"}, checked=True)
        await until(lambda: settled(view) is not None and main.trained())

    run(scenario())
    assert view.ops("url")[-1][1].startswith("rows=001:0,101:1&")
    assert not any("went wrong" in op[-1] for op in view.ops("text", "#alert"))


def test_an_unexpected_error_is_answered_and_said_in_words(controller, capsys):
    main, view, send = controller

    async def scenario():
        send(type="start", hash="", reduced=False)
        await until(lambda: main.trained())
        answers = len(view.answers)
        send(type="change", id="rows", data={"row": str(main.row_ids[0])})  # no "col"
        assert len(view.answers) == answers + 1  # answered all the same
        alert = view.last("text", "#alert")
        assert alert.startswith("Something went wrong in the page's Python (KeyError: 'col')")
        assert "Traceback" in capsys.readouterr().err  # for developers, in the console
        send(type="change", id="bit-2", checked=True)  # the page still works
        assert view.answers[-1]["settled"] is True

    run(scenario())
    assert float(settled(view)) == cpython("bits=110")


# ---- the reader's code ----------------------------------------------------------------------

def editor(view):
    return view.last("prop", "#code", "value")


def drawn(view, text):
    """Whether the page has been sent the views of a trained network whose call holds `text`."""
    return text in (view.last("text", "#call") or "")


def test_the_editor_follows_the_settings_until_edited_then_keeps_the_code(controller):
    main, view, send = controller

    async def scenario():
        send(type="start", hash="", reduced=False)
        await until(lambda: drawn(view, "seed=1,"))
        script = editor(view)
        assert script == main.original_script() and "seed=1," in script
        send(type="input", id="seed", value="2")
        await until(lambda: drawn(view, "seed=2,"))
        edited = editor(view) + "print('mine')\n"
        send(type="input", id="code", value=edited)
        assert view.ops("url")[-1][1].endswith("&code=" + main.format_code(edited))
        assert "Edited" in view.last("text", "#code-note")
        assert "+print('mine')" in view.last("html", "#changes")
        writes = len(view.ops("prop", "#code"))
        send(type="input", id="seed", value="3")
        await until(lambda: drawn(view, "seed=3,"))
        assert len(view.ops("prop", "#code")) == writes  # the reader's code is left alone
        assert "&seed=3&" in view.ops("url")[-1][1] and "&code=" in view.ops("url")[-1][1]
        send(type="click", id="download")
        assert view.ops("download")[-1][1:] == ["tenline.py", edited]
        send(type="click", id="reset-code")
        assert editor(view) == main.original_script() and "seed=3," in editor(view)
        assert "code=" not in view.ops("url")[-1][1]
        assert "follows them" in view.last("text", "#code-note")

    run(scenario())


def test_typing_the_script_back_makes_the_editor_follow_again(controller):
    main, view, send = controller

    async def scenario():
        send(type="start", hash="", reduced=False)
        await until(lambda: drawn(view, "seed=1,"))
        script = editor(view)
        send(type="input", id="code", value=script + "#")
        send(type="input", id="code", value=script)
        assert "code=" not in view.ops("url")[-1][1]
        assert view.last("html", "#changes").startswith("None")

    run(scenario())


def test_code_too_long_for_a_link_still_runs_and_stays_in_the_editor(controller):
    main, view, send = controller
    long_code = "x = 1\n" * 4000  # 24,000 characters

    async def scenario():
        send(type="start", hash="", reduced=False)
        await until(lambda: main.trained())
        send(type="input", id="code", value=long_code)
        assert view.last("text", "#alert").startswith("code: the code is longer than 20,000")
        assert "The link leaves the code out" in view.last("text", "#alert")
        assert "code=" not in view.ops("url")[-1][1]
        assert main.edited_code == long_code  # what Run runs and Download gives
        send(type="input", id="seed", value="2")  # the editor still keeps it
        await until(lambda: drawn(view, "seed=2,"))
        assert editor(view) != long_code and "Edited" in view.last("text", "#code-note")
        send(type="click", id="reset-code")
        assert view.last("text", "#alert") == ""

    run(scenario())


def test_code_from_a_link_is_shown_not_run(controller):
    main, view, send = controller
    code = "print('from the link')\n"

    async def scenario():
        send(type="start", hash="#iterations=50&code=" + main.format_code(code), reduced=False)
        await until(lambda: drawn(view, "iterations=50,"))

    run(scenario())
    assert editor(view) == code
    assert "Edited" in view.last("text", "#code-note")
    assert view.ops("url")[-1][1].endswith("&code=" + main.format_code(code))
