import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { refreshStaleEligibility } from "~/models/eligibility.server";
import { createTestApp } from "../support/app";
import { insertSubmission } from "../support/arrange";

// The certificates page's catch-up (decision 026): each load evaluates the decisions made since the
// watermark. The watermark is written only when it moves a minute or more, so a page load in a busy
// minute writes nothing (issue 16: a write and its commit sat before every list), and no decision is missed.

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
});
afterAll(() => app?.close());

const mark = async () => (await sql<{ checked_until: Date; xmin: string }>`select checked_until, xmin::text from eligibility_catchup`.execute(app.db)).rows[0];

describe("the page-load eligibility catch-up", () => {
  it("moves the watermark a minute or more at a time, and still evaluates a decision made since", async () => {
    await sql`insert into eligibility_catchup (id, checked_until) values (true, now() - interval '1 hour')
      on conflict (id) do update set checked_until = excluded.checked_until`.execute(app.db);
    await refreshStaleEligibility(app.db, catalog(), { limit: 200 });
    const moved = (await mark())!;
    // Up to the horizon, five minutes behind now.
    expect(Date.now() - moved.checked_until.getTime()).toBeGreaterThan(4 * 60_000);
    expect(Date.now() - moved.checked_until.getTime()).toBeLessThan(6 * 60_000);

    // A second load at once: nothing to move far enough, nothing written.
    await refreshStaleEligibility(app.db, catalog(), { limit: 200 });
    expect(await mark()).toEqual(moved);

    // A quiz passed just now (no evaluation queued, as quiz passes are) is still caught up by the next load.
    const trainee = await app.signIn(["trainee"], { track: "campus" });
    const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "quiz"))!;
    const quiz = module.tasks.find((t) => t.type === "quiz")!;
    await insertSubmission(app.db, { userId: trainee.id, module, task: quiz, status: "passed", score: 100, submitted_at: new Date(), decided_at: new Date() });
    expect(await app.db.selectFrom("eligibility").select("user_id").where("user_id", "=", trainee.id).execute()).toEqual([]);
    await refreshStaleEligibility(app.db, catalog(), { limit: 200 });
    expect(await app.db.selectFrom("eligibility").select(["track", "tier"]).where("user_id", "=", trainee.id).execute()).toEqual([{ track: "campus", tier: "foundation" }]);
    expect(await mark()).toEqual(moved);
  });
});
