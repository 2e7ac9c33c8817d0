import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import type { TaskDefinition } from "~/catalog/schema";
import { syncCatalog } from "~/models/curriculum.server";
import { action as adminAction, loader as adminLoader } from "~/routes/admin.calibration";
import { loader as queueLoader } from "~/routes/mentor._index";
import { action as practiceAction, loader as practiceLoader } from "~/routes/mentor.calibration";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { insertSubmission } from "../support/arrange";

type GradedTask = Extract<TaskDefinition, { type: "work_product" | "field_work" }>;
type User = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;

let app: Awaited<ReturnType<typeof createTestApp>>;
let admin: User;
const workModule = () => catalog().modules.find((m) => m.tasks.some((t) => t.type === "work_product"))!;
const workTask = () => workModule().tasks.find((t) => t.type === "work_product") as GradedTask;
const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  admin = await app.signIn(["admin"]);
});
afterAll(async () => app?.close());

/** Criteria choosing, per criterion, the level at that index (0 = first listed), and their total. */
function criteriaOf(pick: number[] = []) {
  const criteria = workTask().rubric.criteria.map((c, i) => {
    const level = c.levels[pick[i] ?? 0]!;
    return { criterionId: c.id, level: level.label, points: level.points, comment: "" };
  });
  return { criteria, total: criteria.reduce((s, c) => s + c.points, 0) };
}

async function work(opts: { status: "submitted" | "in_review" | "passed" | "not_passed"; score?: number | null; submittedAt?: Date }) {
  const trainee = await app.signIn(["trainee"]);
  return insertSubmission(app.db, {
    userId: trainee.id,
    module: workModule(),
    task: workTask(),
    status: opts.status,
    body: JSON.stringify({ text: "样本作业正文。".repeat(40) }),
    score: opts.score ?? null,
    submitted_at: opts.submittedAt ?? hoursAgo(48),
  });
}

async function insertGrade(submission: { id: string; version: number }, mentorId: string, opts: { role?: "marker" | "second_marker" | "moderator"; total: number; createdAt?: Date }) {
  await app.db
    .insertInto("grades")
    .values({
      submission_id: submission.id,
      mentor_id: mentorId,
      role: opts.role ?? "marker",
      task_version: submission.version,
      criteria: JSON.stringify(criteriaOf().criteria),
      total: opts.total,
      decision: "pass",
      comment: null,
      seen_version: "x",
      round: 1,
      ...(opts.createdAt && { created_at: opts.createdAt }),
    })
    .execute();
}

/** Decided work graded by the admin (no mentor role, so it stays out of the mentor figures). */
async function decidedWork(score: number) {
  const s = await work({ status: "passed", score });
  await insertGrade(s, admin.id, { total: score });
  return s;
}

const adminPage = (who: User | null) => responseOf(() => adminLoader({ request: makeRequest("/admin/calibration"), context: who ? who.context : app.anonymous(), params: {} }));
const markAnchor = (who: User, submissionId: string) =>
  responseOf(() => adminAction({ request: makeRequest("/admin/calibration", { form: { submissionId } }), context: who.context, params: {} }));
const practicePage = (who: User | null, query = "") =>
  responseOf(() => practiceLoader({ request: makeRequest(`/mentor/calibration${query}`), context: who ? who.context : app.anonymous(), params: {} }));
const practise = (who: User, anchorId: string, pick: number[] = []) =>
  responseOf(() =>
    practiceAction({
      request: makeRequest("/mentor/calibration", { form: { anchorId, ...Object.fromEntries(workTask().rubric.criteria.map((c, i) => [`level.${c.id}`, c.levels[pick[i] ?? 0]!.label])) } }),
      context: who.context,
      params: {},
    }),
  );

