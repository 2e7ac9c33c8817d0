import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { logger } from "~/logger.server";
import type { CertificatePdfInput } from "./certificate-pdf";

// Worker threads that draw certificate PDFs (decision 021). Drawing a page with an embedded CJK
// subset font is CPU work of tens of milliseconds; in the worker process's main thread it would hold
// up the database and queue traffic of every other job. Each thread parses the fonts once and keeps
// them. A thread that dies fails only the PDFs it had in hand (their jobs are retried by the queue);
// the next PDF starts a fresh thread.

export interface CertificatePdfPoolOptions {
  /** Threads, at most: one per core by default. */
  size: number;
  /** PDFs handed to one thread at a time, so it never waits for the next message. */
  perThread: number;
  /** Per PDF, from the moment a thread takes it; the thread is terminated after this. */
  timeoutMs: number;
  /** The worker entry (tests start one that misbehaves). */
  script?: string;
}

export function defaultCertificatePdfPoolOptions(): CertificatePdfPoolOptions {
  return { size: Math.max(1, Math.min(8, availableParallelism())), perThread: 2, timeoutMs: 60_000 };
}

/** A PDF that could not be drawn because its thread stopped (crash, heap, timeout): worth a retry. */
export class RendererStopped extends Error {}

interface Task {
  id: number;
  input: CertificatePdfInput;
  resolve: (pdf: Uint8Array) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | null;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  tasks: Map<number, Task>;
}

type WorkerMessage = { ready: true } | { id: number; pdf: Uint8Array } | { id: number; error: string };

/** The worker entry, found from this module's place whether it runs from app/ (tsx, vitest) or build/. */
function workerScript(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(dir, "app", "services", "certificate-pdf-worker.mjs");
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error("certificate worker script app/services/certificate-pdf-worker.mjs not found");
}

export class CertificatePdfPool {
  private readonly threads: Thread[] = [];
  private readonly waiting: Task[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly options: CertificatePdfPoolOptions = defaultCertificatePdfPoolOptions()) {}

  /** Draws one certificate PDF in a worker thread. */
  render(input: CertificatePdfInput): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error("certificate pool is closed"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ id: this.nextId++, input, resolve, reject, timer: null });
      this.pump();
    });
  }

  /** Threads running now (for tests). */
  get size(): number {
    return this.threads.length;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.waiting.splice(0)) task.reject(new Error("certificate pool closed"));
    await Promise.all(this.threads.splice(0).map((thread) => this.stop(thread, new Error("certificate pool closed"))));
  }

  private pump() {
    while (this.waiting.length > 0) {
      const free = this.threads.filter((t) => t.ready && t.tasks.size < this.options.perThread).sort((a, b) => a.tasks.size - b.tasks.size)[0];
      if (!free) {
        // A thread still starting takes its share when it says it is ready.
        const starting = this.threads.some((t) => !t.ready);
        if (this.threads.length < this.options.size && !starting) this.spawn();
        return;
      }
      this.dispatch(free, this.waiting.shift()!);
    }
  }

  private spawn() {
    const worker = new Worker(this.options.script ?? workerScript(), {
      // Not the parent's flags: the entry installs its own loader, and a debugger port must not be shared.
      execArgv: [],
      resourceLimits: { maxOldGenerationSizeMb: 512, stackSizeMb: 4 },
    });
    const thread: Thread = { worker, ready: false, tasks: new Map() };
    this.threads.push(thread);
    worker.unref();
    worker.on("message", (message: WorkerMessage) => {
      if ("ready" in message) {
        thread.ready = true;
        this.pump();
        return;
      }
      const task = this.take(thread, message.id);
      if (!task) return;
      if ("error" in message) task.reject(new Error(message.error));
      else task.resolve(new Uint8Array(message.pdf.buffer, message.pdf.byteOffset, message.pdf.byteLength));
      this.pump();
    });
    worker.on("error", (error: Error) => {
      if (!thread.ready && thread.tasks.size === 0) {
        // A thread that cannot even start is our fault: say so to everyone waiting, not once per retry.
        logger.error({ err: error }, "certificate worker thread could not start");
        this.forget(thread);
        for (const task of this.waiting.splice(0)) task.reject(error);
        return;
      }
      logger.warn({ err: error, pdfs: thread.tasks.size }, "certificate worker thread died");
      void this.stop(thread, new RendererStopped(`certificate renderer thread stopped: ${error.message}`));
    });
    worker.on("exit", (code) => {
      void this.stop(thread, new RendererStopped(`certificate renderer thread exited with code ${code}`));
    });
  }

  private dispatch(thread: Thread, task: Task) {
    thread.tasks.set(task.id, task);
    thread.worker.ref();
    task.timer = setTimeout(() => {
      logger.warn({ timeoutMs: this.options.timeoutMs, number: task.input.number }, "certificate PDF took too long; thread terminated");
      void this.stop(thread, new RendererStopped(`certificate PDF took longer than ${this.options.timeoutMs} ms`));
    }, this.options.timeoutMs);
    thread.worker.postMessage({ id: task.id, input: task.input });
  }

  /** Takes a finished task off its thread and stops its clock. */
  private take(thread: Thread, id: number): Task | undefined {
    const task = thread.tasks.get(id);
    if (!task) return undefined;
    thread.tasks.delete(id);
    if (task.timer) clearTimeout(task.timer);
    if (thread.tasks.size === 0) thread.worker.unref();
    return task;
  }

  private forget(thread: Thread) {
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads.splice(index, 1);
  }

  /** Ends a thread: only the PDFs it held fail; the others wait for a fresh thread. */
  private async stop(thread: Thread, reason: Error) {
    this.forget(thread);
    for (const id of [...thread.tasks.keys()]) this.take(thread, id)?.reject(reason);
    await thread.worker.terminate();
    if (!this.closed) this.pump();
  }
}

const poolKey = Symbol.for("baicheng.certificatePdfPool");
type PoolStore = { [poolKey]?: CertificatePdfPool };

/** The process's certificate pool (made on first use; tests may register their own). */
export function certificatePdfPool(): CertificatePdfPool {
  const store = globalThis as PoolStore;
  store[poolKey] ??= new CertificatePdfPool();
  return store[poolKey];
}

/** Replaces the process's pool (tests), or forgets it (null) so the next use makes a fresh one. */
export function registerCertificatePdfPool(pool: CertificatePdfPool | null): void {
  const store = globalThis as PoolStore;
  if (pool) store[poolKey] = pool;
  else delete store[poolKey];
}

/** Closes the process's pool, if one was started (workers shutting down). */
export async function closeCertificatePdfPool(): Promise<void> {
  const store = globalThis as PoolStore;
  const pool = store[poolKey];
  delete store[poolKey];
  await pool?.close();
}
