"""site/pyodide-internals.js refuses any Pyodide but the one it was written for: another version
gets a clear error instead of private calls that might half work (a fresh start is refused, a
snapshot is not restored). Run in node, with stand-ins for Pyodide and Emscripten's Module."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
const vm = require("node:vm");
const source = require("node:fs").readFileSync(process.argv[1], "utf8");
const internals = vm.runInThisContext(source + "\nPyodideInternals");
const pyodide = (version) => ({ version, _api: { sitepackages: "/lib/python3.12/site-packages",
                                                 loadDynlib: async () => { loaded += 1; } } });
let loaded = 0;
function attempt(f) { try { return { value: f() }; } catch (error) { return { error: error.message }; } }

async function placed(version) {
  const calls = [];
  const Module = { API: { version }, HEAPU8: new Uint8Array(64), HEAP8: new Int8Array(64),
                   HEAPU32: new Uint32Array(16), wasmTable: { length: 0 }, GOT: {},
                   LDSO: { loadedLibsByHandle: {} },
                   addRunDependency: () => calls.push("add"), removeRunDependency: () => calls.push("remove"),
                   loadDynamicLibrary: async () => { calls.push("load"); } };
  const problem = {};
  internals.placeLibraries(Module, { libraries: [{ name: "a.so", memoryBase: 0, tableBase: 0, bytes: [] }],
                                     symbols: {} }, problem);
  await new Promise((resolve) => setTimeout(resolve, 10));
  return { calls, error: problem.error ? problem.error.message : null };
}

(async () => {
  const other = await internals.loadLibraries(pyodide("0.28.0"), ["x.so"]).then(() => null, (e) => e.message);
  const same = await internals.loadLibraries(pyodide(internals.VERSION), ["x.so", "y.so"]).then(() => null);
  console.log(JSON.stringify({
    version: internals.VERSION,
    site: [attempt(() => internals.sitePackages(pyodide(internals.VERSION))),
           attempt(() => internals.sitePackages(pyodide("0.28.0")))],
    load: { other, same, loaded },
    snapshot: attempt(() => internals.takeSnapshot({ version: "0.26.4", makeMemorySnapshot: () => "memory" })),
    placed: { same: await placed(internals.VERSION), other: await placed("0.28.0") },
  }));
})();
"""


def probe():
    result = subprocess.run(["node", "-e", PROBE, str(ROOT / "site" / "pyodide-internals.js")],
                            capture_output=True, text=True, timeout=60, check=True)
    return json.loads(result.stdout)


def test_the_pinned_pyodide_is_the_one_the_internals_are_written_for():
    lock = json.loads((ROOT / "vendor.lock.json").read_text())
    assert lock["sources"]["pyodide"]["npm"] == f"pyodide@{probe()['version']}"


def test_another_pyodide_version_is_refused_in_plain_words():
    told = probe()
    assert told["site"][0] == {"value": "/lib/python3.12/site-packages"}
    assert "0.28.0" in told["site"][1]["error"] and told["version"] in told["site"][1]["error"]
    assert "0.28.0" in told["load"]["other"]
    assert told["load"]["same"] is None and told["load"]["loaded"] == 2  # only the right version's
    assert "0.26.4" in told["snapshot"]["error"]


def test_a_snapshot_is_not_restored_into_another_pyodide_version():
    placed = probe()["placed"]
    assert placed["same"] == {"calls": ["add", "load", "remove"], "error": None}
    # Nothing is loaded into the other version's memory, and the restore is told to fail.
    assert placed["other"]["calls"] == ["add", "remove"]
    assert "0.28.0" in placed["other"]["error"]
