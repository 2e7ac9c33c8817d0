import { sql, type Kysely } from "kysely";
import { taskSchema } from "~/catalog/schema";
import { gradeFromSelections, type SelectionProblem, type Selections } from "~/domain/grading";
import type { CriterionGrade, Database } from "../../db/schema";
import { mentorServesUnder, userUnder } from "./placement.server";
import type { Db } from "./types";

// Calibration anchors, practice grades and the raw figures of the mentor dashboard.

/** A decided (passed or not passed) submission's final total and the criteria of its deciding grade. */
export async function findAnchorSource(db: Db, submissionId: string) {
  const s = await db.selectFrom("submissions").select(["id", "status", "score", "type", "attempts_used"]).where("id", "=", submissionId).executeTakeFirst();
  if (!s) return null;
  const round = Math.max(1, s.attempts_used);
  // The moderator's grade decides a disputed round; otherwise the first marker's criteria stand for it.
  const deciding = await db
    .selectFrom("grades")
    .select(["criteria"])
    .where("submission_id", "=", submissionId)
    .where("round", "=", round)
    .orderBy(sql`case when role = 'moderator' then 0 when role = 'marker' then 1 else 2 end`)
    .orderBy("created_at")
    .limit(1)
    .executeTakeFirst();
  return { ...s, criteria: deciding?.criteria ?? null };
}

/** Marks a submission as an anchor; false when it already is one. */
export async function insertAnchor(db: Db, input: { submissionId: string; referenceTotal: number; referenceCriteria: CriterionGrade[]; createdBy: string }): Promise<boolean> {
  const row = await db
    .insertInto("calibration_anchors")
    .values({
      submission_id: input.submissionId,
      reference_total: input.referenceTotal,
      reference_criteria: JSON.stringify(input.referenceCriteria),
      created_by: input.createdBy,
    })
    .onConflict((oc) => oc.column("submission_id").doNothing())
    .returning("submission_id")
    .executeTakeFirst();
  return !!row;
}

/** Every anchor (of trainees under `regionPath`), newest first, with its task and how many mentors practised on it. */
export async function listAnchors(db: Db, regionPath?: string) {
  return db
    .selectFrom("calibration_anchors as a")
    .innerJoin("submissions as s", "s.id", "a.submission_id")
    .innerJoin("tasks as t", (j) => j.onRef("t.id", "=", "s.task_id").onRef("t.version", "=", "s.task_version"))
    .select((eb) => [
      "a.submission_id",
      "a.reference_total",
      "a.created_at",
      "t.title as task_title",
      "s.status",
      eb.selectFrom("calibration_grades as c").select(sql<number>`count(*)::int`.as("n")).whereRef("c.anchor_submission_id", "=", "a.submission_id").as("practice_count"),
    ])
    .$if(!!regionPath, (q) => q.where(userUnder("s.user_id", regionPath!)))
    .orderBy("a.created_at", "desc")
    .execute();
}

/** Recently decided (passed or not passed) graded work that is not an anchor yet. */
export async function listAnchorCandidates(db: Db, limit = 30, regionPath?: string) {
  return db
    .selectFrom("submissions as s")
    .innerJoin("tasks as t", (j) => j.onRef("t.id", "=", "s.task_id").onRef("t.version", "=", "s.task_version"))
    .select(["s.id", "s.status", "s.score", "s.decided_at", "t.title as task_title"])
    .where("s.type", "in", ["work_product", "field_work"])
    .where("s.status", "in", ["passed", "not_passed"])
    .where("s.score", "is not", null)
    .where((eb) => eb.not(eb.exists(eb.selectFrom("calibration_anchors as a").select("a.submission_id").whereRef("a.submission_id", "=", "s.id"))))
    .$if(!!regionPath, (q) => q.where(userUnder("s.user_id", regionPath!)))
    .orderBy("s.decided_at", "desc")
    .orderBy("s.id")
    .limit(limit)
    .execute();
}

/** Anchors this mentor has not practised on; work they graded for real is left out (they know the answer). */
export async function anchorsToPractise(db: Db, mentorId: string) {
  return db
    .selectFrom("calibration_anchors as a")
    .innerJoin("submissions as s", "s.id", "a.submission_id")
    .innerJoin("tasks as t", (j) => j.onRef("t.id", "=", "s.task_id").onRef("t.version", "=", "s.task_version"))
    .select(["a.submission_id", "t.title as task_title", "s.track", "s.tier", "a.created_at"])
    .where(inMentorsTrack(mentorId))
    .where((eb) =>
      eb.and([
        eb.not(eb.exists(eb.selectFrom("calibration_grades as c").select("c.id").whereRef("c.anchor_submission_id", "=", "a.submission_id").where("c.mentor_id", "=", mentorId))),
        eb.not(eb.exists(eb.selectFrom("grades as g").select("g.id").whereRef("g.submission_id", "=", "a.submission_id").where("g.mentor_id", "=", mentorId))),
      ]),
    )
    .orderBy("a.created_at")
    .orderBy("a.submission_id")
    .execute();
}

