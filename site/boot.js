// The page's JavaScript: only what must run before any Python can. The page's Python runs
// elsewhere: py/ui.py on this thread, in MicroPython under PyScript, binds every control and
// applies what the Python worker answers; py/main.py, in CPython with NumPy in that worker
// (site/worker.js), decides and computes everything. This module
// - starts the Python worker at once (and, after a first visit, the snapshot maker), and hands
//   it WebAssembly compiled on the page, for Chromium's code cache;
// - starts PyScript beside it, every file it loads checked by its sha256;
// - carries messages between the worker and py/ui.py (`bridge`, which ui.py imports), and starts
//   the worker that runs the reader's code;
// - shows the download's progress, and is the stall detector: a runtime that cannot load is
//   named in the one role="alert" element instead of a spinner forever;
// - registers the service worker once the page works.
// py/ui.py marks success with <html data-runtime="ready">.

// A download has stalled when no byte of it has come for this long (never a deadline for the
// whole: over a slow link a healthy first visit takes 40 s or more).
const STALL_MS = 20000;
// worker.js's sha256 (subresource integrity), written by tools/build.py: a worker script cannot be
// checked as it starts, so it is fetched alongside with the check, and a damaged one is stopped.
const WORKER_INTEGRITY = "";
// The sha256 of every file PyScript loads on this thread (its modules, MicroPython, the config and
// py/ui.py), by path from the site's root, written by tools/build.py.
const PAGE_INTEGRITY = {};
const SITE_ROOT = new URL("../", import.meta.url).href;
const alertBox = document.getElementById("alert");
const status = document.getElementById("status");
const pending = new Set();  // runtime files still on their way
let failed = false;
let stallTimer = null;
let worker = null;
let sent = 0;  // events sent to Python; each answer says how many it has answered
let answered = 0;

function ready() { return document.documentElement.dataset.runtime === "ready"; }

// The snapshot maker (site/worker.js under this name) is started here, not by the Python worker:
// in Firefox, a worker starting a worker of its own now and then hung. It is held until it
// reports (a worker nothing refers to may be collected), and what it says becomes a mark, for
// whoever measures (tools/bench.py, the tests): whether a snapshot was kept, and if not, why.
let snapshotMaker = null;
function makeSnapshot(script) {
  snapshotMaker = new Worker(script, { name: "tenline snapshot maker" });
  giveRuntime(snapshotMaker, true, false);
  snapshotMaker.onerror = (event) => event.preventDefault();  // said in its own console
  snapshotMaker.onmessage = ({ data }) => {
    // A runtime file the maker cannot have stops it as it would stop the Python worker.
    if (data.kind === "failed") data = { kept: false, why: data.message };
    else if (data.kind !== "snapshot") return;
    performance.mark("tenline:snapshot", { detail: { kept: data.kept, why: data.why } });
    snapshotMaker.terminate();
    snapshotMaker = null;
  };
}

// Pyodide's 10 MB of WebAssembly (pyodide.asm.wasm) is compiled here, on the page, and the
// compiled module is handed to the workers: Chromium keeps compiled WebAssembly for the next visit
// (its code cache) only for a module compiled on a page, never in a worker, and compiling afresh
// is most of a repeat visit's start. The page compiles only once the browser can have that cache:
// on a first visit the Python worker compiles its own (so nothing but this thin script runs here
// before the first prediction), and the page compiles for the snapshot maker, which starts after
// it. A module is used only if the bytes it came from have the file's sha256. At the start the
// page checks them itself (fastest); for the snapshot maker, while the reader may be using the
// page, the maker checks the file itself instead, so that hashing 10 MB never blocks the page. If
// the page cannot compile (a host's policy, an old browser), the worker compiles its own.
const RUNTIME = new URL("vendor/pyodide/", import.meta.url);
const WASM = new URL("pyodide.asm.wasm", RUNTIME);
// Its sha256, written by tools/build.py; kept in localStorage once the page has compiled it.
const WASM_INTEGRITY = "";
// NumPy's core library (_multiarray_umath) is compiled here too, for the same reason: compiled in
// the worker, the first training after a restore ran its hottest code unoptimized. The build
// serves it beside NumPy's wheel, and writes its file name and sha256 here.
const NUMPY_CORE = {};
const COMPILED_BEFORE = "tenline:wasm-compiled";
let compiling = null;

