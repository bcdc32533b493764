// motcua service worker: the app opens offline.
//
// The build (cargo xtask build) replaces PRECACHE with the files of the app
// shell, hashed names included, and VERSION with a hash of that list, so a
// new build installs a new cache and drops the old one.
//
// Strategies:
// - page navigations: network first, the cached app page when offline;
// - the app's files (hashed, immutable): cache first;
// - the procedure catalog, unit table and the server's capabilities (its
//   limits, checked while attaching): network first, cached copy offline;
// - every procedure's schema (a few KB each) is cached with the catalog, at
//   install and whenever a fresh catalog lists one not cached yet, so that a
//   procedure never opened before still opens offline;
// - the intake protocol (/api/) and the office directory: never cached here
//   (the app keeps the signed directory itself and verifies it each time).

const VERSION = "__MOTCUA_VERSION__";
const PRECACHE = ["__MOTCUA_PRECACHE__"];
const CACHE = `motcua-${VERSION}`;

// The worker comes in two builds, with and without wasm SIMD; the page picks
// one with this probe (crates/app/src/services/worker.rs), and only that one
// is precached.
const SIMD = WebAssembly.validate(
  new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]),
);

function precached(path) {
  // The PDF preview worker (~1.7 MB of wasm) is fetched on first use only,
  // then kept by the cache-first rule below.
  if (path.startsWith("/motcua-preview")) return false;
  // So is the bulk filing worker: only businesses open the bulk screen.
  if (path.startsWith("/motcua-bulk-worker")) return false;
  if (!path.startsWith("/motcua-worker")) return true;
  return path.startsWith("/motcua-worker-simd") === SIMD;
}

// Caches the schema of every procedure the cached catalog lists that is not
// cached yet. Best effort: a schema that cannot be had now is only missing
// offline, and is fetched again when it is opened.
async function cacheProcedures(cache) {
  try {
    const index = await cache.match("/procedures/index.json");
    if (!index) return;
    const { procedures = [] } = await index.json();
    for (const { code } of procedures) {
      const path = `/procedures/${encodeURIComponent(code)}.json`;
      if (!(await cache.match(path))) await cache.add(path).catch(() => {});
    }
  } catch (error) {
    // A catalog that is not JSON: the app says so when it reads it.
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.filter(precached)).then(() => cacheProcedures(cache)))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((n) => n.startsWith("motcua-") && n !== CACHE).map((n) => caches.delete(n))),
      )
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request, fallbackUrl) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && request.method === "GET") {
      cache.put(fallbackUrl || request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(fallbackUrl || request);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === "/.well-known/motcua") {
    event.respondWith(networkFirst(request));
    return;
  }
  if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/.well-known/")) return;
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, "/index.html"));
  } else if (url.pathname === "/procedures/index.json") {
    const response = networkFirst(request);
    event.respondWith(response);
    event.waitUntil(response.then(() => caches.open(CACHE)).then(cacheProcedures, () => {}));
  } else if (url.pathname.startsWith("/procedures/") || url.pathname.startsWith("/units/")) {
    event.respondWith(networkFirst(request));
  } else {
    event.respondWith(cacheFirst(request));
  }
});
