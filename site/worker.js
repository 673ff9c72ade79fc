// The Python half of the page, off the main thread: Pyodide, NumPy and py/ run in this worker so
// that starting CPython and training never block the page. The page's own Python (py/ui.py, in
// MicroPython) sends the reader's events here as JSON, through site/boot.js; main.py answers
// with lists of DOM operations ("ops").
//
// Every file is checked against its sha256 before it is used, and every request is reported to
// the page as it starts, as its bytes come and as it ends, so the page can show the download's
// progress and name a file that fails (at once) or stalls (its stall detector, on the main thread).
"use strict";

// py/, as tools/build.py lists it: the sources and their bytecode (in __pycache__/), which
// Python finds in its home directory as if it had compiled them itself.
const PY_FILES = [];
const RUNTIME = "vendor/pyodide/";
// Each file's sha256 (subresource integrity), by path from the site's root, written by
// tools/build.py: the browser refuses a truncated or corrupted file.
const INTEGRITY = {};
const SITE_ROOT = new URL("../", self.location.href).href;

function href(url) {
  return new URL(url, self.location.href).href;
}

function integrity(url) {
  const full = href(url);
  return full.startsWith(SITE_ROOT) ? INTEGRITY[full.slice(SITE_ROOT.length)] : undefined;
}

function fileName(url) {
  return String(url).split("?")[0].split("/").pop();
}

function report(kind, fields) {
  self.postMessage(Object.assign({ kind: kind }, fields));
}

// A file that cannot be had means the runtime cannot start. The first failure is reported at
// once, in plain words (Pyodide itself sometimes only logs it and waits forever).
function fail(message) {
  report("failed", { message: message });
  return new Error(message);
}

function notLoaded(url, why) {
  return "Could not load " + fileName(url) + ": " + why + ". The Python runtime cannot start" +
         " without it; reload the page to try again.";
}

const nativeFetch = self.fetch.bind(self);

// Each file is read here as it comes, its bytes told to the page, and checked against its sha256
// once whole: a request made with `integrity` hands over nothing until the whole file has come,
// which would leave the page blind for the 25 s pyodide.asm.wasm takes over a slow link. What
// is handed on is a response holding the checked bytes. Without crypto.subtle (a page on plain
// http, not from this machine) the browser checks the file, and gives it only once whole.
const canDigest = Boolean(self.crypto.subtle);

function checkedFetch(url, init) {
  const file = fileName(url);
  const expected = integrity(url);
  if (expected && !canDigest) init = Object.assign({}, init, { integrity: expected });
  report("loading", { file: file });
  return nativeFetch(url, init).then(function (response) {
    if (!response.ok) throw fail(notLoaded(url, "the server answered HTTP " + response.status));
    return bodyOf(response, file).then(function (bytes) {
      return Promise.all([bytes, expected && canDigest ? integrityOf(bytes) : expected]);
    }, function () {
      throw fail(notLoaded(url, "the download broke off"));
    }).then(function ([bytes, actual]) {
      if (actual !== expected) throw fail(notLoaded(url, "the file is damaged (it does not match its checksum)"));
      return new Response(bytes, { status: response.status, statusText: response.statusText,
                                   headers: response.headers });
    });
  }, function () {
    throw fail(notLoaded(url, "the request was refused or the network failed"));
  }).finally(function () {
    report("loaded", { file: file });
  });
}

// A response's bytes, each chunk told to the page as it comes (how many of the file so far).
async function bodyOf(response, file) {
  const reader = response.body.getReader();
  const chunks = [];
  let length = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    chunks.push(chunk.value);
    length += chunk.value.byteLength;
    report("bytes", { file: file, bytes: length });
  }
  const bytes = new Uint8Array(length);
  chunks.reduce(function (at, chunk) { bytes.set(chunk, at); return at + chunk.byteLength; }, 0);
  return bytes;
}

