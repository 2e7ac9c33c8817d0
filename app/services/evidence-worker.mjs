// One evidence worker thread (started by evidence-pool.server.ts). Plain JavaScript so Node can start
// it the same way under the built server, tsx and vitest; it installs tsx's loader for its own thread,
// then loads the TypeScript that does the work.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { processEvidenceFile } = await import("./evidence-processing.ts");

parentPort.on("message", async ({ id, job }) => {
  try {
    const result = await processEvidenceFile(job);
    // Handed back without a copy; the two buffers are never the same one.
    const transfer = result.ok ? [result.data.buffer, ...(result.thumbnail ? [result.thumbnail.buffer] : [])] : [];
    parentPort.postMessage({ id, result }, transfer);
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
parentPort.postMessage({ ready: true });
