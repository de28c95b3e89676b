// The storefront's service worker. `cargo xtask build` writes it into dist/sw.js with this
// build's version and the buyers' hashed assets (never the staff app's); a new build is a new
// file, so the browser installs it on the next visit, and its activation deletes every cache
// an older build made.
//
// What it keeps, in this browser only:
// - the build's assets (precached at install, then cache-first: their names change with their
//   content);
// - product and category pictures (cache-first, the newest PICTURE_LIMIT);
// - public catalog data (stale-while-revalidate: shown at once, renewed behind);
// - pages seen (network-first; the kept copy when there is no signal, the app's own frame
//   with a "needs a signal" message for a page never seen).
// Never kept: tracking pages and invoices (their links hold a secret), a partner's own need,
// staff pages, every API answer that is not public catalog data, anything answered with
// `Cache-Control: no-store`, and answers drawn from the browser's cookies (`Vary: Cookie`,
// the order list page), which a kept copy cannot follow: offline, the app draws those from
// the browser's own storage.

const VERSION = "__VERSION__";
const PRECACHE = __PRECACHE__;
// The app's frame: drawn for a page with no kept copy, it starts the app, which says the page
// needs a signal and offers to try again.
const SHELL = "/ajukan";

const ASSETS = `etalase-aset-${VERSION}`;
const PAGES = `etalase-halaman-${VERSION}`;
const DATA = `etalase-data-${VERSION}`;
const PICTURES = `etalase-gambar-${VERSION}`;
const PAGE_LIMIT = 80;
const DATA_LIMIT = 120;
const PICTURE_LIMIT = 300;
// On a weak signal a page that has a kept copy waits this long for the network, then shows
// the copy (the network's answer still renews it when it comes).
const PAGE_PATIENCE_MS = 4000;

// Private paths: their answers hold a secret, a session or a buyer's order; never stored.
const PRIVATE_PAGE = /^\/(pesanan|staf|desk|admin|masuk|akun)(\/|$)|^\/kebutuhan\/[^/]+\/kelola/;
// Public catalog data, the same for everyone.
const PUBLIC_DATA = /^\/api\/v1\/(catalog|home|site|search|products|ikm\/[^/]+|needs)(\/[^/]+)?$/;
const PICTURE = /^\/(img|media|og)\//;
// Trunk's names, as `etalase_core::asset::is_hashed_asset` reads them: `name-<hash>.ext`, the
// hash 10 to 16 hex digits (leading zeros dropped) with at least one digit.
const HASHED = /^\/[A-Za-z0-9_-]+-(?=[0-9a-f]*[0-9])[0-9a-f]{10,16}(_bg)?\.(js|wasm|css)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(ASSETS)
      .then((cache) => Promise.all([
        cache.addAll(PRECACHE),
        // A static host answers the frame's path with a redirect to its folder: it is kept
        // as a plain answer, as a page served from here must be.
        fetch(SHELL).then((response) => {
          if (!response.ok) throw new Error(`${SHELL}: ${response.status}`);
          return response.blob().then((body) => cache.put(SHELL, new Response(body, {
            status: 200,
            headers: response.headers,
          })));
        }),
      ]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  const mine = new Set([ASSETS, PAGES, DATA, PICTURES]);
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((n) => n.startsWith("etalase-") && !mine.has(n)).map((n) => caches.delete(n)),
      ))
      .then(() => self.clients.claim()),
  );
});

// The page the app started on, and the data the app fetched for it, came before this worker
// was there: the loader names them.
self.addEventListener("message", (event) => {
  const data = event.data && event.data.data;
  if (Array.isArray(data)) {
    const wanted = data.filter((u) => typeof u === "string").slice(0, 20).flatMap((u) => {
      try {
        const url = new URL(u, self.location.origin);
        return url.origin === self.location.origin && PUBLIC_DATA.test(url.pathname) ? [url.href] : [];
      } catch (_) {
        return [];
      }
    });
    event.waitUntil(Promise.all(wanted.map((href) => fetch(href, { credentials: "same-origin" })
      .then((response) => keep(DATA, href, response, DATA_LIMIT))
      .catch(() => {}))));
  }
  const seen = event.data && event.data.seen;
  if (typeof seen !== "string") return;
  let url;
  try {
    url = new URL(seen, self.location.origin);
  } catch (_) {
    return;
  }
  if (url.origin !== self.location.origin || !isPage(url.pathname)) return;
  event.waitUntil(
    fetch(url.href, { credentials: "same-origin" })
      // Only the page itself, as the browser would have shown it at that address.
      .then((response) => (response.redirected || !isHtml(response)
        ? undefined
        : keep(PAGES, url.href, response, PAGE_LIMIT)))
      .catch(() => {}),
  );
});