// The subresource integrity string (sha256) of some bytes, as tools/build.py writes them.
function integrityOf(bytes) {
  return crypto.subtle.digest("SHA-256", bytes).then(function (digest) {
    return "sha256-" + btoa(String.fromCharCode.apply(null, new Uint8Array(digest)));
  });
}

self.fetch = function (input, init) {
  const url = input instanceof Request ? input.url : href(input);
  if (early[url]) {
    const response = early[url];
    delete early[url];
    return response;
  }
  return checkedFetch(url, init);
};

// importScripts cannot check a hash, so each script is fetched and checked first (the HTTP cache
// then serves importScripts the same bytes), and only a checked script is run.
const checkedScripts = new Set();

function checkScript(url) {
  return checkedFetch(url).then(function (response) { return response.arrayBuffer(); })
    .then(function () { checkedScripts.add(href(url)); });
}

// Every file is requested at once, side by side, instead of one after another as Pyodide would
// ask for them (the scripts first: they are needed first); Pyodide's own fetch() of a file is
// then handed the request under way.
const SCRIPTS = [RUNTIME + "pyodide.js", RUNTIME + "pyodide.asm.js", "pyodide-internals.js"];
const scriptsChecked = Promise.all(SCRIPTS.map(checkScript));
const early = {};
["python_stdlib.zip", "pyodide-lock.json"].forEach(function (name) {
  early[href(RUNTIME + name)] = checkedFetch(RUNTIME + name);
  early[href(RUNTIME + name)].catch(function () {});  // reported already; Pyodide gets it too
});

// pyodide.asm.wasm comes compiled from the page, whose first message says so (site/boot.js tells
// why), or is fetched here when the page has no module to give. A module whose bytes the page
// did not check is used only once the file, asked for here again with its sha256 checked, proves
// sound (the HTTP cache answers; a changed or damaged file is named as on a first visit).
let receiveRuntime;
const WASM = href(RUNTIME + "pyodide.asm.wasm");
early[WASM] = new Promise(function (resolve) { receiveRuntime = resolve; }).then(function (given) {
  if (!given.wasm) return checkedFetch(WASM);
  if (given.checked) return given.wasm;
  return checkedFetch(WASM).then(function (response) { return response.arrayBuffer(); })
    .then(function () { return given.wasm; });
});
early[WASM].catch(function () {});  // reported already; Pyodide gets it too

// Files needed only once CPython runs are asked for after pyodide.asm.wasm has come: a browser
// opens only a few connections to one host (HTTP/1.1), and py/'s many small files or NumPy's
// core library, asked for first, kept the runtime's biggest file waiting in the queue.
const wasmCame = early[WASM].catch(function () {});
function afterWasm(url) {
  return wasmCame.then(function () { return checkedFetch(url); })
    .then(function (response) { return response.arrayBuffer(); });
}

// Pyodide instantiates what its fetch() answered; a module compiled already is used as it is.
const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
let compiledByPage = false;  // told to the page with "started", for whoever measures
WebAssembly.instantiateStreaming = async function (source, imports) {
  const answer = await source;
  if (!(answer instanceof WebAssembly.Module)) return instantiateStreaming(answer, imports);
  compiledByPage = true;
  return { module: answer, instance: await WebAssembly.instantiate(answer, imports) };
};

// NumPy's core library also comes compiled from the page, where it checked the bytes (site/boot.js
// tells why). placeLibraries() has it used in place of compiling the snapshot's copy of the same
// file: Emscripten's WebAssembly.instantiate() of those bytes is answered with that module.
let numpyCore = null;
let numpyCompiledByPage = false;  // told to the page with "started", like compiledByPage
const precompiled = new Map();  // library bytes -> the module the page compiled from that file
const instantiate = WebAssembly.instantiate.bind(WebAssembly);
WebAssembly.instantiate = function (source, imports) {
  const module = precompiled.get(source);
  if (!module) return instantiate(source, imports);
  precompiled.delete(source);  // used once: the bytes need not be kept alive
  numpyCompiledByPage = true;
  return instantiate(module, imports).then(function (instance) { return { module: module, instance: instance }; });
};

