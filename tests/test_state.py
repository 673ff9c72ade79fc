"""The state layer in CPython: the fragment's canonical form, fallbacks with messages, typed input,
presets and added rows, and Hypothesis properties that no string can make parsing fail or drift."""

from dataclasses import replace
from itertools import product

import pytest
from hypothesis import given, settings, strategies as st

import base64
import zlib

from state import (DEFAULT, MAX_CODE, MAX_CODE_LINK, MAX_ROWS, PRESETS, SETTINGS, State, add_row,
                   format_code, format_field, format_rate, format_rows, parse, parse_field,
                   preset_name, serialise, with_at)

ALLOWED = {key: setting.allowed for key, setting in SETTINGS.items()}

SEED_FRAGMENT = "rows=001:0,111:1,101:1,011:0&bits=100&hidden=0&iterations=10000&seed=1&rate=1"
KEYS = ["rows", "bits", "hidden", "iterations", "seed", "rate"]  # the canonical order
XOR_ROWS = parse_field("rows", PRESETS["XOR"])

# A state with every field away from its default, to see which fields a fragment changed.
OTHER = State(rows=XOR_ROWS, bits=(0, 1, 1), hidden=4, iterations=500, seed=9, rate=0.5)


def fragment_of(state, **texts):
    """The canonical fragment of `state` with some keys' texts replaced."""
    fields = {key: format_field(state, key) for key in KEYS} | texts
    return "&".join(f"{key}={text}" for key, text in fields.items())


def assert_valid(state):
    """Every field reads back from its own formatted text, and `at` is before the end."""
    for key, setting in SETTINGS.items():
        if setting.default_words is None or getattr(state, key) != setting.default:
            assert parse_field(key, format_field(state, key)) == getattr(state, key)
    assert state.at is None or 0 <= state.at < state.iterations


# ---- 1. round trip of every field --------------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("rows", (((1, 1, 0), 1),)),
    ("rows", XOR_ROWS),
    ("rows", tuple(((a, b, c), (a + b + c) % 2) for a, b, c in product((1, 0), repeat=3))),
    ("bits", (0, 1, 1)),
    ("bits", (0, 0, 0)),
    ("hidden", 16),
    ("iterations", 1),
    ("iterations", 1_000_000),
    ("seed", 0),
    ("seed", 2**32 - 1),
    ("rate", 0.125),
    ("rate", 100.0),
    ("rate", 5e-324),
    ("at", 0),
    ("at", 9_999),
])
def test_every_field_round_trips(field, value):
    state = State(**{field: value})
    assert getattr(state, field) != getattr(DEFAULT, field)
    assert parse(serialise(state)) == (state, [])


# ---- 2. canonical form -------------------------------------------------------------------------

@pytest.mark.parametrize("fragment", [SEED_FRAGMENT, "#" + SEED_FRAGMENT, "", "#"])
def test_the_seed_is_the_default(fragment):
    assert serialise(DEFAULT) == SEED_FRAGMENT
    assert parse(fragment) == (DEFAULT, [])


def test_every_key_is_written_in_order():
    shuffled = "rate=0.5&seed=9&iterations=500&hidden=4&bits=011&rows=" + PRESETS["XOR"]
    state, messages = parse(shuffled)
    assert (state, messages) == (OTHER, [])
    assert [part.partition("=")[0] for part in serialise(state).split("&")] == KEYS
    assert serialise(state) == fragment_of(OTHER)


def test_at_is_written_last_and_only_before_the_end():
    assert serialise(with_at(DEFAULT, 37)) == SEED_FRAGMENT + "&at=37"
    assert with_at(DEFAULT, 10_000).at is None
    assert parse(SEED_FRAGMENT + "&at=10000") == (DEFAULT, [])


