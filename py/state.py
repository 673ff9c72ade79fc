"""Everything the reader can set, in one plain object, with one way in and out of the URL.

The fragment's canonical form (the seed's defaults):

    rows=001:0,111:1,101:1,011:0&bits=100&hidden=0&iterations=10000&seed=1&rate=1

then, each only when not at its default: `&bias=1`, `&activation=tanh|relu`, `&loss=cross-entropy`;
`&pin=…` (a pinned run's settings), `&show=…` and `&lock=…` (a lesson's parts and locked settings);
`&at=k` when the reader looks at the network after k < iterations iterations, and `&code=…` when
the reader has edited the code (compressed; it is never run until the reader says so).

SETTINGS is the one table of settings (as TensorFlow Playground's state.ts keeps one list): key,
default, parser, formatter, what is allowed in words, and the page's number input. `parse` never
raises: a malformed value falls back to its default and yields a message naming the key and what
is allowed; an unknown key is named. `parse_field` is the one place that validates a value, used
both for the URL and for what the reader types. No browser imports: this runs in CPython too.
"""

import base64
import re
import zlib
from dataclasses import dataclass, field, make_dataclass, replace
from decimal import Decimal
from typing import Callable
from urllib.parse import quote, unquote

MAX_ROWS = 8
MAX_CODE = 20_000  # characters of edited code a link carries
MAX_CODE_LINK = 64_000  # characters of a link's code=, looked at before anything is decoded
SHOWN_AT_MOST = 24  # characters of a reader's text echoed back in a message

PRESETS = {
    "Seed": "001:0,111:1,101:1,011:0",
    "XOR": "001:0,011:1,101:1,111:0",
    "AND": "001:0,011:0,101:0,111:1",
    "OR": "001:0,011:1,101:1,111:1",
    "Majority": "000:0,001:0,010:0,011:1,100:0,101:1,110:1,111:1",
}

_BITS = re.compile(r"[01]{3}")
_ROW = re.compile(r"([01]{3}):([01])")
_INTEGER = re.compile(r"[0-9]{1,20}")
_DECIMAL = re.compile(r"[0-9]{1,20}(\.[0-9]{0,400})?|\.[0-9]{1,400}")  # 5e-324 needs 324 places


def _shown(text):
    """The reader's text as a message quotes it: cut short, so a long link cannot flood it."""
    text = text if len(text) <= SHOWN_AT_MOST else text[:SHOWN_AT_MOST] + "…"
    return f"'{text}'"


def _bits(text):
    return tuple(int(c) for c in text)


def _parse_bits(text):
    if not _BITS.fullmatch(text):
        raise ValueError(f"{_shown(text)} is not three bits")
    return _bits(text)


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
            raise ValueError(f"{_shown(item)} is not a row")
        rows.append((_bits(match[1]), int(match[2])))
    inputs = [bits for bits, _ in rows]
    if len(set(inputs)) != len(inputs):
        raise ValueError("two rows have the same inputs")
    return tuple(rows)


def _parse_rate(text):
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"{_shown(text)} is not a plain decimal number")
    rate = float(text)
    if not 0 < rate <= 100:
        raise ValueError(f"{text} is out of range")
    return rate


def _flag(text):
    if text not in ("0", "1"):
        raise ValueError(f"{_shown(text)} is not 0 or 1")
    return text == "1"


def _one_of(*names):
    def parse(text):
        if text not in names:
            raise ValueError(f"{_shown(text)} is not a choice")
        return text
    return parse


def _whole_number(low, high):
    def parse(text):
        if not _INTEGER.fullmatch(text):
            raise ValueError(f"{_shown(text)} is not a whole number in plain digits")
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"{value} is out of range")
        return value
    return parse


_CODE = re.compile(r"[A-Za-z0-9_-]+")
_NOT_CODE = "is not code as tenline's links write it"


def _parse_code(text):
    """The reader's code from a link: UTF-8, zlib-compressed, in URL-safe base64 (format_code),
    inflated no further than MAX_CODE characters can be."""
    if len(text) > MAX_CODE_LINK:
        raise ValueError(f"the code is too long for a link ({len(text):,} characters)")
    if not _CODE.fullmatch(text):
        raise ValueError(f"{_shown(text)} {_NOT_CODE}")
    inflate = zlib.decompressobj()
    try:
        data = inflate.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)),
                                  4 * MAX_CODE + 1)  # UTF-8 takes at most 4 bytes a character
        code = data.decode()
    except (ValueError, zlib.error):  # bad base64 or UTF-8 (ValueErrors too), bad zlib data
        raise ValueError(f"{_shown(text)} {_NOT_CODE}") from None
    if len(code) > MAX_CODE or inflate.unconsumed_tail:
        raise ValueError(f"the code is longer than {MAX_CODE:,} characters")
    if not inflate.eof:
        raise ValueError(f"{_shown(text)} {_NOT_CODE} (it is cut short)")
    return code


