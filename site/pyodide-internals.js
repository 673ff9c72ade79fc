// Everything tenline does with Pyodide's and Emscripten's private internals, and nowhere else:
// installing NumPy without loadPackage, and the start-up snapshot with NumPy's libraries in it
// (site/worker.js tells why). Written against Pyodide 0.27.7 (Emscripten 3.1.58), whose sources
// each use names; every entry point checks that version first and refuses any other, so that
// another Pyodide starts without a snapshot, never with a broken one.
"use strict";

const PyodideInternals = (function () {
  const VERSION = "0.27.7";

  function check(version) {
    if (version !== VERSION) {
      throw new Error("tenline relies on Pyodide " + VERSION + "'s internals, and this is Pyodide " +
                      version + " (site/pyodide-internals.js)");
    }
  }

  // Pyodide's site-packages and its loader of a package's shared libraries, as loadPackage uses
  // them: pyodide._api.sitepackages and pyodide._api.loadDynlib(path, global) (src/js/dynload.ts).
  function sitePackages(pyodide) {
    check(pyodide.version);
    return pyodide._api.sitepackages;
  }

  async function loadLibraries(pyodide, paths) {
    check(pyodide.version);
    for (const path of paths) await pyodide._api.loadDynlib(path, false);
  }

  // loadPyodide's options for making and for restoring a memory snapshot (_makeSnapshot,
  // _loadSnapshot: src/js/pyodide.ts), and the snapshot itself (pyodide.makeMemorySnapshot()).
  const MAKE_SNAPSHOT = { _makeSnapshot: true };
  function restoreOptions(memory) { return { _loadSnapshot: memory }; }
  function takeSnapshot(pyodide) {
    check(pyodide.version);
    return pyodide.makeMemorySnapshot();
  }

  // Emscripten's preRun, reached through Pyodide's _createPyodideModule (pyodide.asm.js): the
  // runtime is compiled but nothing has run and nothing is placed yet.
  function beforeRuntimeStarts(use) {
    const create = self._createPyodideModule;
    self._createPyodideModule = function (settings) {
      settings.preRun.push(use);
      return create(settings);
    };
  }

  // What the maker's runtime loads: each library (its name, whether it is global, its bytes and
  // where it was placed: the __memory_base and __table_base Emscripten's loadWebAssemblyModule
  // hands it, src/library_dylink.js), and every linked symbol's address (Module.GOT). Call
  // before loadPyodide; `symbols()` once everything is loaded.
  function recordLibraries() {
    const libraries = [];
    let Module = null;
    let loading = null;
    const instantiate = WebAssembly.instantiate.bind(WebAssembly);
    WebAssembly.instantiate = function (bytes, imports) {
      if (loading) {
        loading.memoryBase = imports.env.__memory_base;
        loading.tableBase = imports.env.__table_base;
        loading.bytes = bytes;
      }
      return instantiate(bytes, imports);
    };
    beforeRuntimeStarts(function (runtime) {
      Module = runtime;
      const load = Module.loadDynamicLibrary;
      Module.loadDynamicLibrary = function (name, flags) {
        loading = { name: name, global: Boolean(flags.global) };
        libraries.push(loading);
        return load.apply(this, arguments).finally(function () { loading = null; });
      };
    });
    return {
      libraries: libraries,
      symbols: function () {
        const symbols = {};
        Object.entries(Module.GOT).forEach(function ([name, address]) { symbols[name] = address.value; });
        return symbols;
      },
    };
  }

  // Loads the recorded libraries where the maker had them, from a preRun, before the snapshot's
  // memory is restored over what loading them wrote; `library.bytes` are given to Emscripten's
  // loader as the file. A failure is kept in `problem.error`, to be thrown once Pyodide is back
  // (a preRun cannot make loadPyodide fail).
  function placeLibraries(Module, saved, problem) {
    Module.addRunDependency("tenline: NumPy's libraries");
    (async function () {
      check(Module.API.version);  // Pyodide's version, as its runtime knows it (src/core/pre.js)
      // Emscripten's loadDynamicLibrary(name, flags, localScope, handle) reads an already loaded
      // library's places from its handle, a struct dso (src/library_dylink.js; system/lib/libc/
      // dynlink.c): `loaded` at offset 8, mem_addr at 12, table_addr at 20. A scratch one at
      // the top of the memory, which the restore overwrites; LDSO.loadedLibsByHandle forgets it.
      const handle = Module.HEAPU8.length - 64;
      for (const library of saved.libraries) {
        if (Module.wasmTable.length > library.tableBase) throw new Error("the function table differs");
        Module.HEAPU8.fill(0, handle, handle + 64);
        Module.HEAP8[handle + 8] = 1;
        Module.HEAPU32[(handle + 12) >> 2] = library.memoryBase;
        Module.HEAPU32[(handle + 20) >> 2] = library.tableBase;
        // `fs` is Pyodide's patch to Emscripten's loader (emsdk/patches): where to read the file.
        await Module.loadDynamicLibrary(library.name, {
          loadAsync: true, nodelete: true, allowUndefined: true, global: library.global,
          fs: { findObject: function () { return true; }, readFile: function () { return library.bytes; } },
        }, library.global ? null : {}, handle);
        delete Module.LDSO.loadedLibsByHandle[handle];
      }
      for (const [name, address] of Object.entries(saved.symbols)) {
        if (Module.GOT[name] && Module.GOT[name].value !== address) throw new Error(name + " moved");
      }
    })().catch(function (error) { problem.error = error; }).finally(function () {
      Module.removeRunDependency("tenline: NumPy's libraries");
    });
  }

  return { VERSION: VERSION, sitePackages: sitePackages, loadLibraries: loadLibraries,
           MAKE_SNAPSHOT: MAKE_SNAPSHOT, restoreOptions: restoreOptions, takeSnapshot: takeSnapshot,
           beforeRuntimeStarts: beforeRuntimeStarts, recordLibraries: recordLibraries,
           placeLibraries: placeLibraries };
})();
