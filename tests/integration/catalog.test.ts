import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCatalog, compiledModuleCount } from "~/catalog/build-content";
import { catalog } from "~/catalog/catalog.server";
import { registerDatabase } from "~/db.server";
import { syncCatalog } from "~/models/curriculum.server";
import { loader as moduleLoader } from "~/routes/learn.$track.$tier.$slug";
import { createTestApp, makeRequest, responseOf } from "../support/app";

const sample = readFileSync("content/campus/foundation/01-student-development.mdx", "utf8");
const dirs: string[] = [];

/** A content folder with program.yaml and the given modules (path → source). */
function contentWith(modules: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "baicheng-content-"));
  dirs.push(dir);
  cpSync("content/program.yaml", path.join(dir, "program.yaml"));
  for (const [rel, source] of Object.entries(modules)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), source);
  }
  return dir;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const failure = (dir: string) => buildCatalog(dir).then(() => "built", (e: Error) => e.message);

describe("content build refuses bad input and names the file and field", () => {
  it("a missing id", async () => {
    const dir = contentWith({ "campus/foundation/01-a.mdx": sample.replace(/^id: .*$/m, "") });
    expect(await failure(dir)).toMatch(/campus\/foundation\/01-a\.mdx: id: /);
  });
  it("duplicate ids", async () => {
    const dir = contentWith({ "campus/foundation/01-a.mdx": sample, "campus/foundation/02-b.mdx": sample });
    expect(await failure(dir)).toMatch(/02-b\.mdx: id "campus-foundation-student-development" is already used/);
  });
  it("an unknown tier folder and an unknown theme", async () => {
    const dir = contentWith({ "campus/expert/01-a.mdx": sample, "campus/foundation/01-a.mdx": sample.replace("themes: [promotion]", "themes: [astrology]") });
    const message = await failure(dir);
    expect(message).toMatch(/content\/campus\/expert: unknown tier/);
    expect(message).toMatch(/01-a\.mdx: themes\.0: /);
  });
  it("a <Task id> that the frontmatter does not declare", async () => {
    const dir = contentWith({ "campus/foundation/01-a.mdx": `${sample}\n<Task id="no-such-task" />\n` });
    expect(await failure(dir)).toMatch(/01-a\.mdx: <Task id="no-such-task"> names no task/);
  });
  it("a rubric whose points do not add up", async () => {
    const source = readFileSync("content/community/foundation/02-listening-companionship.mdx", "utf8");
    const broken = source.replace(/points: (\d+)/, (_, p: string) => `points: ${Number(p) + 5}`);
    const dir = contentWith({ "community/foundation/01-a.mdx": broken });
    expect(await failure(dir)).toMatch(/01-a\.mdx: tasks\.0\.rubric.*add up to 100|01-a\.mdx: tasks\.0\.rubric\.criteria/);
  });
  it("broken MDX syntax with file:line", async () => {
    const dir = contentWith({ "campus/foundation/01-a.mdx": `${sample}\n\n<Callout type="tip">\nunclosed\n` });
    expect(await failure(dir)).toMatch(/campus\/foundation\/01-a\.mdx:\d+:\d+: /);
  });
});

describe("compile once", () => {
  it("a second build of unchanged content compiles nothing (cache hit by content hash)", async () => {
    const dir = contentWith({ "campus/foundation/01-a.mdx": `${sample}\n\n缓存测试 ${Date.now()}\n` });
    const before = compiledModuleCount();
    await buildCatalog(dir);
    expect(compiledModuleCount()).toBe(before + 1);
    await buildCatalog(dir);
    expect(compiledModuleCount()).toBe(before + 1);
  });
});