async function importRuntime() {
  await scriptsChecked;
  SCRIPTS.forEach(function (url) { importScripts(url); });
}

const nativeImportScripts = self.importScripts.bind(self);
self.importScripts = function (url) {
  if (integrity(url) && !checkedScripts.has(href(url))) throw fail(notLoaded(url, "it was not checked"));
  try {
    nativeImportScripts(url);
  } catch (error) {
    throw fail(notLoaded(url, "the script does not run (" + error.message + ")"));
  }
};

const queued = [];
let handle = null;  // main.handle, once Python is up
let answered = 0;  // events handled so far: the page compares it with the events it sent
function answer(message) {
  answered += 1;
  handle(message);
}
self.onmessage = function (event) {
  if (typeof event.data === "object") {
    numpyCore = event.data.numpyCore || null;
    receiveRuntime(event.data);
    return;
  }
  if (handle) answer(event.data);
  else queued.push(event.data);
};

// What Python writes (py/page.py) goes to the page as one message per flush.
self.sendOps = function (json) {
  report("ops", { json: json, answered: answered });
  if (snapshotWanted && JSON.parse(json).settled) makeSnapshotNow();
};

// A host's Content-Security-Policy can forbid compiling WebAssembly; Pyodide would then only log
// it and wait. An empty module tells at once.
function checkWebAssembly() {
  try {
    new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
  } catch (error) {
    throw fail("This site's security policy does not let the browser run WebAssembly, which the" +
               " Python runtime needs (" + error.message + ").");
  }
}

// How CPython starts, here and in the snapshot maker below.
const PYTHON_OPTIONS = {
  indexURL: href(RUNTIME),
  // The shipped bytecode has no docstrings (tools/derive_runtime.py); NumPy must be told, as
  // `python -OO` would tell it, or it tries to attach the missing ones at import.
  env: { PYTHONOPTIMIZE: "2" },
  checkAPIVersion: true,
};

// NumPy as tools/build.py serves it: {wheel: its file name in RUNTIME, core: {file, path}}, where
// `core` is NumPy's core library, served beside the wheel, not in it (tools/derive_runtime.py
// tells why): its file name in RUNTIME and where in site-packages the wheel would have it.
const NUMPY = {};

// Unpacks NumPy's wheel into site-packages; gives the paths of the libraries in it, one a line
// (a str comes back as a JS string, with no proxy to destroy). Pyodide's loadPackage would do
// more: it imports what installing any package can need, tarfile and, through
// importlib.invalidate_caches(), importlib.metadata and email (some 5% of a first visit's start).
const INSTALL_NUMPY = `
def install_numpy(wheel, site):
    import os, sys, zipfile
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
        names = archive.namelist()
    os.remove(wheel)
    # An import looked in site-packages while it was empty: forget what it saw there.
    sys.path_importer_cache.pop(site, None)
    return "\\n".join(f"{site}/{name}" for name in names if name.endswith(".so"))
install_numpy
`;

// CPython started afresh, with NumPy installed and its libraries loaded but NumPy not imported.
// NumPy's files, fetched meanwhile, are put where the wheel would have put them, and its
// libraries (the core library too) loaded as Pyodide loads a wheel's, so that the import finds
// them loaded (and the snapshot maker records them).
async function startAfresh(options) {
  const files = Promise.all([afterWasm(RUNTIME + NUMPY.wheel), afterWasm(RUNTIME + NUMPY.core.file)]);
  files.catch(function () {});  // reported already; awaited below
  const pyodide = await loadPyodide(Object.assign({}, options, PYTHON_OPTIONS));
  const [wheel, core] = await files;
  const site = PyodideInternals.sitePackages(pyodide);
  const wheelAt = "/tmp/" + NUMPY.wheel, coreAt = site + "/" + NUMPY.core.path;
  pyodide.FS.writeFile(wheelAt, new Uint8Array(wheel));
  const install = pyodide.runPython(INSTALL_NUMPY);
  const libraries = install(wheelAt, site).split("\n");
  install.destroy();
  pyodide.FS.writeFile(coreAt, new Uint8Array(core));
  await PyodideInternals.loadLibraries(pyodide, libraries.concat(coreAt));
  return pyodide;
}

