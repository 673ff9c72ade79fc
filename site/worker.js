// The Python half of the page, off the main thread: Pyodide, NumPy and py/ run in this worker so
// that starting CPython and training never block the page. The page (site/app.js) sends the
// reader's events here as JSON; Python answers with lists of DOM operations ("ops").
//
// Every file request is reported to the page as it starts and ends, so the page can name a file
// that fails (at once) or stalls (after its 30 s timer, which lives on the main thread).
"use strict";

const PY_FILES = ["model.py", "history.py", "trainer.py", "state.py", "draw.py", "listing.py",
                  "page.py", "main.py"];
// Each runtime file's sha256, by path from the site's root, written by tools/build.py: the
// browser checks every file against it, so a truncated or corrupted file is named, not run.
const INTEGRITY = {};
const SITE_ROOT = new URL("../", self.location.href).href;

function integrity(url) {
  const href = new URL(url, self.location.href).href;
  return href.startsWith(SITE_ROOT) ? INTEGRITY[href.slice(SITE_ROOT.length)] : undefined;
}

function fileName(url) {
  return String(url).split("?")[0].split("/").pop();
}

function report(kind, fields) {
  self.postMessage(Object.assign({ kind: kind }, fields));
}

// A file that cannot be had means the runtime cannot start. The first such failure is reported at
// once, in plain words: Pyodide itself sometimes only logs it and waits forever.
function fail(message) {
  report("failed", { message: message });
  return new Error(message);
}

function watch(url, request) {
  const file = fileName(url);
  report("loading", { file: file });
  return request.then(function (response) {
    report("loaded", { file: file });
    if (!response.ok) throw fail("Could not load " + file + " (HTTP " + response.status + ").");
    return response;
  }, function () {
    report("loaded", { file: file });
    throw fail("Could not load " + file + ": the request was refused, the network failed or" +
               " the file did not match its checksum.");
  });
}

const nativeFetch = self.fetch.bind(self);
self.fetch = function (input, init) {
  const url = input instanceof Request ? input.url : String(input);
  const expected = integrity(url);
  if (expected && !(init && init.integrity)) init = Object.assign({}, init, { integrity: expected });
  return watch(url, nativeFetch(input, init));
};

// Scripts come through importScripts, which cannot check a hash: each is also fetched (with its
// hash) afterwards, which the HTTP cache makes nearly free, and a mismatch is reported.
const nativeImportScripts = self.importScripts.bind(self);
self.importScripts = function (url) {
  const file = fileName(url);
  report("loading", { file: file });
  try {
    nativeImportScripts(url);
    if (integrity(url)) self.fetch(url).catch(function () {});
  } catch (error) {
    throw fail("Could not load " + file + ": the request was refused or the network failed.");
  } finally {
    report("loaded", { file: file });
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
  if (handle) answer(event.data);
  else queued.push(event.data);
};

// What Python writes (py/page.py) goes to the page as one message per flush.
self.sendOps = function (json) {
  report("ops", { json: json, answered: answered });
};

async function start() {
  importScripts("vendor/pyodide/pyodide.js");
  // The sources are fetched while the runtime loads.
  const sources = Promise.all(PY_FILES.map(function (name) {
    return fetch("../py/" + name).then(function (response) { return response.text(); });
  }));
  sources.catch(function () {});  // already reported by watch(); awaited below
  const pyodide = await loadPyodide({
    indexURL: new URL("vendor/pyodide/", self.location.href).href,
    packages: ["numpy"],
    // The shipped bytecode has no docstrings (tools/derive_runtime.py); NumPy must be told, as
    // `python -OO` would tell it, or it tries to attach the missing ones at import.
    env: { PYTHONOPTIMIZE: "2" },
    checkAPIVersion: true,
  });
  if (!pyodide.loadedPackages.numpy) throw new Error("NumPy could not be loaded.");
  const texts = await sources;
  PY_FILES.forEach(function (name, i) { pyodide.FS.writeFile(name, texts[i]); });
  self.pyodide = pyodide;  // for tools/keep.py, which reads sys.modules from here
  handle = pyodide.runPython("import main; main.handle");
  queued.splice(0).forEach(answer);
}

// Anything else that stops the start (a corrupt file, a Python error) is said in one line: the
// traceback goes to the console for whoever debugs it, never onto the page.
start().catch(function (error) {
  console.error(error);
  const lines = String(error.message || error).trim().split("\n");
  fail("The Python runtime failed to start: " + lines[lines.length - 1]);
});
