import { readdirSync, readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { build, type Metafile } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

// Issue #16, cold start: what a web process loads before /healthz answers. Heavy packages that no
// page needs at start (the queue board, the worker runtime, exceljs, sharp) are imported on first use,
// so they must not be static imports of the server bundle (`npm run build:server`, whose flags
// this reads from package.json) nor of any route module (the Remix build imports every route at start).
const out = mkdtempSync(path.join(tmpdir(), "baicheng-imports-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const script = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts["build:server"]!;
const externals = [...script.matchAll(/--external:(\S+)/g)].map((m) => m[1]!);

/** Packages and files reachable from `entry` through static imports only. */
function staticallyLoaded(metafile: Metafile, entry: string): Set<string> {
  const loaded = new Set<string>();
  const visit = (file: string) => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const i of metafile.outputs[file]?.imports ?? []) if (i.kind === "import-statement") visit(i.path);
  };
  visit(entry);
  // What the loaded chunks bundle inside them.
  for (const file of [...loaded]) for (const input of Object.keys(metafile.outputs[file]?.inputs ?? {})) loaded.add(input);
  return loaded;
}

describe("start-up imports", () => {
  it("the compiled server loads neither the queue board nor the worker runtime until they are used", async () => {
    expect(script).toContain("--splitting");
    const { metafile } = await build({
      entryPoints: ["server.ts"],
      bundle: true,
      splitting: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outdir: out,
      external: externals,
      metafile: true,
      logLevel: "silent",
    });
    const entry = Object.keys(metafile.outputs).find((f) => metafile.outputs[f]!.entryPoint === "server.ts")!;
    const loaded = [...staticallyLoaded(metafile, entry)];
    expect(loaded.filter((f) => /@bull-board|queue-board\.server|workers\/runtime|workers\/processors|exceljs|sharp/.test(f))).toEqual([]);
    // ...while they are still in the build, behind a dynamic import.
    expect(Object.keys(metafile.inputs).some((f) => f.includes("queue-board.server"))).toBe(true);
    expect(Object.keys(metafile.inputs).some((f) => f.includes("workers/runtime"))).toBe(true);
  });

  it("no route module imports exceljs or sharp at load", async () => {
    const routes = readdirSync("app/routes").filter((f) => /\.tsx?$/.test(f));
    const { metafile } = await build({
      stdin: { contents: routes.map((f, i) => `export * as r${i} from "./app/routes/${f}";`).join("\n"), resolveDir: process.cwd(), loader: "ts" },
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      tsconfig: "tsconfig.json",
      loader: { ".css": "empty" },
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const imports = Object.values(metafile.outputs).flatMap((o) => o.imports);
    const atLoad = imports.filter((i) => i.external && i.kind === "import-statement").map((i) => i.path);
    expect(atLoad.filter((p) => /^(exceljs|sharp)(\/|$)/.test(p))).toEqual([]);
    // The template download still has exceljs, on first use.
    expect(imports.some((i) => i.path === "exceljs" && i.kind === "dynamic-import")).toBe(true);
  });
});