// A later visit need not start CPython and NumPy again. Once a first visit shows its first
// prediction, a helper worker (this script, named SNAPSHOT_MAKER, started by the page) starts
// CPython, loads NumPy, imports every module of it the page can use, takes a snapshot of its
// memory and keeps it in IndexedDB; the next visit restores that instead. A snapshot is used only
// if it was made from these very runtime files and options and still has its own sha256s;
// otherwise, or if it fails to restore, CPython starts afresh and a new one is made.
const SNAPSHOT_MAKER = "tenline snapshot maker";  // the name site/boot.js gives it
const SNAPSHOT_OF = JSON.stringify([PYTHON_OPTIONS.env].concat(Object.keys(INTEGRITY).sort()
  .filter(function (path) { return path.startsWith("site/"); })
  .map(function (path) { return INTEGRITY[path]; })));

// Every module the (trimmed) NumPy wheel holds, which is every one the page can import
// (tools/keep.py): imported in the snapshot, none of them is ever looked for on a later visit,
// whose file system has no NumPy.
const IMPORT_NUMPY = `
def import_numpy():
    import importlib, pathlib, numpy
    site = pathlib.Path(numpy.__file__).parent.parent
    for path in sorted(site.glob("numpy/**/*")):
        if path.suffix in (".pyc", ".so"):
            *package, name = path.relative_to(site).parts
            name = name.split(".")[0]
            importlib.import_module(".".join(package + ([] if name == "__init__" else [name])))
import_numpy()
del import_numpy
`;

// One IndexedDB transaction on the store "snapshots"; resolves with the result of the request
// `use` makes, once the transaction is complete. Storage that never answers must not hold the
// start: in a frame of a page that is no secure context (Chromium 156), opening the database
// in a worker calls back neither way, so after OPEN_WAIT_MS there is no snapshot.
const OPEN_WAIT_MS = 5000;

function snapshots(mode, use) {
  return new Promise(function (resolve, reject) {
    const opening = indexedDB.open("tenline", 1);
    const unanswered = setTimeout(function () {
      reject(new Error("the browser's storage did not answer"));
    }, OPEN_WAIT_MS);
    opening.onupgradeneeded = function () { opening.result.createObjectStore("snapshots"); };
    opening.onerror = function () { clearTimeout(unanswered); reject(opening.error); };
    opening.onsuccess = function () {
      clearTimeout(unanswered);
      const db = opening.result;
      const transaction = db.transaction("snapshots", mode);
      let request;
      try {
        request = use(transaction.objectStore("snapshots"));
      } catch (error) {  // a value the store refuses at once
        db.close();
        reject(error);
        return;
      }
      transaction.oncomplete = function () { db.close(); resolve(request.result); };
      transaction.onabort = function () { db.close(); reject(transaction.error); };
    };
  });
}

function sha256(bytes) {
  return crypto.subtle.digest("SHA-256", bytes).then(function (digest) {
    return Array.from(new Uint8Array(digest), function (b) { return b.toString(16).padStart(2, "0"); }).join("");
  });
}

// The kept snapshot, its parts read, if it is for this runtime and sound; one that is not is
// forgotten.
async function savedSnapshot() {
  const saved = await snapshots("readonly", function (store) { return store.get("python"); });
  if (!saved) return null;
  if (saved.of === SNAPSHOT_OF) {
    const [memory, ...libraries] = await Promise.all([saved.memory].concat(saved.libraries.map(
      function (library) { return library.bytes; })).map(bytesOf));
    saved.memory = memory;
    saved.libraries.forEach(function (library, i) { library.bytes = libraries[i]; });
    if (await sound(saved)) return saved;
  }
  forgetSnapshot();
  return null;
}

