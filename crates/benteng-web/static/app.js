// Benteng works without this file; it only adds comfort.
// Ask before destructive actions marked with data-confirm.
document.addEventListener("click", function (e) {
  var b = e.target.closest("[data-confirm]");
  if (b && !window.confirm(b.getAttribute("data-confirm"))) e.preventDefault();
});
// Prevent double submission of forms on slow connections.
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (f.method === "post") {
    if (f.dataset.sent) { e.preventDefault(); return; }
    f.dataset.sent = "1";
  }
});
// Check-in: the code is typed in capitals and sent as soon as it is complete.
(function () {
  var code = document.getElementById("c-code");
  if (code) code.addEventListener("input", function () {
    var v = code.value.toUpperCase().replace(/[^0-9A-Z]/g, "");
    code.value = v;
    if (v.length === 6) code.form.submit();
  });
})();
// Rooms: new messages appear without a reload (the list polls every 5 s while the page is
// visible; without JavaScript a reload shows them).
(function () {
  var list = document.querySelector("[data-poll]");
  if (!list || !window.fetch) return;
  var after = list.getAttribute("data-after") || "0";
  function poll() {
    if (document.hidden) return;
    fetch(list.getAttribute("data-poll") + "?setelah=" + after, { credentials: "same-origin" })
      .then(function (r) {
        if (r.status !== 200) return null;
        after = r.headers.get("x-last-id") || after;
        return r.text();
      })
      .then(function (html) { if (html) list.insertAdjacentHTML("afterbegin", html); })
      .catch(function () {});
  }
  setInterval(poll, 5000);
})();
// Place fields: after three letters, a list of matching places (with kecamatan and
// kabupaten) to pick from with the mouse, a finger or the arrow keys; the pick fills in the
// full name, which the server reads as that one place. Enter in the box picks and never
// submits the form half-filled.
(function () {
  var boxes = document.querySelectorAll("input[data-area]");
  if (!boxes.length || !window.fetch) return;
  Array.prototype.forEach.call(boxes, function (box) {
    var list = document.createElement("ul");
    list.className = "suggest";
    list.id = box.id + "-saran";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-autocomplete", "list");
    box.parentNode.insertBefore(list, box.nextSibling);
    var timer = null, active = -1, items = [];
    function close() { list.hidden = true; active = -1; }
    function mark(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, j) {
        li.setAttribute("aria-selected", j === i ? "true" : "false");
      });
    }
    function pick(i) { if (items[i]) { box.value = items[i].label; } close(); }
    function show(found) {
      items = found;
      list.textContent = "";
      found.forEach(function (p, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.textContent = p.label;
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
        list.appendChild(li);
      });
      list.hidden = !found.length;
      active = -1;
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var q = box.value.trim();
      if (q.replace(/[^0-9A-Za-z]/g, "").length < 3 || /^[0-9.]+$/.test(q)) { close(); return; }
      timer = setTimeout(function () {
        fetch("/wilayah/saran?tingkat=" + encodeURIComponent(box.getAttribute("data-area")) +
          "&q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.status === 200 ? r.json() : []; })
          .then(show)
          .catch(function () { close(); });
      }, 200);
    });
    box.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (e.key === "Enter") { e.preventDefault(); pick(active < 0 ? 0 : active); }
      else if (e.key === "Escape") { close(); }
    });
    box.addEventListener("blur", close);
  });
})();
// A search box inside a bigger form (the village search of the report form): Enter runs
// that search, not the form's main button.
document.addEventListener("keydown", function (e) {
  var box = e.target;
  if (e.key !== "Enter" || !box.getAttribute || !box.getAttribute("data-enter") || !box.form) return;
  var b = box.form.querySelector('button[name="' + box.getAttribute("data-enter") + '"]');
  if (b) { e.preventDefault(); b.click(); }
});
