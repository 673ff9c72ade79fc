"""Compare and lessons in CPython: pin= show= lock= in the state, and the controller pinning a
run, retraining a pinned run from a link, comparing, locking and building a Share link."""

import html

import pytest
from hypothesis import given, strategies as st

import model
from state import (DEFAULT, LOCKABLE, PARTS, RUN_KEYS, differences, parse, replace,
                   run_settings, serialise)
from test_controller import cpython, controller, run, settled, until  # noqa: F401 (a fixture)

PINNED = replace(DEFAULT, seed=2, rate=0.5, bias=True, hidden=3, activation="tanh")


def test_a_pinned_run_round_trips_inside_one_key():
    fragment = serialise(replace(DEFAULT, pin=run_settings(PINNED)))
    assert fragment.count("&pin=") == 1 and "&" not in fragment.split("&pin=")[1]
    state, messages = parse(fragment)
    assert messages == [] and state.pin == run_settings(PINNED)
    assert [key for key, *_ in differences(state, state.pin)] == [
        "hidden", "seed", "rate", "bias", "activation"]


@pytest.mark.parametrize("pin, words", [
    ("seed%3D2%26bits%3D000", "is not the settings of a run"),  # bits: not a run's
    ("seed%3Dx", "seed is wrong"),
    ("pin%3Dseed%253D2", "is not the settings of a run"),  # no pin inside a pin
])
def test_a_malformed_pin_is_named_and_nothing_is_pinned(pin, words):
    state, messages = parse("pin=" + pin)
    assert state.pin is None
    assert len(messages) == 1 and messages[0].startswith("pin: ") and words in messages[0]
    assert messages[0].endswith("Using the default, nothing pinned.")


def test_show_and_lock_read_into_the_pages_order_and_are_left_out_at_their_defaults():
    state, messages = parse("show=loss,bits,loss&lock=seed,rows")
    assert messages == [] and state.show == ("bits", "loss") and state.lock == ("rows", "seed")
    assert serialise(state).endswith("&show=bits,loss&lock=rows,seed")
    assert "show=" not in serialise(DEFAULT) and "lock=" not in serialise(DEFAULT)


def test_an_unknown_part_or_lock_is_named_with_the_default():
    state, messages = parse("show=loss,netwrok&lock=seed,colour")
    assert state.show is None and state.lock == ()
    assert messages[0].startswith("show: 'netwrok' is not a part of the page; allowed is some of "
                                  "training-set, ")
    assert "Using the default, every part." in messages[0]
    assert messages[1].startswith("lock: 'colour' is not a setting that can be locked")


@given(st.lists(st.sampled_from(PARTS), min_size=1), st.lists(st.sampled_from(LOCKABLE)),
       st.sampled_from(RUN_KEYS))
def test_any_lesson_round_trips(show, lock, changed):
    pin = run_settings(replace(DEFAULT, seed=7) if changed == "seed" else DEFAULT)
    state = replace(DEFAULT, show=tuple(p for p in PARTS if p in show),
                    lock=tuple(k for k in LOCKABLE if k in lock), pin=pin)
    assert parse(serialise(state)) == (state, [])


def test_pin_keeps_this_runs_numbers_and_a_new_run_is_compared(controller):
    main, view, send = controller

    async def scenario():
        send(type="start", hash="#iterations=500", reduced=False)
        await until(lambda: settled(view) is not None)
        send(type="click", id="pin")
        assert main.pinned is not None
        send(type="input", id="seed", value="2")
        await until(lambda: main.trained() and "seed=2" in view.ops("url")[-1][1])

    run(scenario())
    fragment = view.ops("url")[-1][1]
    state, _ = parse(fragment)
    assert state.pin == run_settings(parse("iterations=500")[0])
    pinned_p = cpython("iterations=500")
    assert view.last("text", "#pinned-readout") == f"The pinned run answers {pinned_p:.8f} for 1 0 0."
    assert view.last("text", "#pinned-differences") == "It differs in seed (2 here, 1 pinned)."
    assert float(settled(view)) == cpython(fragment)
    # The truth table has the pinned run's column; the loss curve draws it, with a legend.
    assert view.last("prop", "#pinned-col", "hidden") is False
    assert view.ops("html", "#truth-body")[-1][-1].count('class="num pinned"') == 8
    assert "pinned-line" in view.ops("html", "#loss-curve")[-1][-1]


def test_a_link_with_a_pin_retrains_it_and_unpin_drops_it(controller):
    main, view, send = controller
    pin = serialise(replace(DEFAULT, pin=run_settings(replace(DEFAULT, iterations=300, seed=3))))

    async def scenario():
        send(type="start", hash="#" + pin.replace("iterations=10000", "iterations=200"),
             reduced=False)
        await until(lambda: main.pin_shown() is not None and settled(view) is not None)
        await until(lambda: "answers" in (view.last("text", "#pinned-readout") or ""))
        send(type="click", id="unpin")

    run(scenario())
    p = model.predict(model.train(iterations=300, seed=3), (1, 0, 0))
    readouts = [op[-1] for op in view.ops("text", "#pinned-readout")]
    assert f"The pinned run answers {p:.8f} for 1 0 0." in readouts
    assert "pin=" not in view.ops("url")[-1][1]
    assert view.last("prop", "#pinned", "hidden") is True


def test_locked_settings_ignore_events_and_restore_defaults_keeps_the_lesson(controller):
    main, view, send = controller

    async def scenario():
        send(type="start", hash="#iterations=200&seed=5&show=bits,loss&lock=seed,bits",
             reduced=False)
        await until(lambda: settled(view) is not None)
        send(type="input", id="seed", value="9")  # disabled on the page; one on its way anyway
        send(type="change", id="bit-2", checked=True)
        send(type="input", id="iterations", value="100")
        await until(lambda: "iterations=100" in view.ops("url")[-1][1])
        send(type="click", id="restore-defaults")
        await until(lambda: "iterations=10000" in view.ops("url")[-1][1])

    run(scenario())
    state, _ = parse(view.ops("url")[-1][1])
    assert (state.seed, state.bits, state.show, state.lock) == (5, (1, 0, 0), ("bits", "loss"),
                                                               ("bits", "seed"))
    assert view.last("prop", "#seed", "disabled") is True
    assert view.last("prop", "#part-code", "hidden") is True
    assert view.last("prop", "#part-loss", "hidden") is False
    assert view.last("text", "#lesson-note") == ("This lesson locks the input bits and the random "
                                                 "seed: shown, not to be changed.")


def test_share_builds_the_lesson_link_from_its_boxes(controller):
    main, view, send = controller

    async def scenario():
        send(type="start", hash="#iterations=200", reduced=False, base="http://host/tenline/")
        await until(lambda: settled(view) is not None)
        send(type="click", id="share")
        for part in PARTS:
            if part not in ("loss", "cube"):
                send(type="change", id="share-dialog", data={"part": part}, checked=False)
        send(type="change", id="share-dialog", data={"lock": "rate"}, checked=True)

    run(scenario())
    link = view.last("prop", "#share-link", "value")
    assert link == ("http://host/tenline/#" + serialise(parse("iterations=200")[0])
                    + "&show=loss,cube&lock=rate")
    embed = view.last("prop", "#share-embed", "value")  # the link as an attribute writes it
    assert embed.startswith(f'<iframe src="{html.escape(link)}" width="600" height="400"')