@pytest.mark.parametrize("rate, text", [
    (1.0, "1"), (0.5, "0.5"), (2.5, "2.5"), (0.00001, "0.00001"), (100.0, "100"), (0.1, "0.1"),
    (1e-7, "0.0000001"), (10.0, "10"), (0.3, "0.3"), (1 / 3, "0.3333333333333333"),
])
def test_rate_is_the_shortest_plain_decimal(rate, text):
    assert format_rate(rate) == text
    assert serialise(State(rate=rate)).endswith(f"&rate={text}")
    assert parse_field("rate", text) == rate


@pytest.mark.parametrize("rate", [5e-324, 1e-300, 2.2250738585072014e-308, 1e-5, 99.99999999999999])
def test_rate_never_has_an_exponent(rate):
    text = format_rate(rate)
    assert set(text) <= set("0123456789.") and not text.endswith(".0")
    assert float(text) == rate


@pytest.mark.parametrize("given_text, field, value, canonical", [
    ("iterations=007", "iterations", 7, "iterations=7"),
    ("seed=0000", "seed", 0, "seed=0"),
    ("hidden=016", "hidden", 16, "hidden=16"),
    ("rate=002.50", "rate", 2.5, "rate=2.5"),
    ("rate=.5", "rate", 0.5, "rate=0.5"),
    ("rate=100.000", "rate", 100.0, "rate=100"),
])
def test_numbers_canonicalise(given_text, field, value, canonical):
    state, messages = parse(given_text)
    assert (getattr(state, field), messages) == (value, [])
    assert canonical in serialise(state).split("&")


@pytest.mark.parametrize("missing", KEYS)
def test_a_missing_key_takes_its_default(missing):
    fragment = "&".join(part for part in fragment_of(OTHER).split("&")
                        if not part.startswith(missing + "="))
    assert parse(fragment) == (replace(OTHER, **{missing: getattr(DEFAULT, missing)}), [])


@pytest.mark.parametrize("extra, named", [
    ("foo=bar", "'foo'"), ("Seed=5", "'Seed'"), ("seed5", "'seed5'"), ("=1", "''"),
    ("#hidden=3", "'#hidden'"), ("row=1", "'row'"), ("iteration=5", "'iteration'"),
])
def test_unknown_keys_are_named_and_ignored(extra, named):
    first, rest = fragment_of(OTHER).split("&", 1)
    assert parse(f"{first}&{extra}&{rest}&{extra}") == (
        OTHER, [f"Unknown setting {named} in the link, ignored."])


def test_empty_parts_are_not_settings():
    assert parse("&&hidden=3&") == (State(hidden=3), [])


def test_several_unknown_keys_are_named_once_each():
    assert parse("weight=1&iteration=5&weight=2")[1] == [
        "Unknown settings 'weight', 'iteration' in the link, ignored."]


@pytest.mark.parametrize("fragment", ["seed=" + "9" * 5000, "x" * 5000 + "=1",
                                      "rows=" + "0" * 5000, "rate=" + "a" * 5000])
def test_what_a_link_says_is_echoed_cut_short(fragment):
    _, messages = parse(fragment)
    assert len(messages) == 1 and len(messages[0]) < 300 and "…" in messages[0]


def test_a_repeated_key_the_last_one_counts():
    assert parse("hidden=2&seed=3&hidden=5") == (State(hidden=5, seed=3), [])
    assert parse("hidden=x&hidden=5") == (State(hidden=5), [])
    state, messages = parse("hidden=5&hidden=x")
    assert state == DEFAULT and len(messages) == 1 and messages[0].startswith("hidden:")


# ---- 3. malformed values fall back, with a message --------------------------------------------

