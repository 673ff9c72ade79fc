"""Assemble the static site that ships (and that the tests and the bench load) in _site/.

The site is what a static host serves: index.html, py/ and site/ with the vendored runtime,
except that the standard library and NumPy are replaced by derived copies with precompiled
bytecode (tools/derive.mjs, run by Pyodide itself under node), so the browser skips compiling
them, and with only the modules the page imports (runtime-modules.json, computed by
tools/keep.py), so it downloads less; NumPy's core library is served beside the wheel, not in it
(tools/derive_runtime.py tells why). site/worker.js gets each file's sha256 to check. The
derivation is reproducible: its outputs must have the sha256 recorded under "derived" in
vendor.lock.json, and the lock file the page serves carries
the derived wheel's hash (Pyodide checks it). `py/` stays source, since the page shows it, with
its bytecode beside it in py/__pycache__/ (checked against the source's hash at import).

Usage: python tools/build.py [--out DIR] [--record]   (--record: write new derived hashes,
after a deliberate change to the derivation or to runtime-modules.json)
"""

import argparse
import base64
import hashlib
import html
import json
import shutil
import subprocess
from pathlib import Path

import vendor
from derive_runtime import APART

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ["index.html", "pyscript.toml", "sw.js", "robots.txt", "py", "site"]
NOT_SHIPPED = ["pyodide.mjs"]  # the ES-module loader: the worker uses the classic pyodide.js
VENDOR = ROOT / "site" / "vendor" / "pyodide"
MANIFEST = ROOT / "vendor.lock.json"
KEPT = ROOT / "runtime-modules.json"
PY_BYTECODE = ROOT / ".cache" / "py-bytecode"  # py/'s, compiled by Pyodide; not in the manifest
PAGE_PYTHON = "ui.py"  # py/'s one file for the main thread's MicroPython, not for the worker
LICENCES = "licences"  # in the site: every shipped package's licence texts, and a page listing them


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_derive(out, py_out, kept=None):
    if not shutil.which("node"):
        raise SystemExit("build: Node.js is needed to precompile the runtime; install it"
                         " (Debian: apt-get install nodejs) and run again")
    print("build: precompiling the standard library and NumPy (Pyodide under node)")
    for directory in (out, py_out):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
    subprocess.run(["node", str(ROOT / "tools" / "derive.mjs"), str(VENDOR), str(out),
                    str(ROOT / "py"), str(py_out)] + ([str(kept)] if kept else []), check=True)


def derive(record, trim):
    """The derived runtime files, made afresh (a few seconds) and, trimmed, checked against the
    manifest. Untrimmed is what tools/keep.py measures the imports on; it is never shipped."""
    out = ROOT / ".cache" / ("derived" if trim else "derived-untrimmed")
    run_derive(out, PY_BYTECODE, KEPT if trim else None)
    actual = {path.name: sha256(path) for path in sorted(out.iterdir())}
    if not trim:
        return actual, out
    manifest = json.loads(MANIFEST.read_text())
    expected = manifest.get("derived", {})
    if record:
        manifest["derived"] = actual
        MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n")
    elif actual != expected:
        wrong = [f"{n}: sha256 is {actual.get(n)}, expected {d}" for n, d in expected.items()
                 if actual.get(n) != d]
        raise SystemExit("build: the derived runtime is not the one recorded (not reproducible?): "
                         + "; ".join(wrong) + ". After a deliberate change: build.py --record")
    return actual, out


def build(out, record=False, trim=True):
    if not VENDOR.is_dir():
        raise SystemExit("build: site/vendor/ is missing; run tools/vendor.py first (make vendor)")
    derived, derived_dir = derive(record, trim)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name in SHIPPED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, out / name,
                            ignore=shutil.ignore_patterns("__pycache__", *NOT_SHIPPED))
        else:
            shutil.copy2(source, out / name)
    shutil.copytree(PY_BYTECODE, out / "py" / "__pycache__",
                    ignore=shutil.ignore_patterns(PAGE_PYTHON.split(".")[0] + ".*"))
    runtime = out / "site" / "vendor" / "pyodide"
    lock = json.loads((runtime / "pyodide-lock.json").read_text())
    for name, digest in derived.items():
        shutil.copy2(derived_dir / name, runtime / name)
        for package in lock["packages"].values():
            if package["file_name"] == name:
                package["sha256"] = digest  # what loadPackage would check the wheel against
    # Pyodide reads the whole lock file at start-up: list only the packages the site serves.
    lock["packages"] = {name: package for name, package in lock["packages"].items()
                        if (runtime / package["file_name"]).exists()}
    (runtime / "pyodide-lock.json").write_text(json.dumps(lock))
    write_integrity(out)
    write_licences(out)
    write_service_worker(out)
    print(f"build: site assembled in {out}")


def sri(path):
    """A file's subresource integrity string."""
    return "sha256-" + base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def fill_constants(template, target, values):
    """Write `target` as `template` with each placeholder line `const NAME = <default>;` (a key
    of `values`) given its value, as JSON."""
    text = template.read_text()
    for placeholder, value in values.items():
        if text.count(placeholder) != 1:
            raise SystemExit(f"build: {template} should hold `{placeholder}` once")
        text = text.replace(placeholder, placeholder.split("=")[0] + f"= {json.dumps(value)};")
    target.write_text(text)


