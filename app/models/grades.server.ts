import { sql, type ExpressionBuilder } from "kysely";
import type { CriterionGrade, Database, SubmissionStatus, TierColumn, TrackColumn } from "../../db/schema";
import { figureCap } from "~/domain/attention";
import { pageOf, type PageRequest } from "~/domain/keyset";
import { countUpTo } from "./counting.server";
import { cursorTime, keysetPage, type KeyColumn } from "./keyset.server";
import { userUnder } from "./placement.server";
import type { Db } from "./types";
import { queueCountedStatuses } from "~/domain/grading";

// Grades, the mentor's queue and showcase nominations. Every grade is kept; none is overwritten.

export type GradeRole = "marker" | "second_marker" | "moderator";

export interface NewGrade {
  submissionId: string;
  mentorId: string;
  role: GradeRole;
  taskVersion: number;
  criteria: CriterionGrade[];
  total: number;
  decision: "pass" | "not_pass" | "return";
  comment: string | null;
  seenVersion: string;
  round: number;
}

/** Inserts a grade; null when this mentor already graded in this role and round (a double click). */
export async function insertGrade(db: Db, grade: NewGrade): Promise<{ id: string } | null> {
  const row = await db
    .insertInto("grades")
    .values({
      submission_id: grade.submissionId,
      mentor_id: grade.mentorId,
      role: grade.role,
      task_version: grade.taskVersion,
      criteria: JSON.stringify(grade.criteria),
      total: grade.total,
      decision: grade.decision,
      comment: grade.comment,
      seen_version: grade.seenVersion,
      round: grade.round,
    })
    .onConflict((oc) => oc.columns(["submission_id", "mentor_id", "role", "round"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return row ?? null;
}

/** Every grade of a submission, oldest first, with the mentor's name. */
export async function listGrades(db: Db, submissionId: string) {
  return db
    .selectFrom("grades as g")
    .innerJoin("users as u", "u.id", "g.mentor_id")
    .select([
      "g.id",
      "g.mentor_id",
      "u.name as mentor_name",
      "g.role",
      "g.round",
      "g.task_version",
      "g.criteria",
      "g.total",
      "g.decision",
      "g.comment",
      "g.created_at",
    ])
    .where("g.submission_id", "=", submissionId)
    .orderBy("g.round")
    .orderBy("g.created_at")
    .execute();
}
export type GradeRow = Awaited<ReturnType<typeof listGrades>>[number];

/** The grades given in one round (provisional marks and a moderator's), for the double-marking check. */
export async function gradesInRound(db: Db, submissionId: string, round: number) {
  return db
    .selectFrom("grades")
    .select(["id", "mentor_id", "role", "total", "decision", "comment"])
    .where("submission_id", "=", submissionId)
    .where("round", "=", round)
    .orderBy("created_at")
    .execute();
}

/** This mentor's current (not released) assignment to the submission, if any. */
export async function findAssignment(db: Db, submissionId: string, mentorId: string) {
  return db
    .selectFrom("submission_assignments")
    .select(["role", "assigned_at"])
    .where("submission_id", "=", submissionId)
    .where("mentor_id", "=", mentorId)
    .where("released_at", "is", null)
    .executeTakeFirst();
}

/** The task definition (rubric included) at the version a submission answered. */
export async function taskDefinitionAt(db: Db, taskId: string, version: number) {
  return db.selectFrom("tasks").select(["definition", "title", "version"]).where("id", "=", taskId).where("version", "=", version).executeTakeFirst();
}

export const openStatuses = ["submitted", "resubmitted", "in_review"] as const satisfies readonly SubmissionStatus[];
const queueStatuses = ["submitted", "resubmitted", "in_review", "returned", "passed", "not_passed"] as const satisfies readonly SubmissionStatus[];
export type QueueStatus = (typeof queueStatuses)[number];
/** "open": waiting for a decision; "moderation": two markers disagreed and a moderator must decide. */
export type QueueStatusFilter = "open" | "all" | "moderation" | QueueStatus;

export function isQueueStatusFilter(value: string): value is QueueStatusFilter {
  return value === "open" || value === "all" || value === "moderation" || (queueStatuses as readonly string[]).includes(value);
}

export interface QueueScope {
  /** The signed-in mentor: "mine" and "my role" are about them. */
  viewerId: string;
  /** Only submissions currently assigned to the viewer (mentors); false shows all in `regionPath` (admins). */
  assignedOnly: boolean;
  /** An admin's reach: only trainees whose unit lies under this path. */
  regionPath?: string;
}

export interface QueueFilters {
  track?: TrackColumn;
  tier?: TierColumn;
  taskId?: string;
  status: QueueStatusFilter;
  /** Only work submitted at least this many days ago. */
  olderThanDays?: number;
}

type QueueEb = ExpressionBuilder<Database & { s: Database["submissions"] }, "s">;
const round = sql<number>`greatest(s.attempts_used, 1)`;

function provisionalCount(eb: QueueEb) {
  return eb
    .selectFrom("grades as g")
    .select(sql<number>`count(*)::int`.as("n"))
    .whereRef("g.submission_id", "=", "s.id")
    .where("g.round", "=", round)
    .where("g.role", "in", ["marker", "second_marker"]);
}

/** The queue statuses a status filter keeps; undefined for every status. */
function statusesOf(status: QueueStatusFilter | undefined): readonly QueueStatus[] | undefined {
  if (status === undefined || status === "all") return undefined;
  if (status === "open") return openStatuses;
  if (status === "moderation") return ["in_review"];
  return [status];
}

/**
 * The queue under the filters. A mentor's own assignments are matched on the status their assignment
 * keeps (migration 2026-11-30-24), so only the assignments of the statuses asked for reach the
 * submissions, not every decided one of the mentor's history.
 */
function scoped(db: Db, scope: QueueScope, filters: Omit<QueueFilters, "status">, status?: QueueStatusFilter) {
  const statuses = statusesOf(status);
  return db
    .selectFrom("submissions as s")
    .where("s.type", "in", ["work_product", "field_work"])
    .where("s.status", "!=", "draft")
    .$if(scope.assignedOnly, (q) =>
      q.where((eb) =>
        eb.exists(
          eb
            .selectFrom("submission_assignments as a")
            .select("a.mentor_id")
            .whereRef("a.submission_id", "=", "s.id")
            .where("a.mentor_id", "=", scope.viewerId)
            .where("a.released_at", "is", null)
            .$if(statuses !== undefined, (a) => a.where("a.queue_status", "in", [...statuses!])),
        ),
      ),
    )
    .$if(!!scope.regionPath, (q) => q.where(userUnder("s.user_id", scope.regionPath!)))
    .$if(!!filters.track, (q) => q.where("s.track", "=", filters.track!))
    .$if(!!filters.tier, (q) => q.where("s.tier", "=", filters.tier!))
    .$if(!!filters.taskId, (q) => q.where("s.task_id", "=", filters.taskId!))
    .$if(filters.olderThanDays !== undefined, (q) => q.where("s.submitted_at", "<=", new Date(Date.now() - filters.olderThanDays! * 86_400_000)));
}

function withStatus(q: ReturnType<typeof scoped>, status: QueueStatusFilter) {
  if (status === "all") return q;
  if (status === "open") return q.where("s.status", "in", [...openStatuses]);
  if (status === "moderation") return q.where("s.status", "=", "in_review").where((eb) => eb(provisionalCount(eb), ">=", 2));
  return q.where("s.status", "=", status);
}

/** The queue's order: handed in longest ago first, then id. */
export const queueKey: KeyColumn[] = [
  { ref: "s.submitted_at", kind: "timestamp" },
  { ref: "s.id", kind: "uuid" },
];

export { queueCountedStatuses };

/**
 * A page of the queue (oldest submission first, keyset pagination), how many the filtered list holds
 * and how many of each status under the same filters, each counted up to `cap` + 1 ("99+").
 */
export async function mentorQueue(db: Db, scope: QueueScope, filters: QueueFilters, page: PageRequest, cap = figureCap) {
  const filtered = withStatus(scoped(db, scope, filters, filters.status), filters.status);
  const countOf = (status: QueueStatus) =>
    db
      .selectFrom(withStatus(scoped(db, scope, filters, status), status).select("s.id").limit(cap + 1).as("c"))
      .select([sql.lit(status).as("status"), sql<number>`count(*)::int`.as("n")]);
  const [first, ...rest] = queueCountedStatuses.map(countOf);
  const submissionFilters = !!(filters.track || filters.tier || filters.taskId || filters.olderThanDays !== undefined);
  const [rows, total, counts] = await Promise.all([
    keysetPage(
      // The task and the trainee are read for the page's rows only (after the sort and limit), not for
      // every open piece of work a mentor holds; the foreign keys make each one exist.
      filtered
        .select((eb) => [
          "s.id",
          "s.task_id",
          "s.task_version",
          sql<string>`(select t.title from tasks t where t.id = s.task_id and t.version = s.task_version)`.as("task_title"),
          "s.track",
          "s.tier",
          "s.type",
          "s.status",
          "s.score",
          "s.submitted_at",
          "s.attempts_used",
          sql<string>`(select u.name from users u where u.id = s.user_id)`.as("trainee_name"),
          sql<boolean>`coalesce((select (t.definition->>'doubleMarking')::boolean from tasks t where t.id = s.task_id and t.version = s.task_version), false)`.as("double_marking"),
          provisionalCount(eb).as("provisional_grades"),
          eb
            .selectFrom("submission_assignments as a")
            .select("a.role")
            .whereRef("a.submission_id", "=", "s.id")
            .where("a.mentor_id", "=", scope.viewerId)
            .where("a.released_at", "is", null)
            .as("my_role"),
          eb
            .exists(
              eb
                .selectFrom("grades as g")
                .select("g.id")
                .whereRef("g.submission_id", "=", "s.id")
                .where("g.mentor_id", "=", scope.viewerId)
                .where("g.round", "=", round),
            )
            .as("graded_by_me"),
          cursorTime("s.submitted_at").as("cursor_at"),
        ]),
      queueKey,
      "asc",
      page,
    ).execute(),
    countUpTo(db, filtered.select("s.id"), cap),
    // Each status counted up to the cap. A mentor's, without filters on the work, from the statuses
    // their assignments keep; otherwise from the submissions.
    scope.assignedOnly && !submissionFilters
      ? assignedStatusCounts(db, scope.viewerId, cap)
      : rest.reduce((q, next) => q.unionAll(next), first!).execute(),
  ]);
  return {
    ...pageOf(rows, page, (r) => [r.cursor_at, r.id]),
    total,
    counts: Object.fromEntries(counts.map((c) => [c.status, c.n])) as Partial<Record<SubmissionStatus, number>>,
  };
}
export type QueueRow = Awaited<ReturnType<typeof mentorQueue>>["rows"][number];

/** How many of a mentor's current assignments are in each queue status (up to cap + 1), from the kept statuses. */
async function assignedStatusCounts(db: Db, mentorId: string, cap: number) {
  const countOf = (status: QueueStatus) =>
    db
      .selectFrom(
        db
          .selectFrom("submission_assignments as a")
          .select("a.submission_id")
          .where("a.mentor_id", "=", mentorId)
          .where("a.released_at", "is", null)
          .where("a.queue_status", "=", status)
          .limit(cap + 1)
          .as("c"),
      )
      .select([sql.lit(status).as("status"), sql<number>`count(*)::int`.as("n")]);
  const [first, ...rest] = queueCountedStatuses.map(countOf);
  const rows = await rest.reduce((q, next) => q.unionAll(next), first!).execute();
  // Only the statuses present, as grouping the submissions gave.
  return rows.filter((r) => r.n > 0);
}

/** The open submissions just before and after this one in the viewer's queue order (oldest first). */
export async function queueNeighbours(db: Db, scope: QueueScope, current: { id: string; submittedAt: Date | null }) {
  if (!current.submittedAt) return { previous: null, next: null };
  const at = current.submittedAt;
  const open = withStatus(scoped(db, scope, {}, "open"), "open").where("s.id", "!=", current.id);
  const [previous, next] = await Promise.all([
    open
      .select("s.id")
      .where((eb) => eb.or([eb("s.submitted_at", "<", at), eb.and([eb("s.submitted_at", "=", at), eb("s.id", "<", current.id)])]))
      .orderBy("s.submitted_at", "desc")
      .orderBy("s.id", "desc")
      .limit(1)
      .executeTakeFirst(),
    open
      .select("s.id")
      .where((eb) => eb.or([eb("s.submitted_at", ">", at), eb.and([eb("s.submitted_at", "=", at), eb("s.id", ">", current.id)])]))
      .orderBy("s.submitted_at")
      .orderBy("s.id")
      .limit(1)
      .executeTakeFirst(),
  ]);
  return { previous: previous?.id ?? null, next: next?.id ?? null };
}

/**
 * The tasks a mentor grades, for the queue's task filter: the current work products and field tasks
 * of the viewer's track (both tracks for a mentor without one, and for an admin). Read from the
 * catalogue's tasks, not from the submissions, so it costs the same at any size.
 */
export async function queueTaskOptions(db: Db, scope: QueueScope) {
  const viewer = scope.assignedOnly ? await db.selectFrom("users").select("track").where("id", "=", scope.viewerId).executeTakeFirst() : undefined;
  return db
    .selectFrom("tasks as t")
    .innerJoin("course_modules as m", "m.id", "t.module_id")
    .select(["t.id as task_id", "t.title"])
    .where("t.is_current", "=", true)
    .where("t.type", "in", ["work_product", "field_work"])
    .$if(!!viewer?.track, (q) => q.where("m.track", "=", viewer!.track!))
    .orderBy("t.title")
    .execute();
}

/** Nominates a submission for the public showcase; false when it was nominated before. */
export async function insertShowcaseNomination(db: Db, input: { submissionId: string; nominatedBy: string; reason: string | null }): Promise<boolean> {
  const row = await db
    .insertInto("showcase_items")
    .values({ submission_id: input.submissionId, nominated_by: input.nominatedBy, reason: input.reason })
    .onConflict((oc) => oc.column("submission_id").doNothing())
    .returning("submission_id")
    .executeTakeFirst();
  return row !== undefined;
}

export async function findShowcaseItem(db: Db, submissionId: string) {
  return db.selectFrom("showcase_items").select(["status", "nominated_at", "nominated_by"]).where("submission_id", "=", submissionId).executeTakeFirst();
}

/** A submission's history with who made each move (the grading view hides other markers' names). */
export async function listEventsWithActors(db: Db, submissionId: string) {
  return db
    .selectFrom("submission_events as e")
    .leftJoin("users as u", "u.id", "e.actor_id")
    .select(["e.id", "e.from_status", "e.to_status", "e.note", "e.created_at", "e.actor_id", "u.name as actor_name"])
    .where("e.submission_id", "=", submissionId)
    .orderBy("e.id")
    .execute();
}