// A part of the snapshot as kept (see keepSnapshot), as bytes.
function bytesOf(part) {
  if (!(part instanceof Blob)) return Promise.resolve(part);
  return part.arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
}

// Whether the memory and every library still have the sha256 kept with them.
async function sound(saved) {
  const kept = [[saved.memory, saved.sha256]].concat(saved.libraries.map(function (library) {
    return [library.bytes, library.sha256];
  }));
  const digests = await Promise.all(kept.map(function ([bytes]) { return sha256(bytes); }));
  return digests.every(function (digest, i) { return digest === kept[i][1]; });
}

function forgetSnapshot() {
  snapshots("readwrite", function (store) { return store.delete("python"); }).catch(function () {});
}

// Pyodide 0.27 cannot snapshot shared libraries, and NumPy's are WebAssembly modules of their
// own (memory at some address, functions at some place in the shared function table), which
// the snapshot's memory points into. So the maker records where each one went, and its bytes;
// a later visit loads each at those very places before the memory is restored over them. That
// the table came out the same is checked (every symbol's address is compared) before it is used.
// All of it leans on Pyodide's and Emscripten's internals: site/pyodide-internals.js.
async function makeSnapshot() {
  await importRuntime();
  const loaded = PyodideInternals.recordLibraries();
  const pyodide = await startAfresh(PyodideInternals.MAKE_SNAPSHOT);
  pyodide.runPython(IMPORT_NUMPY);
  for (const library of loaded.libraries) {
    if (!library.bytes) throw new Error(library.name + " was loaded in a way this maker cannot replay");
    library.sha256 = await sha256(library.bytes);
  }
  const memory = PyodideInternals.takeSnapshot(pyodide);
  await keepSnapshot({ of: SNAPSHOT_OF, sha256: await sha256(memory), memory: memory,
                       libraries: loaded.libraries, symbols: loaded.symbols() });
}

// The memory and the libraries are kept as Blobs, which IndexedDB stores as files of their own:
// as ArrayBuffers, 37 MB would be copied out of the record, on the restoring worker's thread, as
// it is read. Where Blobs cannot be stored (WebKit's private and ephemeral sessions: "Error
// preparing Blob/File data"), the bytes themselves are kept.
async function keepSnapshot(saved) {
  const asBlobs = Object.assign({}, saved, {
    memory: new Blob([saved.memory]),
    libraries: saved.libraries.map(function (library) {
      return Object.assign({}, library, { bytes: new Blob([library.bytes]) });
    }),
  });
  try {
    await snapshots("readwrite", function (store) { return store.put(asBlobs, "python"); });
  } catch (error) {
    await snapshots("readwrite", function (store) { return store.put(saved, "python"); });
  }
}

let snapshotWanted = false;  // a fresh start: a snapshot is made after the first prediction

// Asked for on an event, not a timer: in Firefox the 5 s timer this replaced was, now and then,
// never run. The page starts the maker (site/boot.js).
function makeSnapshotNow() {
  snapshotWanted = false;
  report("make-snapshot", {});
}

// CPython and NumPy, from the saved snapshot if there is a good one; the page is told which.
let restoring = null;  // the snapshot being restored, and what went wrong placing its libraries

async function startPython(snapshot) {
  const saved = await snapshot;
  if (saved) {
    restoring = { saved: saved };
    try {
      const pyodide = await loadPyodide(Object.assign(PyodideInternals.restoreOptions(saved.memory),
                                                      PYTHON_OPTIONS));
      if (restoring.error) throw restoring.error;
      report("started", { snapshot: true, compiledByPage: compiledByPage, numpyCompiledByPage: numpyCompiledByPage });
      return pyodide;
    } catch (error) {
      console.warn("tenline: the saved start-up snapshot did not restore; CPython starts afresh.",
                   restoring.error || error);
      forgetSnapshot();
    } finally {
      restoring = null;
    }
  }
  const pyodide = await startAfresh({});
  report("started", { snapshot: false, compiledByPage: compiledByPage, numpyCompiledByPage: numpyCompiledByPage });
  snapshotWanted = true;
  return pyodide;
}

