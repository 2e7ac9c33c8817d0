import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { loader as userPage } from "~/routes/admin.users.$userId";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { insertSubmission } from "../support/arrange";

// The admin's people view: one trainee's progress, submissions with grades, and certificates on one screen,
// for admins who reach the trainee only.

let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;
let province: string;
let otherProvince: string;

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  root = await app.programmeRoot();
  province = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "记录省", track: null });
  otherProvince = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "别的省", track: null });
});
afterAll(async () => app?.close());

describe("a trainee's record on the admin's user page", () => {
  it("shows progress, each submission with its grades, and certificates; an admin of another region gets 404", async () => {
    const module = catalog().modules.find((m) => m.track === "campus" && m.tasks.some((t) => t.type === "field_work"))!;
    const task = module.tasks.find((t) => t.type === "field_work")!;
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: province });
    const mentor = await app.signIn(["mentor"], { track: "campus" });
    const { id, version } = await insertSubmission(app.db, { userId: trainee.id, module, task, orgUnitId: province, status: "passed", score: 88, attempts_used: 2 });
    for (const [round, decision, total] of [[1, "return", 50], [2, "pass", 88]] as const) {
      await app.db
        .insertInto("grades")
        .values({ submission_id: id, mentor_id: mentor.id, role: "marker", task_version: version, criteria: JSON.stringify([]), total, decision, comment: null, seen_version: "x", round })
        .execute();
    }
    const number = `BC-REC-${Math.random().toString(36).slice(2, 8)}`;
    await app.db.insertInto("certificates").values({ number, user_id: trainee.id, track: "campus", tier: "foundation", status: "issued", name_on_certificate: "学员", issued_at: "2026-11-29T20:00:00Z" }).execute();

    const admin = await app.signIn(["admin"], { orgUnitId: root });
    const res = await responseOf(() => userPage({ request: makeRequest(`/admin/users/${trainee.id}`), context: admin.context, params: { userId: trainee.id } }));
    expect(res.status).toBe(200);
    const { record } = await res.json();
    expect(record.tasksPassed).toBe(1);
    expect(record.submissions).toEqual([
      expect.objectContaining({ id, title: task.title, status: "passed", score: 88, round: 2, grades: [{ round: 1, total: 50, decision: "return" }, { round: 2, total: 88, decision: "pass" }] }),
    ]);
    // Issued at 04:00 on 30 November in Beijing.
    expect(record.certificates).toEqual([expect.objectContaining({ number, tier: "foundation", status: "issued", issuedAt: "2026-11-30" })]);

    const elsewhere = await app.signIn(["admin"], { orgUnitId: otherProvince });
    const refused = await responseOf(() => userPage({ request: makeRequest(`/admin/users/${trainee.id}`), context: elsewhere.context, params: { userId: trainee.id } }));
    expect(refused.status).toBe(404);
  });

  it("has no record for a person who is not a trainee", async () => {
    const mentor = await app.signIn(["mentor"], { orgUnitId: province });
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    const data = await (await responseOf(() => userPage({ request: makeRequest(`/admin/users/${mentor.id}`), context: admin.context, params: { userId: mentor.id } }))).json();
    expect(data.record).toBeNull();
  });
});