NINE_ROWS = "000:0,001:0,010:0,011:1,100:0,101:1,110:1,111:1,111:0"
MALFORMED = [
    ("iterations", "ten"), ("iterations", "0"), ("iterations", "1000001"), ("iterations", "+5"),
    ("iterations", "1e3"), ("iterations", ""),
    ("rows", "01x:1"), ("rows", "001:0,001:1"), ("rows", NINE_ROWS), ("rows", ""),
    ("rows", "001:0,"), ("rows", "0011"), ("rows", "001:2"),
    ("hidden", "99"), ("hidden", "17"), ("hidden", "-1"), ("hidden", "1.0"),
    ("rate", "1e5"), ("rate", "inf"), ("rate", "nan"), ("rate", "0"), ("rate", "0.0"),
    ("rate", "100.5"), ("rate", "-1"), ("rate", "+1"), ("rate", "1_0"), ("rate", "."),
    ("rate", "1/2"), ("rate", "0x10"),
    ("seed", "4294967296"), ("seed", "1_000"), ("seed", "-1"), ("seed", " 1"), ("seed", "١"),
    ("bits", "10"), ("bits", "1000"), ("bits", "102"), ("bits", ""),
    ("bias", "2"), ("bias", "true"), ("bias", ""),
    ("activation", "softmax"), ("activation", "Tanh"), ("activation", ""),
    ("loss", "hinge"), ("loss", "crossentropy"), ("loss", ""),
]


@pytest.mark.parametrize("key, bad", MALFORMED)
def test_a_malformed_value_falls_back_and_others_keep_theirs(key, bad):
    state, messages = parse(fragment_of(OTHER, **{key: bad}))
    assert state == replace(OTHER, **{key: getattr(DEFAULT, key)})
    assert len(messages) == 1
    assert messages[0].startswith(f"{key}:")
    assert ALLOWED[key] in messages[0]


@pytest.mark.parametrize("fragment", ["at=x", "at=-1", "iterations=50&at=51"])
def test_a_bad_at_shows_the_end_of_training(fragment):
    state, messages = parse(fragment)
    assert state.at is None
    assert len(messages) == 1 and messages[0].startswith("at:") and ALLOWED["at"] in messages[0]


# ---- 4. properties -----------------------------------------------------------------------------

BIT = st.integers(0, 1)
rows_strategy = st.lists(st.tuples(st.tuples(BIT, BIT, BIT), BIT),
                         min_size=1, max_size=MAX_ROWS, unique_by=lambda row: row[0]).map(tuple)
rates = st.floats(min_value=0, max_value=100, exclude_min=True, allow_nan=False)


codes = st.text(max_size=300)
ACTIVATIONS = ["sigmoid", "tanh", "relu"]
LOSSES = ["squared", "cross-entropy"]


@st.composite
def states(draw):
    state = State(rows=draw(rows_strategy), bits=draw(st.tuples(BIT, BIT, BIT)),
                  hidden=draw(st.integers(0, 16)), iterations=draw(st.integers(1, 1_000_000)),
                  seed=draw(st.integers(0, 2**32 - 1)), rate=draw(rates), code=draw(codes),
                  bias=draw(st.booleans()), activation=draw(st.sampled_from(ACTIVATIONS)),
                  loss=draw(st.sampled_from(LOSSES)))
    return with_at(state, draw(st.none() | st.integers(0, state.iterations)))


def with_zeros(integers):
    return st.tuples(st.text("0", max_size=3), integers).map(lambda z_n: z_n[0] + str(z_n[1]))


