// What a trainee's device keeps while the signal is weak (decision 025): drafts of the field-work and
// work-product forms, and evidence files waiting to be uploaded. IndexedDB through idb-keyval; used by
// the task page (loaded lazily, only there) and by the service worker's background sync.
import { createStore, del, entries, get, set, type UseStore } from "idb-keyval";
import type { EvidenceKind } from "../../db/schema";
import type { MessageKey } from "~/i18n";

let drafts: UseStore | null = null;
let uploads: UseStore | null = null;
let meta: UseStore | null = null;
const draftStore = () => (drafts ??= createStore("bc-drafts", "drafts"));
const uploadStore = () => (uploads ??= createStore("bc-uploads", "uploads"));
const metaStore = () => (meta ??= createStore("bc-meta", "meta"));

// ---------- whose device data this is ----------

/** The person signed in on this device as the page last saw them; background sync uploads only theirs. */
export async function currentDeviceUser(): Promise<string | null> {
  return (await get<string>("user", metaStore())) ?? null;
}

/**
 * Records who is signed in. When someone else signed in before, their drafts and queued files leave
 * this device: they are not this person's to see or to upload.
 */
export async function setDeviceUser(userId: string | null): Promise<void> {
  const before = await currentDeviceUser();
  if (before && before !== userId) await forgetUser(before);
  if (userId) await set("user", userId, metaStore());
  else await del("user", metaStore());
}

async function forgetUser(userId: string): Promise<void> {
  for (const [key] of await entries<string, unknown>(draftStore())) if (key.startsWith(`${userId}:`)) await del(key, draftStore());
  for (const [key, item] of await entries<string, QueuedUpload>(uploadStore())) if (item.userId === userId) await del(key, uploadStore());
}

/** Sign-out: this person's drafts, queued files and kept pages leave the device. */
export async function forgetDevice(pageCache: string): Promise<void> {
  const userId = await currentDeviceUser();
  if (userId) await forgetUser(userId);
  await del("user", metaStore());
  if (typeof caches !== "undefined") await caches.delete(pageCache);
}

// ---------- drafts ----------

export interface LocalDraft {
  /** The form's fields as FormData gives them (checked boxes only), in order. */
  entries: Array<[string, string]>;
  /** Device time of the last change. */
  changedAt: string;
  /** True once the server has this draft. */
  synced: boolean;
  /** The server's time of the draft it last accepted from this device. */
  serverStamp: string | null;
}

const draftKey = (userId: string, taskId: string) => `${userId}:${taskId}`;

export function readDraft(userId: string, taskId: string): Promise<LocalDraft | undefined> {
  return get<LocalDraft>(draftKey(userId, taskId), draftStore());
}

export function writeDraft(userId: string, taskId: string, draft: LocalDraft): Promise<void> {
  return set(draftKey(userId, taskId), draft, draftStore());
}

export function deleteDraft(userId: string, taskId: string): Promise<void> {
  return del(draftKey(userId, taskId), draftStore());
}

/**
 * Whether a draft kept on the device should replace what the page shows. An unsynced draft always
 * does (the device has typing the server never got). A synced one does when the page is older than
 * it (a page read from the offline cache); when the server has a newer draft (saved on another
 * device), the server's wins.
 */
export function draftWins(local: LocalDraft, pageStamp: string | null): "restore" | "same" | "stale" {
  if (!local.synced) return "restore";
  if (!pageStamp || !local.serverStamp) return "restore";
  if (local.serverStamp > pageStamp) return "restore";
  return local.serverStamp === pageStamp ? "same" : "stale";
}

// ---------- queued uploads ----------

export interface QueuedUpload {
  /** Made on the device; the server stores a key once (evidence_files.client_key). */
  clientKey: string;
  userId: string;
  taskId: string;
  kind: EvidenceKind;
  name: string;
  type: string;
  size: number;
  file: Blob;
  addedAt: string;
  /** Waiting for the connection, or refused by the server with a reason shown next to the file. */
  state: "waiting" | "refused";
  error?: MessageKey;
  params?: Record<string, string | number>;
}

export function newClientKey(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

export async function queueUpload(item: Omit<QueuedUpload, "clientKey" | "addedAt" | "state">): Promise<QueuedUpload> {
  const queued: QueuedUpload = { ...item, clientKey: newClientKey(), addedAt: new Date().toISOString(), state: "waiting" };
  await set(queued.clientKey, queued, uploadStore());
  return queued;
}

export async function queuedUploads(userId: string, taskId?: string): Promise<QueuedUpload[]> {
  return (await entries<string, QueuedUpload>(uploadStore()))
    .map(([, item]) => item)
    .filter((item) => item.userId === userId && (taskId === undefined || item.taskId === taskId))
    .sort((a, b) => a.addedAt.localeCompare(b.addedAt));
}

export function dropUpload(clientKey: string): Promise<void> {
  return del(clientKey, uploadStore());
}

/** What one send of a queued file came to. */
export type SendOutcome = "stored" | "refused" | "retry" | "stop";

interface UploadAnswer {
  ok?: boolean;
  files?: unknown[];
  rejected?: Array<{ error: MessageKey; params?: Record<string, string | number> }>;
  error?: MessageKey;
  params?: Record<string, string | number>;
}

/** Sends one queued file with its key. The server answers a repeat with the file it already has. */
export async function sendUpload(item: QueuedUpload): Promise<SendOutcome> {
  const form = new FormData();
  form.append("intent", "upload");
  form.append("kind", item.kind);
  form.append("clientKey", item.clientKey);
  form.append("file", new File([item.file], item.name, { type: item.type }));
  let response: Response;
  try {
    response = await fetch(`/tasks/${encodeURIComponent(item.taskId)}/evidence?_data=${encodeURIComponent("routes/tasks.$taskId.evidence")}`, {
      method: "POST",
      body: form,
      credentials: "same-origin",
    });
  } catch {
    return "stop"; // no connection after all: try again later
  }
  // Signed out meanwhile (a redirect to sign-in), or the server is busy: keep the file for later.
  if (response.headers.has("X-Remix-Redirect") || response.status === 503 || response.status === 408 || response.status >= 500) return "stop";
  let answer: UploadAnswer | null = null;
  try {
    answer = (await response.json()) as UploadAnswer;
  } catch {
    answer = null;
  }
  if (response.ok && answer?.files?.length) {
    await dropUpload(item.clientKey);
    return "stored";
  }
  const reason = answer?.rejected?.[0] ?? (answer?.error ? { error: answer.error, params: answer.params } : { error: "evidence.error.failed" as MessageKey });
  await set(item.clientKey, { ...item, state: "refused", error: reason.error, params: reason.params }, uploadStore());
  return "refused";
}

let flushing: Promise<number> | null = null;

/**
 * Sends the waiting files of the person signed in on this device, oldest first, one at a time (a
 * weak signal carries one photo better than three). Stops at the first sign of no connection.
 * Returns how many were stored.
 */
export function flushUploads(userId?: string | null): Promise<number> {
  flushing ??= (async () => {
    try {
      const who = userId ?? (await currentDeviceUser());
      if (!who) return 0;
      let stored = 0;
      for (const item of await queuedUploads(who)) {
        if (item.state !== "waiting") continue;
        const outcome = await sendUpload(item);
        if (outcome === "stored") stored += 1;
        if (outcome === "stop") break;
      }
      return stored;
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}
