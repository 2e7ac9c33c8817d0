import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { countUnread } from "~/models/notifications.server";
import { heldCertificates, learnerProgress, markModuleRead, readModuleIds, syncCatalog, taskStatuses } from "~/models/curriculum.server";
import { createTestApp } from "../support/app";
import { insertSubmission } from "../support/arrange";

// The module page reads a learner's progress in one round trip (decision 022): it must say exactly
// what the three separate look-ups say, for someone with nothing and for someone with a bit of everything.
let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
});
afterAll(() => app?.close());

async function separately(userId: string) {
  const [held, read, statuses] = await Promise.all([heldCertificates(app.db, userId), readModuleIds(app.db, userId), taskStatuses(app.db, userId)]);
  return { held, read, statuses };
}

describe("learnerProgress", () => {
  it("is empty for a new trainee", async () => {
    const trainee = await app.signIn(["trainee"], { track: "campus" });
    expect(await learnerProgress(app.db, trainee.id)).toEqual({ held: [], read: new Set(), statuses: new Map() });
  });

  it("equals the separate look-ups: live certificates only, read modules, each task's status", async () => {
    const trainee = await app.signIn(["trainee"], { track: "campus" });
    const [first, second] = catalog().modules.filter((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.length > 0);
    await markModuleRead(app.db, trainee.id, first!.id);
    await markModuleRead(app.db, trainee.id, second!.id);
    await insertSubmission(app.db, { userId: trainee.id, module: first!, task: first!.tasks[0]!, status: "passed" });
    await insertSubmission(app.db, { userId: trainee.id, module: second!, task: second!.tasks[0]!, status: "submitted" });
    const stamp = Date.now();
    const cert = (n: string, tier: "foundation" | "practitioner" | "specialist", extra: object) =>
      app.db.insertInto("certificates").values({ number: `LP-${stamp}-${n}`, user_id: trainee.id, track: "campus", tier, name_on_certificate: "进度", ...extra }).execute();
    await cert("live", "foundation", { status: "issued" });
    await cert("revoked", "practitioner", { status: "revoked" });
    await cert("expired", "specialist", { status: "issued", valid_until: new Date(Date.now() - 86_400_000) });
    const together = await learnerProgress(app.db, trainee.id);
    expect(together).toEqual(await separately(trainee.id));
    expect(together.held).toEqual([{ track: "campus", tier: "foundation" }]);
    expect(together.read.size).toBe(2);
    expect(together.statuses.get(first!.tasks[0]!.id)).toBe("passed");
  });

  it("counts unread notifications in the same trip, exactly as countUnread does, up to its cap (decision 031)", async () => {
    const trainee = await app.signIn(["trainee"], { track: "campus" });
    expect((await learnerProgress(app.db, trainee.id, { unreadUpTo: 5 })).unread).toBe(0);
    expect(await learnerProgress(app.db, trainee.id)).not.toHaveProperty("unread");
    const notify = (n: number, read: boolean) =>
      app.db
        .insertInto("notifications")
        .values({ id: `lp-${trainee.id}-${n}`, user_id: trainee.id, kind: "certificate.issued", payload: JSON.stringify({}), read_at: read ? new Date() : null })
        .execute();
    for (let n = 0; n < 7; n++) await notify(n, n === 0);
    const other = await app.signIn(["trainee"], { track: "campus" });
    await app.db.insertInto("notifications").values({ id: `lp-${other.id}`, user_id: other.id, kind: "certificate.issued", payload: JSON.stringify({}) }).execute();
    expect((await learnerProgress(app.db, trainee.id, { unreadUpTo: 100 })).unread).toBe(6);
    expect(await countUnread(app.db, trainee.id)).toBe(6);
    expect((await learnerProgress(app.db, trainee.id, { unreadUpTo: 4 })).unread).toBe(await countUnread(app.db, trainee.id, 4));
    expect(await countUnread(app.db, trainee.id, 4)).toBe(4);
  });

  it("is a statement PostgreSQL parses and plans once per connection, not on every page", async () => {
    const trainees = [await app.signIn(["trainee"], { track: "campus" }), await app.signIn(["trainee"], { track: "community" })];
    const prepared = await app.db.transaction().execute(async (trx) => {
      for (const trainee of trainees) {
        expect(await learnerProgress(trx, trainee.id, { unreadUpTo: 99 })).toEqual({ held: [], read: new Set(), statuses: new Map(), unread: 0 });
      }
      // This connection's prepared statements: the look-up with the unread count once, for both trainees (the
      // connection may hold the one without it too, from the tests above).
      return (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)).rows.filter(
        (r) => r.statement.includes("from module_progress") && r.statement.includes('from "notifications"'),
      );
    });
    expect(prepared).toHaveLength(1);
  });
});
