// The service worker: after one visit, the page and its Python runtime load from a cache, so a
// reload trains and predicts with no network at all. It sits beside index.html because a
// service worker only controls the pages under its own folder.
//
// tools/build.py writes VERSION (a hash of every file below) and FILES (everything the page
// loads, relative to this script). A new build has a new VERSION: the browser notices that this
// script changed and installs the new cache next to the old one. The new worker then waits (no
// skipWaiting(), no clients.claim()) until no tab of the old version is left: an open page
// checks every file against the hashes it was built with, and handed a newer file it would call
// it damaged. Only once it takes over is the old cache deleted.
"use strict";

const VERSION = "dev";
const FILES = [];
const CACHE = "tenline-" + VERSION;

self.addEventListener("install", (event) => {
  // "no-cache": revalidate with the server, so an HTTP cache never slips an old file into a new
  // version (the worker would then refuse it: its hash would not match).
  const requests = FILES.map((file) => new Request(file, { cache: "no-cache" }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith("tenline-") && name !== CACHE)
      .map((name) => caches.delete(name)))));
});

self.addEventListener("fetch", (event) => {
  if (event.request.method !== "GET") return;
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(event.request, { ignoreSearch: true }))
    .then((cached) => cached || fetch(event.request)));
});
