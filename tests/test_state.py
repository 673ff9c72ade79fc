"""The state room in CPython: the fragment's canonical form, fallbacks, and a Hypothesis property
that no string can make parsing fail or drift."""

import pytest
from hypothesis import given, strategies as st

from state import (ALLOWED, DEFAULT, PRESETS, State, add_row, format_field, format_rate, parse,
                   parse_field, preset_name, serialise, with_at)

SEED_FRAGMENT = "rows=001:0,111:1,101:1,011:0&bits=100&hidden=0&iterations=10000&seed=1&rate=1"


def test_defaults_serialise_to_the_seed():
    assert serialise(DEFAULT) == SEED_FRAGMENT
    assert parse(SEED_FRAGMENT) == (DEFAULT, [])
    assert parse("#" + SEED_FRAGMENT) == (DEFAULT, [])
    assert parse("") == (DEFAULT, [])


@pytest.mark.parametrize("field, value", [
    ("rows", (((1, 1, 0), 1),)), ("bits", (0, 1, 1)), ("hidden", 16), ("iterations", 1),
    ("seed", 2**32 - 1), ("rate", 0.125), ("at", 0),
])
def test_every_field_round_trips(field, value):
    state = State(**{field: value})
    assert parse(serialise(state)) == (state, [])


@pytest.mark.parametrize("rate, text", [(1.0, "1"), (0.5, "0.5"), (2.5, "2.5"), (0.00001, "0.00001"),
                                        (100.0, "100"), (0.1, "0.1"), (1e-7, "0.0000001")])
def test_rate_is_the_shortest_plain_decimal(rate, text):
    assert format_rate(rate) == text
    assert float(text) == rate


def test_canonical_details():
    state, messages = parse("seed=007&foo=bar&hidden=2&hidden=3&rate=2.50")
    assert messages == []
    assert (state.seed, state.hidden, state.rate) == (7, 3, 2.5)  # the last repeated key counts
    assert serialise(state) == SEED_FRAGMENT.replace("hidden=0", "hidden=3").replace(
        "seed=1", "seed=7").replace("rate=1", "rate=2.5")


def test_at_is_written_only_before_the_end():
    assert serialise(with_at(DEFAULT, 37)).endswith("&rate=1&at=37")
    assert with_at(DEFAULT, 10_000).at is None
    state, messages = parse("iterations=50&at=51")
    assert state.at is None and messages[0].startswith("at:")


NINE_ROWS = "000:0,001:0,010:0,011:1,100:0,101:1,110:1,111:1,111:0"


@pytest.mark.parametrize("key, bad", [
    ("iterations", "ten"), ("rows", "01x:1"), ("rows", "001:0,001:1"), ("rows", NINE_ROWS),
    ("hidden", "99"), ("rows", ""), ("rate", "1e5"), ("rate", "inf"), ("rate", "nan"),
    ("rate", "0"), ("rate", "100.5"), ("rate", "-1"), ("seed", "4294967296"), ("seed", "1_000"),
    ("iterations", "0"), ("iterations", "+5"), ("bits", "10"), ("bits", "1000"), ("at", "x"),
])
def test_malformed_value_falls_back_with_a_message(key, bad):
    state, messages = parse(f"bits=011&{key}={bad}" if key != "bits" else f"seed=9&{key}={bad}")
    assert len(messages) == 1
    assert messages[0].startswith(f"{key}:") and "allowed" in messages[0]
    assert getattr(state, key) == getattr(DEFAULT, key)
    if key == "bits":
        assert state.seed == 9  # the other key keeps its value
    else:
        assert state.bits == (0, 1, 1)


def test_typed_values_use_the_same_validation():
    assert parse_field("iterations", "60000") == 60000
    with pytest.raises(ValueError, match=r"^hidden: .*allowed is a whole number from 0 to 16"):
        parse_field("hidden", "17")


def test_presets_and_custom():
    for name, rows in PRESETS.items():
        assert preset_name(parse_field("rows", rows)) == name
    assert preset_name(((((0, 0, 1), 1)),)) == "Custom"


def test_add_row_takes_the_first_unused_input():
    assert add_row(DEFAULT.rows)[-1] == ((0, 0, 0), 0)
    assert add_row((((0, 0, 0), 1), ((0, 0, 1), 0)))[-1] == ((0, 1, 0), 0)


# ---- properties ------------------------------------------------------------------------------

VALUES = {
    "rows": st.one_of(st.text(alphabet="01:,x", max_size=40),
                      st.lists(st.from_regex(r"[01]{3}:[01]", fullmatch=True), max_size=9).map(",".join)),
    "bits": st.text(alphabet="012", max_size=4),
    "rate": st.one_of(st.from_regex(r"[0-9]{0,3}(\.[0-9]{0,4})?", fullmatch=True),
                      st.sampled_from(["inf", "nan", "1e3", "-1", "1_0"])),
}
INTEGER = st.one_of(st.integers(-5, 2**33).map(str), st.text(max_size=6))
@st.composite
def fragments(draw):
    parts = []
    for key in draw(st.lists(st.sampled_from(list(ALLOWED) + ["junk", ""]), max_size=9)):
        parts.append(f"{key}={draw(VALUES.get(key, INTEGER))}")
    return "&".join(parts)


def assert_valid(state):
    for key in ALLOWED:
        if key != "at" or state.at is not None:
            assert parse_field(key, format_field(state, key)) == getattr(state, key)
    assert state.at is None or state.at < state.iterations


@given(st.one_of(st.text(), fragments()))
def test_any_fragment_gives_a_valid_state_and_serialise_is_a_fixed_point(fragment):
    state, messages = parse(fragment)
    assert all(isinstance(m, str) for m in messages)
    assert_valid(state)
    canonical = serialise(state)
    assert parse(canonical) == (state, [])
    assert serialise(parse(canonical)[0]) == canonical


rows_strategy = st.lists(st.tuples(st.tuples(*[st.integers(0, 1)] * 3), st.integers(0, 1)),
                         min_size=1, max_size=8, unique_by=lambda r: r[0]).map(tuple)


@given(st.builds(State, rows=rows_strategy, bits=st.tuples(*[st.integers(0, 1)] * 3),
                 hidden=st.integers(0, 16), iterations=st.integers(1, 1_000_000),
                 seed=st.integers(0, 2**32 - 1),
                 rate=st.floats(0, 100, exclude_min=True, allow_nan=False)))
def test_valid_states_round_trip(state):
    assert parse(serialise(state)) == (state, [])
