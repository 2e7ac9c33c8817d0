// Compiles every MDX module under content/ once (one file at a time, cached by
// content hash) and writes the catalog the server reads. Run by `npm run build`.
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, writeFile, stat } from "node:fs/promises";
import path from "node:path";
import { bundleMDX } from "mdx-bundler";
import remarkCjkFriendly from "remark-cjk-friendly";
import remarkGfm from "remark-gfm";
import { parse as parseYaml } from "yaml";
import {
  describeIssues,
  moduleFrontmatterSchema,
  programSchema,
  tierIds,
  trackIds,
  type ModuleFrontmatter,
  type ProgramConfig,
} from "./schema";
import { renderModuleHtml } from "./module-html.server";
import type { Catalog, CatalogModule } from "./types";
import { startedAs } from "~/utils/entry-point";

const root = process.cwd();
const defaultContentDir = path.join(root, "content");
const cacheDir = path.join(root, ".cache", "mdx");
/** Bump when the compile options change, so cached output is rebuilt. */
const compilerVersion = "mdx-bundler-10.1.1+gfm+cjk-2";
export const catalogFile = path.join(root, ".cache", "catalog.json");

export class ContentError extends Error {}

/** How many modules this process compiled (cache misses); the request path must never add to it. */
let compileCount = 0;
export function compiledModuleCount(): number {
  return compileCount;
}

async function exists(p: string) {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function loadProgram(contentDir: string): Promise<ProgramConfig> {
  const file = path.join(contentDir, "program.yaml");
  let raw: unknown;
  try {
    raw = parseYaml(await readFile(file, "utf8"));
  } catch (error) {
    const e = error as Error & { linePos?: Array<{ line: number; col: number }> };
    throw new ContentError(`content/program.yaml:${e.linePos?.[0]?.line ?? "?"}: ${e.message.split("\n")[0]}`);
  }
  const parsed = programSchema.safeParse(raw);
  if (!parsed.success) throw new ContentError(describeIssues("content/program.yaml", parsed.error));
  const art = parsed.data.certificateArt;
  for (const [field, image] of [["seal", art.seal], ["signature.image", art.signature?.image]] as const) {
    if (image && !(await exists(path.join(contentDir, image)))) {
      throw new ContentError(`content/program.yaml: certificateArt.${field}: no file content/${image}`);
    }
  }
  return parsed.data;
}

async function compileModule(file: string, source: string): Promise<{ code: string; frontmatter: unknown }> {
  const hash = createHash("sha256").update(compilerVersion).update(source).digest("hex");
  const cached = path.join(cacheDir, `${hash}.json`);
  if (await exists(cached)) return JSON.parse(await readFile(cached, "utf8"));
  try {
    compileCount += 1;
    const result = await bundleMDX({
      source,
      cwd: path.dirname(file),
      mdxOptions(options) {
        // CJK-friendly emphasis: **要点。**文字 must still be bold (CommonMark alone leaves the asterisks).
        options.remarkPlugins = [...(options.remarkPlugins ?? []), remarkGfm, remarkCjkFriendly];
        return options;
      },
    });
    const out = { code: result.code, frontmatter: result.frontmatter };
    await writeFile(cached, JSON.stringify(out));
    return out;
  } catch (error) {
    // esbuild errors carry locations; show them as file:line:column.
    const errors = (error as { errors?: Array<{ text: string; location?: { line: number; column: number } }> }).errors;
    const rel = path.relative(root, file);
    if (errors?.length) {
      throw new ContentError(
        errors.map((e) => `${rel}:${e.location?.line ?? "?"}:${e.location?.column ?? "?"}: ${e.text}`).join("\n"),
      );
    }
    throw new ContentError(`${rel}: ${(error as Error).message}`);
  }
}

// Folded YAML joins lines with a space, which Chinese text must not have ("服务 对象" → "服务对象").
const cjk = "[\\u3000-\\u303f\\u4e00-\\u9fff\\uff00-\\uffef]";
const cjkGap = new RegExp(`(?<=${cjk}) (?=${cjk})`, "g");
function tidyChineseSpacing(value: unknown): unknown {
  if (typeof value === "string") return value.replace(cjkGap, "");
  if (Array.isArray(value)) return value.map(tidyChineseSpacing);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, tidyChineseSpacing(v)]));
  }
  return value;
}

