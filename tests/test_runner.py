"""py/runner.py in CPython: the reader's code run as a script, and how it ended told as Python
tells it, from the reader's own code on."""

import subprocess
import sys
from pathlib import Path

import runner

PY = Path(runner.__file__).resolve().parent


def test_a_clean_run_returns_nothing_and_prints(capsys):
    """A script that runs to its end: "" back, its output printed, run as __main__."""
    assert runner.run("print(__name__)\nprint(6 * 7)\n") == ""
    assert capsys.readouterr().out == "__main__\n42\n"


def test_each_run_has_a_fresh_namespace():
    """A name defined in one run is undefined in the next."""
    assert runner.run("answer = 42\n") == ""
    told = runner.run("print(answer)\n")
    assert told.endswith("NameError: name 'answer' is not defined\n")


def test_a_traceback_starts_at_the_readers_code():
    """An error deep in the reader's functions: its traceback has the reader's frames, lines and
    line numbers, and no frame of the runner."""
    code = "def half(x):\n    return x / 0\n\nprint('before')\nhalf(3)\n"
    told = runner.run(code)
    markers = {"~", "^"}  # the lines under an expression that point at it (3.11 on)
    assert [line for line in told.splitlines() if not set(line.strip()) <= markers] == [
        "Traceback (most recent call last):",
        '  File "<your code>", line 5, in <module>',
        "    half(3)",
        '  File "<your code>", line 2, in half',
        "    return x / 0",
        "ZeroDivisionError: division by zero",
    ]
    assert "runner.py" not in told


def test_a_syntax_error_points_at_its_line():
    """Code that does not compile: a SyntaxError at its line, with the line, and no traceback."""
    told = runner.run("print('fine')\nif True\n    print('never')\n")
    assert told.startswith('  File "<your code>", line 2\n    if True\n')
    assert told.splitlines()[-1].startswith("SyntaxError: ")
    assert "Traceback" not in told


def test_a_syntax_error_raised_by_the_code_has_its_traceback():
    """A SyntaxError from compiling other text at run time is an error like any other."""
    told = runner.run("x = 1\ncompile('1 +', 'elsewhere', 'exec')\n")
    assert told.startswith('Traceback (most recent call last):\n  File "<your code>", line 2,')
    assert 'File "elsewhere", line 1' in told
    assert "runner.py" not in told


def test_sys_exit_zero_is_a_clean_end_and_another_code_is_told(capsys):
    """sys.exit() and sys.exit(0) end the run cleanly; sys.exit(3) is told; nothing after runs."""
    assert runner.run("import sys\nsys.exit()\nprint('not reached')\n") == ""
    assert runner.run("raise SystemExit(0)\n") == ""
    assert runner.run("import sys\nprint('once')\nsys.exit(3)\nprint('not reached')\n") \
        == "SystemExit: 3"
    assert capsys.readouterr().out == "once\n"


def test_asserts_are_kept_under_minus_OO():
    """The runner's CPython may run with -OO; the reader's assert still fails."""
    check = ("import runner; told = runner.run('assert 1 + 1 == 3, \"arithmetic\"\\n');"
             " print(__debug__, told.splitlines()[-1])")
    out = subprocess.run([sys.executable, "-OO", "-c", check], cwd=PY, capture_output=True,
                         text=True, check=True).stdout
    assert out == "False AssertionError: arithmetic\n"
