// A button with data-copy="<id>" copies that field's text. Delegated from the document, so a
// button that htmx swaps in later works too. No inline script: the pages' CSP allows only
// files served from here.
(function () {
  "use strict";

  function reveal(root) {
    root.querySelectorAll("button[data-copy]").forEach(function (button) {
      if (navigator.clipboard) {
        button.hidden = false;
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) {
      return;
    }
    var field = document.getElementById(button.dataset.copy);
    if (!field) {
      return;
    }
    var text = field.value !== undefined ? field.value : field.textContent;
    navigator.clipboard.writeText(text.trim()).then(function () {
      button.textContent = button.dataset.copied;
    }, function () {
      field.select();
    });
  });

  document.addEventListener("DOMContentLoaded", function () {
    reveal(document);
  });
  // htmx announces every piece of the page it adds, such as a new invitation link.
  document.addEventListener("htmx:load", function (event) {
    reveal(event.detail.elt);
  });
})();
