"""Runs inside Pyodide (under node, see derive.mjs): precompile and trim the standard library
and NumPy, and precompile py/.

Every .py in python_stdlib.zip and in the NumPy wheel becomes a .pyc in its place (the "legacy"
layout a sourceless import looks for), as unchecked-hash bytecode without docstrings, so the
browser's CPython skips compiling at start-up. Given the kept set (runtime-modules.json, computed by tools/keep.py), only
the modules the page imports are kept, and NumPy's tests, headers and stubs go. Zips are written
with sorted names and fixed timestamps, so the same inputs always give the same bytes.
"""

import base64
import hashlib
import importlib.util
import json
import sys
import zipfile
from pathlib import Path
from importlib._bootstrap_external import _code_to_hash_pyc

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


# Docstrings and asserts are left out of the bytecode (what `python -OO` does): nothing the page
# runs reads them, and the download is smaller. Pyodide's own packages keep theirs: they build
# their JavaScript-facing documentation from them at import.
KEEP_DOCSTRINGS = ("_pyodide/", "pyodide/")


def to_pyc(source, path, name):
    optimize = 0 if name.startswith(KEEP_DOCSTRINGS) else 2
    code = compile(source, path, "exec", dont_inherit=True, optimize=optimize)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))


# Where the worker (site/worker.js) puts py/ at run time: Pyodide's home directory.
PY_HOME = "/home/pyodide"


def compile_sources(py, out):
    """py/'s bytecode, as `python -OO` would cache it beside the sources in the browser; checked
    against the source's hash at import, so a stale file is never run (it is recompiled)."""
    for path in sorted(Path(py).glob("*.py")):
        source = path.read_bytes()
        home = f"{PY_HOME}/{path.name}"
        code = compile(source, home, "exec", dont_inherit=True, optimize=2)
        pyc = _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=True)
        Path(out, Path(importlib.util.cache_from_source(home, optimization=2)).name).write_bytes(pyc)


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


NOT_RUN = (".pyi", ".h", ".pxd")  # stubs and C headers: for tools and compilers, not at run time


# Modules: kept only if the page imports them. Every .so of the wheel is loaded at start
# (compiled and linked: site/worker.js), imported or not, so an unused one costs time as well as
# bytes.
MODULES = (".py", ".so")


def wanted(name, keep):
    if keep is None:
        return True
    if name.endswith(MODULES):
        return name in keep
    return not name.endswith(NOT_RUN) and "/tests/" not in name


# Members served as files of their own, beside the wheel, under these names (.wasm: served as
# application/wasm, as compiling a download needs). NumPy's core library: the page compiles it, as
# it compiles pyodide.asm.wasm, so that Chromium keeps its compiled code for a repeat visit
# (site/boot.js), and site/worker.js puts it where the wheel would have. In the wheel as well, a
# first visit would download it twice.
APART = {"numpy/_core/_multiarray_umath.cpython-312-wasm32-emscripten.so": "_multiarray_umath.wasm"}


def precompile(source_zip, out_zip, prefix, keep=None):
    """Copy a zip, turning each .py into .pyc; `prefix` is where its files live at run time.

    With `keep` (a set of module names: .py and .so), other modules are left out. Members named
    in APART are written beside the zip instead.
    """
    files = {}
    with zipfile.ZipFile(source_zip) as zin:
        for info in zin.infolist():
            if info.is_dir() or not wanted(info.filename, keep):
                continue
            data = zin.read(info)
            if info.filename in APART:
                Path(out_zip).with_name(APART[info.filename]).write_bytes(data)
            elif info.filename.endswith(".py"):
                files[info.filename + "c"] = to_pyc(data, f"{prefix}/{info.filename}", info.filename)
            else:
                files[info.filename] = data
    record = next((n for n in files if n.endswith(".dist-info/RECORD")), None)
    if record:  # a wheel lists its files with their hashes: list the ones it now holds
        lines = [record_line(n, d) for n, d in sorted(files.items()) if n != record]
        files[record] = ("\n".join(lines + [f"{record},,"]) + "\n").encode()
    with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, files[name])


def main(vendor, out, kept_path=None):
    kept = json.loads(open(kept_path).read()) if kept_path else {}
    keep = {key: set(names) for key, names in kept.items()} if kept else {}
    site_packages = f"/lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"
    stdlib_zip = f"/lib/python{sys.version_info.major}{sys.version_info.minor}.zip"
    precompile(f"{vendor}/python_stdlib.zip", f"{out}/python_stdlib.zip", stdlib_zip,
               keep.get("stdlib"))
    wheel = "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl"
    precompile(f"{vendor}/{wheel}", f"{out}/{wheel}", site_packages, keep.get("site-packages"))