# The parts of the page a lesson may show (show=), by the key a link names them with, in the
# page's order; and the settings a lesson may lock (lock=): shown, not to be changed.
PARTS = ("training-set", "network-settings", "bits", "iteration", "loss", "network",
         "truth-table", "cube", "step", "why", "code")
LOCKABLE = ("rows", "bits", "hidden", "iterations", "seed", "rate", "bias", "activation", "loss",
            "at")
# What a run is made from: the settings a pinned run keeps (pin=).
RUN_KEYS = ("rows", "hidden", "iterations", "seed", "rate", "bias", "activation", "loss")


def _list_of(names, one, many):
    """A comma-separated list of some of `names` (or none: ""), read into their order, each
    once; what is not one of them is named, as `one` of them or `many`."""
    def parse(text):
        given = text.split(",") if text else []
        unknown = [_shown(key) for key in given if key not in names]
        if unknown:
            raise ValueError(f"{', '.join(unknown[:3])} "
                             + (f"is not {one}" if len(unknown) == 1 else f"are not {many}"))
        return tuple(key for key in names if key in given)
    return parse


def _parse_pin(text):
    """A pinned run's settings: a fragment of RUN_KEYS alone, as format_pin writes it."""
    keys = [part.partition("=")[0] for part in text.split("&")]
    if not set(keys) <= set(RUN_KEYS):
        raise ValueError(f"{_shown(text)} is not the settings of a run")
    pinned, problems = parse(text)
    if problems:
        raise ValueError(f"{_shown(text)} is not the settings of a run "
                         f"({problems[0].partition(':')[0]} is wrong)")
    return pinned


def format_pin(pinned):
    """The settings of the run, percent-encoded, so that its '&' and '=' stay inside pin=."""
    return quote(serialise(pinned, RUN_KEYS), safe=":,.")


def format_code(code):
    return base64.urlsafe_b64encode(zlib.compress(code.encode(), 9)).rstrip(b"=").decode()


def format_rows(rows):
    return ",".join("".join(map(str, bits)) + f":{target}" for bits, target in rows)


def format_rate(rate):
    """The shortest decimal that reads back to the same float, without exponent or trailing .0."""
    text = format(Decimal(repr(rate)), "f")
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class Field:
    """A setting's number input on the page (index.html): its limits and the hint beside it."""

    min: int
    max: int
    step: str
    hint: str


@dataclass(frozen=True)
class Setting:
    """One thing the reader can set: its key in the URL (and the id of its control), default,
    how it is read from text (ValueError says why not) and written back, what it allows in
    words, and its number input on the page, if it has one."""

    key: str
    default: object
    parse: Callable[[str], object]
    format: Callable[[object], str]
    allowed: str
    field: Field = None
    # A setting with a `default_words` is left out of the fragment at its default, which these
    # words describe in a message.
    default_words: str = None


