// With htmx on the page, choosing a proposal's kind or a rule swaps in its fields at once
// (hx-get on the select): the "Choose" buttons that post the choice without scripts go.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.htmx) {
      return;
    }
    document.querySelectorAll("button[data-choose]").forEach(function (button) {
      button.hidden = true;
    });
  });
})();
