import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { action as cohortAction, loader as cohortLoader } from "~/routes/admin.cohorts.$cohortId";
import { action as createAction, loader as listLoader } from "~/routes/admin.cohorts._index";
import { action as joinAction, loader as joinLoader } from "~/routes/cohorts";
import { loader as myWorkLoader } from "~/routes/my-work";
import { action as taskAction, loader as taskLoader } from "~/routes/tasks.$taskId";
import { tasksOf } from "~/services/cohorts.server";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// Cohorts: regional scoping, due dates (and the bad input around them), membership history,
// join codes and roster import — each refusal writes nothing.

let app: Awaited<ReturnType<typeof createTestApp>>;
type SignedIn = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;
let national: SignedIn;
let shanxi: SignedIn;
let shandong: SignedIn;
let trainee: SignedIn;
let otherTrainee: SignedIn;
const units = { shanxi: "", shandong: "", school: "", shandongSchool: "" };

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  const root = await app.programmeRoot();
  units.shanxi = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山西省", track: null });
  units.school = await createOrgUnit(app.db, { parentId: units.shanxi, kind: "site", name: "运城实验中学", track: "campus" });
  units.shandong = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山东省", track: null });
  units.shandongSchool = await createOrgUnit(app.db, { parentId: units.shandong, kind: "site", name: "烟台二中", track: "campus" });
  national = await app.signIn(["admin"], { name: "项目管理员" });
  shanxi = await app.signIn(["admin"], { name: "山西协调员", orgUnitId: units.shanxi });
  shandong = await app.signIn(["admin"], { name: "山东协调员", orgUnitId: units.shandong });
  trainee = await app.signIn(["trainee"], { name: "王小明", orgUnitId: units.school, track: "campus" });
  otherTrainee = await app.signIn(["trainee"], { name: "李红", orgUnitId: units.shandongSchool, track: "campus" });
});
afterAll(async () => app?.close());

