// Benteng offline (docs/offline.md): forms filled without signal wait on the phone and are
// sent, once, when the signal returns. Without this file (no JavaScript, an old browser)
// every form works online as before.
//
// - A field form (list FORMS) submitted while the phone is offline is kept in IndexedDB
//   ("benteng" / "antrean") with its fields and photos, an `Idempotency-Key` made here, and
//   the signed-in user (meta benteng-user); the page says so. Online, forms are sent as
//   without JavaScript.
// - The queue is sent on every page load, when the browser says it is online again, every
//   30 s while items wait, and on "Kirim sekarang" at /antrean. Before sending, /csrf gives
//   the current CSRF token and user: a session that expired offline asks to sign in first,
//   and another user's items are never sent under this session.
// - An item leaves the queue only on the server's answer: sent (the record's link, or the
//   tracking code), or refused with the server's messages, to correct and send again.
// - The service worker (/sw.js) keeps the field pages readable offline.
(function () {
  if (!window.indexedDB || !window.fetch || !window.FormData) return;
  var FORMS = /^\/(lapor|laporan|calon-pmi|calon-pmi\/\d+\/langkah|desa-binaan\/\d+\/kunjungan|sosialisasi\/\d+\/hadir|hadir\/[\w-]+|hadir\/[\w-]+\/kuis\/[\w-]+)$/;
  var en = document.documentElement.lang === "en";
  var T = en ? {
    bar: "Waiting for signal", see: "See", saved: "No signal: kept on this phone and sent when the signal returns.",
    menunggu: "Waiting for signal", mengirim: "Sending…", terkirim: "Sent", perbaiki: "Refused: correct and send again",
    masuk: "Sign in again to send", lain: "Belongs to another user", open: "Open", fix: "Correct", del: "Delete",
    ask: "items on this phone have not been sent yet. Delete them and sign out?", other: "items of another user wait on this phone. Delete them?",
    kept: "No signal. This page as it was on", empty: "Nothing waits to be sent.", search: "Searching needs a signal."
  } : {
    bar: "Menunggu sinyal", see: "Lihat", saved: "Tidak ada sinyal: disimpan di ponsel ini dan dikirim saat sinyal kembali.",
    menunggu: "Menunggu sinyal", mengirim: "Mengirim…", terkirim: "Terkirim", perbaiki: "Ditolak: perbaiki lalu kirim lagi",
    masuk: "Masuk lagi untuk mengirim", lain: "Milik pengguna lain", open: "Buka", fix: "Perbaiki", del: "Hapus",
    ask: "isian di ponsel ini belum terkirim. Hapus dan keluar?", other: "isian pengguna lain menunggu di ponsel ini. Hapus?",
    kept: "Tanpa sinyal. Halaman ini seperti pada", empty: "Tidak ada yang menunggu dikirim.", search: "Pencarian perlu sinyal."
  };
  var meta = function (n) { var m = document.querySelector('meta[name="' + n + '"]'); return m ? m.content : ""; };
  var user = meta("benteng-user");
  // A public report (no account) may be sent by whoever uses the phone; the rest only by
  // the user who filled it.
  var ours = function (i) { return i.user === user || i.user === "publik"; };
  var when = function (ms) { return new Date(ms).toLocaleString(en ? "en-GB" : "id-ID", { dateStyle: "medium", timeStyle: "short" }); };

  function db() {
    return new Promise(function (ok, fail) {
      var r = indexedDB.open("benteng", 1);
      r.onupgradeneeded = function () { r.result.createObjectStore("antrean", { keyPath: "id", autoIncrement: true }); };
      r.onsuccess = function () { ok(r.result); };
      r.onerror = function () { fail(r.error); };
    });
  }
  function store(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (ok, fail) {
        var tx = d.transaction("antrean", mode), s = tx.objectStore("antrean"), out = fn(s);
        tx.oncomplete = function () { ok(out && out.result !== undefined ? out.result : out); };
        tx.onerror = function () { fail(tx.error); };
      });
    });
  }
  var all = function () { return store("readonly", function (s) { return s.getAll(); }); };
  var put = function (it) { return store("readwrite", function (s) { return s.put(it); }); };
  var del = function (id) { return store("readwrite", function (s) { return s.delete(id); }); };
  function key() {
    var b = new Uint8Array(16); crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  // What the server's page says: the record's link, a tracking code, or the field errors.
  // Field messages are named by their field's label; a step's by the step (its own part of
  // the resident's page), not the page's other notices.
  function read(res, html, it) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var code = doc.getElementById("tracking-code");
    var text = function (list) {
      return Array.prototype.map.call(list, function (e) {
        var l = e.id.indexOf("e-") === 0 && doc.querySelector('label[for="f-' + e.id.slice(2) + '"], #f-' + e.id.slice(2) + " legend");
        return (l ? l.textContent.replace("*", "").trim() + ": " : "") + e.textContent.trim();
      }).filter(Boolean);
    };
    var step = it.fields.filter(function (f) { return f[0] === "step"; })[0];
    var errs = text(doc.querySelectorAll(step ? "#langkah-" + CSS.escape(step[1]) + " .err" : "main [id^='e-'], main .err[role='alert']"));
    if (!errs.length) errs = text(doc.querySelectorAll("main .err"));
    // A refusal without field messages (not allowed, not found): the page's heading says it.
    if (!res.ok && !errs.length && doc.querySelector("h1")) errs = [doc.querySelector("h1").textContent.trim()];
    return { link: res.url, code: code ? code.textContent.trim() : "", errors: errs };
  }

  // Send one item with its key; resolves to its new state.
  function send(it, token) {
    var body = new FormData();
    it.fields.forEach(function (f) { if (f.length > 2) body.append(f[0], f[1], f[2]); else body.append(f[0], f[1]); });
    body.set("_csrf", token);
    var opts = { method: "POST", credentials: "same-origin", headers: { "Idempotency-Key": it.key, "X-CSRF-Token": token } };
    opts.body = it.multipart ? body : new URLSearchParams(body);
    it.state = "mengirim"; render();
    return fetch(it.url, opts).then(function (res) {
      if (res.redirected && new URL(res.url).pathname === "/masuk") { it.state = "masuk"; return put(it); }
      // The server could not take it now (busy, full, restarting, rate limit): later.
      if (res.status >= 500 || res.status === 408 || res.status === 429) { it.state = "menunggu"; return put(it); }
      return res.text().then(function (html) {
        var r = read(res, html, it);
        it.state = res.ok ? "terkirim" : "perbaiki";
        it.link = res.ok ? r.link : "";
        it.code = r.code; it.errors = res.ok ? [] : r.errors; it.sent = Date.now();
        return put(it);
      });
    }, function () { it.state = "menunggu"; return put(it); });
  }

  var busy = false;
  function flush() {
    if (busy) return Promise.resolve();
    busy = true;
    return all().then(function (items) {
      var mine = items.filter(function (i) { return ours(i) && /menunggu|mengirim|masuk/.test(i.state); });
      if (!mine.length) return;
      return fetch("/csrf", { credentials: "same-origin", cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
        return mine.reduce(function (p, it) {
          return p.then(function () {
            if (it.user !== "publik" && s.user !== it.user) { it.state = "masuk"; return put(it); }
            return send(it, s.token);
          });
        }, Promise.resolve());
      }, function () {});
    }).then(function () { busy = false; render(); }, function () { busy = false; });
  }

  // Keep a field form's item, then try to send it at once.
  document.addEventListener("submit", function (e) {
    var f = e.target, path = new URL(f.action, location.href).pathname;
    if (f.method !== "post" || !FORMS.test(path) || e.defaultPrevented) return;
    // Online, the form is sent as without JavaScript (same pages, same messages).
    if (navigator.onLine) return;
    e.preventDefault();
    if (e.submitter && e.submitter.name) { window.alert(T.search); return; }
    var fd = new FormData(f), fields = [];
    fd.forEach(function (v, k) { if (!(v instanceof File) || v.size) fields.push(v instanceof File ? [k, v, v.name] : [k, v]); });
    // Named as the user would: the page's title, and the step's name on a resident's page.
    var part = f.closest("li[id]"), label = part && part.querySelector("strong");
    var title = (label ? label.textContent.trim() + " · " : "") + document.title.split(" · ")[0];
    var it = { key: key(), user: user, url: path, page: location.pathname, title: title,
      multipart: f.enctype === "multipart/form-data", fields: fields, state: "menunggu", created: Date.now() };
    put(it).then(function () {
      f.removeAttribute("data-sent");
      var p = document.getElementById("antrean-saved") || document.createElement("p");
      p.id = "antrean-saved"; p.className = "flash"; p.setAttribute("role", "status");
      p.textContent = T.saved + " ";
      var a = document.createElement("a"); a.href = "/antrean"; a.textContent = T.see; p.appendChild(a);
      f.parentNode.insertBefore(p, f); f.reset(); p.scrollIntoView(); render();
    });
  });

  // Signing out with unsent items asks first; a yes deletes them and the kept pages.
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (new URL(f.action, location.href).pathname !== "/keluar") return;
    all().then(function (items) {
      var mine = items.filter(function (i) { return i.user === user && i.state !== "terkirim"; });
      if (mine.length && !window.confirm(mine.length + " " + T.ask)) return;
      return Promise.all(items.filter(function (i) { return i.user === user; }).map(function (i) { return del(i.id); }))
        .then(forget).then(function () { HTMLFormElement.prototype.submit.call(f); });
    }).catch(function () { HTMLFormElement.prototype.submit.call(f); });
    e.preventDefault();
  }, true);

  function forget() {
    if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage("forget-pages");
    return window.caches ? caches.delete("benteng-pages") : Promise.resolve();
  }

  // The bar "Menunggu sinyal (N)" on every page, and the list at /antrean.
  function render() {
    return all().then(function (items) {
      var mine = items.filter(ours);
      var waiting = mine.filter(function (i) { return i.state !== "terkirim"; }).length;
      var bar = document.getElementById("antrean-bar");
      if (!bar) {
        bar = document.createElement("p"); bar.id = "antrean-bar"; bar.className = "queue-bar";
        var main = document.getElementById("main"); if (main) main.insertBefore(bar, main.firstChild);
      }
      bar.hidden = !waiting || location.pathname === "/antrean";
      bar.textContent = T.bar + " (" + waiting + ") ";
      var a = document.createElement("a"); a.href = "/antrean"; a.textContent = T.see; bar.appendChild(a);
      var list = document.getElementById("antrean-list");
      if (!list) return;
      list.textContent = "";
      document.getElementById("antrean-empty").hidden = mine.length > 0;
      mine.sort(function (a, b) { return b.created - a.created; }).forEach(function (it) {
        var li = document.createElement("li"); li.className = "queue-item queue-" + it.state; li.id = "antrean-" + it.id;
        var h = document.createElement("strong"); h.textContent = it.title; li.appendChild(h);
        var s = document.createElement("span"); s.className = "tag"; s.textContent = T[it.state] || it.state; li.appendChild(s);
        var d = document.createElement("small"); d.textContent = " " + when(it.created); li.appendChild(d);
        if (it.code) { var c = document.createElement("p"); c.className = "tracking-code"; c.textContent = it.code; li.appendChild(c); }
        (it.errors || []).forEach(function (m) { var p = document.createElement("p"); p.className = "err"; p.textContent = m; li.appendChild(p); });
        var act = document.createElement("p");
        if (it.state === "terkirim" && it.link) { var o = document.createElement("a"); o.href = it.link; o.textContent = T.open; act.appendChild(o); act.appendChild(document.createTextNode(" ")); }
        if (it.state === "perbaiki") { var x = document.createElement("a"); x.href = it.page + "#antrean-" + it.id; x.textContent = T.fix; act.appendChild(x); act.appendChild(document.createTextNode(" ")); }
        if (it.state === "masuk") { var m = document.createElement("a"); m.href = "/masuk?next=/antrean"; m.textContent = T.masuk; act.appendChild(m); act.appendChild(document.createTextNode(" ")); }
        var b = document.createElement("button"); b.type = "button"; b.className = "secondary"; b.textContent = T.del;
        b.addEventListener("click", function () { del(it.id).then(render); }); act.appendChild(b);
        li.appendChild(act); list.appendChild(li);
      });
    });
  }

  // "Perbaiki": the form again with what was typed (photos must be chosen again) and the
  // server's messages; sending it makes a new item and the refused one goes.
  function refill() {
    var m = /^#antrean-(\d+)$/.exec(location.hash);
    if (!m) return;
    all().then(function (items) {
      var it = items.filter(function (i) { return i.id === +m[1] && ours(i); })[0];
      if (!it) return;
      var sent = {};
      it.fields.forEach(function (p) { if (typeof p[1] === "string") sent[p[0]] = p[1]; });
      // The form it came from: same action and the same hidden values (a resident's page has
      // one step form per step, told apart by their hidden "step").
      var f = Array.prototype.filter.call(document.forms, function (f) {
        return new URL(f.action, location.href).pathname === it.url &&
          Array.prototype.every.call(f.querySelectorAll('input[type="hidden"]'), function (h) {
            return h.name === "_csrf" || h.name === "seen" || !(h.name in sent) || sent[h.name] === h.value;
          });
      })[0];
      if (!f) return;
      var open = f.closest("details"); if (open) open.open = true;
      it.fields.forEach(function (p) {
        if (typeof p[1] !== "string" || p[0] === "_csrf") return;
        Array.prototype.forEach.call(f.elements, function (el) {
          if (el.name !== p[0]) return;
          if (el.type === "checkbox" || el.type === "radio") { if (el.value === p[1]) el.checked = true; }
          else if (el.type !== "file" && el.type !== "hidden") el.value = p[1];
        });
      });
      var box = document.createElement("div"); box.className = "panel";
      (it.errors || []).forEach(function (t) { var p = document.createElement("p"); p.className = "err"; p.textContent = t; box.appendChild(p); });
      f.parentNode.insertBefore(box, f);
      box.scrollIntoView();
      f.addEventListener("submit", function () { del(it.id); });
    });
  }

  // Another user signed in on this phone: the kept pages go; their items wait, or go if asked.
  // Offline nobody signs in or out, so nothing is decided then: a page from the phone's cache
  // that names nobody (the queue's shell, kept without cookies) belongs to the last user.
  var last = localStorage.getItem("benteng-user");
  if (!navigator.onLine && user === "publik" && last) user = last;
  if (navigator.onLine && user && last !== user) {
    forget();
    localStorage.setItem("benteng-user", user);
    all().then(function (items) {
      var theirs = items.filter(function (i) { return i.user !== user && i.user !== "publik" && i.state !== "terkirim"; });
      if (theirs.length && user !== "publik" && window.confirm(theirs.length + " " + T.other)) {
        theirs.forEach(function (i) { del(i.id); });
      }
    });
  }

  // Opened from the phone's cache without signal: say as of when.
  var at = +meta("benteng-rendered");
  if (!navigator.onLine && at) {
    var k = document.createElement("p"); k.className = "flash"; k.id = "antrean-kept";
    k.textContent = T.kept + " " + when(at * 1000) + ".";
    var main = document.getElementById("main"); if (main) main.insertBefore(k, main.firstChild);
  }

  if (navigator.serviceWorker) navigator.serviceWorker.register("/sw.js").catch(function () {});
  var now = document.getElementById("antrean-now");
  if (now) now.addEventListener("click", function () { flush(); });
  window.addEventListener("online", function () {
    var k = document.getElementById("antrean-kept"); if (k) k.remove();
    flush();
  });
  setInterval(function () { if (navigator.onLine) flush(); }, 30000);
  render().then(refill).then(function () { if (navigator.onLine) flush(); });
})();
