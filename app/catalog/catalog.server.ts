import { readFileSync } from "node:fs";
import path from "node:path";
import type { Catalog } from "./types";

// Read once per process from the build output; the request path never compiles MDX.
let cached: Catalog | undefined;

export function catalog(): Catalog {
  if (!cached) {
    const file = path.join(process.cwd(), ".cache", "catalog.json");
    try {
      cached = JSON.parse(readFileSync(file, "utf8")) as Catalog;
    } catch {
      throw new Error(`course catalog missing at ${file}: run \`npm run build\` first`);
    }
    // A catalog from before module bodies were rendered at build (decision 022) would show empty pages.
    if (cached.modules.some((m) => typeof m.html !== "string")) {
      cached = undefined;
      throw new Error(`course catalog at ${file} has no rendered module bodies: run \`npm run build\` again`);
    }
  }
  return cached;
}