const count = async (table: "cohorts" | "cohort_members" | "cohort_due_dates" | "cohort_join_requests") =>
  Number((await app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);

async function create(who: SignedIn, over: Record<string, string> = {}) {
  const form = { name: `期次${Math.random().toString(36).slice(2, 7)}`, orgUnitId: units.shanxi, track: "campus", tier: "foundation", programmeYear: "1", startsOn: "2026-09-01", endsOn: "2027-06-30", ...over };
  return responseOf(() => createAction({ request: makeRequest("/admin/cohorts", { form }), context: who.context, params: {} }));
}

async function newCohort(who: SignedIn, over: Record<string, string> = {}): Promise<string> {
  const res = await create(who, over);
  expect(res.status).toBe(302);
  return res.headers.get("location")!.split("/")[3]!.split("?")[0]!;
}

const post = (who: SignedIn, cohortId: string, form: Record<string, string | string[]>) =>
  responseOf(() => cohortAction({ request: makeRequest(`/admin/cohorts/${cohortId}`, { form }), context: who.context, params: { cohortId } }));

const save = (who: SignedIn, cohortId: string, over: Record<string, string> = {}) =>
  post(who, cohortId, { intent: "save", name: "山西一期", startsOn: "2026-09-01", endsOn: "2027-06-30", lateWorkAccepted: "1", ...over });

describe("regional scoping", () => {
  it("a regional admin creates cohorts only in their own subtree, and lists only those", async () => {
    const own = await newCohort(shanxi, { name: "山西自己的期次" });
    const beforeCohorts = await count("cohorts");
    const refused = await create(shanxi, { orgUnitId: units.shandong, name: "越界期次" });
    expect(refused.status).toBe(400);
    expect((await refused.json()).errors).toEqual({ orgUnitId: "cohorts.error.unit" });
    expect(await count("cohorts")).toBe(beforeCohorts);
    await newCohort(shandong, { orgUnitId: units.shandong, name: "山东的期次" });

    const list = async (who: SignedIn) => (await (await responseOf(() => listLoader({ request: makeRequest("/admin/cohorts"), context: who.context, params: {} }))).json()).cohorts.map((c: { name: string }) => c.name);
    expect(await list(shanxi)).toContain("山西自己的期次");
    expect(await list(shanxi)).not.toContain("山东的期次");
    expect(await list(national)).toEqual(expect.arrayContaining(["山西自己的期次", "山东的期次"]));
    expect(own).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("another region's cohort is a 404 to read or change, and the attempt is audited", async () => {
    const theirs = await newCohort(shandong, { orgUnitId: units.shandong });
    const refusals = async () => Number((await app.db.selectFrom("audit_events").select((eb) => eb.fn.countAll<number>().as("n")).where("action", "=", "reach.refused").where("actor_id", "=", shanxi.id).executeTakeFirstOrThrow()).n);
    const before = await refusals();
    const page = await responseOf(() => cohortLoader({ request: makeRequest(`/admin/cohorts/${theirs}`), context: shanxi.context, params: { cohortId: theirs } }));
    expect(page.status).toBe(404);
    const change = await post(shanxi, theirs, { intent: "code", maxUses: "5" });
    expect(change.status).toBe(404);
    expect(await refusals()).toBe(before + 2);
    expect(await app.db.selectFrom("cohort_join_codes").select("id").where("cohort_id", "=", theirs).execute()).toEqual([]);
  });

  it("a regional admin cannot add a trainee of another region", async () => {
    const id = await newCohort(shanxi);
    const res = await post(shanxi, id, { intent: "add", userId: [trainee.id, otherTrainee.id], q: "" });
    expect(res.status).toBe(400);
    expect((await res.json()).problems).toEqual([{ key: "cohorts.problem.outside", params: { name: "李红" } }]);
    // All or none: the trainee who could join was not added either.
    expect(await app.db.selectFrom("cohort_members").select("id").where("cohort_id", "=", id).execute()).toEqual([]);
  });
});

describe("due dates", () => {
  it("a due date before the cohort starts is refused with a clear message and nothing is written", async () => {
    const id = await newCohort(shanxi);
    const task = tasksOf("campus", "foundation")[0]!;
    const before = await count("cohort_due_dates");
    const res = await save(shanxi, id, { [`due.${task.id}`]: "2026-08-01", name: "改过的名字" });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors).toEqual({ [`due.${task.id}`]: "cohorts.error.dueBeforeStart" });
    // The form keeps what was typed.
    expect(body.values).toMatchObject({ name: "改过的名字", [`due.${task.id}`]: "2026-08-01" });
    expect(await count("cohort_due_dates")).toBe(before);
    expect((await app.db.selectFrom("cohorts").select("name").where("id", "=", id).executeTakeFirstOrThrow()).name).not.toBe("改过的名字");
  });

  it("a member sees the cohort's due dates on My work (sorted by them, overdue marked) and on the task", async () => {
    const id = await newCohort(shanxi, { startsOn: "2025-09-01" });
    const [first, second] = tasksOf("campus", "foundation");
    expect(second).toBeDefined();
    // The second task is due first (and already past), the first later.
    expect((await save(shanxi, id, { startsOn: "2025-09-01", endsOn: "2030-06-30", [`due.${first!.id}`]: "2030-06-01", [`due.${second!.id}`]: "2025-10-01" })).status).toBe(200);
    expect((await post(shanxi, id, { intent: "add", userId: trainee.id, q: "" })).status).toBe(200);

    const work = await (await responseOf(() => myWorkLoader({ request: makeRequest("/my-work"), context: trainee.context, params: {} }))).json();
    const rows = work.rows as Array<{ taskId: string; dueAt: string | null }>;
    expect(rows[0]).toMatchObject({ taskId: second!.id, dueAt: "2025-10-01T15:59:59.999Z" });
    expect(rows[1]).toMatchObject({ taskId: first!.id, dueAt: "2030-06-01T15:59:59.999Z" });
    const page = await (await responseOf(() => taskLoader({ request: makeRequest(`/tasks/${second!.id}`), context: trainee.context, params: { taskId: second!.id } }))).json();
    expect(page.dueAt).toBe("2025-10-01T15:59:59.999Z");

    // Someone in no cohort has no due dates.
    const loner = await app.signIn(["trainee"], { orgUnitId: units.school, track: "campus" });
    const theirs = await (await responseOf(() => myWorkLoader({ request: makeRequest("/my-work"), context: loner.context, params: {} }))).json();
    expect((theirs.rows as Array<{ dueAt: string | null }>).every((r) => r.dueAt === null)).toBe(true);
  });

  it("a cohort that refuses late work refuses a late submission; one that accepts it does not", async () => {
    const learner = await app.signIn(["trainee"], { orgUnitId: units.school, track: "campus" });
    const quizModule = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type !== "quiz"))!;
    const task = quizModule.tasks.find((t) => t.type !== "quiz")!;
    const id = await newCohort(shanxi, { startsOn: "2025-09-01" });
    expect((await save(shanxi, id, { startsOn: "2025-09-01", endsOn: "2030-06-30", lateWorkAccepted: "", [`due.${task.id}`]: "2025-10-01" })).status).toBe(200);
    expect((await post(shanxi, id, { intent: "add", userId: learner.id, q: "" })).status).toBe(200);
    const submit = () => responseOf(() => taskAction({ request: makeRequest(`/tasks/${task.id}`, { form: { intent: "submit", text: "作业" } }), context: learner.context, params: { taskId: task.id } }));
    const late = await submit();
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ kind: "problem", reason: "late" });
    expect(await app.db.selectFrom("submissions").select("id").where("user_id", "=", learner.id).execute()).toEqual([]);
    // Late work accepted again: the refusal is gone (the answer is the ordinary form check).
    expect((await save(shanxi, id, { startsOn: "2025-09-01", endsOn: "2030-06-30", lateWorkAccepted: "1", [`due.${task.id}`]: "2025-10-01" })).status).toBe(200);
    const again = await submit();
    expect(await again.json()).not.toMatchObject({ reason: "late" });
  });
});

