// The task page's offline state (decision 025). The IndexedDB code (device-store.ts, idb-keyval) is
// loaded lazily, so pages pay for it only when a form is open.
import { useCallback, useEffect, useState } from "react";
import type { EvidenceKind } from "../../db/schema";
import type { QueuedUpload } from "./device-store";

export const deviceStore = () => import("./device-store");

/** Whether the browser says it has a connection; true while rendering on the server. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(true);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    update();
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
  return online;
}

export interface UploadQueue {
  items: QueuedUpload[];
  waiting: number;
  sending: boolean;
  add(files: File[], kind: EvidenceKind): Promise<void>;
  remove(clientKey: string): Promise<void>;
  send(): Promise<number>;
}

/**
 * The evidence files of one task queued on this device: added while offline (or when a send failed),
 * sent oldest first when the connection returns, and called back with `onStored` so the page reloads
 * its list of stored files.
 */
export function useUploadQueue(userId: string | null, taskId: string, onStored: () => void): UploadQueue {
  const [items, setItems] = useState<QueuedUpload[]>([]);
  const [sending, setSending] = useState(false);
  const reload = useCallback(async () => {
    if (!userId) return;
    const store = await deviceStore();
    setItems(await store.queuedUploads(userId, taskId));
  }, [userId, taskId]);

  const send = useCallback(async () => {
    if (!userId || !navigator.onLine) return 0;
    setSending(true);
    try {
      const store = await deviceStore();
      const stored = await store.flushUploads(userId);
      await reload();
      if (stored > 0) onStored();
      return stored;
    } finally {
      setSending(false);
    }
  }, [userId, reload, onStored]);

  useEffect(() => {
    void reload();
    const changed = () => void reload();
    const stored = () => onStored();
    window.addEventListener("bc-uploads-changed", changed);
    window.addEventListener("bc-uploads-stored", stored);
    return () => {
      window.removeEventListener("bc-uploads-changed", changed);
      window.removeEventListener("bc-uploads-stored", stored);
    };
  }, [reload, onStored]);

  const add = useCallback(
    async (files: File[], kind: EvidenceKind) => {
      if (!userId) return;
      const store = await deviceStore();
      for (const file of files) await store.queueUpload({ userId, taskId, kind, name: file.name, type: file.type, size: file.size, file });
      await reload();
      // Background Sync where the browser has it: the upload happens even if the page is closed.
      try {
        const registration = await navigator.serviceWorker?.getRegistration();
        const sync = (registration as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } } | undefined)?.sync;
        if (sync) await sync.register((await import("~/domain/offline")).uploadSyncTag);
      } catch {
        // No Background Sync: the page sends the queue on the next open or `online` event.
      }
    },
    [userId, taskId, reload],
  );

  const remove = useCallback(
    async (clientKey: string) => {
      const store = await deviceStore();
      await store.dropUpload(clientKey);
      await reload();
    },
    [reload],
  );

  return { items, waiting: items.filter((i) => i.state === "waiting").length, sending, add, remove, send };
}
