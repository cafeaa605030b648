/* The service worker of the supporter's phone page (安否確認), rendered by tsunagu/disaster/views/phone.py.

   It keeps the page and the files it loads, so the page opens when the network fails:
   - the page: from the network when it answers (the copy kept is then refreshed), otherwise the kept copy;
   - static files: the kept copy (their names change with their content), fetched and kept when missing.
   Everything else — the JSON API above all — goes to the network untouched: the persons list is kept by the page
   itself in IndexedDB, per user (a cache keyed by URL would hand one user's list to the next user of the phone),
   and reports are queued there until the server has them. */
"use strict";

const CONFIG = {{ config|safe }};

function pagePath(url) {
  return url.origin === self.location.origin && url.pathname === CONFIG.page;
}

function isStatic(url) {
  return url.origin === self.location.origin && url.pathname.startsWith(CONFIG.staticPrefix);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CONFIG.cache);
      // One at a time: a file that fails does not stop the others, and the page is kept as the user sees it.
      for (const url of [CONFIG.page, ...CONFIG.assets]) {
        try {
          const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
          if (response.ok && !response.redirected) {
            await cache.put(url, response);
          }
        } catch (error) {
          // Offline while installing: the page puts what it loaded later (see "keep" below).
        }
      }
      await self.skipWaiting();
    })()
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names.filter((name) => name.startsWith(CONFIG.cachePrefix) && name !== CONFIG.cache).map((name) => caches.delete(name))
      );
      await self.clients.claim();
    })()
  );
});

async function pageFirstFromNetwork(request) {
  const cache = await caches.open(CONFIG.cache);
  try {
    const response = await fetch(request);
    // A redirect to the sign-in page (the session ended) is shown, but not kept in place of the page.
    if (response.ok && !response.redirected) {
      await cache.put(CONFIG.page, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await cache.match(CONFIG.page);
    if (kept) {
      return kept;
    }
    throw error;
  }
}

async function staticFromCache(request) {
  const cache = await caches.open(CONFIG.cache);
  const kept = await cache.match(request, { ignoreVary: true });
  if (kept) {
    return kept;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (pagePath(url) && (request.mode === "navigate" || request.destination === "document")) {
    event.respondWith(pageFirstFromNetwork(request));
  } else if (isStatic(url)) {
    event.respondWith(staticFromCache(request));
  }
});

// The page sends the static files it has loaded (scripts, styles, icons of base.html): they are kept too.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) {
    return;
  }
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CONFIG.cache);
      for (const href of data.urls) {
        const url = new URL(href, self.location.href);
        if (!isStatic(url) && !pagePath(url)) {
          continue;
        }
        if (await cache.match(url.href, { ignoreVary: true })) {
          continue;
        }
        try {
          const response = await fetch(url.href, { credentials: "same-origin" });
          if (response.ok && !response.redirected) {
            await cache.put(url.href, response);
          }
        } catch (error) {
          // Offline: tried again on the next visit.
        }
      }
    })()
  );
});