describe("membership history", () => {
  it("leaving keeps the row; a trainee can be in several cohorts over the years", async () => {
    const learner = await app.signIn(["trainee"], { name: "赵敏", orgUnitId: units.school, track: "campus" });
    const first = await newCohort(shanxi, { name: "第一年期次", startsOn: "2025-09-01", endsOn: "2026-06-30" });
    const second = await newCohort(shanxi, { name: "第二年期次", programmeYear: "2" });
    expect((await post(shanxi, first, { intent: "add", userId: learner.id, q: "" })).status).toBe(200);
    expect((await post(shanxi, first, { intent: "remove", userId: learner.id })).status).toBe(200);
    expect((await post(shanxi, second, { intent: "add", userId: learner.id, q: "" })).status).toBe(200);
    // Back into the first cohort: a second membership row, the first kept.
    expect((await post(shanxi, first, { intent: "add", userId: learner.id, q: "" })).status).toBe(200);
    const rows = await app.db.selectFrom("cohort_members").select(["cohort_id", "left_at"]).where("user_id", "=", learner.id).execute();
    expect(rows).toHaveLength(3);
    expect(rows.filter((r) => r.left_at !== null)).toHaveLength(1);
    const mine = await (await responseOf(() => joinLoader({ request: makeRequest("/cohorts"), context: learner.context, params: {} }))).json();
    expect(mine.history.map((h: { name: string }) => h.name).sort()).toEqual(["第一年期次", "第一年期次", "第二年期次"]);
    const audited = await app.db.selectFrom("audit_events").select("action").where("target_id", "=", learner.id).where("action", "like", "cohort.%").execute();
    expect(audited.map((a) => a.action).sort()).toEqual(["cohort.member_added", "cohort.member_added", "cohort.member_added", "cohort.member_removed"]);
  });
});

