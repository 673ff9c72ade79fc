"""Everything the reader can set, in one plain object, with one way in and out of the URL.

The fragment's canonical form (the seed's defaults):

    rows=001:0,111:1,101:1,011:0&bits=100&hidden=0&iterations=10000&seed=1&rate=1

and `&at=k` after them when the reader looks at the network after k < iterations iterations.

`parse` never raises: a malformed value falls back to its default and yields a message naming the
key and what is allowed. `parse_field` is the one place that validates a value, used both for the
URL and for what the reader types. No browser imports: this runs in CPython for the tests.
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from urllib.parse import unquote

Rows = tuple  # of ((a, b, c), t) pairs, each a 0/1 int


@dataclass(frozen=True)
class State:
    rows: Rows = (((0, 0, 1), 0), ((1, 1, 1), 1), ((1, 0, 1), 1), ((0, 1, 1), 0))
    bits: tuple = (1, 0, 0)
    hidden: int = 0
    iterations: int = 10_000
    seed: int = 1
    rate: float = 1.0
    at: int = None  # the iteration shown; None is the end of training



DEFAULT = State()
MAX_ROWS = 8

PRESETS = {
    "Seed": "001:0,111:1,101:1,011:0",
    "XOR": "001:0,011:1,101:1,111:0",
    "AND": "001:0,011:0,101:0,111:1",
    "OR": "001:0,011:1,101:1,111:1",
    "Majority": "000:0,001:0,010:0,011:1,100:0,101:1,110:1,111:1",
}

# What each key allows, in words; the messages and the page's range hints both use these.
ALLOWED = {
    "rows": "1 to 8 rows like 101:1 (three input bits, a colon, a target bit), with distinct inputs",
    "bits": "three bits, like 100",
    "hidden": "a whole number from 0 to 16",
    "iterations": "a whole number from 1 to 1,000,000",
    "seed": "a whole number from 0 to 4,294,967,295",
    "rate": "a number greater than 0 and at most 100, in plain decimal digits",
    "at": "a whole number from 0 to the number of iterations",
}
INTEGER_RANGES = {"hidden": (0, 16), "iterations": (1, 1_000_000), "seed": (0, 2**32 - 1),
                  "at": (0, 1_000_000)}

_BITS = re.compile(r"[01]{3}")
_ROW = re.compile(r"([01]{3}):([01])")
_INTEGER = re.compile(r"[0-9]{1,20}")
_DECIMAL = re.compile(r"[0-9]{1,20}(\.[0-9]{0,400})?|\.[0-9]{1,400}")  # 5e-324 needs 324 places


def _bits(text):
    return tuple(int(c) for c in text)


def _parse_rows(text):
    if not text:
        raise ValueError("the table is empty")
    items = text.split(",")
    if len(items) > MAX_ROWS:
        raise ValueError(f"{len(items)} rows are too many")
    rows = []
    for item in items:
        match = _ROW.fullmatch(item)
        if not match:
            raise ValueError(f"'{item}' is not a row")
        rows.append((_bits(match[1]), int(match[2])))
    inputs = [bits for bits, _ in rows]
    if len(set(inputs)) != len(inputs):
        raise ValueError("two rows have the same inputs")
    return tuple(rows)


def _parse_rate(text):
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"'{text}' is not a plain decimal number")
    rate = float(text)
    if not 0 < rate <= 100:
        raise ValueError(f"{text} is out of range")
    return rate


def parse_field(key, text):
    """The value of one key from its text, or ValueError with a message naming key and range."""
    try:
        if key == "rows":
            return _parse_rows(text)
        if key == "bits":
            if not _BITS.fullmatch(text):
                raise ValueError(f"'{text}' is not three bits")
            return _bits(text)
        if key == "rate":
            return _parse_rate(text)
        if not _INTEGER.fullmatch(text):
            raise ValueError(f"'{text}' is not a whole number in plain digits")
        low, high = INTEGER_RANGES[key]
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"{value} is out of range")
        return value
    except ValueError as err:
        raise ValueError(f"{key}: {err}; allowed is {ALLOWED[key]}.") from None


def format_rows(rows):
    return ",".join("".join(map(str, bits)) + f":{target}" for bits, target in rows)


def format_rate(rate):
    """The shortest decimal that reads back to the same float, without exponent or trailing .0."""
    text = format(Decimal(repr(rate)), "f")
    return text[:-2] if text.endswith(".0") else text


def format_field(state, key):
    value = getattr(state, key)
    if key == "rows":
        return format_rows(value)
    if key == "bits":
        return "".join(map(str, value))
    if key == "rate":
        return format_rate(value)
    return str(value)


def serialise(state):
    """The canonical fragment (without '#'): every key in a fixed order, `at` only when set."""
    keys = [key for key in ALLOWED if key != "at" or state.at is not None]
    return "&".join(f"{key}={format_field(state, key)}" for key in keys)


def parse(fragment):
    """(State, messages) from any fragment string; never raises. Bad keys take their defaults."""
    given = {}
    for part in fragment.lstrip("#").split("&"):
        key, _, value = part.partition("=")
        if key in ALLOWED:
            given[key] = unquote(value)  # a repeated key: the last one counts
    values, messages = {}, []
    for key, text in given.items():
        try:
            values[key] = parse_field(key, text)
        except ValueError as err:
            default = "the end of training" if key == "at" else format_field(DEFAULT, key)
            messages.append(f"{err} Using the default, {default}.")
    state = replace(DEFAULT, **values)
    if state.at is not None and state.at > state.iterations:
        messages.append(f"at: {state.at} is past the end; allowed is {ALLOWED['at']}"
                        f" ({state.iterations:,}). Showing the end of training.")
    return with_at(state, state.at), messages


def with_at(state, k):
    """The state looking at iteration k; the end of training (or past it) is `at` None."""
    return replace(state, at=k if k is not None and k < state.iterations else None)


def preset_name(rows):
    """The name of the preset whose table this is, or 'Custom'."""
    text = format_rows(rows)
    return next((name for name, preset in PRESETS.items() if preset == text), "Custom")


def add_row(rows):
    """The table with one more row: the first unused input in counting order, target 0."""
    used = {bits for bits, _ in rows}
    free = next(bits for n in range(8) if (bits := _bits(f"{n:03b}")) not in used)
    return rows + ((free, 0),)
