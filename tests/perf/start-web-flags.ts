import { readFileSync } from "node:fs";

/**
 * The V8 heap flags of the production web start (`npm run start:web` in package.json), so benchmarks
 * measure the web server as it is run.
 */
export function startWebHeapFlags(): string[] {
  const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
  return (scripts["start:web"] ?? "").split(/\s+/).filter((arg) => /^--max-(semi|old)-space-size=\d+$/.test(arg));
}
