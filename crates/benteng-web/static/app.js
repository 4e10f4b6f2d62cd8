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
