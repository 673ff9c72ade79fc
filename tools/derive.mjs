// Derive the shipped runtime from the verified originals, inside Pyodide itself (node):
// bytecode must be written by the very CPython (3.12, Pyodide 0.27.7) that will run it.
// Usage: node tools/derive.mjs VENDOR_DIR OUT_DIR PY_DIR PY_OUT_DIR [KEPT_JSON]
// (tools/build.py runs it): the runtime goes to OUT_DIR, py/'s bytecode to PY_OUT_DIR.
import path from "node:path";
import { fileURLToPath } from "node:url";

const [vendor, out, py, pyOut, kept] = process.argv.slice(2).map((p) => path.resolve(p));
const tools = path.dirname(fileURLToPath(import.meta.url));
const { loadPyodide } = await import(path.join(vendor, "pyodide.mjs"));
const pyodide = await loadPyodide({ stdout: () => {}, stderr: (s) => console.error(s) });
const { FS } = pyodide;
const mounts = [[vendor, "/vendor"], [out, "/out"], [py, "/py"], [pyOut, "/pyout"], [tools, "/tools"]];
if (kept) mounts.push([path.dirname(kept), "/kept"]);
for (const [host, mount] of mounts) {
  FS.mkdirTree(mount);
  FS.mount(FS.filesystems.NODEFS, { root: host }, mount);
}
pyodide.runPython(`
import sys
sys.path.insert(0, "/tools")
import derive_runtime
derive_runtime.main("/vendor", "/out", ${kept ? JSON.stringify("/kept/" + path.basename(kept)) : "None"})
derive_runtime.compile_sources("/py", "/pyout")
`);
