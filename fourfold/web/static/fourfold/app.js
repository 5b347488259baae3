// Registers the service worker (/sw.js) that keeps the member's week for offline use, and says
// so when the page shown is such a kept copy, or when the connection drops: "Offline — as of
// 10:42", the time the server made the page (the fourfold-rendered-at meta of base.html), in
// the page's language. The worker marks a kept copy with a Server-Timing entry.
(function () {
  "use strict";

  var KEPT_MARK = "fourfold-kept";

  function keptCopy() {
    var entries = performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return entries.some(function (entry) {
      return (entry.serverTiming || []).some(function (timing) {
        return timing.name === KEPT_MARK;
      });
    });
  }

  function bannerText(meta) {
    var rendered = new Date(meta.content);
    var time = rendered.toLocaleTimeString(document.documentElement.lang || undefined, {
      hour: "2-digit",
      minute: "2-digit",
    });
    return meta.dataset.offline.replace("%(time)s", time);
  }

  function banner() {
    var found = document.getElementById("offline-banner");
    if (found) {
      return found;
    }
    // An empty live region first, filled after: text inserted with the region is often not read.
    var region = document.createElement("p");
    region.id = "offline-banner";
    region.className = "offline-banner";
    region.setAttribute("role", "status");
    region.hidden = true;
    // Before <main>, not in it: a first child of its own would change the spacing of its page.
    var main = document.getElementById("content");
    if (main) {
      main.parentNode.insertBefore(region, main);
    } else {
      document.body.insertBefore(region, document.body.firstChild);
    }
    return region;
  }

  function showBanner(meta, shown) {
    var region = banner();
    region.hidden = !shown;
    region.textContent = shown ? bannerText(meta) : "";
  }

  function start() {
    var meta = document.querySelector('meta[name="fourfold-rendered-at"]');
    // The offline page says it all itself.
    if (!meta || document.querySelector("[data-offline-page]")) {
      return;
    }
    var kept = keptCopy();
    banner();
    if (kept || navigator.onLine === false) {
      showBanner(meta, true);
    }
    window.addEventListener("offline", function () {
      showBanner(meta, true);
    });
    // Back online, a kept copy is still as old as it was: only a live page drops the banner.
    window.addEventListener("online", function () {
      showBanner(meta, kept);
    });
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function (error) {
      // Private windows and some browsers refuse workers: the site works without one.
      console.warn("fourfold: no offline copies on this device:", error);
    });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
