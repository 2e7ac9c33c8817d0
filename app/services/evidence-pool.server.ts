import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { EvidenceKind } from "../../db/schema";
import { logger } from "~/logger.server";
import { defaultProcessingLimits, type EvidenceJob, type ProcessedEvidence, type ProcessingLimits } from "./evidence-processing";

// A few worker threads that sniff, inspect and re-encode evidence files, so that no file — however
// hostile — holds up the thread that answers requests. Each file gets a time limit (the worker is
// terminated when it passes), each worker a heap limit; files wait in a bounded queue.

export interface EvidencePoolOptions {
  /** Worker threads, at most. */
  size: number;
  /** Per file, from the moment a worker takes it; the worker is terminated after this. */
  timeoutMs: number;
  /** Files waiting for a worker; beyond this an upload is told to come back later. */
  maxQueued: number;
  /** V8 heap cap of each worker (buffers are held to the decoding budget separately). */
  heapMb: number;
  limits: ProcessingLimits;
}

export function defaultPoolOptions(): EvidencePoolOptions {
  return {
    // Leave a core for the request thread; a phone photo or PDF takes well under a second.
    size: Math.max(1, Math.min(4, availableParallelism() - 1)),
    timeoutMs: 15_000,
    maxQueued: 64,
    heapMb: 256,
    limits: { ...defaultProcessingLimits, imageSeconds: 10 },
  };
}

export type PoolOutcome = ProcessedEvidence | { ok: false; problem: "processingTimeout" | "tooComplex" | "busy" };

interface Task {
  id: number;
  job: EvidenceJob;
  resolve: (outcome: PoolOutcome) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  task: Task | null;
  timer: NodeJS.Timeout | null;
}

type WorkerMessage = { ready: true } | { id: number; result: ProcessedEvidence } | { id: number; error: string };

/** The worker entry, found from this module's place whether it runs from app/ (tsx, vitest) or build/. */
function workerScript(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(dir, "app", "services", "evidence-worker.mjs");
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error("evidence worker script app/services/evidence-worker.mjs not found");
}

export class EvidencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly script = workerScript();
  // sharp's native library must be loaded in the main thread before a worker that uses it exits; it is
  // loaded with the first file rather than when the server starts (issue #16, cold start).
  private sharpInMainThread: Promise<unknown> | undefined;

  constructor(readonly options: EvidencePoolOptions) {}

  /** Judges and prepares one file in a worker thread. Rejects only when no worker can start, or after close(). */
  process(bytes: Uint8Array, kind: EvidenceKind): Promise<PoolOutcome> {
    if (this.closed) return Promise.reject(new Error("evidence pool is closed"));
    if (this.queue.length >= this.options.maxQueued) return Promise.resolve({ ok: false, problem: "busy" });
    // A view over a larger buffer would send the whole buffer to the worker.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    this.sharpInMainThread ??= import("sharp");
    return this.sharpInMainThread.then(() =>
      this.closed
        ? Promise.reject(new Error("evidence pool is closed"))
        : new Promise<PoolOutcome>((resolve, reject) => {
            this.queue.push({ id: this.nextId++, job: { bytes: own, kind, limits: this.options.limits }, resolve, reject });
            this.pump();
          }),
    );
  }

  /** Worker threads running now (for tests and health reports). */
  get threads(): number {
    return this.slots.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error("evidence pool closed"));
    await Promise.all(this.slots.map((slot) => this.retire(slot)));
  }

  private pump() {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.ready && !s.task);
      if (!slot) {
        if (this.slots.length < this.options.size) this.spawn();
        return;
      }
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private spawn() {
    const worker = new Worker(this.script, {
      // Not the parent's flags: the entry installs its own loader, and a debugger port must not be shared.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: this.options.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    const slot: Slot = { worker, ready: false, task: null, timer: null };
    this.slots.push(slot);
    worker.unref();
    worker.on("message", (message: WorkerMessage) => {
      if ("ready" in message) {
        slot.ready = true;
        this.pump();
      } else if (slot.task?.id === message.id) {
        const task = this.release(slot);
        if ("error" in message) {
          // A file that trips our own code is still refused, never a 500; the error is ours to read in the log.
          logger.error({ err: message.error, kind: task.job.kind, bytes: task.job.bytes.byteLength }, "evidence worker threw on a file");
          task.resolve({ ok: false, problem: "tooComplex" });
        } else task.resolve(message.result);
        this.pump();
      }
    });
    worker.on("error", (error: Error & { code?: string }) => {
      // Out of heap, or a crash: the file is refused as too complex; a worker that never started is our fault.
      const task = slot.task ? this.release(slot) : null;
      this.forget(slot);
      if (task) {
        logger.warn({ err: error, code: error.code }, "evidence worker died on a file");
        task.resolve({ ok: false, problem: "tooComplex" });
      } else if (!slot.ready) {
        logger.error({ err: error }, "evidence worker could not start");
        for (const waiting of this.queue.splice(0)) waiting.reject(error);
      }
      this.pump();
    });
    worker.on("exit", () => {
      const task = slot.task ? this.release(slot) : null;
      this.forget(slot);
      task?.resolve({ ok: false, problem: "tooComplex" });
      if (!this.closed) this.pump();
    });
  }

  private dispatch(slot: Slot, task: Task) {
    slot.task = task;
    slot.worker.ref();
    slot.timer = setTimeout(() => {
      const late = this.release(slot);
      logger.warn({ timeoutMs: this.options.timeoutMs, kind: late.job.kind, bytes: late.job.bytes.byteLength }, "evidence file took too long; worker terminated");
      late.resolve({ ok: false, problem: "processingTimeout" });
      void this.retire(slot);
      this.pump();
    }, this.options.timeoutMs);
    slot.worker.postMessage({ id: task.id, job: task.job });
  }

  /** Takes the task off a slot (and stops its clock); the slot is idle again. */
  private release(slot: Slot): Task {
    const task = slot.task!;
    slot.task = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.worker.unref();
    return task;
  }

  private forget(slot: Slot) {
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
  }

  private async retire(slot: Slot) {
    this.forget(slot);
    await slot.worker.terminate();
  }
}

const poolKey = Symbol.for("baicheng.evidencePool");
type PoolStore = { [poolKey]?: EvidencePool };

/** The process's evidence pool (made on first use; tests may register their own). */
export function evidencePool(): EvidencePool {
  const store = globalThis as PoolStore;
  store[poolKey] ??= new EvidencePool(defaultPoolOptions());
  return store[poolKey];
}

export function registerEvidencePool(pool: EvidencePool | null): void {
  if (pool) (globalThis as PoolStore)[poolKey] = pool;
  else delete (globalThis as PoolStore)[poolKey];
}
