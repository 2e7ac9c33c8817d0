import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { getConfig } from "~/config.server";

/**
 * Where uploaded bytes live. Keys are made by the server (never from a user's file name), so a
 * store may map them straight to paths or object names; an S3-compatible store can implement this.
 */
export interface FileStorage {
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The stored bytes, or null when nothing is stored under the key. */
  get(key: string): Promise<Uint8Array<ArrayBuffer> | null>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Every object under a key prefix ("ev/"), with when it was last written (for the orphan sweep). */
  list(prefix: string): AsyncIterable<StoredObject>;
}

export interface StoredObject {
  key: string;
  size: number;
  modifiedAt: Date;
}

export class InvalidStorageKeyError extends Error {}

// Lower-case segments of letters, digits, "-", "_" and inner dots: no "..", no absolute paths, no backslashes.
const keyPattern = /^(?:[a-z0-9_-]+\/)*[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$/;

export function assertStorageKey(key: string): void {
  if (key.length > 200 || key.includes("..") || !keyPattern.test(key)) throw new InvalidStorageKeyError(`invalid storage key: ${JSON.stringify(key)}`);
}

/** A fresh key for an evidence file: ev/<yyyy>/<mm>/<128-bit random hex>.<ext>. */
export function newEvidenceKey(extension: string, now = new Date()): string {
  const month = String(now.getUTCMonth() + 1).padStart(2, "0");
  const key = `ev/${now.getUTCFullYear()}/${month}/${randomBytes(16).toString("hex")}.${extension}`;
  assertStorageKey(key);
  return key;
}

/** Keys this app writes under ev/: a file, its thumbnail, or a write that never finished (".part"). */
export function isEvidenceObjectKey(key: string): boolean {
  return /^ev\/\d{4}\/\d{2}\/[0-9a-f]{32}\.(?:jpg|png|webp|pdf|thumb\.webp)(?:\.[0-9a-f]{12}\.part)?$/.test(key);
}

/** The key of a file's thumbnail, next to the file. */
export function thumbnailKeyFor(key: string): string {
  return key.replace(/\.[a-z0-9]+$/, ".thumb.webp");
}

/** Files under one folder on the local disk; the default store. */
export class LocalDiskStorage implements FileStorage {
  constructor(readonly root: string) {}

  private pathOf(key: string): string {
    assertStorageKey(key);
    const full = path.resolve(this.root, key);
    // Belt and braces: the pattern already keeps keys inside the root.
    if (!full.startsWith(path.resolve(this.root) + path.sep)) throw new InvalidStorageKeyError(`key escapes the storage root: ${key}`);
    return full;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Written aside, then renamed: a reader never sees half a file, and a crash leaves only a temp file.
    const temporary = `${target}.${randomBytes(6).toString("hex")}.part`;
    try {
      await writeFile(temporary, bytes, { flag: "wx" });
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<Uint8Array<ArrayBuffer> | null> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<StoredObject> {
    const root = path.resolve(this.root);
    const walk = async function* (dir: string): AsyncGenerator<StoredObject> {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) yield* walk(full);
        else if (entry.isFile()) {
          const info = await stat(full).catch(() => null);
          // Keys use "/" whatever the platform's separator is.
          if (info) yield { key: path.relative(root, full).split(path.sep).join("/"), size: info.size, modifiedAt: info.mtime };
        }
      }
    };
    const start = prefix.replace(/\/+$/, "");
    if (start && (start.includes("..") || !keyPattern.test(start))) throw new InvalidStorageKeyError(`invalid storage prefix: ${JSON.stringify(prefix)}`);
    yield* walk(start ? path.join(root, start) : root);
  }
}

// Registered like the database: server.ts (or a test) may install another store at start-up.
const storageKey = Symbol.for("baicheng.fileStorage");
type Store = { [storageKey]?: FileStorage };

export function registerStorage(store: FileStorage | null): void {
  if (store) (globalThis as Store)[storageKey] = store;
  else delete (globalThis as Store)[storageKey];
}

/** The configured store: the registered one, else the local disk under ${DATA_DIR}/uploads. */
export function storage(): FileStorage {
  const store = globalThis as Store;
  store[storageKey] ??= new LocalDiskStorage(path.resolve(getConfig().DATA_DIR, "uploads"));
  return store[storageKey];
}

/** What a checked upload brings to be stored: the file's bytes and, for a photo, its thumbnail. */
export interface PreparedUpload {
  data: Uint8Array;
  mimeType: string;
  extension: string;
  thumbnail: Uint8Array | null;
}

/**
 * Stores a checked file (and its thumbnail) under new server-made keys, then lets `record` write its
 * row. The bytes are removed again when `record` throws or its result says they are not kept (a
 * refusal under the lock, a repeat of an earlier upload), so no failed upload leaves files behind.
 */
export async function storeUpload<T>(prepared: PreparedUpload, record: (keys: { key: string; thumbnailKey: string | null }) => Promise<T>, kept: (result: T) => boolean): Promise<T> {
  const store = storage();
  const key = newEvidenceKey(prepared.extension);
  const thumbnailKey = prepared.thumbnail ? thumbnailKeyFor(key) : null;
  const written: string[] = [];
  const removeWritten = () => Promise.allSettled(written.map((k) => store.delete(k)));
  try {
    await store.put(key, prepared.data, prepared.mimeType);
    written.push(key);
    if (thumbnailKey && prepared.thumbnail) {
      await store.put(thumbnailKey, prepared.thumbnail, "image/webp");
      written.push(thumbnailKey);
    }
    const result = await record({ key, thumbnailKey });
    if (!kept(result)) await removeWritten();
    return result;
  } catch (error) {
    await removeWritten();
    throw error;
  }
}
