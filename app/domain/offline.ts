// What the service worker may keep on the device for reading offline (decision 025). Pure: the server
// marks these pages' responses and the service worker checks the same rule before it stores one.

/** The header the server puts on a signed-in learner page that may be kept on the device. */
export const offlineHeader = "X-Offline-Cache";
export const offlineHeaderValue = "learner";

/** The service worker's cache of learner pages; emptied on every sign-in and sign-out. */
export const pageCacheName = "bc-learner-pages-v1";

/** Background Sync tag of the queued uploads. */
export const uploadSyncTag = "bc-evidence-uploads";

// The learner's reading and work pages: the course tree, module pages, a task, my work. Never staff
// pages (/admin, /mentor), sign-in, invitations, files, certificates, notifications or anything else.
const learnerPage = /^\/(learn(\/(campus|community)(\/[a-z]+(\/[a-z0-9-]+)?)?)?|tasks\/[a-z0-9-]+|my-work)\/?$/;

export function isOfflinePage(pathname: string): boolean {
  return learnerPage.test(pathname);
}

/** The search string of a Remix data request for a route of such a page, or of the root; nothing else. */
export function isOfflineData(pathname: string, search: URLSearchParams): boolean {
  const data = search.get("_data");
  return data !== null && isOfflinePage(pathname) && (data === "root" || data.startsWith("routes/learn") || data.startsWith("routes/tasks.$taskId") && !data.includes("evidence") || data === "routes/my-work");
}
