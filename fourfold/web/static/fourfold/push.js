// The "Get notifications on this device" button of /notifications/: asks the browser's leave,
// subscribes this device with the installation's VAPID key through the service worker that
// app.js registers (/sw.js shows what arrives), and tells the server where to push. Shown only
// where the browser has PushManager; the texts come translated in the section's data-*.
(function () {
  "use strict";

  function csrfToken() {
    // base.html gives htmx the token in hx-headers on <body>; the same one serves here.
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function keyBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  // "gone" names a status that means done already (a device the server forgot).
  function post(url, fields, gone) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      body: new URLSearchParams(fields),
    }).then(function (response) {
      if (!response.ok && response.status !== gone) {
        throw new Error("fourfold: " + url + " answered " + response.status);
      }
      return response;
    });
  }

  function start() {
    var section = document.getElementById("push");
    if (!section || !("serviceWorker" in navigator) || !("PushManager" in window)
        || !("Notification" in window)) {
      return;
    }
    var on = section.querySelector("[data-push-on]");
    var off = section.querySelector("[data-push-off]");
    var status = section.querySelector("[data-push-status]");

    function show(subscribed, message) {
      on.hidden = subscribed;
      off.hidden = !subscribed;
      status.textContent = message || (subscribed ? section.dataset.on : section.dataset.off);
    }

    function failed(error) {
      console.warn(error);
      status.textContent = section.dataset.failed;
    }

    // Where no worker could be registered (a private window, say), "ready" never comes and
    // the section stays hidden: pushes could not be shown there.
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription().then(function (subscription) {
        section.hidden = false;
        show(subscription !== null);

        on.addEventListener("click", function () {
          on.disabled = true;
          Notification.requestPermission().then(function (permission) {
            if (permission !== "granted") {
              show(false, section.dataset.denied);
              return null;
            }
            return registration.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: keyBytes(section.dataset.key),
            }).then(function (made) {
              var keys = made.toJSON().keys;
              return post(section.dataset.subscribe, {
                endpoint: made.endpoint,
                p256dh: keys.p256dh,
                auth: keys.auth,
              }).then(function () {
                show(true);
              });
            });
          }).catch(failed).finally(function () {
            on.disabled = false;
          });
        });

        off.addEventListener("click", function () {
          off.disabled = true;
          registration.pushManager.getSubscription().then(function (current) {
            if (!current) {
              show(false);
              return null;
            }
            var endpoint = current.endpoint;
            // The browser's side first: even if the server cannot be told now, this device
            // stops, and the push service's 410 tells the server at the next push.
            return current.unsubscribe().then(function () {
              show(false);
              return post(section.dataset.unsubscribe, { endpoint: endpoint }, 404);
            });
          }).catch(failed).finally(function () {
            off.disabled = false;
          });
        });
      });
    }).catch(failed);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