describe("guards", () => {
  it("sends anonymous visitors to login and refuses trainees, and mentors on the admin page", async () => {
    const trainee = await app.signIn(["trainee"]);
    const mentor = await app.signIn(["mentor"]);
    const anonymousAdmin = await adminPage(null);
    expect(anonymousAdmin.status).toBe(302);
    expect(anonymousAdmin.headers.get("Location")).toBe("/login?redirectTo=%2Fadmin%2Fcalibration");
    expect((await adminPage(trainee)).status).toBe(403);
    expect((await adminPage(mentor)).status).toBe(403);
    expect((await markAnchor(mentor, (await decidedWork(70)).id)).status).toBe(403);
    expect((await adminPage(admin)).status).toBe(200);

    const anonymousPractice = await practicePage(null);
    expect(anonymousPractice.status).toBe(302);
    expect(anonymousPractice.headers.get("Location")).toMatch(/^\/login\?redirectTo=/);
    expect((await practicePage(trainee)).status).toBe(403);
    expect((await practicePage(mentor)).status).toBe(200);
  });
});

describe("anchors and practice grading", () => {
  it("makes decided work an anchor with its final score as the reference, and only decided work", async () => {
    const decided = await decidedWork(78);
    const res = await markAnchor(admin, decided.id);
    expect(res.status).toBe(200);
    const anchor = await app.db.selectFrom("calibration_anchors").selectAll().where("submission_id", "=", decided.id).executeTakeFirstOrThrow();
    expect(anchor.reference_total).toBe(78);
    expect(anchor.created_by).toBe(admin.id);
    expect(anchor.reference_criteria).toEqual(criteriaOf().criteria);
    expect((await markAnchor(admin, decided.id)).status).toBe(409);

    const open = await work({ status: "submitted" });
    const refused = await markAnchor(admin, open.id);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ ok: false, problem: "notDecided" });
    expect(await app.db.selectFrom("calibration_anchors").select("submission_id").where("submission_id", "=", open.id).executeTakeFirst()).toBeUndefined();
  });

  it("lets a mentor practise on an anchor without changing the submission or its grades", async () => {
    const mentor = await app.signIn(["mentor"]);
    const anchor = await decidedWork(60);
    expect((await markAnchor(admin, anchor.id)).status).toBe(200);

    const queue = await (await responseOf(() => queueLoader({ request: makeRequest("/mentor"), context: mentor.context, params: {} }))).json();
    expect(queue.anchorsWaiting).toBeGreaterThanOrEqual(1);
    const page = await (await practicePage(mentor, `?anchor=${anchor.id}`)).json();
    expect(page.todo.map((a: { id: string }) => a.id)).toContain(anchor.id);
    expect(page.selected.id).toBe(anchor.id);

    const before = await app.db.selectFrom("submissions").selectAll().where("id", "=", anchor.id).executeTakeFirstOrThrow();
    const gradesBefore = await app.db.selectFrom("grades").selectAll().where("submission_id", "=", anchor.id).execute();
    const expected = criteriaOf().total;
    const res = await practise(mentor, anchor.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, total: expected, referenceTotal: 60 });

    expect(await app.db.selectFrom("submissions").selectAll().where("id", "=", anchor.id).executeTakeFirstOrThrow()).toEqual(before);
    expect(await app.db.selectFrom("grades").selectAll().where("submission_id", "=", anchor.id).execute()).toEqual(gradesBefore);
    const practice = await app.db.selectFrom("calibration_grades").selectAll().where("anchor_submission_id", "=", anchor.id).execute();
    expect(practice.map((p) => [p.mentor_id, p.total])).toEqual([[mentor.id, expected]]);

    expect((await practise(mentor, anchor.id)).status).toBe(409);
    const after = await (await practicePage(mentor)).json();
    expect(after.todo.map((a: { id: string }) => a.id)).not.toContain(anchor.id);
    expect(after.results).toContainEqual({ id: anchor.id, title: workTask().title, total: expected, referenceTotal: 60 });
  });

  it("gives a mentor only samples of their own track, with the photos and sign-in sheet the rubric grades", async () => {
    const { loader: fileLoader } = await import("~/routes/files.$fileId");
    const { LocalDiskStorage, registerStorage, storage } = await import("~/services/storage.server");
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    registerStorage(new LocalDiskStorage(mkdtempSync(`${tmpdir()}/baicheng-calibration-`)));
    const anchor = await decidedWork(70);
    const { track } = await app.db.selectFrom("submissions").select("track").where("id", "=", anchor.id).executeTakeFirstOrThrow();
    const other = track === "campus" ? "community" : "campus";
    const files: string[] = [];
    for (const kind of ["photo", "sign_in_sheet"] as const) {
      const key = `test/${anchor.id}/${kind}`;
      await storage().put(key, new Uint8Array([0xff, 0xd8, 0xff, 0xd9]), "image/jpeg");
      const row = await app.db
        .insertInto("evidence_files")
        .values({ submission_id: anchor.id, owner_id: admin.id, kind, storage_key: key, mime_type: "image/jpeg", size_bytes: 4, sha256: "x", original_name: `${kind}.jpg` })
        .returning("id")
        .executeTakeFirstOrThrow();
      files.push(row.id);
    }
    expect((await markAnchor(admin, anchor.id)).status).toBe(200);
    const same = await app.signIn(["mentor"], { track });
    const elsewhere = await app.signIn(["mentor"], { track: other });

    const theirs = await (await practicePage(elsewhere)).json();
    expect(theirs.todo.map((a: { id: string }) => a.id)).not.toContain(anchor.id);
    expect((await practicePage(elsewhere, `?anchor=${anchor.id}`)).status).toBe(404);
    expect((await practise(elsewhere, anchor.id)).status).toBe(404);
    const file = (who: User, fileId: string) => responseOf(() => fileLoader({ request: makeRequest(`/files/${fileId}`), context: who.context, params: { fileId } }));
    expect((await file(elsewhere, files[0]!)).status).toBe(404);

    const page = await (await practicePage(same, `?anchor=${anchor.id}`)).json();
    expect(page.todo.map((a: { id: string }) => a.id)).toContain(anchor.id);
    expect(page.selected.evidence.map((f: { kind: string }) => f.kind)).toEqual(["photo", "sign_in_sheet"]);
    for (const id of files) expect((await file(same, id)).status).toBe(200);
  });

  it("keeps a missing level and refuses work the mentor graded for real", async () => {
    const mentor = await app.signIn(["mentor"]);
    const anchor = await work({ status: "passed", score: 66 });
    await insertGrade(anchor, mentor.id, { total: 66 });
    expect((await markAnchor(admin, anchor.id)).status).toBe(200);
    expect((await (await practicePage(mentor)).json()).todo.map((a: { id: string }) => a.id)).not.toContain(anchor.id);
    const own = await practise(mentor, anchor.id);
    expect(own.status).toBe(409);
    expect((await own.json()).problem).toBe("ownWork");

    const other = await app.signIn(["mentor"]);
    const first = workTask().rubric.criteria[0]!;
    const partial = await responseOf(() =>
      practiceAction({ request: makeRequest("/mentor/calibration", { form: { anchorId: anchor.id, [`level.${first.id}`]: first.levels[0]!.label } }), context: other.context, params: {} }),
    );
    expect(partial.status).toBe(400);
    const body = await partial.json();
    expect(body.problem).toBe("invalidSelections");
    expect(body.levels).toEqual({ [first.id]: first.levels[0]!.label });
    expect(await app.db.selectFrom("calibration_grades").select("id").where("mentor_id", "=", other.id).execute()).toEqual([]);
  });
});

