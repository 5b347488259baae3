// The pick-up list on a shared phone (web/pickups.html): the search box filters the names as
// one types, and a mark made while the connection is down is kept on the device and sent to the
// API when it is back. The API's marks are idempotent, so a mark sent twice (two tabs, a
// replay cut halfway) changes nothing the second time. Without this script the list still
// works: the search box posts the name, each button posts its form.
(function () {
  "use strict";

  var QUEUE = "fourfold-pickups-waiting";

  function waiting() {
    try {
      return JSON.parse(localStorage.getItem(QUEUE) || "{}");
    } catch (unreadable) {
      return {};
    }
  }

  function keepWaiting(marks) {
    localStorage.setItem(QUEUE, JSON.stringify(marks));
  }

  function csrfToken() {
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    return headers["X-CSRFToken"] || "";
  }

  function filter(list, box) {
    var wanted = box.value.trim().toLowerCase();
    var shown = 0;
    list.querySelectorAll("li.pickup").forEach(function (row) {
      var match = !wanted || row.dataset.name.indexOf(wanted) !== -1;
      row.hidden = !match;
      shown += match ? 1 : 0;
    });
    var none = document.querySelector("[data-pickup-none]");
    if (none) {
      none.hidden = shown !== 0;
    }
  }

  // The row as it will be once the mark reaches the server, saying it has not yet.
  function showWaiting(list, form, method) {
    var row = form.closest("li");
    var marked = method === "POST";
    row.classList.toggle("collected", marked);
    row.classList.add("waiting");
    row.querySelector("[data-state]").textContent = list.dataset.waiting;
    form.dataset.method = marked ? "DELETE" : "POST";
    form.querySelector("input[name=action]").value = marked ? "undo" : "collected";
    form.querySelector(".label").textContent = marked ? list.dataset.undoLabel : list.dataset.markLabel;
    form.querySelector("button").classList.toggle("secondary", marked);
  }

  function queue(list, form) {
    var marks = waiting();
    var method = form.dataset.method;
    // The last of several marks of one share made offline is the one that counts.
    marks[form.dataset.api] = { method: method, page: location.pathname };
    keepWaiting(marks);
    showWaiting(list, form, method);
  }

  function showQueued(list) {
    var marks = waiting();
    list.querySelectorAll("form[data-api]").forEach(function (form) {
      var mark = marks[form.dataset.api];
      if (mark) {
        // The kept page shows the share as it was before the mark.
        form.dataset.method = mark.method;
        showWaiting(list, form, mark.method);
      }
    });
  }

  var syncing = false;

  function sync(list) {
    var marks = waiting();
    var urls = Object.keys(marks);
    if (syncing || !urls.length || navigator.onLine === false) {
      return Promise.resolve();
    }
    syncing = true;
    return urls.reduce(function (done, url) {
      return done.then(function () {
        return fetch(url, {
          method: marks[url].method,
          credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        }).then(function (response) {
          // Sent (or refused for good, e.g. a membership ended meanwhile): no longer waiting.
          // Only an unreachable server keeps it for the next time.
          var left = waiting();
          if (response.status < 500 && left[url] && left[url].method === marks[url].method) {
            delete left[url];
            keepWaiting(left);
          }
        });
      });
    }, Promise.resolve()).catch(function () {
      // Still offline after all: the marks stay for the "online" event.
    }).then(function () {
      syncing = false;
      if (!Object.keys(waiting()).length && window.htmx) {
        // Everyone's marks as the server has them now, the other phones' too.
        window.htmx.ajax("GET", location.pathname + location.search, {
          target: "#pickup-list", select: "#pickup-list", swap: "outerHTML",
        });
      }
    });
  }

  function start() {
    var list = document.querySelector("[data-pickups]");
    if (!list) {
      return;
    }
    var box = document.querySelector("[data-pickup-search]");
    if (box) {
      box.addEventListener("input", function () {
        filter(document.querySelector("[data-pickups]"), box);
      });
    }
    // Listening on the body: htmx replaces the list and its rows.
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var form = event.target.closest && event.target.closest("[data-pickups] form[data-api]");
      if (form && navigator.onLine === false) {
        event.preventDefault();
        queue(document.querySelector("[data-pickups]"), form);
      }
    });
    document.body.addEventListener("htmx:sendError", function (event) {
      var form = event.target.closest && event.target.closest("[data-pickups] form[data-api]");
      if (form) {
        queue(document.querySelector("[data-pickups]"), form);
      }
    });
    showQueued(list);
    window.addEventListener("online", function () {
      sync(document.querySelector("[data-pickups]"));
    });
    sync(list);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
