import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, vi } from "vitest";

// Never the repository's data/: workers started by a test purge and sweep storage under DATA_DIR.
if (!process.env.DATA_DIR) {
  const dataDir = mkdtempSync(path.join(tmpdir(), "baicheng-test-data-"));
  process.env.DATA_DIR = dataDir;
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
}

// An unexpected console.error is a bug: fail the test that caused it.
let spy: ReturnType<typeof vi.spyOn> | undefined;
beforeEach(() => {
  spy = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    throw new Error(`console.error was called: ${args.map(String).join(" ")}`);
  });
});
afterEach(() => {
  spy?.mockRestore();
});