/**
 * Anchors of the mentor's own track (a community mentor never practises on campus work); a mentor
 * with no track, such as a national expert, practises on both.
 */
function inMentorsTrack(mentorId: string) {
  return sql<boolean>`coalesce((select m.track = s.track or m.track is null from users m where m.id = ${mentorId}), false)`;
}

/** An anchor of the mentor's track as the practice form needs it: the work (no trainee name), its task version and the reference. */
export async function findPracticeAnchor(db: Db, submissionId: string, mentorId: string) {
  return db
    .selectFrom("calibration_anchors as a")
    .innerJoin("submissions as s", "s.id", "a.submission_id")
    .innerJoin("tasks as t", (j) => j.onRef("t.id", "=", "s.task_id").onRef("t.version", "=", "s.task_version"))
    .select([
      "a.submission_id",
      "a.reference_total",
      "s.type",
      "s.body",
      "s.activity_title",
      "s.audience_type",
      "s.people_reached",
      "s.duration_minutes",
      "s.task_version",
      "t.title as task_title",
      "t.definition",
    ])
    .where("a.submission_id", "=", submissionId)
    .where(inMentorsTrack(mentorId))
    .executeTakeFirst();
}

/** Has this mentor graded the submission for real (then practising on it tells nothing)? */
export async function hasGradedForReal(db: Db, submissionId: string, mentorId: string): Promise<boolean> {
  const row = await db.selectFrom("grades").select("id").where("submission_id", "=", submissionId).where("mentor_id", "=", mentorId).limit(1).executeTakeFirst();
  return !!row;
}

/** Stores a practice grade; null when this mentor already practised on the anchor. */
export async function insertCalibrationGrade(db: Db, input: { anchorSubmissionId: string; mentorId: string; criteria: CriterionGrade[]; total: number }) {
  const row = await db
    .insertInto("calibration_grades")
    .values({ anchor_submission_id: input.anchorSubmissionId, mentor_id: input.mentorId, criteria: JSON.stringify(input.criteria), total: input.total })
    .onConflict((oc) => oc.columns(["anchor_submission_id", "mentor_id"]).doNothing())
    .returning(["id", "total"])
    .executeTakeFirst();
  return row ?? null;
}

/** This mentor's practice grades next to the reference, newest first. */
export async function listMyPracticeResults(db: Db, mentorId: string) {
  return db
    .selectFrom("calibration_grades as c")
    .innerJoin("calibration_anchors as a", "a.submission_id", "c.anchor_submission_id")
    .innerJoin("submissions as s", "s.id", "a.submission_id")
    .innerJoin("tasks as t", (j) => j.onRef("t.id", "=", "s.task_id").onRef("t.version", "=", "s.task_version"))
    .select(["c.anchor_submission_id", "c.total", "a.reference_total", "c.created_at", "t.title as task_title"])
    .where("c.mentor_id", "=", mentorId)
    .orderBy("c.created_at", "desc")
    .execute();
}

export const turnaroundWindowDays = 90;

/**
 * The raw dashboard figures of every mentor (or only `mentorId`): practice totals against the
 * reference, provisional totals against the co-marker's, open assignments and turnaround hours.
 */
export async function mentorFigureInputs(db: Db, mentorId?: string, regionPath?: string) {
  const since = new Date(Date.now() - turnaroundWindowDays * 86_400_000);
  const [mentors, anchorPairs, coPairs, load, turnaround] = await Promise.all([
    db
      .selectFrom("users as u")
      .select(["u.id", "u.name"])
      // One named user (an admin grading has no mentor role) or every active mentor.
      .$if(!!mentorId, (q) => q.where("u.id", "=", mentorId!))
      .$if(!mentorId, (q) =>
        q.where("u.status", "=", "active").where((eb) => eb.exists(eb.selectFrom("user_roles as r").select("r.user_id").whereRef("r.user_id", "=", "u.id").where("r.role", "=", "mentor"))),
      )
      // A regional admin sees the mentors who serve their region (their pools), no others.
      .$if(!!regionPath, (q) => q.where(mentorServesUnder("u.id", regionPath!)))
      .orderBy("u.name")
      .orderBy("u.id")
      .execute(),
    db
      .selectFrom("calibration_grades as c")
      .innerJoin("calibration_anchors as a", "a.submission_id", "c.anchor_submission_id")
      .select(["c.mentor_id", "c.total as mine", "a.reference_total as other"])
      .$if(!!mentorId, (q) => q.where("c.mentor_id", "=", mentorId!))
      .execute(),
    db
      .selectFrom("grades as g")
      .innerJoin("grades as o", (j) => j.onRef("o.submission_id", "=", "g.submission_id").onRef("o.round", "=", "g.round").onRef("o.mentor_id", "!=", "g.mentor_id"))
      .select(["g.mentor_id", "g.total as mine", "o.total as other"])
      // Kept true on every grade that has another mentor's mark in its round: only those are paired.
      .where("g.co_marked", "=", true)
      .where("g.role", "in", ["marker", "second_marker"])
      .where("o.role", "in", ["marker", "second_marker"])
      .$if(!!mentorId, (q) => q.where("g.mentor_id", "=", mentorId!))
      .execute(),
    // Kept by triggers from the assignments and their submissions (decision 029).
    db
      .selectFrom("mentor_open_loads as l")
      .select(["l.mentor_id", "l.open_count as n"])
      .$if(!!mentorId, (q) => q.where("l.mentor_id", "=", mentorId!))
      .execute(),
    // The grade keeps its submission's current submitted_at (migration 2026-11-30-24): no join per grade.
    db
      .selectFrom("grades as g")
      .select(["g.mentor_id", sql<number>`extract(epoch from (g.created_at - g.submitted_at)) / 3600.0`.as("hours")])
      .where("g.created_at", ">=", since)
      .where("g.submitted_at", "is not", null)
      // A grade of an earlier round predates a resubmission's submitted_at: it has no turnaround here.
      .whereRef("g.created_at", ">=", "g.submitted_at")
      .$if(!!mentorId, (q) => q.where("g.mentor_id", "=", mentorId!))
      .execute(),
  ]);
  return mentors.map((m) => ({
    mentorId: m.id,
    name: m.name,
    anchorPairs: anchorPairs.filter((p) => p.mentor_id === m.id).map((p) => ({ mine: p.mine, other: p.other })),
    coMarkerPairs: coPairs.filter((p) => p.mentor_id === m.id).map((p) => ({ mine: p.mine, other: p.other })),
    openLoad: load.find((l) => l.mentor_id === m.id)?.n ?? 0,
    turnaroundHours: turnaround.filter((t) => t.mentor_id === m.id).map((t) => Number(t.hours)),
  }));
}