describe("mentor figures", () => {
  it("reports anchor agreement, co-marker agreement, open load and median turnaround per mentor", async () => {
    const a = await app.signIn(["mentor"], { name: "甲导师" });
    const b = await app.signIn(["mentor"], { name: "乙导师" });
    // Anchors with references 50 and 90 (practice totals come from the rubric, so write them directly).
    const anchor1 = await decidedWork(50);
    const anchor2 = await decidedWork(90);
    for (const s of [anchor1, anchor2]) expect((await markAnchor(admin, s.id)).status).toBe(200);
    await app.db
      .insertInto("calibration_grades")
      .values([
        { anchor_submission_id: anchor1.id, mentor_id: a.id, criteria: "[]", total: 60 }, // 10 apart: agrees
        { anchor_submission_id: anchor2.id, mentor_id: a.id, criteria: "[]", total: 70 }, // 20 apart
        { anchor_submission_id: anchor1.id, mentor_id: b.id, criteria: "[]", total: 52 }, // 2 apart
      ])
      .execute();

    // Two double-marked pieces: A and B agree on one (75/80), not on the other (40/60).
    // Submitted 10 h before A's grades and 30 h / 20 h before B's.
    const pair1 = await work({ status: "passed", score: 78, submittedAt: hoursAgo(100) });
    await insertGrade(pair1, a.id, { role: "marker", total: 75, createdAt: hoursAgo(90) });
    await insertGrade(pair1, b.id, { role: "second_marker", total: 80, createdAt: hoursAgo(70) });
    const pair2 = await work({ status: "in_review", submittedAt: hoursAgo(100) });
    await insertGrade(pair2, a.id, { role: "marker", total: 40, createdAt: hoursAgo(96) });
    await insertGrade(pair2, b.id, { role: "second_marker", total: 60, createdAt: hoursAgo(80) });
    // A third grade by A, 2 h after submission; and one outside the 90-day window that must not count.
    const single = await work({ status: "passed", score: 70, submittedAt: hoursAgo(50) });
    await insertGrade(single, a.id, { total: 70, createdAt: hoursAgo(48) });
    const old = await work({ status: "passed", score: 70, submittedAt: hoursAgo(24 * 120) });
    await insertGrade(old, a.id, { total: 70, createdAt: hoursAgo(24 * 100) });

    // Open load: current assignments on open work only (released or decided ones do not count).
    const open1 = await work({ status: "submitted" });
    const open2 = await work({ status: "in_review" });
    const decided = await work({ status: "passed", score: 80 });
    await app.db
      .insertInto("submission_assignments")
      .values([
        { submission_id: open1.id, mentor_id: a.id, role: "marker" },
        { submission_id: open2.id, mentor_id: a.id, role: "marker" },
        { submission_id: decided.id, mentor_id: a.id, role: "marker" },
        { submission_id: open1.id, mentor_id: b.id, role: "second_marker", released_at: new Date() },
      ])
      .execute();

    const data = await (await adminPage(admin)).json();
    const row = (id: string) => data.mentors.find((m: { id: string }) => m.id === id);
    expect(row(a.id)).toMatchObject({
      name: "甲导师",
      anchorsGraded: 2,
      anchorMeanDifference: 15,
      anchorAgreement: 0.5,
      coMarkedPairs: 2,
      coMarkerAgreement: 0.5,
      openLoad: 2,
    });
    expect(row(a.id).medianTurnaroundHours).toBeCloseTo(4, 3); // 10, 4, 2 hours
    expect(row(b.id)).toMatchObject({ anchorsGraded: 1, anchorMeanDifference: 2, anchorAgreement: 1, coMarkedPairs: 2, coMarkerAgreement: 0.5, openLoad: 0 });
    expect(row(b.id).medianTurnaroundHours).toBeCloseTo(25, 3); // 30 and 20 hours
    expect(row(admin.id)).toBeUndefined();

    const mine = await (await responseOf(() => queueLoader({ request: makeRequest("/mentor"), context: a.context, params: {} }))).json();
    expect(mine.figures).toMatchObject({ openLoad: 2, anchorAgreement: 0.5, coMarkerAgreement: 0.5 });
    expect(mine.figures.medianTurnaroundHours).toBeCloseTo(4, 3);
  });
});
