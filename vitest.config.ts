import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(__dirname, "app") } },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/setup-each-file.ts"],
    // Files run in parallel; each has its own database and queue prefix.
    pool: "forks",
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