describe("content sync and the request path", () => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => app?.close());

  it("a changed task gets a new version, the old one is kept, a removed module is retired", async () => {
    const current = catalog();
    const first = await syncCatalog(app.db, current);
    expect(first.modulesUpserted).toBe(current.modules.length);
    const again = await syncCatalog(app.db, current);
    expect(again.taskVersionsAdded).toBe(0);

    const [changedModule, ...rest] = current.modules;
    const changedTask = { ...changedModule!.tasks[0]!, passMark: 61 };
    const edited = { ...current, modules: [{ ...changedModule!, tasks: [changedTask, ...changedModule!.tasks.slice(1)] }, ...rest.slice(1)] };
    const report = await syncCatalog(app.db, edited);
    expect(report.taskVersionsAdded).toBe(1);
    expect(report.modulesRetired).toBe(rest.length ? 1 : 0);
    const versions = await app.db.selectFrom("tasks").select(["version", "is_current"]).where("id", "=", changedTask.id).orderBy("version").execute();
    expect(versions).toEqual([
      { version: 1, is_current: false },
      { version: 2, is_current: true },
    ]);
    await syncCatalog(app.db, current);
    const retired = await app.db.selectFrom("course_modules").select("retired_at").where("id", "=", rest[0]!.id).executeTakeFirstOrThrow();
    expect(retired.retired_at).toBeNull();
  });

  it("serves module pages without compiling MDX", async () => {
    registerDatabase(app.database);
    const trainee = await app.signIn(["trainee"], { track: "campus" });
    const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation")!;
    const before = compiledModuleCount();
    for (let i = 0; i < 20; i++) {
      const res = await responseOf(() =>
        moduleLoader({ request: makeRequest(`/learn/campus/foundation/${module.slug}`), context: trainee.context, params: { track: "campus", tier: "foundation", slug: module.slug } }),
      );
      expect(res.status).toBe(200);
    }
    expect(compiledModuleCount()).toBe(before);
  });

  it("keeps a trainee out of a locked tier until the previous certificate is held; mentors preview", async () => {
    const trainee = await app.signIn(["trainee"], { track: "community" });
    const module = catalog().modules.find((m) => m.track === "community" && m.tier === "practitioner")!;
    const open = () =>
      responseOf(() => moduleLoader({ request: makeRequest("/x"), context: trainee.context, params: { track: "community", tier: "practitioner", slug: module.slug } }));
    expect((await open()).status).toBe(403);
    await app.db.insertInto("certificates").values({ number: `T-${Date.now()}`, user_id: trainee.id, track: "community", tier: "foundation", name_on_certificate: "测试" }).execute();
    expect((await open()).status).toBe(200);
    const mentor = await app.signIn(["mentor"]);
    const preview = await responseOf(() => moduleLoader({ request: makeRequest("/x"), context: mentor.context, params: { track: "community", tier: "practitioner", slug: module.slug } }));
    expect(preview.status).toBe(200);
  });
});

describe("module bodies rendered at build (decision 022)", () => {
  it("hold, for every module, exactly what rendering its compiled MDX gives now, and the catalog on disk is current", async () => {
    const { renderModuleHtml } = await import("~/catalog/module-html.server");
    const built = await buildCatalog();
    expect(built.modules.length).toBeGreaterThan(0);
    for (const module of built.modules) {
      expect(module.html.length, module.file).toBeGreaterThan(100);
      expect(module.html, module.file).toBe(renderModuleHtml(module));
    }
    // What the server reads (.cache/catalog.json) is this build's output, bodies included.
    expect(catalog().modules.map((m) => [m.id, m.html])).toEqual(built.modules.map((m) => [m.id, m.html]));
  });

  it("are what the module page serves, not a render per request", async () => {
    const app = await createTestApp();
    try {
      const trainee = await app.signIn(["trainee"], { track: "campus" });
      const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation")!;
      const original = module.html;
      module.html = `${original}<!-- prebuilt -->`;
      try {
        const res = await responseOf(() =>
          moduleLoader({ request: makeRequest(`/learn/campus/foundation/${module.slug}`), context: trainee.context, params: { track: "campus", tier: "foundation", slug: module.slug } }),
        );
        expect(((await res.json()) as { module: { html: string } }).module.html).toBe(module.html);
      } finally {
        module.html = original;
      }
    } finally {
      await app.close();
    }
  });
});
