// Derive the shipped runtime from the verified originals, inside Pyodide itself (node):
// bytecode must be written by the very CPython (3.12, Pyodide 0.27.7) that will run it.
// Usage: node tools/derive.mjs VENDOR_DIR OUT_DIR   (tools/build.py runs it)
import path from "node:path";
import { fileURLToPath } from "node:url";

const [vendor, out] = process.argv.slice(2).map((p) => path.resolve(p));
const tools = path.dirname(fileURLToPath(import.meta.url));
const { loadPyodide } = await import(path.join(vendor, "pyodide.mjs"));
const pyodide = await loadPyodide({ stdout: () => {}, stderr: (s) => console.error(s) });
const { FS } = pyodide;
for (const [host, mount] of [[vendor, "/vendor"], [out, "/out"], [tools, "/tools"]]) {
  FS.mkdirTree(mount);
  FS.mount(FS.filesystems.NODEFS, { root: host }, mount);
}
pyodide.runPython(`
import sys
sys.path.insert(0, "/tools")
import derive_runtime
derive_runtime.main("/vendor", "/out")
`);
