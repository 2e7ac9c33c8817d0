import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import type { TaskDefinition } from "~/catalog/schema";
import { gradeFromSelections, type Selections } from "~/domain/grading";
import { isEditable } from "~/domain/submission-lifecycle";
import { syncCatalog } from "~/models/curriculum.server";
import { loader as queueLoader } from "~/routes/mentor._index";
import { action as gradingAction, loader as gradingLoader } from "~/routes/mentor.submissions.$submissionId";
import { recordGrade, traineeGradeSummary } from "~/services/grading.server";
import { saveOrSubmit } from "~/submissions/written.server";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { insertSubmission } from "../support/arrange";

type GradedTask = Extract<TaskDefinition, { type: "work_product" | "field_work" }>;
type User = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;

let app: Awaited<ReturnType<typeof createTestApp>>;
let orgId: string;
const fieldModule = () => catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "field_work"))!;
const fieldTask = () => fieldModule().tasks.find((t) => t.type === "field_work") as GradedTask;
const doubleModule = () => catalog().modules.find((m) => m.tasks.some((t) => t.type !== "quiz" && t.doubleMarking))!;
const doubleTask = () => doubleModule().tasks.find((t) => t.type !== "quiz" && t.doubleMarking) as GradedTask;

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  orgId = await app.programmeRoot();
});
afterAll(async () => app?.close());

const plan = "目标：帮助学生识别并命名常见情绪。流程：导入情境、情绪卡片分类、两人一组练习“我感到……因为……”句式、教师小结。分工：班主任主持，心理老师协助观察。安全预案：如有学生情绪明显波动，课后单独关心。";
const reflection =
  "学生参与度较高，多数能用情绪词描述自己的感受，个别学生表达困难，需要更多示范。时间控制偏紧，情绪卡片分类环节可以缩短。下一次计划加入身体信号的觉察练习，并在课后用一周的情绪日记巩固。本次活动中没有出现需要转介的情况，我会持续留意两名近期情绪低落的学生，并与心理老师保持沟通。".repeat(5);

/** A submitted piece of work as the trainee's submit leaves it, written directly (routing is another worker's job). */
async function submittedWork(trainee: User, which: "field" | "double", opts: { daysAgo?: number; showcaseConsent?: boolean } = {}) {
  const module = which === "field" ? fieldModule() : doubleModule();
  const task = which === "field" ? fieldTask() : doubleTask();
  const { id } = await insertSubmission(app.db, {
    userId: trainee.id,
    module,
    task,
    orgUnitId: orgId,
    body: JSON.stringify(task.type === "field_work" ? { plan, reflection } : { text: reflection.repeat(8) }),
    people_reached: task.type === "field_work" ? 42 : null,
    showcase_consent: opts.showcaseConsent ?? false,
    submitted_at: new Date(Date.now() - (opts.daysAgo ?? 1) * 86_400_000),
  });
  return id;
}

/** Field work of a new trainee, assigned to a new mentor: where most grading stories start. */
async function assignedFieldWork(traineeOptions: { track?: "campus" | "community" } = {}) {
  const mentor = await app.signIn(["mentor"]);
  // Placed at the root, so the root is a unit the trainee may name when editing the work.
  const trainee = await app.signIn(["trainee"], { orgUnitId: orgId, ...traineeOptions });
  const id = await submittedWork(trainee, "field");
  await assign(id, mentor);
  return { mentor, trainee, id, task: fieldTask() };
}

async function assign(submissionId: string, mentor: User, role: "marker" | "second_marker" | "moderator" = "marker") {
  await app.db.insertInto("submission_assignments").values({ submission_id: submissionId, mentor_id: mentor.id, role }).execute();
}

/** Form fields choosing, per criterion, the level at that index (0 = the first level listed). */
function levelFields(task: GradedTask, pick: number[] = []): Record<string, string> {
  return Object.fromEntries(task.rubric.criteria.map((c, i) => [`level.${c.id}`, c.levels[pick[i] ?? 0]!.label]));
}
function selections(task: GradedTask, pick: number[] = []): Selections {
  return Object.fromEntries(task.rubric.criteria.map((c, i) => [c.id, { level: c.levels[pick[i] ?? 0]!.label }]));
}
function totalOf(task: GradedTask, pick: number[] = []): number {
  const graded = gradeFromSelections(task.rubric, selections(task, pick));
  if (!graded.ok) throw new Error("bad test selections");
  return graded.total;
}