VALID = {
    "rows": rows_strategy.map(format_rows),
    "bits": st.from_regex(r"[01]{3}", fullmatch=True),
    "hidden": with_zeros(st.integers(0, 16)),
    "iterations": with_zeros(st.integers(1, 1_000_000)),
    "seed": with_zeros(st.integers(0, 2**32 - 1)),
    "rate": rates.map(format_rate) | st.from_regex(r"[0-9]{1,3}(\.[0-9]{0,4})?", fullmatch=True),
    "at": with_zeros(st.integers(0, 20_000)),
    "code": codes.filter(bool).map(format_code),
    "bias": st.sampled_from(["0", "1"]),
    "activation": st.sampled_from(ACTIVATIONS),
    "loss": st.sampled_from(LOSSES),
}
INTEGER_JUNK = st.integers(-5, 2**33).map(str) | st.sampled_from(["", "1e3", "1_0", "+1", "1.0"])
JUNK = {
    "rows": st.text(alphabet="01:,x2%", max_size=40)
            | st.lists(st.from_regex(r"[01]{3}:[01]", fullmatch=True), max_size=9).map(",".join),
    "bits": st.text(alphabet="012", max_size=4),
    "rate": st.from_regex(r"[0-9]{0,4}(\.[0-9]{0,4})?", fullmatch=True)
            | st.sampled_from(["inf", "nan", "1e5", "-1", "1_0", "+1", "0", "100.5", "%31"]),
    # URL-safe base64 of anything, or a link's code cut short
    "code": st.binary(max_size=60).map(lambda b: base64.urlsafe_b64encode(b).decode().rstrip("="))
            | codes.filter(bool).map(format_code).map(lambda text: text[:len(text) // 2]),
}


@st.composite
def fragments(draw):
    """'&'-joined parts: real keys with valid or junk values, unknown keys, parts without '='."""
    parts = []
    for key in draw(st.lists(st.sampled_from(list(ALLOWED) + ["junk", "", "Seed"]), max_size=10)):
        value = draw(VALID.get(key, st.text(max_size=5)) | JUNK.get(key, INTEGER_JUNK) | st.text())
        parts.append(draw(st.sampled_from([f"{key}={value}", key, f"{key}={value}={value}"])))
    return draw(st.sampled_from(["", "#"])) + "&".join(parts)


any_fragment = st.text() | fragments()


@settings(max_examples=300, deadline=None)
@given(any_fragment)
def test_any_fragment_parses_to_a_valid_state(fragment):
    result = parse(fragment)
    assert isinstance(result, tuple) and len(result) == 2
    state, messages = result
    assert isinstance(state, State) and isinstance(messages, list)
    assert all(isinstance(m, str) for m in messages)
    assert all(m.partition(":")[0] in ALLOWED or m.startswith("Unknown setting") for m in messages)
    assert all(len(m) < 400 for m in messages)  # what the reader typed is quoted cut short
    assert_valid(state)


@settings(max_examples=300, deadline=None)
@given(any_fragment)
def test_serialise_after_parse_is_a_fixed_point(fragment):
    canonical = serialise(parse(fragment)[0])
    state, messages = parse(canonical)
    assert messages == []
    assert serialise(state) == canonical


@settings(max_examples=300, deadline=None)
@given(states())
def test_valid_states_round_trip(state):
    assert parse(serialise(state)) == (state, [])
    assert parse("#" + serialise(state)) == (state, [])


# ---- the settings beyond the seed's network ----------------------------------------------------

def test_bias_activation_and_loss_are_left_out_at_their_defaults():
    assert serialise(replace(OTHER, bias=False, activation="sigmoid", loss="squared")) == \
        serialise(OTHER)
    chosen = replace(OTHER, bias=True, activation="relu", loss="cross-entropy", at=7)
    assert serialise(chosen) == serialise(OTHER) + "&bias=1&activation=relu&loss=cross-entropy&at=7"
    assert parse(serialise(chosen)) == (chosen, [])


# ---- the reader's code in a link ---------------------------------------------------------------

def test_code_is_left_out_unless_edited_and_written_last():
    assert serialise(replace(DEFAULT, code="")) == SEED_FRAGMENT
    edited = replace(DEFAULT, code="print(1)\n", at=5)
    assert serialise(edited) == SEED_FRAGMENT + "&at=5&code=" + format_code("print(1)\n")
    assert parse(serialise(edited)) == (edited, [])


@pytest.mark.parametrize("code", ["print('héllo ✓')\n", "\t\n" * 50, "x" * MAX_CODE])
def test_code_round_trips_in_url_safe_characters(code):
    text = format_code(code)
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert parse_field("code", text) == code


def packed(data):
    return base64.urlsafe_b64encode(zlib.compress(data)).decode().rstrip("=")


@pytest.mark.parametrize("text, says", [
    ("!!!", "is not code as tenline's links write it"),
    (packed(b"\xff\xfe not UTF-8"), "is not code as tenline's links write it"),
    (format_code("print(1)" * 50)[:-8], "cut short"),
    (format_code("x" * (MAX_CODE + 1)), f"longer than {MAX_CODE:,} characters"),
    # a link that would inflate to 40 MB is stopped at what MAX_CODE characters can take
    (packed(b"a" * 40_000_000), f"longer than {MAX_CODE:,} characters"),
    ("A" * (MAX_CODE_LINK + 1), "too long for a link"),
])
def test_malformed_code_in_a_link_is_named_and_the_script_is_kept(text, says):
    state, messages = parse(SEED_FRAGMENT + "&code=" + text)
    assert state == DEFAULT
    assert len(messages) == 1 and messages[0].startswith("code:") and says in messages[0]
    assert "Using the default, the script for the settings." in messages[0]
    assert len(messages[0]) < 400


# ---- 5. typed input uses the same validation ---------------------------------------------------

@pytest.mark.parametrize("key, text, value", [
    ("iterations", "60000", 60000), ("hidden", "16", 16), ("seed", "4294967295", 2**32 - 1),
    ("rate", "0.25", 0.25), ("bits", "011", (0, 1, 1)), ("rows", "101:1", (((1, 0, 1), 1),)),
])
def test_parse_field_reads_typed_values(key, text, value):
    assert parse_field(key, text) == value


@pytest.mark.parametrize("key, bad", [("hidden", "17"), *MALFORMED])
def test_parse_field_rejects_with_the_key_and_what_is_allowed(key, bad):
    with pytest.raises(ValueError) as err:
        parse_field(key, bad)
    assert str(err.value).startswith(f"{key}:")
    assert ALLOWED[key] in str(err.value)


# ---- 6. presets and added rows -----------------------------------------------------------------

@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_is_named_and_an_edit_is_custom(name):
    rows = parse_field("rows", PRESETS[name])
    assert preset_name(rows) == name
    (bits, target), *rest = rows
    assert preset_name(((bits, 1 - target), *rest)) == "Custom"  # a target changed
    assert preset_name(tuple(rest)) == "Custom"  # a row removed
    if len(rows) < MAX_ROWS:
        assert preset_name(add_row(rows)) == "Custom"  # a row added


@pytest.mark.parametrize("table, new", [
    (PRESETS["Seed"], "000:0"),
    ("000:1,001:0", "010:0"),
    ("001:1,000:1", "010:0"),
    ("111:1", "000:0"),
    ("000:0,001:0,010:0,011:1,100:0,101:1,111:1", "110:0"),
])
def test_add_row_takes_the_first_unused_input_with_target_0(table, new):
    rows = parse_field("rows", table)
    assert add_row(rows) == rows + parse_field("rows", new)


@given(rows_strategy.filter(lambda rows: len(rows) < MAX_ROWS))
def test_add_row_keeps_the_table_valid(rows):
    added = add_row(rows)
    assert added[:-1] == rows
    (bits, target) = added[-1]
    assert target == 0
    assert bits == min(set(product((0, 1), repeat=3)) - {b for b, _ in rows})
    assert parse_field("rows", format_rows(added)) == added


# ---- 8. the page's controls are the table's ---------------------------------------------------

def test_each_number_input_on_the_page_has_its_settings_limits_and_hint():
    from html.parser import HTMLParser
    from pathlib import Path

    class Inputs(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inputs, self.texts, self._in = {}, {}, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("type") == "number":
                self.inputs[attrs["id"]] = attrs
            self._in = attrs.get("id") if tag == "span" else None

        def handle_endtag(self, tag):
            self._in = None

        def handle_data(self, data):
            if self._in:
                self.texts[self._in] = data

    page = Inputs()
    page.feed((Path(__file__).parent.parent / "index.html").read_text())
    fields = {key: s.field for key, s in SETTINGS.items() if s.field}
    assert set(page.inputs) == set(fields)
    for key, field in fields.items():
        control = page.inputs[key]
        assert (control["min"], control["max"], control["step"]) == (
            str(field.min), str(field.max), field.step), key
        assert control["value"] == format_field(DEFAULT, key)
        assert page.texts[control["aria-describedby"]] == field.hint
