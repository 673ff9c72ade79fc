"""Runs the reader's code, the editor's text, as a script.

It runs in the code runner, a worker of its own (site/worker.js under that name) with a CPython
of its own, so that the page's training never waits for the reader's code and Stop can end it
at once. What the code prints goes out as it is printed (the worker's stdout); how it ended is
`run`'s answer.
"""

import linecache
import sys
import traceback

FILENAME = "<your code>"


def run(code):
    """Run `code` in a namespace of its own, as `python script.py` would. Returns "" if it ran
    to its end, else the error as Python tells it, from the reader's own code on: this
    function's frame is left out, and the lines shown are the reader's."""
    linecache.cache[FILENAME] = (len(code), None, code.splitlines(keepends=True), FILENAME)
    try:
        # optimize=0: the worker's own modules are compiled without asserts; the reader's keep them.
        script = compile(code, FILENAME, "exec", optimize=0)
        exec(script, {"__name__": "__main__", "__builtins__": __builtins__})
    except SystemExit as end:
        return "" if end.code in (None, 0) else f"SystemExit: {end.code}"
    except SyntaxError as error:
        if error.filename == FILENAME:  # the script itself does not compile
            return "".join(traceback.format_exception_only(error))
        return _told(error)
    except BaseException as error:  # noqa: BLE001 - any error of the reader's is told, not raised
        return _told(error)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return ""


# The page ships only the modules tenline imports (tools/keep.py), to download less.
NOT_SHIPPED = (" (this page's Python holds only the parts of the standard library and of NumPy"
               " that tenline itself uses; Download script runs anywhere)")


def _told(error):
    told = "".join(traceback.format_exception(type(error), error, error.__traceback__.tb_next))
    if isinstance(error, ModuleNotFoundError):  # said on the error's own line, the one the page quotes
        told = told.rstrip("\n") + NOT_SHIPPED + "\n"
    return told