async function view(who: User, submissionId: string) {
  return responseOf(() => gradingLoader({ request: makeRequest(`/mentor/submissions/${submissionId}`), context: who.context, params: { submissionId } }));
}
async function viewData(who: User, submissionId: string) {
  const res = await view(who, submissionId);
  expect(res.status).toBe(200);
  return res.json();
}
async function grade(who: User, submissionId: string, form: Record<string, string>) {
  const seen = form.seenVersion ?? (await viewData(who, submissionId)).submission.seenVersion;
  return responseOf(() =>
    gradingAction({ request: makeRequest(`/mentor/submissions/${submissionId}`, { form: { intent: "grade", seenVersion: seen, ...form } }), context: who.context, params: { submissionId } }),
  );
}
const submissionRow = (id: string) => app.db.selectFrom("submissions").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const gradeRows = (id: string) => app.db.selectFrom("grades").selectAll().where("submission_id", "=", id).orderBy("created_at").execute();

describe("mentor queue", () => {
  it("shows a mentor only their assigned work, oldest first, with counts and filters; trainees get 403", async () => {
    const mentor = await app.signIn(["mentor"]);
    const trainee = await app.signIn(["trainee"], { name: "排队学员" });
    const older = await submittedWork(trainee, "field", { daysAgo: 10 });
    const other = await app.signIn(["trainee"]);
    const newer = await submittedWork(other, "double", { daysAgo: 2 });
    const stranger = await app.signIn(["trainee"]);
    await submittedWork(stranger, "field", { daysAgo: 20 }); // not assigned to this mentor
    await assign(older, mentor);
    await assign(newer, mentor);

    const res = await responseOf(() => queueLoader({ request: makeRequest("/mentor"), context: mentor.context, params: {} }));
    const data = await res.json();
    expect(data.rows.map((r: { id: string }) => r.id)).toEqual([older, newer]);
    expect(data.counts).toEqual({ submitted: 2 });
    expect(data.rows[0]).toMatchObject({ traineeName: "排队学员", status: "submitted", resubmitted: false });

    const filtered = await (await responseOf(() => queueLoader({ request: makeRequest("/mentor?age=7&tier=foundation"), context: mentor.context, params: {} }))).json();
    expect(filtered.rows.map((r: { id: string }) => r.id)).toEqual([older]);

    const forbidden = await responseOf(() => queueLoader({ request: makeRequest("/mentor"), context: trainee.context, params: {} }));
    expect(forbidden.status).toBe(403);
    const anonymous = await responseOf(() => queueLoader({ request: makeRequest("/mentor"), context: app.anonymous(), params: {} }));
    expect(anonymous.status).toBe(302);
  });

  it("links next and previous submissions in queue order", async () => {
    const mentor = await app.signIn(["mentor"]);
    const ids: string[] = [];
    for (const days of [9, 6, 3]) {
      const trainee = await app.signIn(["trainee"]);
      const id = await submittedWork(trainee, "field", { daysAgo: days });
      await assign(id, mentor);
      ids.push(id);
    }
    const middle = await viewData(mentor, ids[1]!);
    expect(middle.neighbours).toEqual({ previous: ids[0], next: ids[2] });
    expect((await viewData(mentor, ids[0]!)).neighbours).toEqual({ previous: null, next: ids[1] });
  });
});

