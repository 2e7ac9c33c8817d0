// Loaded only by tests/perf/memory.ts into the server it measures (`node --expose-gc --import ./tests/perf/gc-probe.mjs`; plain JavaScript, so the server runs without tsx), never in
// production: on SIGUSR2 the server collects garbage and writes its memory figures to the file named by
// PERF_MEMORY_PROBE, so the benchmark can read the heap that is really live after a round.
import { writeFileSync } from "node:fs";

const file = process.env.PERF_MEMORY_PROBE;
if (file) {
  process.on("SIGUSR2", () => {
    globalThis.gc?.();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    writeFileSync(file, JSON.stringify({ rss, heapUsed, heapTotal, external, arrayBuffers, at: Date.now() }));
  });
}
