// Loaded lazily by root.tsx once a page is interactive (decision 025): registers the service worker,
// notes who is signed in on this device, sends queued evidence files when the connection is there,
// and clears this person's device data when they sign out.
import { pageCacheName } from "~/domain/offline";
import { flushUploads, forgetDevice, setDeviceUser } from "./device-store";

let started = false;
let currentUser: string | null = null;

/** Tells open pages (the task page's queue) that queued files changed. */
export function announceUploads(): void {
  window.dispatchEvent(new Event("bc-uploads-changed"));
}

async function sendQueued(): Promise<void> {
  if (!currentUser || !navigator.onLine) return;
  const stored = await flushUploads(currentUser);
  announceUploads();
  if (stored > 0) window.dispatchEvent(new Event("bc-uploads-stored"));
}

export async function startOffline(userId: string | null): Promise<void> {
  currentUser = userId;
  // Someone else's drafts and queued files leave the device when a new person signs in; a signed-out
  // page (an expired session) keeps them for their owner.
  if (userId) await setDeviceUser(userId);
  if (!started) {
    started = true;
    if ("serviceWorker" in navigator) {
      // After the page has loaded and gone quiet: installing (precaching the shell) never competes with it.
      const register = () => void navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => undefined);
      const idle = () => ("requestIdleCallback" in window ? window.requestIdleCallback(register, { timeout: 5_000 }) : setTimeout(register, 1_000));
      if (document.readyState === "complete") idle();
      else window.addEventListener("load", idle, { once: true });
      navigator.serviceWorker.addEventListener("message", (event: MessageEvent<{ type?: string }>) => {
        if (event.data?.type === "bc-uploads-changed") {
          announceUploads();
          window.dispatchEvent(new Event("bc-uploads-stored"));
        }
      });
    }
    window.addEventListener("online", () => void sendQueued());
    // Signing out (the header's form): this person's drafts, queued files and kept pages go.
    document.addEventListener(
      "submit",
      (event) => {
        const form = event.target;
        if (form instanceof HTMLFormElement && new URL(form.action, location.href).pathname === "/logout") void forgetDevice(pageCacheName);
      },
      true,
    );
  }
  // A retry on every open, for browsers without Background Sync.
  await sendQueued();
}