describe("single marking", () => {
  it("passes: status, score, the rubric version used, the event and the eligibility job, all at once", async () => {
    const { mentor, trainee, id, task } = await assignedFieldWork();

    const res = await grade(mentor, id, { ...levelFields(task), [`comment.${task.rubric.criteria[0]!.id}`]: "方案完整", comment: "整体很好。", decision: "pass" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, final: true, status: "passed", total: 100 });

    const s = await submissionRow(id);
    expect(s.status).toBe("passed");
    expect(s.score).toBe(100);
    const [g] = await gradeRows(id);
    expect(g).toMatchObject({ task_version: s.task_version, total: 100, decision: "pass", role: "marker", round: 1, comment: "整体很好。" });
    expect(g!.criteria[0]).toMatchObject({ criterionId: task.rubric.criteria[0]!.id, comment: "方案完整" });
    const events = await app.db.selectFrom("submission_events").select(["from_status", "to_status", "note"]).where("submission_id", "=", id).orderBy("id").execute();
    expect(events).toEqual([
      { from_status: "submitted", to_status: "in_review", note: null },
      { from_status: "in_review", to_status: "passed", note: "整体很好。" },
    ]);
    const job = await app.db.selectFrom("job_outbox").selectAll().where("job_id", "=", `eligibility-${trainee.id}-campus-foundation-${g!.id}`).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ queue: "eligibility", name: "evaluate", payload: { userId: trainee.id, track: "campus", tier: "foundation" } });

    const summary = await traineeGradeSummary(app.db, id);
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ round: 1, total: 100, decision: "pass", taskVersion: s.task_version });
  });

  it("refuses a return without a comment, an unknown level and a pass below the pass mark, saving nothing", async () => {
    const { mentor, id, task } = await assignedFieldWork();

    const noComment = await grade(mentor, id, { ...levelFields(task), comment: "  ", decision: "return" });
    expect(noComment.status).toBe(400);
    const body = await noComment.json();
    expect(body.problem).toBe("commentRequired");
    expect(body.typed.levels[task.rubric.criteria[0]!.id]).toBe(task.rubric.criteria[0]!.levels[0]!.label); // the form keeps the choices

    const badLevel = await grade(mentor, id, { ...levelFields(task), [`level.${task.rubric.criteria[1]!.id}`]: "满分", decision: "pass" });
    expect(badLevel.status).toBe(400);
    expect((await badLevel.json()).errors).toEqual({ [task.rubric.criteria[1]!.id]: "unknownLevel" });

    const lowest = task.rubric.criteria.map((c) => c.levels.length - 1);
    const belowMark = await grade(mentor, id, { ...levelFields(task, lowest), decision: "pass" });
    expect((await belowMark.json()).problem).toBe("passBelowMark");

    expect(await gradeRows(id)).toEqual([]);
    expect((await submissionRow(id)).status).toBe("submitted");
  });

  it("returns for revision; the trainee edits and resubmits; the mentor grades round 2", async () => {
    const { mentor, trainee, id, task } = await assignedFieldWork({ track: "campus" });

    const returned = await grade(mentor, id, { ...levelFields(task, [1, 1, 1]), comment: "请补充签到表并细化安全预案。", decision: "return" });
    expect((await returned.json()).status).toBe("returned");
    const afterReturn = await submissionRow(id);
    expect(afterReturn.status).toBe("returned");
    expect(afterReturn.score).toBeNull();
    expect(isEditable(afterReturn.status)).toBe(true);
    const events = await app.db.selectFrom("submission_events").select("note").where("submission_id", "=", id).where("to_status", "=", "returned").execute();
    expect(events).toEqual([{ note: "请补充签到表并细化安全预案。" }]);

    for (const kind of ["photo", "photo", "sign_in_sheet"] as const) {
      await app.db
        .insertInto("evidence_files")
        .values({ submission_id: id, owner_id: trainee.id, kind, storage_key: `test/${id}/${Math.random()}`, mime_type: "image/jpeg", size_bytes: 100, sha256: "x", original_name: `${kind}.jpg` })
        .execute();
    }
    const raw = {
      activityTitle: "情绪小课堂（修改版）",
      activityDate: "2026-11-20",
      orgUnitId: orgId,
      otherOrgName: "",
      place: "教室",
      audienceType: "students",
      peopleReached: "42",
      durationMinutes: "40",
      plan,
      reflection,
      text: "",
      consentConfirmed: true,
      showcaseConsent: false,
    };
    const resubmit = await saveOrSubmit(app.db, { submissionId: id, userId: trainee.id, task, raw, submit: true });
    expect(resubmit).toEqual({ ok: true, submitted: true });
    expect((await submissionRow(id)).status).toBe("resubmitted");

    const queue = await (await responseOf(() => queueLoader({ request: makeRequest("/mentor"), context: mentor.context, params: {} }))).json();
    expect(queue.rows.find((r: { id: string }) => r.id === id)).toMatchObject({ status: "resubmitted", resubmitted: true });

    const second = await grade(mentor, id, { ...levelFields(task), decision: "pass" });
    expect((await second.json()).status).toBe("passed");
    const grades = await gradeRows(id);
    expect(grades.map((g) => [g.round, g.decision])).toEqual([
      [1, "return"],
      [2, "pass"],
    ]);
    expect((await traineeGradeSummary(app.db, id)).map((r) => r.decision)).toEqual(["return", "pass"]);
  });

  it("round 2 starts from the mentor's round-1 marks and shows what the trainee changed", async () => {
    const mentor = await app.signIn(["mentor"]);
    const trainee = await app.signIn(["trainee"], { track: "campus", orgUnitId: orgId });
    const task = fieldTask();
    const { id } = await insertSubmission(app.db, { userId: trainee.id, module: fieldModule(), task, orgUnitId: orgId, status: "draft", attempts_used: 0, submitted_at: null });
    await assign(id, mentor);
    const evidence = async (kind: "photo" | "sign_in_sheet", name: string) =>
      app.db
        .insertInto("evidence_files")
        .values({ submission_id: id, owner_id: trainee.id, kind, storage_key: `test/${id}/${Math.random()}`, mime_type: "image/jpeg", size_bytes: 100, sha256: "x", original_name: name })
        .execute();
    for (const name of ["课堂1.jpg", "课堂2.jpg"]) await evidence("photo", name);
    await evidence("sign_in_sheet", "签到表.jpg");
    const raw = { activityTitle: "情绪小课堂", activityDate: "2026-11-20", orgUnitId: orgId, otherOrgName: "", place: "教室", audienceType: "students", peopleReached: "42", durationMinutes: "40", plan, reflection, text: "", consentConfirmed: true, showcaseConsent: false };
    expect(await saveOrSubmit(app.db, { submissionId: id, userId: trainee.id, task, raw, submit: true })).toEqual({ ok: true, submitted: true });
    expect((await viewData(mentor, id)).changes).toBeNull(); // round 1: nothing to compare

    const pick = [1, 2, 1];
    const comments = { [`comment.${task.rubric.criteria[0]!.id}`]: "目标清楚，但安全预案太简略。" };
    expect((await grade(mentor, id, { ...levelFields(task, pick), ...comments, comment: "请细化安全预案并补一张照片。", decision: "return" })).status).toBe(200);

    await evidence("photo", "补充照片.jpg");
    const revised = `${reflection}（补充：课后由心理老师单独回访了两名情绪波动的学生。）`;
    expect(await saveOrSubmit(app.db, { submissionId: id, userId: trainee.id, task, raw: { ...raw, reflection: revised }, submit: true })).toEqual({ ok: true, submitted: true });

    const round2 = await viewData(mentor, id);
    expect(round2.submission.round).toBe(2);
    expect(round2.changes).toEqual({ fields: [{ field: "reflection", before: reflection, after: revised }], evidenceAdded: [{ kind: "photo", name: "补充照片.jpg" }], evidenceRemoved: [] });
    expect(round2.prefill.levels).toEqual(Object.fromEntries(task.rubric.criteria.map((c, i) => [c.id, c.levels[pick[i] ?? 0]!.label])));
    expect(round2.prefill.comments).toEqual({ [task.rubric.criteria[0]!.id]: "目标清楚，但安全预案太简略。" });
  });

  it("refuses a mentor the work is not assigned to (404), and lets an admin grade any work", async () => {
    const { mentor, trainee, id, task } = await assignedFieldWork();
    const outsider = await app.signIn(["mentor"]);
    const admin = await app.signIn(["admin"]);

    expect((await view(outsider, id)).status).toBe(404);
    expect((await view(trainee, id)).status).toBe(403);
    const seen = (await viewData(mentor, id)).submission.seenVersion;
    const refused = await responseOf(() =>
      gradingAction({ request: makeRequest(`/mentor/submissions/${id}`, { form: { intent: "grade", seenVersion: seen, decision: "pass", ...levelFields(task) } }), context: outsider.context, params: { submissionId: id } }),
    );
    expect(refused.status).toBe(404);
    const direct = await recordGrade(app.db, { mentor: { id: outsider.id, roles: ["mentor"] }, submissionId: id, selections: selections(task), comment: "", decision: "pass", seenVersion: seen });
    expect(direct).toEqual({ ok: false, problem: "notAssigned" });
    expect(await gradeRows(id)).toEqual([]);

    const byAdmin = await grade(admin, id, { ...levelFields(task), decision: "pass" });
    expect(byAdmin.status).toBe(200);
    expect((await submissionRow(id)).status).toBe("passed");
  });

  it("refuses a stale form with a clear message and saves nothing", async () => {
    const { mentor, id, task } = await assignedFieldWork();
    const seen = (await viewData(mentor, id)).submission.seenVersion;
    await app.db.updateTable("submissions").set({ updated_at: new Date(Date.now() + 1000) }).where("id", "=", id).execute();

    const res = await grade(mentor, id, { ...levelFields(task), decision: "pass", seenVersion: seen });
    expect(res.status).toBe(409);
    expect((await res.json()).problem).toBe("stale");
    expect(await gradeRows(id)).toEqual([]);
    expect((await submissionRow(id)).status).toBe("submitted");
  });

  it("turns a double-clicked decision into one grade, one move and one job", async () => {
    const { mentor, trainee, id, task } = await assignedFieldWork();
    const seen = (await viewData(mentor, id)).submission.seenVersion;
    const input = { mentor: { id: mentor.id, roles: ["mentor" as const] }, submissionId: id, selections: selections(task), comment: "", decision: "pass" as const, seenVersion: seen };

    const results = await Promise.all([recordGrade(app.db, input), recordGrade(app.db, input)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, problem: "alreadyGraded" });
    expect(await gradeRows(id)).toHaveLength(1);
    const moves = await app.db.selectFrom("submission_events").select("to_status").where("submission_id", "=", id).execute();
    expect(moves.map((m) => m.to_status)).toEqual(["in_review", "passed"]);
    const jobs = await app.db.selectFrom("job_outbox").select("job_id").where("job_id", "like", `eligibility-${trainee.id}-%`).execute();
    expect(jobs).toHaveLength(1);
  });
});

