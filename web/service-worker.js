// The app shell offline: the build (vite.config.mts) writes this file as dist-web/sw.js with the list
// of files to keep and a version, so every build installs afresh and drops the previous cache.
// Hashed assets: from the cache first (they never change). Pages: from the network, falling back to
// the cached index.html, so an agent can reopen the app at the counter with no network. API calls
// are never cached: offline writes go through the IndexedDB queue instead.
const VERSION = '__VERSION__';
const PRECACHE = __PRECACHE__;
const CACHE = `vc-app-${VERSION}`;
const SHELL = '/app/';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([SHELL, ...PRECACHE])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('vc-app-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/app/')) return;
  if (url.pathname.startsWith('/app/assets/')) {
    event.respondWith(caches.open(CACHE).then(async (cache) => {
      const hit = await cache.match(request);
      if (hit) return hit;
      const response = await fetch(request);
      if (response.ok) await cache.put(request, response.clone());
      return response;
    }));
  } else if (request.mode === 'navigate') {
    event.respondWith(fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        void caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
      }
      return response;
    }).catch(async () => (await caches.match(SHELL)) ?? Response.error()));
  }
});
