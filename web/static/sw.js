// The service worker (served at /sw.js by web/shell.py, which writes SETTINGS in).
//
// PRIVACY: it keeps ONLY the static shell (style.css, app.js, icons, the manifest) and
// the offline page, which are the same for everyone. It NEVER stores a page, an API
// answer or anything else that could hold a couple's words: every other request goes
// to the network untouched, and a page that cannot be reached is answered with the
// offline page, never with an older copy of itself.
"use strict";
var SETTINGS = __SHELL__;
var CACHE = "ebbflow-shell-" + SETTINGS.version;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SETTINGS.shell.map(function (url) {
      return new Request(url, { cache: "reload", credentials: "omit" });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("ebbflow-shell-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function isShell(url) {
  return url.origin === self.location.origin && SETTINGS.shell.indexOf(url.pathname) !== -1;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }  // forms go to the network, as without us
  var url = new URL(request.url);
  if (request.mode === "navigate") {
    // A page: always from the network; only when that fails, the offline page.
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(SETTINGS.offline); })
        .then(function (page) { return page || Response.error(); });
    }));
    return;
  }
  if (isShell(url)) {
    // The shell: from the network when it answers (fresh), else the kept copy.
    event.respondWith(fetch(request).then(function (response) {
      return response.ok ? response : caches.match(url.pathname).then(function (kept) {
        return kept || response;
      });
    }).catch(function () {
      return caches.match(url.pathname).then(function (kept) { return kept || Response.error(); });
    }));
  }
  // Anything else (pages' parts, the live refresh, the API): the network alone.
});