describe("double marking", () => {
  async function doubleMarked() {
    const [first, second, moderator, trainee] = [await app.signIn(["mentor"], { name: "甲导师" }), await app.signIn(["mentor"], { name: "乙导师" }), await app.signIn(["mentor"]), await app.signIn(["trainee"])];
    const id = await submittedWork(trainee, "double");
    await assign(id, first, "marker");
    await assign(id, second, "second_marker");
    await assign(id, moderator, "moderator");
    return { first, second, moderator, trainee, id };
  }

  it("is blind: the second marker's view has no trace of the first grade; agreeing totals give the mean", async () => {
    const { first, second, id } = await doubleMarked();
    const task = doubleTask();
    const firstPick = task.rubric.criteria.map(() => 0);
    const secondPick = [0, 1];
    const firstRes = await grade(first, id, { ...levelFields(task, firstPick), comment: "甲的秘密评语", decision: "pass" });
    expect(await firstRes.json()).toMatchObject({ ok: true, final: false, needsModerator: false, status: "in_review" });

    const secondView = await viewData(second, id);
    expect(secondView.grades).toEqual([]);
    expect(secondView.canGrade).toBe(true);
    expect(JSON.stringify(secondView)).not.toContain("甲的秘密评语");
    expect(JSON.stringify(secondView)).not.toContain("甲导师");
    expect((await viewData(first, id)).waitingFor).toBe("secondMarker");

    const res = await grade(second, id, { ...levelFields(task, secondPick), comment: "乙的评语", decision: "pass" });
    expect(await res.json()).toMatchObject({ ok: true, final: true, status: "passed" });
    const expected = Math.round((totalOf(task, firstPick) + totalOf(task, secondPick)) / 2);
    expect(totalOf(task, firstPick) - totalOf(task, secondPick)).toBeLessThanOrEqual(10);
    const s = await submissionRow(id);
    expect(s.status).toBe("passed");
    expect(s.score).toBe(expected);
    expect((await gradeRows(id)).map((g) => g.role)).toEqual(["marker", "second_marker"]); // provisional grades kept
    expect((await traineeGradeSummary(app.db, id))[0]).toMatchObject({ total: expected, decision: "pass" });
  });

  it("leaves work in review for a moderator when totals differ beyond the tolerance; the moderator's grade is final", async () => {
    const { first, second, moderator, id } = await doubleMarked();
    const admin = await app.signIn(["admin"]);
    const task = doubleTask();
    const farPick = [1, 1, 0, 0, 0];
    expect(totalOf(task, []) - totalOf(task, farPick)).toBeGreaterThan(10);

    const early = await grade(moderator, id, { ...levelFields(task), decision: "pass" });
    expect((await early.json()).problem).toBe("moderatorNotNeeded");
    expect((await viewData(moderator, id)).waitingFor).toBe("markers");

    await grade(first, id, { ...levelFields(task), decision: "pass" });
    const res = await grade(second, id, { ...levelFields(task, farPick), decision: "pass" });
    expect(await res.json()).toMatchObject({ ok: true, final: false, needsModerator: true });
    const s = await submissionRow(id);
    expect(s.status).toBe("in_review");
    expect(s.score).toBeNull();

    const adminQueue = await (await responseOf(() => queueLoader({ request: makeRequest("/mentor?status=moderation"), context: admin.context, params: {} }))).json();
    expect(adminQueue.rows.map((r: { id: string }) => r.id)).toContain(id);
    expect(adminQueue.rows.find((r: { id: string }) => r.id === id).needsModerator).toBe(true);
    const moderatorView = await viewData(moderator, id);
    expect(moderatorView.needsModerator).toBe(true);
    expect(moderatorView.canGrade).toBe(true);
    expect(moderatorView.grades).toHaveLength(2);
    expect((await traineeGradeSummary(app.db, id))).toEqual([]);

    const pick = [0, 1, 0, 0, 0];
    const decided = await grade(moderator, id, { ...levelFields(task, pick), comment: "仲裁意见", decision: "pass" });
    expect(await decided.json()).toMatchObject({ ok: true, final: true, status: "passed" });
    expect((await submissionRow(id)).score).toBe(totalOf(task, pick));
    expect((await gradeRows(id)).map((g) => g.role)).toEqual(["marker", "second_marker", "moderator"]);
  });
});