# Every setting, in the fragment's order. A new setting is one entry here (and its control).
SETTINGS = {s.key: s for s in (
    Setting("rows", (((0, 0, 1), 0), ((1, 1, 1), 1), ((1, 0, 1), 1), ((0, 1, 1), 0)), _parse_rows,
            format_rows, "1 to 8 rows like 101:1 (three input bits, a colon, a target bit), "
            "with distinct inputs"),
    Setting("bits", (1, 0, 0), _parse_bits, lambda bits: "".join(map(str, bits)),
            "three bits, like 100"),
    Setting("hidden", 0, _whole_number(0, 16), str, "a whole number from 0 to 16",
            Field(0, 16, "1", "0 (single layer) to 16")),
    Setting("iterations", 10_000, _whole_number(1, 1_000_000), str,
            "a whole number from 1 to 1,000,000", Field(1, 1_000_000, "1", "1 to 1,000,000")),
    Setting("seed", 1, _whole_number(0, 2**32 - 1), str, "a whole number from 0 to 4,294,967,295",
            Field(0, 2**32 - 1, "1", "0 to 4,294,967,295")),
    Setting("rate", 1.0, _parse_rate, format_rate,
            "a number greater than 0 and at most 100, in plain decimal digits",
            Field(0, 100, "any", "above 0, up to 100")),
    # Beyond the seed's network, each left out of the fragment at its default: every older
    # link stays as it was.
    Setting("bias", False, _flag, lambda on: "1" if on else "0", "1 (a bias in every layer) or 0",
            default_words="no bias (0)"),
    Setting("activation", "sigmoid", _one_of("sigmoid", "tanh", "relu"), str,
            "sigmoid, tanh or relu (the hidden layer's)", default_words="sigmoid"),
    Setting("loss", "squared", _one_of("squared", "cross-entropy"), str,
            "squared or cross-entropy", default_words="squared"),
    # A run kept for comparison, its settings (a State of RUN_KEYS); retrained from a link.
    Setting("pin", None, _parse_pin, format_pin,
            "the settings of a run as tenline's links write them", default_words="nothing pinned"),
    # A lesson: the parts of the page shown (None: all of them) and the settings locked.
    Setting("show", None, _list_of(PARTS, "a part of the page", "parts of the page"), ",".join,
            f"some of {', '.join(PARTS)}, separated by commas", default_words="every part"),
    Setting("lock", (), _list_of(LOCKABLE, "a setting that can be locked",
                                    "settings that can be locked"), ",".join,
            f"some of {', '.join(LOCKABLE)}, separated by commas", default_words="nothing locked"),
    # The iteration shown; None is the end of training (and is left out of the fragment).
    Setting("at", None, _whole_number(0, 1_000_000), str,
            "a whole number from 0 to the number of iterations",
            default_words="the end of training"),
    # The reader's edited code; "" is the script for the settings, which the editor then holds.
    Setting("code", "", _parse_code, format_code,
            f"Python code as tenline's links write it, at most {MAX_CODE:,} characters",
            default_words="the script for the settings"),
)}

State = make_dataclass(
    "State", [(s.key, object, field(default=s.default)) for s in SETTINGS.values()], frozen=True)
State.__doc__ = "Everything the reader can set: one value per entry of SETTINGS."
State.__module__ = __name__

DEFAULT = State()


def parse_field(key, text):
    """The value of one key from its text, or ValueError with a message naming key and range."""
    setting = SETTINGS[key]
    try:
        return setting.parse(text)
    except ValueError as err:
        raise ValueError(f"{key}: {err}; allowed is {setting.allowed}.") from None


def format_field(state, key):
    return SETTINGS[key].format(getattr(state, key))


def serialise(state, keys=SETTINGS):
    """The canonical fragment (without '#'): every key (of `keys`) in a fixed order, those with
    `default_words` (`at`, `code`, ...) only when not at their default."""
    keys = [key for key in keys if SETTINGS[key].default_words is None
            or getattr(state, key) != SETTINGS[key].default]
    return "&".join(f"{key}={format_field(state, key)}" for key in keys)


def parse(fragment):
    """(State, messages) from any fragment string; never raises. Bad values take their
    defaults; unknown keys (a typo, a setting of another version) are named and ignored."""
    given, unknown = {}, []
    for part in fragment.lstrip("#").split("&"):
        key, _, value = part.partition("=")
        if key in SETTINGS:
            given[key] = unquote(value)  # a repeated key: the last one counts
        elif part and _shown(key) not in unknown:
            unknown.append(_shown(key))
    values, messages = {}, []
    for key, text in given.items():
        try:
            values[key] = parse_field(key, text)
        except ValueError as err:
            default = SETTINGS[key].default_words or format_field(DEFAULT, key)
            messages.append(f"{err} Using the default, {default}.")
    state = replace(DEFAULT, **values)
    if state.at is not None and state.at > state.iterations:
        messages.append(f"at: {state.at} is past the end; allowed is {SETTINGS['at'].allowed}"
                        f" ({state.iterations:,}). Showing the end of training.")
    if unknown:
        messages.append(f"Unknown setting{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(unknown)} in the link, ignored.")
    return with_at(state, state.at), messages


def run_settings(state):
    """The settings a training run is made from: RUN_KEYS; the rest at their defaults (and the
    activation too without a hidden layer, where it does nothing)."""
    settings = replace(DEFAULT, **{key: getattr(state, key) for key in RUN_KEYS})
    return settings if state.hidden else replace(settings, activation=DEFAULT.activation)


def differences(state, pinned):
    """The run settings in which `state` differs from the pinned run's: (key, now, pinned) as
    links write them."""
    now, then = run_settings(state), run_settings(pinned)
    return [(key, format_field(now, key), format_field(then, key)) for key in RUN_KEYS
            if getattr(now, key) != getattr(then, key)]


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
