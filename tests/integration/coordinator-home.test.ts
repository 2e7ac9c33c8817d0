import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSession } from "~/auth.server";
import { catalog } from "~/catalog/catalog.server";
import type { QuizTask } from "~/domain/quiz-scoring";
import { currentTaskVersion, syncCatalog } from "~/models/curriculum.server";
import { createOrgUnit } from "~/models/orgs.server";
import { loader as homeLoader } from "~/routes/admin._index";
import { loader as assignmentsLoader } from "~/routes/admin.assignments";
import { loader as certificatesLoader } from "~/routes/admin.certificates";
import { loader as usersLoader } from "~/routes/admin.users._index";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { submitQuizAttempt } from "~/submissions/quiz.server";
import { insertSubmission, rightAnswers } from "../support/arrange";

// A coordinator of 山西 opens /admin: five figures of what needs doing, counted in 山西 only, each
// linking to a list that shows exactly what the figure counted. 山东 has the same situations.

let app: Awaited<ReturnType<typeof createTestApp>>;
type SignedIn = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;
let national: SignedIn;
let shanxi: SignedIn;
const day = 24 * 3600 * 1000;
const ago = (days: number) => new Date(Date.now() - days * day);
/** Per province, the one person or item each figure should count. */
const expected: Record<"shanxi" | "shandong", { waiting: string; invited: string; stalled: string; eligible: string; expiring: string }> = {
  shanxi: { waiting: "", invited: "", stalled: "", eligible: "", expiring: "" },
  shandong: { waiting: "", invited: "", stalled: "", eligible: "", expiring: "" },
};
let certificateCounter = 0;

async function certificate(userId: string, tier: "foundation" | "practitioner", validUntil: Date | null) {
  certificateCounter += 1;
  return (
    await app.db
      .insertInto("certificates")
      .values({ number: `BC-2026-CH${String(certificateCounter).padStart(2, "0")}-T${Date.now() % 1000}`, user_id: userId, track: "campus", tier, name_on_certificate: "持证人", valid_until: validUntil })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

/** In one province's school: one of each situation that needs doing, and one near miss of each. */
async function arrangeRegion(province: "shanxi" | "shandong", school: string) {
  const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "field_work"))!;
  const task = module.tasks.find((t) => t.type === "field_work")!;
  const p = province === "shanxi" ? "晋" : "鲁";
  const trainee = (name: string, signedUp = true) => app.signIn(["trainee"], { name: `${p}${name}`, orgUnitId: school, track: "campus", signedUp });

  const slow = await trainee("久等");
  expected[province].waiting = (await insertSubmission(app.db, { userId: slow.id, module, task, orgUnitId: school, submitted_at: ago(6) })).id;
  const recent = await trainee("刚交");
  await insertSubmission(app.db, { userId: recent.id, module, task, orgUnitId: school, submitted_at: ago(2) });

  const invited = await trainee("未登录", false);
  expected[province].invited = invited.id;
  const came = await trainee("已登录", false);
  await app.db.updateTable("users").set({ last_sign_in_at: ago(1), password_hash: "set" }).where("id", "=", came.id).execute();

  const stalled = await trainee("停滞");
  await app.db.updateTable("users").set({ created_at: ago(60), last_sign_in_at: ago(40) }).where("id", "=", stalled.id).execute();
  await app.db.insertInto("module_progress").values({ user_id: stalled.id, module_id: module.id, read_at: ago(45) }).execute();
  expected[province].stalled = stalled.id;
  const reading = await trainee("在读");
  await app.db.updateTable("users").set({ created_at: ago(60), last_sign_in_at: ago(40) }).where("id", "=", reading.id).execute();
  await app.db.insertInto("module_progress").values({ user_id: reading.id, module_id: module.id, read_at: ago(3) }).execute();

  const eligible = await trainee("待发证");
  await app.db.insertInto("eligibility").values({ user_id: eligible.id, track: "campus", tier: "foundation", eligible: true, missing: "[]", rule_version: "test" }).execute();
  expected[province].eligible = eligible.id;
  const holder = await trainee("持证");
  await app.db.insertInto("eligibility").values({ user_id: holder.id, track: "campus", tier: "foundation", eligible: true, missing: "[]", rule_version: "test" }).execute();
  expected[province].expiring = await certificate(holder.id, "foundation", new Date(Date.now() + 30 * day));
  await certificate(holder.id, "practitioner", new Date(Date.now() + 200 * day));
  const lapsed = await trainee("过期");
  await certificate(lapsed.id, "foundation", ago(1));
}

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  const root = await app.programmeRoot();
  const shanxiUnit = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山西省", track: null });
  const yuncheng = await createOrgUnit(app.db, { parentId: shanxiUnit, kind: "city", name: "运城市", track: null });
  const yanhu = await createOrgUnit(app.db, { parentId: yuncheng, kind: "district", name: "盐湖区", track: null });
  const shanxiSchool = await createOrgUnit(app.db, { parentId: yanhu, kind: "site", name: "盐湖区实验中学", track: "campus" });
  const shandongUnit = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山东省", track: null });
  const yantai = await createOrgUnit(app.db, { parentId: shandongUnit, kind: "city", name: "烟台市", track: null });
  const zhifu = await createOrgUnit(app.db, { parentId: yantai, kind: "district", name: "芝罘区", track: null });
  const shandongSchool = await createOrgUnit(app.db, { parentId: zhifu, kind: "site", name: "芝罘区第二实验小学", track: "campus" });
  national = await app.signIn(["admin"], { name: "项目管理员", orgUnitId: root });
  shanxi = await app.signIn(["admin"], { name: "山西协调员", orgUnitId: shanxiUnit });
  await arrangeRegion("shanxi", shanxiSchool);
  await arrangeRegion("shandong", shandongSchool);
});
afterAll(async () => app?.close());

