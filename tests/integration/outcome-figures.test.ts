import type { Job } from "bullmq";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import type { TaskDefinition } from "~/catalog/schema";
import { yearWindow } from "~/domain/outcomes";
import { queue } from "~/queue.server";
import { reissueCertificate, revokeCertificate } from "~/models/certificates.server";
import { syncCatalog } from "~/models/curriculum.server";
import { archiveOrgUnit, createOrgUnit, lockOrgUnits, moveOrgUnit } from "~/models/orgs.server";
import { decideNomination } from "~/models/showcase.server";
import { insertShowcaseNomination } from "~/models/grades.server";
import { indicatorFigure, keptOutcomeFigures, markMilestone, recomputeOutcomeFigures } from "~/models/outcomes.server";
import { bumpAttempts, moveSubmission, saveDraft } from "~/models/submissions.server";
import { updateUser } from "~/models/users.server";
import { loader as dashboard } from "~/routes/admin.outcomes._index";
import { loader as drill } from "~/routes/admin.outcomes.$indicatorId";
import { recordGrade, seenVersionOf } from "~/services/grading.server";
import { runOutcomeCheck } from "~/services/outcome-check.server";
import { maintenanceProcessor } from "../../workers/processors/maintenance";
import { startWorkers } from "../../workers/runtime";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { insertSubmission } from "../support/arrange";

// The kept 百千万 figures (decision 020): after every kind of change that moves a figure, the kept rows
// equal a fresh recomputation from the source rows; the nightly check finds and repairs drift.

type GradedTask = Extract<TaskDefinition, { type: "work_product" | "field_work" }>;
type User = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;

let app: Awaited<ReturnType<typeof createTestApp>>;
let root: string;
const fieldModule = () => catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "field_work"))!;
const fieldTask = () => fieldModule().tasks.find((t) => t.type === "field_work") as GradedTask;
const indicator = (id: string) => catalog().program.tracks.flatMap((t) => t.indicators).find((i) => i.id === id)!;
const year1 = () => yearWindow(catalog().program.programStart, 1);

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  root = await app.programmeRoot();
});
afterAll(async () => app?.close());

/** A small tree of its own per test: province → city → district → school. */
async function tree(tag: string) {
  const province = await createOrgUnit(app.db, { parentId: root, kind: "province", name: `${tag}省`, track: null });
  const city = await createOrgUnit(app.db, { parentId: province, kind: "city", name: `${tag}市`, track: null });
  const district = await createOrgUnit(app.db, { parentId: city, kind: "district", name: `${tag}区`, track: null });
  const school = await createOrgUnit(app.db, { parentId: district, kind: "site", name: `${tag}校`, track: "campus" });
  return { province, city, district, school };
}

async function expectKeptEqualsRecomputed() {
  const [kept, fresh] = await Promise.all([keptOutcomeFigures(app.db), recomputeOutcomeFigures(app.db)]);
  expect(fresh.length).toBeGreaterThan(0);
  expect(kept).toEqual(fresh);
}

/** The figure the dashboard shows for a region (from the kept rows). */
async function shown(regionId: string, indicatorId: string): Promise<number> {
  const admin = await app.signIn(["admin"], { orgUnitId: root });
  const res = await responseOf(() => dashboard({ request: makeRequest(`/admin/outcomes?region=${regionId}&track=campus&year=1`), context: admin.context, params: {} }));
  const data = await res.json();
  return data.indicators.find((i: { id: string }) => i.id === indicatorId).figure;
}

/** The same figure counted from the source rows (the drill-down's base query). */
async function counted(regionId: string, indicatorId: string): Promise<number> {
  const region = await app.db.selectFrom("org_units").select("path").where("id", "=", regionId).executeTakeFirstOrThrow();
  return indicatorFigure(app.db, indicator(indicatorId), { track: "campus", regionPath: region.path, window: year1() });
}

async function submittedFieldWork(trainee: User, orgUnitId: string, people: number) {
  const mentor = await app.signIn(["mentor"]);
  const { id } = await insertSubmission(app.db, { userId: trainee.id, module: fieldModule(), task: fieldTask(), orgUnitId, people_reached: people, activity_date: "2026-10-20", showcase_consent: true });
  await app.db.insertInto("submission_assignments").values({ submission_id: id, mentor_id: mentor.id, role: "marker" }).execute();
  return { id, mentor };
}

