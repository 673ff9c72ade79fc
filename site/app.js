// The page's main thread: it starts the Python worker (site/worker.js), forwards the reader's
// events to it and applies the DOM operations Python sends back. No math and no decisions live
// here, and it never waits on Python, so the page answers while CPython starts or trains.
//
// It is also the watchdog: a runtime that cannot load is reported in the one role="alert"
// element, naming what failed, instead of a spinner forever. Python marks success by sending the
// "ready" op, which sets <html data-runtime="ready">.

const STALL_MS = 30000;
// worker.js's sha256 (subresource integrity), written by tools/build.py: a worker script cannot be
// checked as it starts, so it is fetched alongside with the check, and a damaged one is stopped.
const WORKER_INTEGRITY = "";
const alertBox = document.getElementById("alert");
const status = document.getElementById("status");
const readout = document.getElementById("prediction");
const pending = new Set();  // runtime files the worker is waiting for
let failed = false;
let worker = null;
let sent = 0;  // events sent to Python; each message back says how many it has answered
let answered = 0;

// The readout is settled when Python says it shows the network trained for the current state and
// no event of the reader's is still on its way: until then it is aria-busy.
function showBusy(settled) {
  readout.setAttribute("aria-busy", String(!(settled && answered === sent)));
}

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
  return fetch(url).then((response) => Promise.all([
    WebAssembly.compileStreaming(response),
    check && response.clone().arrayBuffer().then((bytes) => crypto.subtle.digest("SHA-256", bytes))
      .then((digest) => "sha256-" + btoa(String.fromCharCode(...new Uint8Array(digest))) === integrity),
  ])).then(([module, checked]) => ({ module, checked }));
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
  if (!(compile && WASM_INTEGRITY && WebAssembly.compileStreaming)) {
    target.postMessage({ wasm: null });
    return;
  }
  pending.add("pyodide.asm.wasm");
  compileRuntime(check).then((given) => {
    pending.delete("pyodide.asm.wasm");
    target.postMessage(given);
  });
}

// The first failure is the one to tell: the worker is stopped, so nothing else downloads.
function fail(message) {
  if (failed || ready()) return;
  failed = true;
  if (worker) worker.terminate();
  alertBox.textContent = message;
  status.textContent = "The network could not be trained: the Python runtime did not load.";
}

// One op is [name, selector or argument, ...]; py/page.py is where they are made.
const OPS = {
  text(selector, text) { each(selector, (el) => { el.textContent = text; }); },
  html(selector, html) { each(selector, (el) => { el.innerHTML = html; }); },
  prop(selector, name, value) {
    each(selector, (el) => {
      // The reader's own newer input wins over Python's echo of an older one (a slider dragged on).
      if (answered < sent && el === document.activeElement && (name === "value" || name === "checked")) return;
      el[name] = value;
    });
  },
  attr(selector, name, value) { each(selector, (el) => el.setAttribute(name, value)); },
  url(fragment) { history.replaceState(null, "", "#" + fragment); },
  download(filename, text) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "text/x-python" }));
    link.download = filename;
    link.click();
    URL.revokeObjectURL(link.href);
  },
  ready() {
    document.documentElement.dataset.runtime = "ready";
    keepForOffline();
  },
};

// Once the page works, let the service worker (sw.js, beside index.html) cache it for offline use;
// after the first prediction, so its downloads never compete with the start. Without service
// workers (a private window, a file:// page) the page simply needs the network next time.
function keepForOffline() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(new URL("../sw.js", import.meta.url)).catch(() => {});
}

function each(selector, change) {
  document.querySelectorAll(selector).forEach(change);
}

function apply(json) {
  const { ops, settled } = JSON.parse(json);
  for (const [name, ...args] of ops) OPS[name](...args);
  showBusy(settled);
}

function start() {
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
  pending.add("worker.js");
  if (WORKER_INTEGRITY) {
    fetch(script, { integrity: WORKER_INTEGRITY }).catch(() => fail("Could not load worker.js: the" +
      " file is missing or damaged (it does not match its checksum). The Python runtime cannot" +
      " start without it; reload the page to try again."));
  }
  const send = (event) => {
    sent += 1;
    showBusy(false);
    worker.postMessage(JSON.stringify(event));
  };

  worker.onmessage = ({ data }) => {
    if (!heard) pending.delete("worker.js");
    heard = true;
    if (data.kind === "ops") {
      answered = data.answered;
      apply(data.json);
    }
    else if (data.kind === "started") {
      // For whoever measures the start (tools/bench.py, the tests): from a saved snapshot or not,
      // with WebAssembly compiled on the page or not.
      performance.mark("tenline:python-started",
                       { detail: { snapshot: data.snapshot, compiledByPage: data.compiledByPage,
                                   numpyCompiledByPage: data.numpyCompiledByPage } });
    }
    else if (data.kind === "make-snapshot") makeSnapshot(script);
    else if (data.kind === "loading") pending.add(data.file);
    else if (data.kind === "loaded") pending.delete(data.file);
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

  setTimeout(() => {
    if (ready()) return;
    const waiting = Array.from(pending);
    fail("The Python runtime did not finish loading within " + STALL_MS / 1000 + " seconds" +
         (waiting.length ? "; still waiting for " + waiting.join(", ") : "") +
         ". Check your connection and reload the page.");
  }, STALL_MS);

  // Every control reports to Python under its own id, or the id of the element holding it
  // (the rows table, the truth table), with what Python needs to know about it.
  const forward = (event) => {
    const el = event.type === "click" ? event.target.closest("button") : event.target;
    const holder = el && el.closest("[id]");
    if (!holder || holder.id === "copy-link") return;
    send({
      type: event.type,
      id: holder.id,
      value: el.value,
      checked: el.checked,
      bad: Boolean(el.validity && el.validity.badInput),
      data: Object.assign({}, el.dataset),
    });
  };
  for (const type of ["input", "change", "click"]) document.addEventListener(type, forward);

  const motion = matchMedia("(prefers-reduced-motion: reduce)");
  const environment = () => ({ hash: location.hash, reduced: motion.matches });
  motion.addEventListener("change", () => send({ type: "motion", ...environment() }));
  addEventListener("hashchange", () => send({ type: "hashchange", ...environment() }));
  send({ type: "start", ...environment() });
}

// Copying needs no Python: the address bar already holds every setting.
document.getElementById("copy-link").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(location.href);
    status.textContent = "Link copied: it opens this exact network.";
  } catch {
    status.textContent = "Could not copy; the address bar holds the link.";
  }
});

start();
