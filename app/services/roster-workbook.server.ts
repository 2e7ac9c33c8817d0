import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { logger } from "~/logger.server";
import type { WorkbookRecords } from "./roster-reading";

// Reads an uploaded roster workbook in a worker thread with a heap cap and a time limit: exceljs
// parses on the thread it runs on (about a second for 5,000 rows), and that must not be the one
// answering every other request (docs/decisions/014-onboarding.md).

export const workbookReading = { timeoutMs: 20_000, heapMb: 256 } as const;

/** The worker entry, found from this module's place whether it runs from app/ (tsx, vitest) or build/. */
function workerScript(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = path.join(dir, "app", "services", "roster-worker.mjs");
    if (existsSync(candidate)) return candidate;
    const here = path.join(dir, "roster-worker.mjs");
    if (existsSync(here)) return here;
    dir = path.dirname(dir);
  }
  throw new Error("roster worker script app/services/roster-worker.mjs not found");
}

export function readRosterWorkbook(bytes: Uint8Array): Promise<WorkbookRecords> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerScript(), {
      workerData: bytes,
      resourceLimits: { maxOldGenerationSizeMb: workbookReading.heapMb, maxYoungGenerationSizeMb: 32, stackSizeMb: 4 },
    });
    let settled = false;
    const finish = (outcome: WorkbookRecords | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      if (outcome instanceof Error) return reject(outcome);
      if (!outcome.ok && outcome.detail) logger.info({ detail: outcome.detail }, "an uploaded workbook could not be read");
      resolve(outcome);
    };
    const tooBig: WorkbookRecords = { ok: false, problem: { key: "import.file.workbookTooBig" } };
    const timer = setTimeout(() => {
      logger.warn({ bytes: bytes.length }, "reading an uploaded workbook took too long; stopped");
      finish(tooBig);
    }, workbookReading.timeoutMs);
    worker.once("message", (result: WorkbookRecords) => finish(result));
    worker.once("error", (error) => {
      // The heap cap: a workbook that needs more memory than any roster is refused, not a 500.
      if ((error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY") return finish(tooBig);
      finish(error);
    });
    worker.once("exit", (code) => finish(new Error(`roster worker exited with code ${code} before answering`)));
  });
}