export type MarkAnchorProblem = "notFound" | "notDecided" | "noGrade" | "alreadyAnchor";

/** An admin makes decided work an anchor; its final score and deciding criteria become the reference. */
export async function markAnchor(db: Kysely<Database>, input: { submissionId: string; adminId: string }): Promise<{ ok: true; referenceTotal: number } | { ok: false; problem: MarkAnchorProblem }> {
  return db.transaction().execute(async (trx) => {
    const source = await findAnchorSource(trx, input.submissionId);
    if (!source || source.type === "quiz") return { ok: false, problem: "notFound" } as const;
    if ((source.status !== "passed" && source.status !== "not_passed") || source.score === null) return { ok: false, problem: "notDecided" } as const;
    if (!source.criteria) return { ok: false, problem: "noGrade" } as const;
    const added = await insertAnchor(trx, { submissionId: source.id, referenceTotal: source.score, referenceCriteria: source.criteria, createdBy: input.adminId });
    return added ? ({ ok: true, referenceTotal: source.score } as const) : ({ ok: false, problem: "alreadyAnchor" } as const);
  });
}

export type PracticeProblem = "notFound" | "ownWork" | "alreadyPractised" | "invalidSelections";

export type PracticeOutcome =
  | { ok: true; total: number; referenceTotal: number }
  | { ok: false; problem: PracticeProblem; errors?: Record<string, SelectionProblem> };

/** A mentor's practice grade of an anchor: stored apart from grades, so the submission never changes. */
export async function recordPracticeGrade(db: Db, input: { mentorId: string; anchorSubmissionId: string; selections: Selections }): Promise<PracticeOutcome> {
  const anchor = await findPracticeAnchor(db, input.anchorSubmissionId, input.mentorId);
  if (!anchor) return { ok: false, problem: "notFound" };
  const task = taskSchema.parse(anchor.definition);
  if (task.type === "quiz") return { ok: false, problem: "notFound" };
  if (await hasGradedForReal(db, anchor.submission_id, input.mentorId)) return { ok: false, problem: "ownWork" };
  const graded = gradeFromSelections(task.rubric, input.selections);
  if (!graded.ok) return { ok: false, problem: "invalidSelections", errors: graded.errors };
  const row = await insertCalibrationGrade(db, { anchorSubmissionId: anchor.submission_id, mentorId: input.mentorId, criteria: graded.criteria, total: graded.total });
  if (!row) return { ok: false, problem: "alreadyPractised" };
  return { ok: true, total: row.total, referenceTotal: anchor.reference_total };
}

/** The photos and sign-in sheets of an anchor the mentor may practise on: the rubric grades them too. */
export async function anchorEvidence(db: Db, submissionId: string) {
  return db
    .selectFrom("evidence_files")
    .select(["id", "kind", "original_name", "mime_type", "thumbnail_key"])
    .where("submission_id", "=", submissionId)
    .where("deleted_at", "is", null)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** May this mentor see this evidence file as part of a calibration sample of their track? */
export async function isCalibrationEvidenceFor(db: Db, fileId: string, mentorId: string): Promise<boolean> {
  const row = await db
    .selectFrom("evidence_files as f")
    .innerJoin("calibration_anchors as a", "a.submission_id", "f.submission_id")
    .innerJoin("submissions as s", "s.id", "a.submission_id")
    .select("f.id")
    .where("f.id", "=", fileId)
    .where("f.deleted_at", "is", null)
    .where(inMentorsTrack(mentorId))
    .executeTakeFirst();
  return row !== undefined;
}
