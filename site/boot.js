// Start-up watchdog. Runs before PyScript so that a runtime which cannot load is reported on the
// page (in the one role="alert" element), naming what failed, instead of a spinner forever.
// Python marks success by setting <html data-runtime="ready">.
(function () {
  "use strict";
  var STALL_MS = 30000;
  var pending = new Set();
  var reported = false;

  function fileName(url) {
    try { return new URL(url, location.href).pathname.split("/").pop() || url; } catch (e) { return String(url); }
  }

  function ready() { return document.documentElement.dataset.runtime === "ready"; }

  function fail(message) {
    if (reported || ready()) return;
    reported = true;
    var show = function () {
      document.getElementById("alert").textContent = message;
      var status = document.getElementById("status");
      if (status) status.textContent = "The network could not be trained: the Python runtime did not load.";
    };
    if (document.getElementById("alert")) show();
    else document.addEventListener("DOMContentLoaded", show);
  }

  if (typeof WebAssembly !== "object") {
    fail("This browser has no WebAssembly, which the Python runtime (Pyodide) needs. " +
         "Please open the page in a current browser with WebAssembly enabled.");
    return;
  }

  // Pyodide fetches its WebAssembly, standard library and NumPy with fetch(): watch each request so
  // a refused or missing file is named the moment it fails, and a stalled one after STALL_MS.
  var nativeFetch = window.fetch;
  window.fetch = function (input, init) {
    var url = typeof input === "string" ? input : (input && input.url) || String(input);
    pending.add(url);
    return nativeFetch.call(this, input, init).then(function (response) {
      pending.delete(url);
      if (!response.ok) fail("Could not load " + fileName(url) + " (HTTP " + response.status + "). " +
                             "The Python runtime cannot start without it.");
      return response;
    }, function (error) {
      pending.delete(url);
      fail("Could not load " + fileName(url) + ": the request was refused or the network failed. " +
           "The Python runtime cannot start without it.");
      throw error;
    });
  };

  // Scripts and style sheets (PyScript itself) report failures as error events that do not bubble.
  window.addEventListener("error", function (event) {
    var el = event.target;
    if (el && (el.src || el.href)) {
      fail("Could not load " + fileName(el.src || el.href) + ". The Python runtime cannot start without it.");
    }
  }, true);

  // A failed dynamic import (PyScript loading Pyodide's module) surfaces as a rejected promise.
  window.addEventListener("unhandledrejection", function (event) {
    var reason = event.reason && (event.reason.message || String(event.reason));
    if (!ready()) fail("The Python runtime failed to start: " + reason);
  });

  setTimeout(function () {
    if (ready()) return;
    var waiting = Array.from(pending, fileName);
    fail("The Python runtime did not finish loading within " + STALL_MS / 1000 + " seconds" +
         (waiting.length ? "; still waiting for " + waiting.join(", ") : "") +
         ". Check your connection and reload the page.");
  }, STALL_MS);
})();