async function load<T>(loader: (args: { request: Request; context: SignedIn["context"]; params: Record<string, string> }) => Promise<unknown>, path: string, who: SignedIn): Promise<T> {
  const res = await responseOf(() => loader({ request: makeRequest(path), context: who.context, params: {} }));
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

type Figures = Record<"waiting" | "invited" | "stalled" | "eligible" | "expiring", number>;
const figuresOf = async (who: SignedIn) => (await load<{ figures: Figures }>(homeLoader, "/admin", who)).figures;
const userIdsAt = async (path: string, who: SignedIn) => (await load<{ users: Array<{ id: string }>; total: number }>(usersLoader, path, who)).users.map((u) => u.id).sort();

describe("a coordinator's home", () => {
  it("counts each situation in the coordinator's region only", async () => {
    expect(await figuresOf(shanxi)).toEqual({ waiting: 1, invited: 1, stalled: 1, eligible: 1, expiring: 1 });
  });

  it("counts both provinces for the programme admin", async () => {
    expect(await figuresOf(national)).toEqual({ waiting: 2, invited: 2, stalled: 2, eligible: 2, expiring: 2 });
  });

  it("links each figure to a list showing exactly what it counted", async () => {
    expect(await userIdsAt("/admin/users?attention=invited", shanxi)).toEqual([expected.shanxi.invited]);
    expect(await userIdsAt("/admin/users?attention=stalled", shanxi)).toEqual([expected.shanxi.stalled]);
    const work = await load<{ rows: Array<{ id: string }>; total: number }>(assignmentsLoader, "/admin/assignments?overdue=1", shanxi);
    expect(work.rows.map((r) => r.id)).toEqual([expected.shanxi.waiting]);
    expect(work.total).toBe(1);
    // The page's two views: its default lists who may be issued, "expiring soon" the certificates.
    const eligible = await load<{ eligible: { rows: Array<{ key: string }>; total: number } }>(certificatesLoader, "/admin/certificates", shanxi);
    expect(eligible.eligible.rows.map((r) => r.key)).toEqual([`${expected.shanxi.eligible}|campus|foundation`]);
    const expiring = await load<{ certificates: { rows: Array<{ id: string }>; total: number } }>(certificatesLoader, "/admin/certificates?status=expiring", shanxi);
    expect(expiring.certificates.rows.map((c) => c.id)).toEqual([expected.shanxi.expiring]);
  });

  it("gives the programme admin lists of both provinces, matching their figures", async () => {
    expect(await userIdsAt("/admin/users?attention=invited", national)).toEqual([expected.shanxi.invited, expected.shandong.invited].sort());
    expect(await userIdsAt("/admin/users?attention=stalled", national)).toEqual([expected.shanxi.stalled, expected.shandong.stalled].sort());
    const work = await load<{ total: number }>(assignmentsLoader, "/admin/assignments?overdue=1", national);
    expect(work.total).toBe(2);
  });

  it("keeps the filter when a 山西 coordinator also asks for a 山东 region: nothing of 山东 shows", async () => {
    const shandong = await app.db.selectFrom("org_units").select("id").where("name", "=", "山东省").executeTakeFirstOrThrow();
    expect(await userIdsAt(`/admin/users?attention=invited&region=${shandong.id}`, shanxi)).toEqual([expected.shanxi.invited]);
  });

  it("keeps each person's last activity as work changes: an old draft leaves them stalled, a quiz tried today does not", async () => {
    const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "quiz"))!;
    const quiz = module.tasks.find((t) => t.type === "quiz")!;
    const who = expected.shandong.stalled;
    const old = await insertSubmission(app.db, { userId: who, module, task: quiz, status: "draft", created_at: ago(50), updated_at: ago(50) });
    expect((await figuresOf(national)).stalled).toBe(2);
    // Tried today: the attempt is handed in with its submission, as the quiz page does.
    const version = (await currentTaskVersion(app.db, quiz.id))!.version;
    const tried = await submitQuizAttempt(app.db, { user: { id: who }, task: quiz as QuizTask, taskVersion: version, moduleId: module.id, track: module.track, tier: module.tier, answers: rightAnswers(quiz as QuizTask) });
    expect(tried).toMatchObject({ ok: true, submissionId: old.id });
    const row = await app.db.selectFrom("user_activity").select("last_active_at").where("user_id", "=", who).executeTakeFirstOrThrow();
    expect(Date.now() - row.last_active_at.getTime()).toBeLessThan(60_000);
    expect(await userIdsAt("/admin/users?attention=stalled", national)).toEqual([expected.shanxi.stalled]);
  });

  it("stops counting a stalled trainee once they read a module, and an invited person once they sign in", async () => {
    const module = catalog().modules.find((m) => m.track === "campus" && m.tier === "practitioner")!;
    await app.db.insertInto("module_progress").values({ user_id: expected.shanxi.stalled, module_id: module.id }).execute();
    await app.db.updateTable("users").set({ password_hash: "set" }).where("id", "=", expected.shanxi.invited).execute();
    // Every sign-in (the login form, an invitation link) starts a session, which records it.
    await startSession(expected.shanxi.invited, {});
    const figures = await figuresOf(shanxi);
    expect(figures.stalled).toBe(0);
    expect(figures.invited).toBe(0);
  });
});
