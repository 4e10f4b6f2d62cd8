// Benteng's service worker (docs/offline.md). It keeps two caches on the phone:
// - "benteng-static-<version>": the stylesheet, scripts and icons, taken at install and
//   served from the cache (the version changes with every release of these files);
// - "benteng-pages": the pages a village official or an officer needs in the field, kept
//   as they were the last time they were opened online and served only when the network
//   fails. Pages with a query string (a search, a revealed NIK) are never kept, nor answers
//   that are not a plain 200 page. offline.js empties this cache when another user signs
//   in or the user signs out, so one user's pages never show to the next.
// Nothing here sends a form: offline.js keeps unsent forms in IndexedDB and sends them.
var VERSION = "@VERSION@";
var STATIC = "benteng-static-" + VERSION;
var PAGES = "benteng-pages";
var ASSETS = ["/static/app.css", "/static/app.js", "/static/offline.js", "/static/icon.svg", "/antrean"];
// The forms and reference pages of field work: home, the guide, the report forms, the
// calon PMI register (list, new, a record), the checklist, a village's page and visit form,
// events with their participants, the public event pages, check-in and the quiz.
var KEPT = /^\/($|panduan(\/[\w-]+)?$|faq$|lapor$|laporan\/baru$|calon-pmi(\/baru|\/\d+)?$|langkah-resmi$|desa-binaan(\/\d+(\/kunjungan\/baru)?)?$|sosialisasi(\/\d+)?$|kegiatan(\/\d+)?$|hadir(\/[\w-]+(\/kuis\/[\w-]+)?)?$|antrean$)/;

self.addEventListener("install", function (e) {
  // "reload": from the server, not the browser's HTTP cache (which may hold the last release).
  // Without cookies: the /antrean shell kept here is nobody's page (a user's own copy of it
  // goes to "benteng-pages" when they open it).
  var fresh = ASSETS.map(function (u) { return new Request(u, { cache: "reload", credentials: "omit" }); });
  e.waitUntil(caches.open(STATIC).then(function (c) { return c.addAll(fresh); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("benteng-static-") === 0 && k !== STATIC; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (e) {
  var req = e.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    e.respondWith(caches.match(req).then(function (hit) { return hit || fetch(req); }));
    return;
  }
  if (req.mode !== "navigate" || url.search || !KEPT.test(url.pathname)) return;
  e.respondWith(fetch(req).then(function (res) {
    if (res.status === 200 && !res.redirected && (res.headers.get("content-type") || "").indexOf("text/html") === 0) {
      var copy = res.clone();
      caches.open(PAGES).then(function (c) { c.put(url.pathname, copy); });
    }
    return res;
  }).catch(function () {
    return caches.open(PAGES).then(function (c) { return c.match(url.pathname); }).then(function (hit) {
      return hit || caches.match("/antrean", { cacheName: PAGES }).then(function (q) { return q || caches.match("/antrean"); });
    });
  }));
});

self.addEventListener("message", function (e) {
  if (e.data === "forget-pages") caches.delete(PAGES);
});
