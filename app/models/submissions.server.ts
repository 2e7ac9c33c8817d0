import type { Visit } from "~/domain/submission-input";
import { sql } from "kysely";
import type { SubmissionStatus, TaskType, TierColumn, TrackColumn } from "../../db/schema";
import type { SubmissionSnapshot } from "~/domain/resubmission";
import type { Db } from "./types";

export interface SubmissionKey {
  userId: string;
  taskId: string;
  taskVersion: number;
  moduleId: string;
  track: TrackColumn;
  tier: TierColumn;
  type: TaskType;
}

export async function findSubmission(db: Db, userId: string, taskId: string) {
  return db.selectFrom("submissions").selectAll().where("user_id", "=", userId).where("task_id", "=", taskId).executeTakeFirst();
}

export async function getSubmission(db: Db, id: string) {
  return db.selectFrom("submissions").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The trainee's submission for the task, created as a draft the first time (safe under double clicks). */
export async function getOrCreateDraft(db: Db, key: SubmissionKey) {
  await db
    .insertInto("submissions")
    .values({ user_id: key.userId, task_id: key.taskId, task_version: key.taskVersion, module_id: key.moduleId, track: key.track, tier: key.tier, type: key.type })
    .onConflict((oc) => oc.columns(["user_id", "task_id"]).doNothing())
    .execute();
  return (await findSubmission(db, key.userId, key.taskId))!;
}

export interface DraftFields {
  body?: Record<string, string>;
  activityTitle?: string | null;
  activityDate?: string | null;
  orgUnitId?: string | null;
  otherOrgName?: string | null;
  place?: string | null;
  audienceType?: string | null;
  peopleReached?: number | null;
  durationMinutes?: number | null;
  consentConfirmed?: boolean;
  showcaseConsent?: boolean;
  showcasePhotos?: boolean;
  activityLog?: Visit[] | null;
}

/** Saves what the trainee typed, only while the submission is editable. Returns false otherwise. */
export async function saveDraft(db: Db, submissionId: string, fields: DraftFields): Promise<boolean> {
  const result = await db
    .updateTable("submissions")
    .set({
      ...(fields.body !== undefined && { body: JSON.stringify(fields.body) }),
      ...(fields.activityTitle !== undefined && { activity_title: fields.activityTitle }),
      ...(fields.activityDate !== undefined && { activity_date: fields.activityDate }),
      ...(fields.orgUnitId !== undefined && { org_unit_id: fields.orgUnitId }),
      ...(fields.otherOrgName !== undefined && { other_org_name: fields.otherOrgName }),
      ...(fields.place !== undefined && { place: fields.place }),
      ...(fields.audienceType !== undefined && { audience_type: fields.audienceType }),
      ...(fields.peopleReached !== undefined && { people_reached: fields.peopleReached }),
      ...(fields.durationMinutes !== undefined && { duration_minutes: fields.durationMinutes }),
      ...(fields.consentConfirmed !== undefined && { consent_confirmed: fields.consentConfirmed }),
      ...(fields.showcaseConsent !== undefined && { showcase_consent: fields.showcaseConsent }),
      ...(fields.showcasePhotos !== undefined && { showcase_photos: fields.showcasePhotos }),
      ...(fields.activityLog !== undefined && { activity_log: fields.activityLog === null ? null : JSON.stringify(fields.activityLog) }),
      updated_at: new Date(),
    })
    .where("id", "=", submissionId)
    .where("status", "in", ["draft", "returned"])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Moves a submission from one status to another and records the event. The WHERE on the old
 * status is the gate: of two concurrent moves only one happens (a double-clicked submit moves once).
 */
export async function moveSubmission(
  db: Db,
  input: {
    submissionId: string;
    from: SubmissionStatus;
    to: SubmissionStatus;
    actorId: string | null;
    note?: string | null;
    score?: number | null;
  },
): Promise<boolean> {
  const now = new Date();
  const moved = await db
    .updateTable("submissions")
    .set({
      status: input.to,
      updated_at: now,
      ...(input.to === "submitted" || input.to === "resubmitted" ? { submitted_at: now } : {}),
      ...(input.to === "passed" || input.to === "not_passed" ? { decided_at: now } : {}),
      ...(input.score !== undefined ? { score: input.score } : {}),
    })
    .where("id", "=", input.submissionId)
    .where("status", "=", input.from)
    .executeTakeFirst();
  if (Number(moved.numUpdatedRows) !== 1) return false;
  const submitted = input.to === "submitted" || input.to === "resubmitted";
  await db
    .insertInto("submission_events")
    .values({
      submission_id: input.submissionId,
      from_status: input.from,
      to_status: input.to,
      actor_id: input.actorId,
      note: input.note ?? null,
      // What was sent, so a later round can show the mentor what changed.
      ...(submitted && { snapshot: sql<string>`(${snapshotOf(input.submissionId)})` }),
    })
    .execute();
  return true;
}

/** The submission's text fields and live evidence files as one SubmissionSnapshot (jsonb). */
function snapshotOf(submissionId: string) {
  return sql`select jsonb_build_object(
      'fields', jsonb_build_object(
        'activityTitle', s.activity_title, 'activityDate', s.activity_date::text, 'place', s.place, 'audienceType', s.audience_type,
        'peopleReached', s.people_reached::text, 'durationMinutes', s.duration_minutes::text,
        'plan', s.body->>'plan', 'reflection', s.body->>'reflection', 'text', s.body->>'text'),
      'evidence', coalesce((select jsonb_agg(jsonb_build_object('id', f.id, 'kind', f.kind, 'name', f.original_name) order by f.created_at, f.id)
        from evidence_files f where f.submission_id = s.id and f.deleted_at is null), '[]'::jsonb))
    from submissions s where s.id = ${submissionId}`;
}

/** The snapshots of a submission's submits, oldest first: index 0 is round 1. */
export async function submitSnapshots(db: Db, submissionId: string): Promise<Array<SubmissionSnapshot | null>> {
  const rows = await db
    .selectFrom("submission_events")
    .select("snapshot")
    .where("submission_id", "=", submissionId)
    .where("to_status", "in", ["submitted", "resubmitted"])
    .orderBy("id")
    .execute();
  return rows.map((r) => r.snapshot);
}

export async function listSubmissionEvents(db: Db, submissionId: string) {
  return db
    .selectFrom("submission_events as e")
    .leftJoin("users as u", "u.id", "e.actor_id")
    .select(["e.id", "e.from_status", "e.to_status", "e.note", "e.created_at", "u.name as actor_name"])
    .where("e.submission_id", "=", submissionId)
    .orderBy("e.id")
    .execute();
}

export async function listUserSubmissions(db: Db, userId: string) {
  // Files counted per submission (an index look-up each), not grouped over every evidence file first.
  return db
    .selectFrom("submissions as s")
    .select(["s.id", "s.task_id", "s.task_version", "s.module_id", "s.type", "s.status", "s.score", "s.people_reached", "s.submitted_at", "s.updated_at"])
    .select(sql<number | null>`(select nullif(count(*), 0) from evidence_files f where f.submission_id = s.id and f.deleted_at is null)`.as("files"))
    .where("s.user_id", "=", userId)
    .execute();
}

/** Who stands where to a submission: its owner, its currently assigned mentors, and its trainee's unit. */
export async function submissionParties(db: Db, submissionId: string, viewerId: string) {
  return db
    .selectFrom("submissions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .leftJoin("submission_assignments as a", (join) =>
      join.onRef("a.submission_id", "=", "s.id").on("a.mentor_id", "=", viewerId).on("a.released_at", "is", null),
    )
    .select(["s.user_id as ownerId", "a.mentor_id as assignedMentorId", "o.path as orgPath"])
    .where("s.id", "=", submissionId)
    .executeTakeFirst();
}

/** Live evidence of a submission, counted by kind (for the submit check). */
export async function countEvidence(db: Db, submissionId: string): Promise<{ photos: number; signInSheets: number; documents: number }> {
  const rows = await db
    .selectFrom("evidence_files")
    .select(["kind", sql<number>`count(*)`.as("n")])
    .where("submission_id", "=", submissionId)
    .where("deleted_at", "is", null)
    .groupBy("kind")
    .execute();
  const n = (kind: string) => rows.find((r) => r.kind === kind)?.n ?? 0;
  return { photos: n("photo"), signInSheets: n("sign_in_sheet"), documents: n("document") };
}

/** Locks the row for the rest of the transaction (submit, grade). */
export async function lockSubmission(db: Db, id: string) {
  return db.selectFrom("submissions").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

/** Locks several submissions until the transaction ends, in id order (two batches never deadlock). */
export async function lockSubmissions(db: Db, ids: string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom("submissions").selectAll().where("id", "in", ids).orderBy("id").forUpdate().execute();
}

/**
 * Decides several submissions in one statement each for the rows and the status events (a batch of
 * quiz scores by the system): like moveSubmission to passed / not_passed, for the rows still in `from`.
 * Returns the ids moved.
 */
export async function decideSubmissions(
  db: Db,
  moves: Array<{ submissionId: string; from: SubmissionStatus; to: "passed" | "not_passed"; score: number }>,
): Promise<Set<string>> {
  if (moves.length === 0) return new Set();
  const rows = sql.join(moves.map((m) => sql`(${m.submissionId}::uuid, ${m.from}::text, ${m.to}::text, ${m.score}::integer)`));
  const moved = await sql<{ id: string }>`update submissions as s
    set status = v.to_status, updated_at = now(), decided_at = now(), score = v.score
    from (values ${rows}) as v(id, from_status, to_status, score)
    where s.id = v.id and s.status = v.from_status
    returning s.id`.execute(db);
  const ids = new Set(moved.rows.map((r) => r.id));
  const events = moves.filter((m) => ids.has(m.submissionId));
  if (events.length) {
    await db
      .insertInto("submission_events")
      .values(events.map((m) => ({ submission_id: m.submissionId, from_status: m.from, to_status: m.to, actor_id: null, note: null })))
      .execute();
  }
  return ids;
}

export async function bumpAttempts(db: Db, id: string): Promise<number> {
  const row = await db
    .updateTable("submissions")
    .set({ attempts_used: sql`attempts_used + 1` })
    .where("id", "=", id)
    .returning("attempts_used")
    .executeTakeFirstOrThrow();
  return row.attempts_used;
}