describe("join codes", () => {
  const join = (who: SignedIn, code: string) => responseOf(() => joinAction({ request: makeRequest("/cohorts", { form: { code } }), context: who.context, params: {} }));

  it("a code asks, a coordinator approves; a used-up or revoked code is refused and writes nothing", async () => {
    const id = await newCohort(shanxi, { name: "加入码期次" });
    expect((await post(shanxi, id, { intent: "code", maxUses: "1" })).status).toBe(200);
    const code = (await app.db.selectFrom("cohort_join_codes").select(["id", "code"]).where("cohort_id", "=", id).executeTakeFirstOrThrow());
    const asker = await app.signIn(["trainee"], { name: "孙悦", orgUnitId: units.school, track: "campus" });
    const asked = await join(asker, code.code.toLowerCase().replace(/(....)/, "$1-"));
    expect(asked.status).toBe(200);
    expect(await asked.json()).toMatchObject({ ok: true, cohort: "加入码期次" });

    const late = await app.signIn(["trainee"], { orgUnitId: units.school, track: "campus" });
    const before = await count("cohort_join_requests");
    const usedUp = await join(late, code.code);
    expect(usedUp.status).toBe(400);
    expect((await usedUp.json()).message).toBe("cohorts.join.usedUp");
    expect(await count("cohort_join_requests")).toBe(before);

    const request = await app.db.selectFrom("cohort_join_requests").select("id").where("cohort_id", "=", id).executeTakeFirstOrThrow();
    expect((await post(shanxi, id, { intent: "decide", requestId: request.id, decision: "approve" })).status).toBe(200);
    expect(await app.db.selectFrom("cohort_members").select("joined_via").where("cohort_id", "=", id).where("user_id", "=", asker.id).execute()).toEqual([{ joined_via: "code" }]);
    expect((await post(shanxi, id, { intent: "decide", requestId: request.id, decision: "approve" })).status).toBe(409);

    expect((await post(shanxi, id, { intent: "code", maxUses: "10" })).status).toBe(200);
    const second = await app.db.selectFrom("cohort_join_codes").select(["id", "code"]).where("cohort_id", "=", id).where("max_uses", "=", 10).executeTakeFirstOrThrow();
    expect((await post(shanxi, id, { intent: "revoke", codeId: second.id })).status).toBe(200);
    const revoked = await join(late, second.code);
    expect((await revoked.json()).message).toBe("cohorts.join.revoked");
    expect((await join(late, "NOPE2345")).status).toBe(400);
  });

  it("a bad number of uses is a message, not a code", async () => {
    const id = await newCohort(shanxi);
    const res = await post(shanxi, id, { intent: "code", maxUses: "0" });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe("cohorts.codes.maxUsesInvalid");
    expect(await app.db.selectFrom("cohort_join_codes").select("id").where("cohort_id", "=", id).execute()).toEqual([]);
  });
});

describe("roster import", () => {
  const upload = (cohortId: string, csv: string) => {
    const body = new FormData();
    body.append("intent", "import");
    body.append("file", new File([csv], "名单.csv", { type: "text/csv" }));
    return responseOf(() => cohortAction({ request: new Request(`http://localhost/admin/cohorts/${cohortId}`, { method: "POST", body }), context: shanxi.context, params: { cohortId } }));
  };

  it("adds the people a roster names by phone; any bad row refuses the whole file", async () => {
    const id = await newCohort(shanxi);
    const phoneOf = async (userId: string) => (await app.db.selectFrom("users").select("phone").where("id", "=", userId).executeTakeFirstOrThrow()).phone!;
    const bad = await upload(id, `姓名,手机号\n王小明,${await phoneOf(trainee.id)}\n李红,${await phoneOf(otherTrainee.id)}\n无名,13900000000\n`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).problems.map((p: { key: string }) => p.key)).toEqual(["cohorts.problem.outside", "cohorts.problem.unknownPerson"]);
    expect(await app.db.selectFrom("cohort_members").select("id").where("cohort_id", "=", id).execute()).toEqual([]);

    const good = await upload(id, `姓名,手机号\n王小明,${await phoneOf(trainee.id)}\n`);
    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ ok: true, message: "cohorts.import.done", params: { count: 1, already: 0 } });
    expect(await app.db.selectFrom("cohort_members").select("joined_via").where("cohort_id", "=", id).execute()).toEqual([{ joined_via: "import" }]);
  });
});
