"""The setup step refuses runtime files whose sha256 is not the one recorded in vendor.lock.json."""

import hashlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "tools" / "vendor.py"
MANIFEST = json.loads((ROOT / "vendor.lock.json").read_text())


def run_vendor(*args):
    return subprocess.run([sys.executable, str(VENDOR), *map(str, args)], capture_output=True, text=True)


def test_vendored_files_match_the_manifest():
    for entry in MANIFEST["files"]:
        data = (ROOT / "site" / "vendor" / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]


def test_second_run_downloads_nothing(tmp_path):
    result = run_vendor("--cache", tmp_path / "empty-cache")
    assert result.returncode == 0, result.stderr
    assert "0 placed, 0 sources read" in result.stdout
    assert not (tmp_path / "empty-cache").exists()


def test_tampered_vendored_file_aborts_the_setup(tmp_path):
    dest = tmp_path / "vendor"
    shutil.copytree(ROOT / "site" / "vendor", dest)
    target = dest / "pyodide" / "pyodide.js"
    original = hashlib.sha256(target.read_bytes()).hexdigest()
    target.write_bytes(target.read_bytes() + b"\n// tampered\n")
    tampered = hashlib.sha256(target.read_bytes()).hexdigest()
    result = run_vendor("--dest", dest, "--cache", tmp_path / "cache")
    assert result.returncode != 0
    assert "pyodide.js" in result.stderr and original in result.stderr and tampered in result.stderr


def test_tampered_source_package_aborts_the_setup(tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(ROOT / ".cache" / "vendor", cache)
    tarball = next(cache.glob("pyodide-*.tgz"))
    data = bytearray(tarball.read_bytes())
    data[-1] ^= 0xFF
    tarball.write_bytes(bytes(data))
    dest = tmp_path / "vendor"
    shutil.copytree(ROOT / "site" / "vendor", dest)
    (dest / "pyodide" / "pyodide.mjs").unlink()
    result = run_vendor("--dest", dest, "--cache", cache)
    assert result.returncode != 0
    assert tarball.name in result.stderr and MANIFEST["sources"]["pyodide"]["sha256"] in result.stderr
    assert not (dest / "pyodide" / "pyodide.mjs").exists()


def test_the_site_ships_precompiled_bytecode_with_matching_lock_hashes():
    runtime = ROOT / "_site" / "site" / "vendor" / "pyodide"
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    numpy = lock["packages"]["numpy"]
    wheel = runtime / numpy["file_name"]
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == numpy["sha256"]
    assert numpy["sha256"] == MANIFEST["derived"][numpy["file_name"]]
    for archive in (wheel, runtime / "python_stdlib.zip"):
        names = zipfile.ZipFile(archive).namelist()
        assert not [n for n in names if n.endswith(".py")], archive.name
        assert [n for n in names if n.endswith(".pyc")], archive.name
    assert (ROOT / "_site" / "py" / "model.py").exists()  # our own code stays source


def test_the_wheel_holds_only_the_extension_modules_the_page_imports():
    """All but NumPy's core library, which is served beside the wheel, as the original wheel
    holds it."""
    runtime = ROOT / "_site" / "site" / "vendor" / "pyodide"
    wheel = runtime / json.loads((runtime / "pyodide-lock.json").read_text())["packages"]["numpy"]["file_name"]
    shipped = {n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".so")}
    kept = json.loads((ROOT / "runtime-modules.json").read_text())["site-packages"]
    core = "numpy/_core/_multiarray_umath.cpython-312-wasm32-emscripten.so"
    assert shipped | {core} == {n for n in kept if n.endswith(".so")}
    assert core not in shipped
    original = zipfile.ZipFile(ROOT / "site" / "vendor" / "pyodide" / wheel.name).read(core)
    assert (runtime / "_multiarray_umath.wasm").read_bytes() == original


def test_our_code_ships_with_bytecode_checked_against_its_source():
    """py/ keeps its sources (the page shows them), each with bytecode for `python -OO` beside
    it; the bytecode carries the source's hash and asks to be checked, so a stale file is never
    run. The main thread's ui.py, which MicroPython runs from source, has none."""
    built = ROOT / "_site" / "py"
    sources = sorted(path.stem for path in built.glob("*.py"))
    assert sources == sorted(path.stem for path in (ROOT / "py").glob("*.py"))
    compiled = sorted(path.name.split(".")[0] for path in (built / "__pycache__").iterdir())
    assert compiled == [name for name in sources if name != "ui"]
    for name in compiled:
        pyc = (built / "__pycache__" / f"{name}.cpython-312.opt-2.pyc").read_bytes()
        assert int.from_bytes(pyc[4:8], "little") == 0b11, name  # hash-based, checked


def test_the_kept_module_set_is_current():
    """runtime-modules.json is what tools/keep.py computes from the page now, not a hand list."""
    # In its own process: Playwright's sync API cannot nest inside the page tests' browser.
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "keep.py"), "--print"],
                         capture_output=True, text=True, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == json.loads((ROOT / "runtime-modules.json").read_text()), \
        "the page's imports changed: run `make runtime-modules`"
