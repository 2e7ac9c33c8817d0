import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../db/client";
import { migrateToLatest } from "../../db/migrate";
import { seedDemo } from "../../db/seed";

const dir = mkdtempSync(path.join(tmpdir(), "baicheng-pglite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("embedded PGlite default", () => {
  it("runs the same migrations and seed as PostgreSQL, and a second start changes nothing", async () => {
    const first = await openDatabase({ dataDir: dir });
    expect(first.kind).toBe("pglite");
    expect((await migrateToLatest(first.db)).length).toBeGreaterThan(0);
    expect(await seedDemo(first.db)).toEqual({ seeded: true });
    await first.db.destroy();

    const second = await openDatabase({ dataDir: dir });
    expect(await migrateToLatest(second.db)).toEqual([]);
    expect(await seedDemo(second.db)).toEqual({ seeded: false });
    const { n } = await second.db
      .selectFrom("org_units")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(typeof n).toBe("number");
    expect(n).toBeGreaterThan(5);
    const national = await second.db.selectFrom("org_units").selectAll().where("level", "=", 1).executeTakeFirstOrThrow();
    const children = await second.db
      .selectFrom("org_units")
      .select("id")
      .where("path", "like", `${national.path}%`)
      .execute();
    expect(children.length).toBe(n);
    await second.db.destroy();
  });
});

describe("migration list", () => {
  it("names every file in db/migrations", async () => {
    const { readdirSync } = await import("node:fs");
    const { migrations } = await import("../../db/migrations/index");
    const files = readdirSync("db/migrations")
      .filter((f) => f !== "index.ts" && f.endsWith(".ts"))
      .map((f) => f.slice(0, -3));
    expect(Object.keys(migrations).sort()).toEqual(files.sort());
  });
});