describe("rubric versions", () => {
  it("keeps a grade's rubric version and shows the submission's rubric after the task changes", async () => {
    const mentor = await app.signIn(["mentor"]);
    const trainee = await app.signIn(["trainee"]);
    const id = await submittedWork(trainee, "field", { showcaseConsent: true });
    await assign(id, mentor);
    const task = fieldTask();
    await grade(mentor, id, { ...levelFields(task), decision: "pass" });
    const oldVersion = (await submissionRow(id)).task_version;

    const changed = { ...task, rubric: { criteria: task.rubric.criteria.map((c, i) => ({ ...c, id: `${c.id}-v2`, title: `${c.title}（新版）`, levels: c.levels.map((l) => ({ ...l, label: `${l.label}${i}` })) })) } };
    await app.db.updateTable("tasks").set({ is_current: false }).where("id", "=", task.id).execute();
    await app.db
      .insertInto("tasks")
      .values({ id: task.id, version: oldVersion + 1, module_id: fieldModule().id, type: task.type, title: task.title, definition: JSON.stringify(changed), version_hash: "changed-rubric", is_current: true })
      .execute();

    const data = await viewData(mentor, id);
    expect(data.submission.taskVersion).toBe(oldVersion);
    expect(data.task.rubric.criteria.map((c: { id: string }) => c.id)).toEqual(task.rubric.criteria.map((c) => c.id));
    expect(data.grades[0].taskVersion).toBe(oldVersion);
    expect((await gradeRows(id))[0]!.task_version).toBe(oldVersion);
    expect((await traineeGradeSummary(app.db, id))[0]!.marks[0]!.criteria[0]!.title).toBe(task.rubric.criteria[0]!.title);

    // Put the catalog's version back, so later tests submit against the rubric they pick levels from.
    await app.db.deleteFrom("tasks").where("id", "=", task.id).where("version", "=", oldVersion + 1).execute();
    await app.db.updateTable("tasks").set({ is_current: true }).where("id", "=", task.id).where("version", "=", oldVersion).execute();
  });
});