// {wasm: the module or null, checked: whether the page checked its bytes, numpyCore: NumPy's
// core library compiled, where the page checked its bytes}
function compileRuntime(check) {
  compiling ||= Promise.all([compiled(WASM, WASM_INTEGRITY, check),
                             compiled(new URL(NUMPY_CORE.file, RUNTIME), NUMPY_CORE.integrity, check)
                               .catch(() => ({}))])
    .then(([runtime, numpyCore]) => {
      remember(COMPILED_BEFORE, WASM_INTEGRITY);
      return { wasm: runtime.module, checked: runtime.checked,
               numpyCore: numpyCore.checked ? numpyCore.module : null };
    }, () => ({ wasm: null }));
  return compiling;
}

// {module, checked: whether its bytes have the sha256 `integrity`, if asked to check}
function compiled(url, integrity, check) {
  return fetch(url).then((answer) => {
    const response = counted(answer, url.pathname.split("/").pop());
    return Promise.all([
      WebAssembly.compileStreaming(response),
      check && response.clone().arrayBuffer().then((bytes) => crypto.subtle.digest("SHA-256", bytes))
        .then((digest) => "sha256-" + btoa(String.fromCharCode(...new Uint8Array(digest))) === integrity),
    ]);
  }).then(([module, checked]) => ({ module, checked }));
}

function remember(key, value) {
  try { localStorage.setItem(key, value); } catch { /* no storage: the page compiles nothing next time */ }
}

