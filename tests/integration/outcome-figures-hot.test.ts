import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp } from "../support/app";

// Every decision updates the root's kept figures (decision 020). Such an update must stay on its page
// (a HOT update): with the value in an index, each one added an index entry and a dead version that a
// whole-programme read walked through (migration 2026-11-30-25).

let app: Awaited<ReturnType<typeof createTestApp>>;

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

describe("a kept figure changing", () => {
  it("is updated in place, without a new index entry", async () => {
    const root = await app.programmeRoot();
    await sql`insert into outcome_figures (org_unit_id, track, measure, month, value) values (${root}, 'campus', 'people:hot-test', '2026-09-01', 1)
      on conflict (org_unit_id, track, measure, month) do update set value = 1`.execute(app.db);
    const counters = await app.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 5; i++) {
        await sql`update outcome_figures set value = value + 1 where org_unit_id = ${root} and track = 'campus' and measure = 'people:hot-test'`.execute(trx);
      }
      const r = await sql<{ updated: string; hot: string }>`
        select n_tup_upd::text as updated, n_tup_hot_upd::text as hot from pg_stat_xact_user_tables where relname = 'outcome_figures'`.execute(trx);
      return r.rows[0];
    });
    expect(counters).toEqual({ updated: "5", hot: "5" });
  });
});