async function gradeAs(mentor: User, submissionId: string, decision: "pass" | "not_pass" | "return") {
  const task = fieldTask();
  const s = await app.db.selectFrom("submissions").selectAll().where("id", "=", submissionId).executeTakeFirstOrThrow();
  // The top level of every criterion passes; the bottom one fails.
  const level = decision === "pass" ? 0 : -1;
  const selections = Object.fromEntries(task.rubric.criteria.map((c) => [c.id, { level: c.levels.at(level)!.label }]));
  const outcome = await recordGrade(app.db, {
    mentor: { id: mentor.id, roles: ["mentor"] },
    submissionId,
    selections,
    comment: decision === "pass" ? "" : "请补充活动签到表，并说明学生的反馈。",
    decision,
    seenVersion: seenVersionOf(s),
  });
  expect(outcome).toMatchObject({ ok: true });
}

async function issuedCertificate(userId: string, name: string) {
  return app.db
    .insertInto("certificates")
    .values({ number: `BC-T-${crypto.randomUUID().slice(0, 8)}`, user_id: userId, track: "campus", tier: "specialist", name_on_certificate: name, issued_at: new Date("2026-10-10T10:00:00+08:00") })
    .returning("id")
    .executeTakeFirstOrThrow();
}

describe("kept figures follow every decision", () => {
  it("grades: a pass counts, a return and a resubmission with another figure count the new figure, a regrade to fail takes it away", async () => {
    const t = await tree("评");
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: t.school });
    const { id, mentor } = await submittedFieldWork(trainee, t.school, 30);
    await gradeAs(mentor, id, "pass");
    expect(await shown(t.province, "campus-y1-students")).toBe(30);
    await expectKeptEqualsRecomputed();

    const colleague = await app.signIn(["trainee"], { track: "campus", orgUnitId: t.school });
    const second = await submittedFieldWork(colleague, t.school, 25);
    await gradeAs(second.mentor, second.id, "return");
    expect(await shown(t.province, "campus-y1-students")).toBe(30);
    // The trainee corrects the figure and sends it again; the mentor passes it.
    expect(await saveDraft(app.db, second.id, { peopleReached: 45 })).toBe(true);
    // As the resubmit leaves it: a second attempt, a new round of grading.
    expect(await bumpAttempts(app.db, second.id)).toBe(2);
    expect(await moveSubmission(app.db, { submissionId: second.id, from: "returned", to: "resubmitted", actorId: colleague.id })).toBe(true);
    await gradeAs(second.mentor, second.id, "pass");
    expect(await shown(t.province, "campus-y1-students")).toBe(75);
    await expectKeptEqualsRecomputed();

    // A decision overturned (no screen does this today; any writer that does is seen by the triggers).
    expect(await moveSubmission(app.db, { submissionId: id, from: "passed", to: "not_passed", actorId: mentor.id })).toBe(true);
    expect(await shown(t.province, "campus-y1-students")).toBe(45);
    expect(await shown(t.school, "campus-y1-students")).toBe(await counted(t.school, "campus-y1-students"));
    await expectKeptEqualsRecomputed();
  });

  it("certificates: issued counts, revoked and superseded do not, the reissued one does", async () => {
    const t = await tree("证");
    const holder = await app.signIn(["trainee"], { track: "campus", orgUnitId: t.school, name: "证书甲" });
    const other = await app.signIn(["trainee"], { track: "campus", orgUnitId: t.school, name: "证书乙" });
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    const first = await issuedCertificate(holder.id, "证书甲");
    const second = await issuedCertificate(other.id, "证书乙");
    expect(await shown(t.city, "campus-y1-mh-teachers")).toBe(2);
    await expectKeptEqualsRecomputed();

    expect(await revokeCertificate(app.db, { certificateId: first.id, actorId: admin.id, ip: null, reason: "材料不实" })).toMatchObject({ ok: true });
    expect(await shown(t.city, "campus-y1-mh-teachers")).toBe(1);
    await expectKeptEqualsRecomputed();

    await app.db.updateTable("users").set({ name: "证书乙改" }).where("id", "=", other.id).execute();
    expect(await reissueCertificate(app.db, { certificateId: second.id, actorId: admin.id, ip: null })).toMatchObject({ ok: true });
    const statuses = await app.db.selectFrom("certificates").select("status").where("user_id", "=", other.id).orderBy("status").execute();
    expect(statuses.map((s) => s.status)).toEqual(["issued", "superseded"]);
    // Reissued now: it counts in the month it was issued (year 1 while the tests run before 2027-09).
    await expectKeptEqualsRecomputed();
    expect(await shown(t.city, "campus-y1-mh-teachers")).toBe(await counted(t.city, "campus-y1-mh-teachers"));
  });

  it("a trainee moved to another unit takes certificates and showcased work along; their field work stays where it was done", async () => {
    const from = await tree("迁出");
    const to = await tree("迁入");
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: from.school });
    await issuedCertificate(trainee.id, "迁移者");
    const { id, mentor } = await submittedFieldWork(trainee, from.school, 20);
    await gradeAs(mentor, id, "pass");
    expect(await insertShowcaseNomination(app.db, { submissionId: id, nominatedBy: mentor.id, reason: null })).toBe(true);
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    expect(await decideNomination(app.db, { submissionId: id, approve: true, adminId: admin.id })).toBe("ok");
    await app.db.updateTable("showcase_items").set({ decided_at: new Date("2026-10-25T09:00:00+08:00") }).where("submission_id", "=", id).execute();
    expect(await shown(from.province, "campus-y1-mh-teachers")).toBe(1);
    await expectKeptEqualsRecomputed();

    await updateUser(app.db, trainee.id, { orgUnitId: to.school });
    expect(await shown(from.province, "campus-y1-mh-teachers")).toBe(0);
    expect(await shown(to.province, "campus-y1-mh-teachers")).toBe(1);
    expect(await shown(from.province, "campus-y1-students")).toBe(20);
    expect(await shown(to.province, "campus-y1-students")).toBe(0);
    await expectKeptEqualsRecomputed();
  });

  it("a unit moved in the tree takes its subtree's figures from the old region to the new; an archived one keeps them", async () => {
    const a = await tree("树甲");
    const b = await tree("树乙");
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: a.school });
    const { id, mentor } = await submittedFieldWork(trainee, a.school, 17);
    await gradeAs(mentor, id, "pass");
    expect(await markMilestone(app.db, { orgUnitId: a.school, milestone: "standardised", evidence: "2026年市教育局规范化评估达标文件", userId: mentor.id })).toBe(true);
    expect(await shown(a.province, "campus-y1-students")).toBe(17);

    // 树甲区 (with its school) moves under 树乙市.
    await app.db.transaction().execute(async (trx) => {
      const locked = await lockOrgUnits(trx, [a.district, b.city]);
      await moveOrgUnit(trx, locked.get(a.district)!, locked.get(b.city)!);
    });
    expect(await shown(a.province, "campus-y1-students")).toBe(0);
    expect(await shown(b.province, "campus-y1-students")).toBe(17);
    expect(await shown(b.city, "campus-y1-students")).toBe(await counted(b.city, "campus-y1-students"));
    await expectKeptEqualsRecomputed();

    await app.db.transaction().execute(async (trx) => {
      const locked = await lockOrgUnits(trx, [b.city]);
      await archiveOrgUnit(trx, locked.get(b.city)!);
    });
    // Archived units keep their records, and the figures of the regions above them count them still.
    expect(await shown(b.province, "campus-y1-students")).toBe(17);
    await expectKeptEqualsRecomputed();
  });
});

