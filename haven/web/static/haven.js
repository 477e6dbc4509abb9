// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // HTMX requests carry the session's CSRF token in a header.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.body.getAttribute("data-csrf");
    if (token) { event.detail.headers["X-CSRF-Token"] = token; }
  });
  // Move focus to the error summary so screen readers announce it (GOV.UK pattern).
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
