"""The Python the page runs, as text: the call with the current settings, a standalone script,
and the reader's changes to it.

The source is the model module's own file, read where it runs, never a copy kept in the page.
"""

import difflib
from pathlib import Path

import model
from state import DEFAULT

SCRIPT_MAIN = 'if __name__ == "__main__":'


def model_source():
    return Path(model.__file__).read_text()


def call(state, k):
    """The training call and prediction for this state, after k iterations, as Python code."""
    rows = "(" + ", ".join(f"({bits}, {target})" for bits, target in state.rows) + ",)"
    beyond_the_seed = "".join(f"{key}={getattr(state, key)!r}, "
                              for key in ("bias", "activation", "loss")
                              if getattr(state, key) != getattr(DEFAULT, key))
    return (f"network = train(\n    rows={rows},\n    iterations={k}, seed={state.seed},"
            f" hidden={state.hidden}, rate={state.rate!r},\n"
            + (f"    {beyond_the_seed.rstrip()}\n" if beyond_the_seed else "")
            + f")\nprint(repr(predict(network, {state.bits})))")


def standalone_script(state, k, fragment):
    """model.py with its demo replaced by this state's network; its last line of output is p."""
    source = model_source()
    body = source[: source.index(SCRIPT_MAIN)]
    indented = "\n".join("    " + line for line in call(state, k).splitlines())
    return (f"{body}{SCRIPT_MAIN}\n    # The network tenline showed: #{fragment}\n{indented}\n")


def changes(original, code):
    """The reader's changes to the original script, as a unified diff (lines starting - and +)."""
    return "\n".join(difflib.unified_diff(original.splitlines(), code.splitlines(),
                                          "the script for the settings", "your code", n=1,
                                          lineterm=""))