describe("the nightly check", () => {
  it("finds a corrupted, a missing and an invented row, repairs them and says so on the outcomes page", async () => {
    const t = await tree("核");
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: t.school });
    const { id, mentor } = await submittedFieldWork(trainee, t.school, 12);
    await gradeAs(mentor, id, "pass");
    expect((await runOutcomeCheck(app.db)).drifted).toBe(0);

    await app.db.updateTable("outcome_figures").set({ value: sql`value + 5` }).where("org_unit_id", "=", t.city).execute();
    await app.db.deleteFrom("outcome_figures").where("org_unit_id", "=", t.district).execute();
    await app.db.insertInto("outcome_figures").values({ org_unit_id: t.province, track: "campus", measure: "people:parents", month: "2026-11-01", value: 99 }).execute();
    expect(await shown(t.city, "campus-y1-students")).toBe(17);

    const report = (await maintenanceProcessor(app.db)({ name: "check-outcome-figures" } as Job)) as { drifted: number; rowsChecked: number };
    expect(report.drifted).toBe(3);
    await expectKeptEqualsRecomputed();
    expect(await shown(t.city, "campus-y1-students")).toBe(12);
    const last = await app.db.selectFrom("outcome_checks").selectAll().orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
    expect(last.drifted).toBe(3);
    expect(last.sample).toEqual(expect.arrayContaining([expect.objectContaining({ org_unit_id: t.city, measure: "people:students", kept: 17, fresh: 12 })]));

    const admin = await app.signIn(["admin"], { orgUnitId: root });
    const page = await (await responseOf(() => dashboard({ request: makeRequest(`/admin/outcomes?region=${t.city}&track=campus&year=1`), context: admin.context, params: {} }))).json();
    expect(page.check).toMatchObject({ drifted: 3 });
  });

  it("is scheduled once under one id by every worker process, and a run is one check", async () => {
    const first = await startWorkers({ db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 1 });
    const second = await startWorkers({ db: app.db, redisUrl: app.redis.redisUrl, prefix: app.redis.prefix, concurrency: 1 });
    try {
      const maintenance = queue("maintenance");
      const schedulers = (await maintenance.getJobSchedulers()).filter((s) => s.key === "check-outcome-figures");
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({ pattern: "30 3 * * *", tz: "Asia/Shanghai" });
      const waiting = (await maintenance.getDelayed()).filter((j) => j.name === "check-outcome-figures");
      expect(waiting).toHaveLength(1);
      // Tonight's run, now: two workers are listening, one of them takes it.
      const before = await app.db.selectFrom("outcome_checks").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
      await waiting[0]!.promote();
      const deadline = Date.now() + 60_000;
      while ((await waiting[0]!.getState()) !== "completed" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await waiting[0]!.getState()).toBe("completed");
      await new Promise((r) => setTimeout(r, 1000));
      const after = await app.db.selectFrom("outcome_checks").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
      expect(Number(after.n) - Number(before.n)).toBe(1);
      // The next night's run is waiting, once.
      expect((await maintenance.getDelayed()).filter((j) => j.name === "check-outcome-figures")).toHaveLength(1);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe("the drill-down", () => {
  it("pages through the rows of the figure's base query, and the pages add up to the kept figure", async () => {
    const t = await tree("页");
    const trainees = await app.db
      .insertInto("users")
      .values(Array.from({ length: 130 }, (_, k) => ({ name: `页学员${k}`, phone: null, email: `page-${k}-${crypto.randomUUID()}@example.org`, org_unit_id: t.school, track: "campus" as const, password_hash: null })))
      .returning("id")
      .execute();
    const version = (await app.db.selectFrom("tasks").select("version").where("id", "=", fieldTask().id).where("is_current", "=", true).executeTakeFirstOrThrow()).version;
    await app.db
      .insertInto("submissions")
      .values(
        Array.from({ length: 130 }, (_, k) => ({
          user_id: trainees[k]!.id,
          task_id: fieldTask().id,
          task_version: version,
          module_id: fieldModule().id,
          track: "campus" as const,
          tier: "foundation" as const,
          type: "field_work" as const,
          status: "passed" as const,
          activity_title: `活动${k}`,
          activity_date: `2026-10-${String((k % 28) + 1).padStart(2, "0")}`,
          org_unit_id: t.school,
          audience_type: "students",
          people_reached: k + 1,
        })),
      )
      .execute();
    const admin = await app.signIn(["admin"], { orgUnitId: root });
    const load = async (path: string) => (await responseOf(() => drill({ request: makeRequest(path), context: admin.context, params: { indicatorId: "campus-y1-students" } }))).json();
    const page1 = await load(`/admin/outcomes/campus-y1-students?region=${t.city}&track=campus&year=1`);
    expect(page1.rows).toHaveLength(100);
    expect(page1.next).toBeTruthy();
    const page2 = await load(page1.next);
    expect(page2.rows).toHaveLength(30);
    expect(page2.next).toBeNull();
    const ids = new Set([...page1.rows, ...page2.rows].map((r: { id: string }) => r.id));
    expect(ids.size).toBe(130);
    const sum = [...page1.rows, ...page2.rows].reduce((s: number, r: { amount: number }) => s + r.amount, 0);
    expect(sum).toBe((130 * 131) / 2);
    expect(page1.figure).toBe(sum);
  });
});