export async function buildCatalog(contentDir = defaultContentDir): Promise<Catalog> {
  await mkdir(cacheDir, { recursive: true });
  const program = await loadProgram(contentDir);
  const modules: CatalogModule[] = [];
  const problems: string[] = [];
  const seenIds = new Map<string, string>();

  for (const entry of await readdir(contentDir, { withFileTypes: true })) {
    if (entry.isDirectory() && !(trackIds as readonly string[]).includes(entry.name)) {
      problems.push(`content/${entry.name}: unknown track (expected one of ${trackIds.join(", ")})`);
    }
  }
  for (const track of trackIds) {
    if (await exists(path.join(contentDir, track))) {
      for (const entry of await readdir(path.join(contentDir, track), { withFileTypes: true })) {
        if (entry.isDirectory() && !(tierIds as readonly string[]).includes(entry.name)) {
          problems.push(`content/${track}/${entry.name}: unknown tier (expected one of ${tierIds.join(", ")})`);
        }
      }
    }
    for (const tier of tierIds) {
      const dir = path.join(contentDir, track, tier);
      if (!(await exists(dir))) continue;
      const files = (await readdir(dir)).filter((f) => f.endsWith(".mdx")).sort();
      for (const name of files) {
        const file = path.join(dir, name);
        const rel = path.relative(root, file);
        if (!/^\d{2}-[a-z0-9-]+\.mdx$/.test(name)) {
          problems.push(`${rel}: file name must look like 01-some-slug.mdx`);
          continue;
        }
        const source = await readFile(file, "utf8");
        let compiled;
        try {
          compiled = await compileModule(file, source);
        } catch (error) {
          problems.push((error as Error).message);
          continue;
        }
        const fm = moduleFrontmatterSchema.safeParse(tidyChineseSpacing(compiled.frontmatter));
        if (!fm.success) {
          problems.push(describeIssues(rel, fm.error));
          continue;
        }
        const front: ModuleFrontmatter = fm.data;
        for (const id of [front.id, ...front.tasks.map((t) => t.id)]) {
          const other = seenIds.get(id);
          if (other) problems.push(`${rel}: id "${id}" is already used in ${other}`);
          seenIds.set(id, rel);
        }
        const taskIds = new Set(front.tasks.map((t) => t.id));
        for (const m of source.matchAll(/<(?:Task|Quiz)\s+id="([^"]+)"/g)) {
          if (!taskIds.has(m[1]!)) problems.push(`${rel}: <Task id="${m[1]}"> names no task of this module`);
        }
        let html: string;
        try {
          // Rendered here, once, rather than on every request (decision 022).
          html = renderModuleHtml({ code: compiled.code, objectives: front.objectives, tasks: front.tasks });
        } catch (error) {
          problems.push(`${rel}: ${(error as Error).message}`);
          continue;
        }
        modules.push({
          ...front,
          track,
          tier,
          order: Number(name.slice(0, 2)),
          slug: name.slice(3, -4),
          file: rel,
          hash: createHash("sha256").update(source).digest("hex").slice(0, 16),
          code: compiled.code,
          html,
        });
      }
    }
  }
  if (problems.length) throw new ContentError(problems.join("\n"));
  return { program, modules };
}

const isMain = startedAs("app/catalog/build-content.ts");
if (isMain) {
  const started = Date.now();
  buildCatalog()
    .then(async (catalog) => {
      await writeFile(catalogFile, JSON.stringify(catalog));
      console.log(`content: ${catalog.modules.length} modules compiled in ${Date.now() - started} ms`);
    })
    .catch((error: Error) => {
      console.error(error instanceof ContentError ? `content build failed:\n${error.message}` : error);
      process.exit(1);
    });
}
