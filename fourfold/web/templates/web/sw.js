// fourfold's service worker (served at /sw.js by web/views/pwa.py, which fills in CONFIG).
// The shell (styles, scripts, the offline page) is kept on install. Pages and the pieces htmx
// loads into them are fetched from the network first and kept as they load, so the week a
// member last saw still opens offline; a page never seen opens the offline page.
"use strict";

const CONFIG = {{ config|safe }};
const SHELL = "fourfold-shell-" + CONFIG.version;
const PAGES = "fourfold-pages-" + CONFIG.version;
const PIECES = "fourfold-pieces-" + CONFIG.version;
const OURS = [SHELL, PAGES, PIECES];
// The page's script reads this (performance.getEntriesByType("navigation")) to say the copy
// shown is one kept on the device, not the server's answer of now.
const KEPT_MARK = "fourfold-kept";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL).then((cache) =>
      cache.addAll([
        ...CONFIG.shell,
        CONFIG.manifest,
        // Without cookies: the offline page must not show whoever was logged in when it was kept.
        new Request(CONFIG.offline, { credentials: "omit" }),
      ])
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith("fourfold-") && !OURS.includes(name))
          .map((name) => caches.delete(name))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && CONFIG.forgetOn.includes(url.pathname)) {
    event.waitUntil(forgetPages());
    return;
  }
  if (request.method !== "GET" || CONFIG.notKept.some((prefix) => url.pathname.startsWith(prefix))) {
    return;
  }
  if (url.pathname.startsWith(CONFIG.static) || url.pathname === CONFIG.manifest) {
    event.respondWith(fromShell(event));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (request.headers.get("HX-Request") === "true") {
    event.respondWith(piece(event));
  }
});

function forgetPages() {
  return Promise.all([caches.delete(PAGES), caches.delete(PIECES)]);
}

// Only a whole, successful page of ours: never an error, a redirect, another site's answer
// or a file such as a CSV export or a receipt.
function keepable(response) {
  return response.status === 200 && response.type === "basic" && !response.redirected
    && (response.headers.get("Content-Type") || "").startsWith("text/html");
}

async function keep(cacheName, request, response) {
  const cache = await caches.open(cacheName);
  await cache.put(request, response);
  // Keys come oldest first, and putting a page again moves it to the end.
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - CONFIG.pagesKept))
    .map((key) => cache.delete(key)));
}

async function fromNetworkKeeping(event, cacheName) {
  const response = await fetch(event.request);
  if (keepable(response)) {
    event.waitUntil(keep(cacheName, event.request, response.clone()));
  }
  return response;
}

async function kept(cacheName, request) {
  // The pages vary on Cookie, which a service worker's requests never show: ignored.
  const copy = await caches.match(request, { cacheName, ignoreVary: true });
  if (!copy) {
    return null;
  }
  const headers = new Headers(copy.headers);
  headers.append("Server-Timing", KEPT_MARK);
  return new Response(copy.body, { status: copy.status, statusText: copy.statusText, headers });
}

async function page(event) {
  try {
    return await fromNetworkKeeping(event, PAGES);
  } catch (unreachable) {
    return (await kept(PAGES, event.request))
      || (await caches.match(CONFIG.offline, { cacheName: SHELL }))
      || Response.error();
  }
}

async function piece(event) {
  try {
    return await fromNetworkKeeping(event, PIECES);
  } catch (unreachable) {
    // No copy: "nothing new" leaves the page as it was kept, where an error would be logged.
    return (await kept(PIECES, event.request)) || new Response(null, { status: 204 });
  }
}

async function fromShell(event) {
  const copy = await caches.match(event.request, { cacheName: SHELL });
  if (copy) {
    return copy;
  }
  const response = await fetch(event.request);
  if (response.status === 200 && response.type === "basic") {
    const cache = await caches.open(SHELL);
    event.waitUntil(cache.put(event.request, response.clone()));
  }
  return response;
}

// Web Push: the server sends {title, body, url, tag} (fourfold.reminders.push.payload_of),
// encrypted for this device; the browser has decrypted it by now.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (unreadable) {
    message = { body: event.data.text() };
  }
  event.waitUntil(
    self.registration.showNotification(message.title || "fourfold", {
      body: message.body || "",
      tag: message.tag,
      data: { url: message.url || CONFIG.notifications },
      icon: CONFIG.icon,
    })
  );
});

// Opens the page the notification is about: in a window of ours already open if there is one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL(
    (event.notification.data || {}).url || CONFIG.notifications, self.location.origin
  );
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const same = windows.find((client) => client.url === target.href);
      if (same) {
        return same.focus();
      }
      const ours = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (ours && target.origin === self.location.origin) {
        return ours.navigate(target.href).then((client) => (client || ours).focus());
      }
      return self.clients.openWindow(target.href);
    })
  );
});
