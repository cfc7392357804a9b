// 組合員マイページ's service worker: the デジタル組合員証 offline (M10).
//
// The rule: while the member is online, the card page fetches a fresh token
// every minute and this worker keeps a copy of the offline card
// (/mypage/card/offline, a page with a token valid for 24 hours from when it
// was fetched). Without a network, a My Page address opened in the browser
// or from the home screen shows that copy, with the time it was fetched. A
// token of a member whose My Page was stopped or ended never verifies,
// whatever the copy says; logging out clears the copy (Clear-Site-Data).
// Nothing else is cached: every other request goes to the network as usual.

const CACHE = 'mypage-card-v2';
const OFFLINE_CARD = '/mypage/card/offline';
// The offline card's only other file is the stylesheet it links: its name
// carries its content's hash, so it changes with every new stylesheet.
const STYLESHEET = /<link rel="stylesheet" href="(\/pkg\/[^"]+\.css)">/;
// The card page's minute-by-minute token fetch refreshes the copy at most
// this often; every My Page load refreshes it.
const REFRESH_MS = 10 * 60 * 1000;
let lastRefresh = 0;

async function refreshOfflineCard() {
  lastRefresh = Date.now();
  try {
    const response = await fetch(OFFLINE_CARD, { credentials: 'same-origin', cache: 'no-store' });
    const cache = await caches.open(CACHE);
    if (response.ok) {
      const found = STYLESHEET.exec(await response.clone().text());
      await cache.put(OFFLINE_CARD, response);
      if (found) {
        const style = await fetch(found[1]);
        if (style.ok) {
          await cache.put(found[1], style);
          // The stylesheet the copy no longer links is dropped.
          for (const key of await cache.keys()) {
            const path = new URL(key.url).pathname;
            if (path.startsWith('/pkg/') && path !== found[1]) await cache.delete(key);
          }
        }
      }
    } else if ([401, 403, 404].includes(response.status)) {
      // Logged out, stopped or ended: no card to show offline.
      await cache.delete(OFFLINE_CARD);
    }
  } catch (_) {
    // Offline now: keep the copy there is.
  }
}

function maybeRefresh(event) {
  if (Date.now() - lastRefresh > REFRESH_MS) event.waitUntil(refreshOfflineCard());
}

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
      await refreshOfflineCard();
    })(),
  );
});

const OFFLINE_PAGE = `<!doctype html><html lang="ja"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>オフラインです | 組合員マイページ</title></head>
<body style="font-family: sans-serif; padding: 1.5rem; line-height: 1.7">
<h1 style="font-size: 1.4rem">インターネットに接続されていません</h1>
<p>通信できる場所で、もう一度お試しください。組合員証は、一度オンラインで表示すると、通信できないときにも表示できるようになります。</p>
</body></html>`;

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The card's minute-by-minute refresh, or a page: the member is online and
  // logged in, so the offline copy can be brought up to date.
  if (url.pathname === '/api/card') {
    maybeRefresh(event);
    return;
  }
  if (request.method === 'GET' && url.pathname.startsWith('/pkg/') && url.pathname.endsWith('.css')) {
    event.respondWith(fetch(request).catch(async () => (await caches.match(url.pathname)) || Response.error()));
    return;
  }
  if (request.method !== 'GET' || request.mode !== 'navigate' || !url.pathname.startsWith('/mypage')) return;
  event.respondWith(
    (async () => {
      try {
        const response = await fetch(request);
        if (response.ok) {
          // Logged in (perhaps as someone else than before): the copy is
          // brought up to date with every My Page load.
          event.waitUntil(refreshOfflineCard());
        } else if (response.type === 'opaqueredirect' || response.status === 401) {
          // Sent to the login page: the session is over, and so is the copy.
          event.waitUntil(caches.open(CACHE).then((cache) => cache.delete(OFFLINE_CARD)));
        }
        return response;
      } catch (_) {
        const copy = await caches.match(OFFLINE_CARD);
        return (
          copy ||
          new Response(OFFLINE_PAGE, {
            status: 503,
            headers: { 'Content-Type': 'text/html; charset=utf-8' },
          })
        );
      }
    })(),
  );
});
