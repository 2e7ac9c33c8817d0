// The service worker (decision 025), bundled by app/offline/build-sw.ts at `npm run build` and given
// Workbox's precache manifest of this build's scripts and styles. It is never imported by the app.
import { cleanupOutdatedCaches, precacheAndRoute, type PrecacheEntry } from "workbox-precaching";
import { registerRoute, setCatchHandler } from "workbox-routing";
import { CacheFirst, NetworkFirst, NetworkOnly } from "workbox-strategies";
import { isOfflineData, isOfflinePage, offlineHeader, offlineHeaderValue, pageCacheName, uploadSyncTag } from "~/domain/offline";
import { flushUploads } from "./device-store";

// The few worker-scope types used here; the project's lib is DOM, and adding "WebWorker" to one file
// would clash with it across the program.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
}
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}
interface WorkerScope {
  __WB_MANIFEST: Array<PrecacheEntry | string>;
  location: Location;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void>; matchAll(options?: { type?: string }): Promise<Array<{ postMessage(message: unknown): void }>> };
  addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
  addEventListener(type: "sync", listener: (event: SyncEvent) => void): void;
}
const sw = self as unknown as WorkerScope;

// The app shell: this build's scripts and styles (hashed names), so a page opened before loads offline.
// Written as `self.__WB_MANIFEST`, the spelling Workbox's injectManifest looks for.
precacheAndRoute((self as unknown as Pick<WorkerScope, "__WB_MANIFEST">).__WB_MANIFEST);
cleanupOutdatedCaches();

sw.addEventListener("install", () => void sw.skipWaiting());
// A new worker comes with a new build: the previous build's modules (and route discovery) are dropped.
sw.addEventListener("activate", (event) =>
  event.waitUntil(Promise.all([caches.delete("bc-build-modules"), caches.delete(`${pageCacheName}-routes`)]).then(() => sw.clients.claim())),
);

// Signing in or out empties the kept pages: the next person on this phone never reads the last one's.
sw.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === "POST" && url.origin === sw.location.origin && (url.pathname === "/logout" || url.pathname === "/login")) {
    event.waitUntil(caches.delete(pageCacheName));
  }
});

// Learner pages (and their Remix data) the trainee has opened: from the network when there is one,
// from the device when there is none. Only responses the server marked as a signed-in learner's page
// (never with Set-Cookie, never staff pages) are kept.
const onlyMarked = {
  cacheWillUpdate: async ({ response }: { response: Response }) =>
    response.status === 200 && response.headers.get(offlineHeader) === offlineHeaderValue ? response : null,
};
registerRoute(
  ({ request, url }) =>
    request.method === "GET" &&
    url.origin === sw.location.origin &&
    (url.searchParams.has("_data") ? isOfflineData(url.pathname, url.searchParams) : request.mode === "navigate" && isOfflinePage(url.pathname)),
  new NetworkFirst({ cacheName: pageCacheName, plugins: [onlyMarked], matchOptions: { ignoreVary: true } }),
);
// Remix's route discovery (not private: which route modules make up a path) so links work offline.
registerRoute(
  ({ request, url }) => request.method === "GET" && url.origin === sw.location.origin && url.pathname === "/__manifest",
  new NetworkFirst({ cacheName: `${pageCacheName}-routes`, matchOptions: { ignoreVary: true } }),
);
// Route modules and chunks of this build, kept as pages load them: names carry a content hash, so a kept
// file never changes. Old builds' files go when the cache is full.
registerRoute(
  ({ request, url }) => request.method === "GET" && url.origin === sw.location.origin && url.pathname.startsWith("/build/"),
  new CacheFirst({ cacheName: "bc-build-modules", plugins: [{ cacheWillUpdate: async ({ response }: { response: Response }) => (response.status === 200 ? response : null) }] }),
);
// Every other page goes to the network as usual.
registerRoute(({ request }) => request.mode === "navigate", new NetworkOnly());

// A page never opened on this device, asked for offline: a short note instead of the browser's error.
const offlineNote = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>已离线 · 百城学堂</title></head>
<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.6">
<h1>已离线</h1><p>这个页面还没有在本机打开过，联网后再试。已经打开过的课程和任务可以离线阅读。</p><p><a href="/learn">返回课程</a></p></body></html>`;
setCatchHandler(async ({ request }) => {
  if (request.mode === "navigate") return new Response(offlineNote, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
  return Response.error();
});

// Background Sync: the browser wakes us when the connection returns, even with the page closed.
sw.addEventListener("sync", (event) => {
  if (event.tag !== uploadSyncTag) return;
  event.waitUntil(
    flushUploads().then(async (stored) => {
      if (stored > 0) for (const client of await sw.clients.matchAll({ type: "window" })) client.postMessage({ type: "bc-uploads-changed" });
    }),
  );
});