describe("showcase nomination", () => {
  async function nominate(who: User, id: string, reason = "活动设计有创意") {
    return responseOf(() => gradingAction({ request: makeRequest(`/mentor/submissions/${id}`, { form: { intent: "nominate", reason } }), context: who.context, params: { submissionId: id } }));
  }

  it("nominates passed work once, only with the trainee's consent", async () => {
    const mentor = await app.signIn(["mentor"]);
    const task = fieldTask();
    const willing = await submittedWork(await app.signIn(["trainee"]), "field", { showcaseConsent: true });
    const unwilling = await submittedWork(await app.signIn(["trainee"]), "field", { showcaseConsent: false });
    for (const id of [willing, unwilling]) await assign(id, mentor);

    expect((await (await nominate(mentor, willing)).json()).problem).toBe("notPassed");
    for (const id of [willing, unwilling]) expect((await grade(mentor, id, { ...levelFields(task), decision: "pass" })).status).toBe(200);

    expect((await (await nominate(mentor, unwilling)).json()).problem).toBe("noConsent");
    expect((await nominate(mentor, willing)).status).toBe(200);
    const again = await nominate(mentor, willing);
    expect(again.status).toBe(409);
    expect((await again.json()).problem).toBe("alreadyNominated");
    const items = await app.db.selectFrom("showcase_items").selectAll().where("submission_id", "in", [willing, unwilling]).execute();
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ submission_id: willing, nominated_by: mentor.id, reason: "活动设计有创意", status: "nominated" });
  });
});