async function start() {
  checkWebAssembly();
  const snapshot = savedSnapshot().catch(function (error) {
    console.warn("tenline: the saved start-up snapshot is not used (" + error.message + ").");
  });
  const sources = Promise.all(PY_FILES.map(function (name) { return afterWasm("../py/" + name); }));
  sources.catch(function () {});  // reported already; awaited below
  await importRuntime();
  PyodideInternals.beforeRuntimeStarts(function (Module) {
    if (!restoring) return;
    // The page's message has come by now (the runtime it carries is running): NumPy's core
    // library, if it sent one compiled, is used for the snapshot's copy of that file.
    const core = restoring.saved.libraries.find(function (library) {
      return fileName(library.name).startsWith("_multiarray_umath.");
    });
    if (numpyCore && core) precompiled.set(core.bytes, numpyCore);
    PyodideInternals.placeLibraries(Module, restoring.saved, restoring);
  });
  const pyodide = await startPython(snapshot);
  const files = await sources;
  pyodide.FS.mkdir("__pycache__");
  PY_FILES.forEach(function (name, i) { pyodide.FS.writeFile(name, new Uint8Array(files[i])); });
  self.pyodide = pyodide;  // for tools/keep.py, which reads sys.modules from here
  handle = self.name === CODE_RUNNER ? codeRunner(pyodide)
                                     : pyodide.runPython("import js, main; main.start(js.sendOps)");
  queued.splice(0).forEach(answer);
}

// The code runner (this script under that name, started by the page for py/ui.py's Run): each
// message is the reader's code, run by py/runner.py. What it prints goes to the page a line at a
// time, as it is printed, up to MAX_LINES lines a run (a runaway print loop must not flood the
// page), each cut at MAX_LINE characters; then how the run ended.
const CODE_RUNNER = "tenline code runner";
const MAX_LINES = 1000;
const MAX_LINE = 2000;

function codeRunner(pyodide) {
  let lines = 0;
  function printed(stream) {
    return function (text) {
      lines += 1;
      if (lines <= MAX_LINES) report("output", { stream: stream, text: text.slice(0, MAX_LINE) });
      else if (lines === MAX_LINES + 1) {
        report("output", { stream: "note", text: "(More than " + MAX_LINES + " lines: the rest is not shown.)" });
      }
    };
  }
  pyodide.setStdout({ batched: printed("stdout") });
  pyodide.setStderr({ batched: printed("stderr") });
  pyodide.setStdin({ stdin: function () { return null; } });  // input() meets the end of input
  const run = pyodide.runPython("import runner; runner.run");
  return function (code) {
    lines = 0;
    const began = performance.now();
    const error = run(code);
    report("done", { error: error, seconds: ((performance.now() - began) / 1000).toFixed(2) });
  };
}

if (self.name === SNAPSHOT_MAKER) {
  makeSnapshot().then(function () {
    report("snapshot", { kept: true });
  }, function (error) {
    console.info("tenline: no start-up snapshot was kept (" + error.message + ").");
    report("snapshot", { kept: false, why: String(error.message || error) });
  }).finally(function () { self.close(); });
} else {
  // Anything else that stops the start (a Python error, say) is said in one line: the traceback
  // goes to the console for whoever debugs it, never onto the page.
  start().catch(function (error) {
    console.error(error);
    const lines = String(error.message || error).trim().split("\n");
    fail("The page's Python code could not start (" + lines[lines.length - 1] + "). Reload the page" +
         " to try again; if this stays, the site is broken.");
  });
}