def write_integrity(out):
    """Give site/worker.js the list of py/'s files, where NumPy's core library (served apart)
    belongs, and the sha256 of every file it loads (py/ and the runtime), as subresource
    integrity strings, so the browser refuses a truncated or corrupted file and the page names
    it; and site/boot.js those of worker.js, as it then is, of every file PyScript loads on the
    page, and of pyodide.asm.wasm and NumPy's core library, which the page compiles, with the
    bytes of the worker's files (all of which a first visit downloads: its progress bar's total);
    and site/editor.js those of the code editor's modules (vendor.lock.json: "for": "editor"),
    which it loads when it is needed."""
    runtime = out / "site" / "vendor" / "pyodide"
    worker_py = [path for path in sorted((out / "py").rglob("*.py*")) if path.name != PAGE_PYTHON]
    worker, boot = out / "site" / "worker.js", out / "site" / "boot.js"
    ((numpy_core, numpy_core_served),) = APART.items()
    numpy_wheel = json.loads((runtime / "pyodide-lock.json").read_text())["packages"]["numpy"]["file_name"]
    worker_files = [*worker_py, out / "site" / "pyodide-internals.js", *sorted(runtime.iterdir())]
    fill_constants(worker, worker, {
        "const INTEGRITY = {};": {path.relative_to(out).as_posix(): sri(path) for path in worker_files},
        "const PY_FILES = [];": [path.relative_to(out / "py").as_posix() for path in worker_py],
        "const NUMPY = {};": {"wheel": numpy_wheel,
                              "core": {"file": numpy_core_served, "path": numpy_core}}})
    editor = {out / "site" / "vendor" / entry["path"] for entry in json.loads(MANIFEST.read_text())["files"]
              if entry.get("for") == "editor"}
    page_files = [*sorted(set((out / "site" / "vendor" / "pyscript").glob("*.js")) - editor),
                  *sorted((out / "site" / "vendor" / "micropython").iterdir()),
                  out / "pyscript.toml", out / "py" / PAGE_PYTHON]
    fill_constants(boot, boot, {'const WORKER_INTEGRITY = "";': sri(worker),
                                "const PAGE_INTEGRITY = {};": {
                                    path.relative_to(out).as_posix(): sri(path) for path in page_files},
                                'const WASM_INTEGRITY = "";': sri(runtime / "pyodide.asm.wasm"),
                                "const NUMPY_CORE = {};": {"file": numpy_core_served,
                                                           "integrity": sri(runtime / numpy_core_served)},
                                "const DOWNLOAD_BYTES = 0;": sum(path.stat().st_size for path in worker_files)})
    fill_constants(out / "site" / "editor.js", out / "site" / "editor.js", {
        "const MODULES = {};": {path.relative_to(out).as_posix(): sri(path) for path in sorted(editor)}})


LICENCES_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; object-src 'none'">
  <title>tenline — licences</title>
  <link rel="icon" href="../site/favicon.png" type="image/png">
  <link rel="stylesheet" href="../site/style.css">
</head>
<body>
  <main>
    <h1>Licences</h1>
    <p>The licence texts of tenline and of everything this site ships, as plain text, taken from
      the packages themselves where they carry them. <a href="../index.html">Back to tenline</a></p>
{sections}
  </main>
</body>
</html>
"""


def licence_text(text, manifest):
    """One licence text named in vendor.lock.json's "licences": a member of a source package or
    of a vendored wheel (both hash-checked by tools/vendor.py), or a file of this repository."""
    if "file" in text:
        data = (ROOT / text["file"]).read_bytes()
        return vendor.check(text["file"], data, text["sha256"]) if "sha256" in text else data
    if "wheel" in text:
        return vendor.read_member(ROOT / "site" / "vendor" / text["wheel"], text["member"])
    archive = vendor.fetch_source(text["source"], manifest["sources"][text["source"]],
                                  ROOT / ".cache" / "vendor")
    return vendor.read_member(archive, text["member"])


def write_licences(out):
    """Put the licence texts of tenline and of every shipped package in licences/, as .txt (so
    any host serves them as plain text), with an index page that the page's footer links to."""
    manifest = json.loads(MANIFEST.read_text())
    sections = []
    for key, package in manifest["licences"].items():
        if key.startswith("_"):
            continue
        items = []
        for text in package["texts"]:
            name = text["member"].removeprefix("package/") if "member" in text else Path(text["file"]).name
            name += "" if name.endswith(".txt") else ".txt"
            target = out / LICENCES / key / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(licence_text(text, manifest))
            note = f": {html.escape(text['from'])}" if "from" in text else ""
            items.append(f'        <li><a href="{key}/{html.escape(name)}">{html.escape(name)}</a>{note}</li>')
        sections.append(f'    <section aria-labelledby="{key}">\n'
                        f'      <h2 id="{key}">{html.escape(package["title"])}</h2>\n'
                        '      <ul>\n' + "\n".join(items) + '\n      </ul>\n    </section>')
    (out / LICENCES / "index.html").write_text(LICENCES_PAGE.replace("{sections}", "\n".join(sections)))


def write_service_worker(out):
    """Give sw.js the files to cache for offline use and a version that changes with any of them.
    It starts from the repository's sw.js, so a built site can be given a new version."""
    # The licences too (about 60 kB beside a runtime of megabytes): offline, the footer's link
    # still leads to the texts that must travel with the runtime the cache holds.
    files = [out / "index.html", out / "pyscript.toml", *sorted((out / "site").rglob("*")),
             *sorted((out / "py").rglob("*")), *sorted((out / LICENCES).rglob("*"))]
    names = [path.relative_to(out).as_posix() for path in files
             if path.is_file() and path.suffix != ".map"]  # source maps: for developer tools only
    version = hashlib.sha256("".join(name + sha256(out / name) for name in names).encode())
    fill_constants(ROOT / "sw.js", out / "sw.js", {'const VERSION = "dev";': version.hexdigest()[:16],
                                                   "const FILES = [];": ["./", *names]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_site")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    build(args.out, args.record)


if __name__ == "__main__":
    main()