/// A storefront page's path: not private, not data, not a file.
function isPage(path) {
  return !PRIVATE_PAGE.test(path) && !/^\/api\//.test(path) && !HASHED.test(path)
    && !PICTURE.test(path) && !/\.[A-Za-z0-9]+$/.test(path);
}

function isHtml(response) {
  return /^text\/html/i.test(response.headers.get("content-type") || "");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname;
  if (request.mode === "navigate") {
    if (PRIVATE_PAGE.test(path)) {
      // Never kept; without a signal the app's frame says so.
      event.respondWith(fetch(request).catch(() => shell()));
    } else {
      event.respondWith(page(event, request));
    }
    return;
  }
  if (HASHED.test(path)) {
    // Its name is its content: one copy, whatever query string a request adds.
    event.respondWith(cacheFirst(ASSETS, url.origin + path, request, 0));
  } else if (PICTURE.test(path)) {
    event.respondWith(cacheFirst(PICTURES, request, request, PICTURE_LIMIT));
  } else if (PUBLIC_DATA.test(path)) {
    event.respondWith(staleWhileRevalidate(event, request));
  }
  // Anything else (orders, desk, admin, a partner's need, sign-in) goes to the network as if
  // there were no worker.
});

/// Keeps the worker alive for `promise` while the event still allows it (after the page has
/// its answer it may not; the work then simply goes on unguarded).
function extend(event, promise) {
  try {
    event.waitUntil(promise);
  } catch (_) {
    // The event is over.
  }
}

function shell() {
  return caches.open(ASSETS)
    .then((cache) => cache.match(SHELL))
    .then((kept) => kept || Response.error());
}

/// Network first; the kept copy after PAGE_PATIENCE_MS or when the network fails; the app's
/// frame for a page never seen.
function page(event, request) {
  const fromNetwork = fetch(request).then((response) => {
    // A page of the storefront, not a file or data opened in the address bar.
    if (isPage(new URL(request.url).pathname) && isHtml(response)) {
      extend(event, keep(PAGES, request.url, response.clone(), PAGE_LIMIT));
    }
    return response;
  });
  const kept = caches.open(PAGES).then((cache) => cache.match(request.url));
  const patience = new Promise((resolve) => setTimeout(resolve, PAGE_PATIENCE_MS));
  const keptLater = kept.then((copy) => (copy ? patience.then(() => copy) : new Promise(() => {})));
  return Promise.race([fromNetwork, keptLater])
    .catch(() => kept.then((copy) => copy || shell()));
}

/// The copy kept under `key`, else the network's answer to `request` (then kept).
function cacheFirst(name, key, request, limit) {
  return caches.open(name).then((cache) => cache.match(key).then((kept) => {
    if (kept) return kept;
    return fetch(request).then((response) => {
      keep(name, key, response.clone(), limit);
      return response;
    });
  }));
}

function staleWhileRevalidate(event, request) {
  return caches.open(DATA).then((cache) => cache.match(request).then((kept) => {
    const renewed = fetch(request).then((response) => {
      extend(event, keep(DATA, request, response.clone(), DATA_LIMIT));
      return response;
    });
    if (kept) {
      extend(event, renewed.catch(() => {}));
      return kept;
    }
    return renewed;
  }));
}

/// Stores a good, storable answer; past `limit` entries the oldest go (0: no limit).
function keep(name, key, response, limit) {
  if (!response || response.status !== 200 || response.type !== "basic") return Promise.resolve();
  const control = response.headers.get("cache-control") || "";
  if (/no-store/i.test(control)) return Promise.resolve();
  // Drawn from cookies a kept copy cannot see, or never the same twice.
  if (/cookie|\*/i.test(response.headers.get("vary") || "")) return Promise.resolve();
  return caches.open(name).then((cache) => cache.put(key, response).then(() => {
    if (!limit) return undefined;
    return cache.keys().then((keys) => Promise.all(
      keys.slice(0, Math.max(0, keys.length - limit)).map((k) => cache.delete(k)),
    ));
  }));
}
