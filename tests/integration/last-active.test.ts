import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { createTestApp } from "../support/app";
import { insertSubmission } from "../support/arrange";

// A person's last activity (decision 029) moves at most once an hour (migration 2026-11-30-27), in a narrow
// table of its own (2026-11-30-28): a move on the users row rewrote it with all nine of its indexes.
let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
});
afterAll(() => app?.close());

const rowOf = async (id: string) =>
  (await sql<{ xmin: string; last_active_at: Date }>`select xmin::text, last_active_at from user_activity where user_id = ${id}`.execute(app.db)).rows[0]!;
const userRowVersion = async (id: string) => (await sql<{ xmin: string }>`select xmin::text from users where id = ${id}`.execute(app.db)).rows[0]!.xmin;

describe("last activity", () => {
  it("moves on the trainee's own activity, not again within the hour, and again after it, never on a decision, never touching the users row", async () => {
    const trainee = await app.signIn(["trainee"], { track: "campus" });
    const [first, second, third] = catalog().modules.filter((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.length > 0);
    const start = new Date(Date.now() - 3 * 3600_000);
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
    // Before any activity: the account's creation, also when that is rewritten (an account made five hours ago).
    await app.db.updateTable("users").set({ created_at: at(-120) }).where("id", "=", trainee.id).execute();
    expect((await rowOf(trainee.id)).last_active_at.getTime()).toBe(at(-120).getTime());
    const userRow = await userRowVersion(trainee.id);

    await insertSubmission(app.db, { userId: trainee.id, module: first!, task: first!.tasks[0]!, status: "draft", created_at: at(0), updated_at: at(0) });
    const moved = await rowOf(trainee.id);
    expect(moved.last_active_at?.getTime()).toBe(at(0).getTime());

    // Twenty minutes later, and a hand-in forty minutes later: the row is not written again.
    await insertSubmission(app.db, { userId: trainee.id, module: second!, task: second!.tasks[0]!, status: "draft", created_at: at(20), updated_at: at(20) });
    await app.db.updateTable("submissions").set({ status: "submitted", updated_at: at(40) }).where("user_id", "=", trainee.id).where("task_id", "=", second!.tasks[0]!.id).execute();
    const within = await rowOf(trainee.id);
    expect(within.xmin).toBe(moved.xmin);
    expect(within.last_active_at?.getTime()).toBe(at(0).getTime());

    // Past the hour it moves again, and never backwards.
    await insertSubmission(app.db, { userId: trainee.id, module: third!, task: third!.tasks[0]!, status: "draft", created_at: at(90), updated_at: at(90) });
    expect((await rowOf(trainee.id)).last_active_at?.getTime()).toBe(at(90).getTime());
    await app.db.updateTable("submissions").set({ updated_at: at(5) }).where("user_id", "=", trainee.id).where("task_id", "=", first!.tasks[0]!.id).execute();
    expect((await rowOf(trainee.id)).last_active_at?.getTime()).toBe(at(90).getTime());
    // A decision is not the trainee's doing: a score or a mentor's return leaves it; correcting returned work moves it.
    const task = (m: typeof first) => m!.tasks[0]!.id;
    await app.db.updateTable("submissions").set({ status: "passed", updated_at: at(200) }).where("user_id", "=", trainee.id).where("task_id", "=", task(second)).execute();
    await app.db.updateTable("submissions").set({ status: "in_review", updated_at: at(210) }).where("user_id", "=", trainee.id).where("task_id", "=", task(third)).execute();
    await app.db.updateTable("submissions").set({ status: "returned", updated_at: at(220) }).where("user_id", "=", trainee.id).where("task_id", "=", task(third)).execute();
    expect((await rowOf(trainee.id)).last_active_at.getTime()).toBe(at(90).getTime());
    await app.db.updateTable("submissions").set({ body: JSON.stringify({ text: "改好了" }), updated_at: at(300) }).where("user_id", "=", trainee.id).where("task_id", "=", task(third)).execute();
    expect((await rowOf(trainee.id)).last_active_at.getTime()).toBe(at(300).getTime());
    // None of it rewrote the person's users row.
    expect(await userRowVersion(trainee.id)).toBe(userRow);
  });
});