function recall(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

// Every worker's first message is what compileRuntime() gives, or {wasm: null}: compile your own.
// At the start the page checks the bytes; for the snapshot maker it leaves that to the maker.
function giveRuntime(target, compile, check) {
  if (!(compile && WebAssembly.compileStreaming)) {
    target.postMessage({ wasm: null });
    return;
  }
  waitFor("pyodide.asm.wasm");
  compileRuntime(check).then((given) => {
    arrived("pyodide.asm.wasm");
    target.postMessage(given);
  });
}

// The stall detector: re-armed by every byte that comes; when it runs out, the files still on
// their way are named. With none on its way (CPython starting), nothing is due.
function waitFor(name) {
  pending.add(name);
  if (!stallTimer) progressed();
}

function arrived(name) {
  pending.delete(name);
  progressed();
}

function progressed() {
  clearTimeout(stallTimer);
  stallTimer = setTimeout(() => {
    stallTimer = null;
    if (ready() || !pending.size) return;
    fail("The Python runtime stopped loading: nothing has arrived for " + STALL_MS / 1000 +
         " seconds; still waiting for " + Array.from(pending).join(", ") + ". Check your" +
         " connection and reload the page.");
  }, STALL_MS);
}

// Download progress, in the status line: each file's bytes so far (the worker's requests and the
// page's own), of what a first visit downloads (DOWNLOAD_BYTES, written by tools/build.py). Only
// a download worth watching gets the bar: one that, a second in, has more than another second to
// go at its pace so far; files from a cache come far faster, so a repeat visit shows none. The
// text (a live region) changes at most every few seconds, so that a screen reader is not flooded.
const DOWNLOAD_BYTES = 0;
const SHOW_AFTER_MS = 1000;
const TEXT_EVERY_MS = 4000;
const downloadBar = document.getElementById("download-progress");
const received = new Map();  // file name -> bytes so far
let downloaded = 0;
let downloadShown = false;
let downloadOver = false;
let textShownAt = -Infinity;

function bytesArrived(name, bytes) {
  downloaded += Math.max(0, bytes - (received.get(name) || 0));
  received.set(name, Math.max(bytes, received.get(name) || 0));
  progressed();
  if (downloadOver || failed || ready()) return;
  if (downloaded >= DOWNLOAD_BYTES) {
    downloadDone();
    return;
  }
  const now = performance.now();
  if (!downloadShown && (now < SHOW_AFTER_MS ||
                         (DOWNLOAD_BYTES - downloaded) / downloaded * now < SHOW_AFTER_MS)) return;
  downloadShown = true;
  Object.assign(downloadBar, { hidden: false, max: DOWNLOAD_BYTES, value: downloaded });
  if (now - textShownAt < TEXT_EVERY_MS) return;
  textShownAt = now;
  // Short enough to share a phone's line with the bar.
  status.textContent = "Downloaded " + megabytes(downloaded) + " of " + megabytes(DOWNLOAD_BYTES) + " MB";
}

// Every byte is in, or Python has started (from a snapshot, without some of them).
function downloadDone() {
  if (downloadOver) return;
  downloadOver = true;
  downloadBar.hidden = true;
  if (downloadShown && !failed) status.textContent = "Starting Python…";
}

function megabytes(bytes) {
  return (bytes / 1e6).toFixed(1);
}

// A response whose bytes are counted as they come.
function counted(response, name) {
  let bytes = 0;
  const counter = new TransformStream({
    transform(chunk, stream) {
      bytes += chunk.byteLength;
      bytesArrived(name, bytes);
      stream.enqueue(chunk);
    },
  });
  return new Response(response.body.pipeThrough(counter),
                      { status: response.status, statusText: response.statusText, headers: response.headers });
}

// The first failure is the one to tell: the worker is stopped, so nothing else downloads.
function fail(message) {
  if (failed || ready()) return;
  failed = true;
  if (worker) worker.terminate();
  clearTimeout(stallTimer);
  downloadBar.hidden = true;
  alertBox.textContent = message;
  status.textContent = "The network could not be trained: the Python runtime did not load.";
}

function notLoaded(name, why) {
  return "Could not load " + name + ": " + why + ". The page's Python cannot start without it;" +
         " reload the page to try again.";
}

// Why a checked request failed: asked again without the check, the answer tells.
async function diagnosed(url) {
  try {
    const response = await nativeFetch(url, { cache: "no-store" });
    return response.ok ? "the file is damaged (it does not match its checksum)"
                       : "the server answered HTTP " + response.status;
  } catch {
    return "the request was refused or the network failed";
  }
}

// PyScript's files, checked. Its modules are preloaded with their sha256 (a module a page imports
// can be checked no other way), so that the imports that follow find them checked or failed;
// what it fetches (the config, py/ui.py, MicroPython's WebAssembly) is checked by fetch() below.
function sitePath(url) {
  return url.startsWith(SITE_ROOT) ? url.slice(SITE_ROOT.length) : null;
}

async function checkedLoad(path, load) {
  const name = path.split("/").pop();
  waitFor(name);
  try {
    return await load();
  } catch (error) {
    fail(notLoaded(name, await diagnosed(SITE_ROOT + path)));
    throw error;
  } finally {
    arrived(name);
  }
}

function preloaded(path, integrity) {
  return checkedLoad(path, () => new Promise((resolve, reject) => {
    const link = Object.assign(document.createElement("link"),
                               { rel: "modulepreload", href: SITE_ROOT + path, integrity });
    link.onload = resolve;
    link.onerror = reject;
    document.head.append(link);
  }));
}

const nativeFetch = window.fetch.bind(window);
window.fetch = function (input, init) {
  const path = sitePath(new URL(input instanceof Request ? input.url : input, document.baseURI).href);
  const integrity = path && PAGE_INTEGRITY[path];
  if (!integrity) return nativeFetch(input, init);
  return checkedLoad(path, async () => {
    const response = await nativeFetch(input, { ...init, integrity });
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response;
  });
};

// PyScript, on this thread: MicroPython runs py/ui.py (index.html's <script type="mpy">); the
// worker's answers wait for it. It starts at once, beside the worker: its start (compiling
// MicroPython's and PyScript's Python, one task of 60-200 ms here) then falls where the page has
// nothing else to do, and the controls answer long before the first prediction. (Started once
// the worker's CPython was up instead, its task ran beside CPython's busiest phase: longer, and
// a repeat visit's first prediction waited for it.) PyScript's default worker hook is compiled
// with Function(), which the page's Content-Security-Policy refuses; the page uses no PyScript
// worker, so the hook is cleared before any script starts.
function startPyScript() {
  const modules = Object.entries(PAGE_INTEGRITY).filter(([path]) => /\.m?js$/.test(path));
  Promise.all(modules.map(([path, integrity]) => preloaded(path, integrity)))
    .then(() => import(SITE_ROOT + "site/vendor/pyscript/core.js"))
    .then(({ hooks }) => hooks.worker.onBeforeRunAsync.clear(), (error) => {
      console.error(error);
      fail("PyScript could not start (" + error.message + "). Reload the page to try again.");
    });
}

// What py/ui.py uses to talk to the worker. send(json): one event. listen(apply): apply(json,
// caughtUp) is called with each answer (those that came before it listened too), and whether
// every event sent has been answered.
let applyAnswer = null;
const unheard = [];
export const bridge = {
  send(json) {
    sent += 1;
    worker.postMessage(json);
  },
  listen(apply) {
    applyAnswer = apply;
    unheard.splice(0).forEach(([json, count]) => apply(json, count === sent));
  },
  keepForOffline,
  // A worker for the reader's code (py/ui.py's Run): site/worker.js as "tenline code runner", a
  // CPython of its own, given the runtime as the snapshot maker is. ui.py talks to it, and
  // ends it with Stop.
  codeRunner() {
    const runner = new Worker(new URL("worker.js", import.meta.url), { name: "tenline code runner" });
    giveRuntime(runner, true, false);
    return runner;
  },
};

function answer(json) {
  if (applyAnswer) applyAnswer(json, answered === sent);
  else unheard.push([json, answered]);
}

// Once the page works, let the service worker (sw.js, beside index.html) cache it for offline use;
// after the first prediction, so its downloads never compete with the start. Without service
// workers (a private window, a file:// page) the page simply needs the network next time.
function keepForOffline() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(new URL("../sw.js", import.meta.url)).catch(() => {});
}

