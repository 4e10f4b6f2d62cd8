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