function start() {
  // The build writes every constant above; the repository's own index.html, served as it is (as
  // GitHub Pages does when set to deploy from a branch), has none and cannot run.
  if (!WORKER_INTEGRITY) {
    fail("This is the page's source, not the built site, so its Python runtime cannot load." +
         " Build the site with “make site” and serve the _site folder it makes (“make serve”" +
         " does both); on GitHub Pages, set Settings → Pages → Source to “GitHub Actions”," +
         " which builds and deploys it.");
    return;
  }
  if (typeof WebAssembly !== "object") {
    fail("This browser has no WebAssembly, which the Python runtime (Pyodide) needs: please open" +
         " the page in a current browser with WebAssembly enabled.");
    return;
  }
  const script = new URL("worker.js", import.meta.url);
  try {
    worker = new Worker(script);
  } catch (error) {
    fail("The Python worker could not start (" + error.message + "). Please open the page in a" +
         " current browser.");
    return;
  }
  giveRuntime(worker, recall(COMPILED_BEFORE) === WASM_INTEGRITY, true);
  let heard = false;  // until the worker's first message, a failure is worker.js's own
  waitFor("worker.js");
  fetch(script, { integrity: WORKER_INTEGRITY }).catch(() => fail("Could not load worker.js: the" +
    " file is missing or damaged (it does not match its checksum). The Python runtime cannot" +
    " start without it; reload the page to try again."));

  worker.onmessage = ({ data }) => {
    if (!heard) arrived("worker.js");
    heard = true;
    if (data.kind === "ops") {
      answered = data.answered;
      answer(data.json);
    }
    else if (data.kind === "started") {
      // For whoever measures the start (tools/bench.py, the tests): from a saved snapshot or not,
      // with WebAssembly compiled on the page or not.
      performance.mark("tenline:python-started",
                       { detail: { snapshot: data.snapshot, compiledByPage: data.compiledByPage,
                                   numpyCompiledByPage: data.numpyCompiledByPage } });
      downloadDone();
    }
    else if (data.kind === "make-snapshot") makeSnapshot(script);
    else if (data.kind === "loading") waitFor(data.file);
    else if (data.kind === "bytes") bytesArrived(data.file, data.bytes);
    else if (data.kind === "loaded") arrived(data.file);
    else if (data.kind === "failed") fail(data.message);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    if (!heard) fail("Could not load worker.js: " + (event.message ? "the file is damaged or not the" +
                     " page's script" : "the request failed") + ". The Python runtime cannot start" +
                     " without it; reload the page to try again.");
    else if (!ready()) fail("The Python worker stopped: " + event.message + ". Reload the page to try again.");
    else console.error("tenline worker:", event.message);
  };

  // The page's address and the reader's motion preference: the worker starts on them at once;
  // py/ui.py reports what changes later. (base: the address without its fragment, for the links
  // Share gives.)
  bridge.send(JSON.stringify({ type: "start", hash: location.hash, base: location.href.split("#")[0],
                               reduced: matchMedia("(prefers-reduced-motion: reduce)").matches }));
  startPyScript();
}

start();
