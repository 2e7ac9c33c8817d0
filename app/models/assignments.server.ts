import { sql, type ExpressionBuilder } from "kysely";
import { figureCap } from "~/domain/attention";
import { pageOf, type PageRequest } from "~/domain/keyset";
import type { MarkingRole, MentorCandidate } from "~/domain/routing";
import type { Database, SubmissionStatus, TrackColumn } from "../../db/schema";
import { servedPaths } from "./mentor-units.server";
import { mentorServesUnder, userUnder } from "./placement.server";
import { countUpTo } from "./counting.server";
import { cursorTime, keysetPage, type KeyColumn } from "./keyset.server";
import type { Db } from "./types";

// Which mentors review which submissions: written by the routing worker and by administrators.

export const assignmentOpenStatuses = ["submitted", "resubmitted", "in_review"] as const satisfies readonly SubmissionStatus[];
const reviewedTypes = ["work_product", "field_work"] as const;

/**
 * Open load per mentor: kept per mentor by triggers in the transaction of every assignment and status
 * change (migration 2026-11-30-22), so it moves exactly with the rows and a page reads 200 numbers
 * instead of joining the open work to every current assignment.
 */
async function openLoads(db: Db, mentorIds: string[]): Promise<Map<string, number>> {
  if (mentorIds.length === 0) return new Map();
  const rows = await db.selectFrom("mentor_open_loads").select(["mentor_id", "open_count"]).where("mentor_id", "in", mentorIds).execute();
  return new Map(rows.map((r) => [r.mentor_id, r.open_count]));
}

export interface MentorOption extends MentorCandidate {
  name: string;
  /** Has set a password (accepted the invitation): work given to someone who never came in would wait. */
  hasSignedUp: boolean;
}

/**
 * Active mentors with their open load and pools; with `track`, only those who may take that track;
 * with `regionPath`, only those who serve a unit in that region.
 */
export async function mentorCandidates(
  db: Db,
  filter: { track?: TrackColumn; regionPath?: string; /** false: without pools (a page listing names and loads; empty lists). */ pools?: boolean } = {},
): Promise<MentorOption[]> {
  const rows = await db
    .selectFrom("users as u")
    .innerJoin("user_roles as r", (j) => j.onRef("r.user_id", "=", "u.id").on("r.role", "=", "mentor"))
    // Signed up: a password set, or entered once (an invitation completed by SMS code leaves no password).
    .select(["u.id", "u.name", "u.track", sql<boolean>`(u.password_hash is not null or u.last_sign_in_at is not null)`.as("signedUp")])
    .where("u.status", "=", "active")
    .$if(!!filter.track, (q) => q.where((eb) => eb.or([eb("u.track", "=", filter.track!), eb("u.track", "is", null)])))
    .$if(!!filter.regionPath, (q) => q.where(mentorServesUnder("u.id", filter.regionPath!)))
    .orderBy("u.name")
    .orderBy("u.id")
    .execute();
  const ids = rows.map((r) => r.id);
  const [pools, loads] = await Promise.all([filter.pools === false ? new Map<string, string[]>() : servedPaths(db, ids), openLoads(db, ids)]);
  return rows.map((r) => ({
    mentorId: r.id,
    name: r.name,
    track: r.track,
    servedPaths: pools.get(r.id) ?? [],
    openLoad: loads.get(r.id) ?? 0,
    hasSignedUp: r.signedUp,
  }));
}

/** The org path routing measures from: the field-work place's, else the trainee's own. */
export async function routingOrgPath(db: Db, submission: { user_id: string; org_unit_id: string | null }): Promise<string | null> {
  if (submission.org_unit_id) {
    const place = await db.selectFrom("org_units").select("path").where("id", "=", submission.org_unit_id).executeTakeFirst();
    if (place) return place.path;
  }
  const own = await db
    .selectFrom("users as u")
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .select("o.path")
    .where("u.id", "=", submission.user_id)
    .executeTakeFirst();
  return own?.path ?? null;
}

/** Every assignment row of a submission, current and released, with the mentor's name. */
export async function submissionAssignments(db: Db, submissionId: string) {
  return db
    .selectFrom("submission_assignments as a")
    .innerJoin("users as m", "m.id", "a.mentor_id")
    .select(["a.mentor_id", "m.name as mentor_name", "a.role", "a.assigned_at", "a.assigned_by", "a.released_at"])
    .where("a.submission_id", "=", submissionId)
    .orderBy("a.assigned_at")
    .execute();
}

/** Adds a mentor to a submission; false when that mentor already has a row for it (current or released). */
export async function insertAssignment(
  db: Db,
  input: { submissionId: string; mentorId: string; role: MarkingRole; assignedBy: string | null },
): Promise<boolean> {
  const row = await db
    .insertInto("submission_assignments")
    .values({ submission_id: input.submissionId, mentor_id: input.mentorId, role: input.role, assigned_by: input.assignedBy })
    .onConflict((oc) => oc.columns(["submission_id", "mentor_id"]).doNothing())
    .returning("mentor_id")
    .executeTakeFirst();
  return row !== undefined;
}

export type ReassignResult = { changed: false } | { changed: true; releasedMentorId: string | null };

/**
 * Gives `role` on the submission to `mentorId`: the current holder's row is released (kept for the
 * record) and the new mentor's row is written, or re-opened if they held it before.
 */
export async function reassignRole(
  db: Db,
  input: { submissionId: string; mentorId: string; role: MarkingRole; assignedBy: string },
): Promise<ReassignResult> {
  const holders = await db
    .selectFrom("submission_assignments")
    .select(["mentor_id"])
    .where("submission_id", "=", input.submissionId)
    .where("role", "=", input.role)
    .where("released_at", "is", null)
    .execute();
  if (holders.length === 1 && holders[0]!.mentor_id === input.mentorId) return { changed: false };
  const now = new Date();
  await db
    .updateTable("submission_assignments")
    .set({ released_at: now })
    .where("submission_id", "=", input.submissionId)
    .where("role", "=", input.role)
    .where("released_at", "is", null)
    .where("mentor_id", "!=", input.mentorId)
    .execute();
  await db
    .insertInto("submission_assignments")
    .values({ submission_id: input.submissionId, mentor_id: input.mentorId, role: input.role, assigned_by: input.assignedBy, assigned_at: now })
    .onConflict((oc) =>
      oc.columns(["submission_id", "mentor_id"]).doUpdateSet({ role: input.role, assigned_at: now, assigned_by: input.assignedBy, released_at: null }),
    )
    .execute();
  return { changed: true, releasedMentorId: holders.find((h) => h.mentor_id !== input.mentorId)?.mentor_id ?? null };
}

/** Locks the submissions (in id order, so two bulk actions cannot deadlock) and reads what a reassignment checks. */
export async function lockSubmissionsForAssignment(db: Db, submissionIds: readonly string[]) {
  if (submissionIds.length === 0) return [];
  const ids = [...new Set(submissionIds)].sort();
  await db.selectFrom("submissions").select("id").where("id", "in", ids).orderBy("id").forUpdate().execute();
  const rows = await db
    .selectFrom("submissions as s")
    .innerJoin("tasks as t", (j) => j.onRef("t.id", "=", "s.task_id").onRef("t.version", "=", "s.task_version"))
    .innerJoin("users as u", "u.id", "s.user_id")
    .leftJoin("org_units as uo", "uo.id", "u.org_unit_id")
    .select([
      "s.id",
      "s.user_id",
      "uo.path as trainee_path",
      "u.name as trainee_name",
      "s.task_id",
      "t.title as task_title",
      "s.track",
      "s.type",
      "s.status",
      sql<boolean>`coalesce((t.definition->>'doubleMarking')::boolean, false)`.as("double_marking"),
    ])
    .where("s.id", "in", ids)
    .orderBy("s.id")
    .execute();
  const current = await db
    .selectFrom("submission_assignments")
    .select(["submission_id", "mentor_id", "role"])
    .where("submission_id", "in", ids)
    .where("released_at", "is", null)
    .execute();
  return rows.map((r) => ({ ...r, current: current.filter((c) => c.submission_id === r.id) }));
}

export interface AssignmentFilters {
  track?: TrackColumn;
  /** Only trainees whose unit lies under this path (an admin's reach). */
  regionPath?: string;
  mentorId?: string;
  /** Only submissions without a current marker or second marker. */
  unassignedOnly?: boolean;
  /** Only work handed in before this moment and still waiting (the coordinator's "waiting too long"). */
  submittedBefore?: Date;
}

/** Open submissions that need a mentor: one query behind the list, its total and the home page's figure. */
function openWork(db: Db, filters: AssignmentFilters) {
  return db
    .selectFrom("submissions as s")
    .where("s.type", "in", [...reviewedTypes])
    .where("s.status", "in", [...assignmentOpenStatuses])
    .$if(!!filters.track, (q) => q.where("s.track", "=", filters.track!))
    .$if(!!filters.regionPath, (q) => q.where(userUnder("s.user_id", filters.regionPath!)))
    .$if(!!filters.mentorId, (q) =>
      q.where((eb) =>
        eb.exists(
          eb
            .selectFrom("submission_assignments as fa")
            .select("fa.mentor_id")
            .whereRef("fa.submission_id", "=", "s.id")
            .where("fa.mentor_id", "=", filters.mentorId!)
            .where("fa.released_at", "is", null),
        ),
      ),
    )
    .$if(!!filters.unassignedOnly, (q) =>
      q.where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("submission_assignments as ua")
              .select("ua.mentor_id")
              .whereRef("ua.submission_id", "=", "s.id")
              .where("ua.role", "in", ["marker", "second_marker"])
              .where("ua.released_at", "is", null),
          ),
        ),
      ),
    )
    .$if(!!filters.submittedBefore, (q) => q.where("s.submitted_at", "<", filters.submittedBefore!));
}

/** How much open work matches, counted up to `cap` + 1 (the coordinator's "waiting too long"). */
export async function countOpenWork(db: Db, filters: AssignmentFilters, cap = figureCap): Promise<number> {
  return countUpTo(db, openWork(db, filters).select("s.id"), cap);
}

/** The assignment list's order: handed in longest ago first, then id. */
export const openWorkKey: KeyColumn[] = [
  { ref: "s.submitted_at", kind: "timestamp" },
  { ref: "s.id", kind: "uuid" },
];

/** Open submissions that need a mentor, oldest first, with their current mentors (one keyset page). */
export async function listAssignments(db: Db, filters: AssignmentFilters, page: PageRequest) {
  const rows = await keysetPage(
    openWork(db, filters)
      .innerJoin("users as u", "u.id", "s.user_id")
      .innerJoin("tasks as t", (j) => j.onRef("t.id", "=", "s.task_id").onRef("t.version", "=", "s.task_version"))
      .select([
        "s.id",
        "s.task_id",
        "t.title as task_title",
        "s.track",
        "s.tier",
        "s.type",
        "s.status",
        "s.submitted_at",
        "u.name as trainee_name",
        sql<boolean>`coalesce((t.definition->>'doubleMarking')::boolean, false)`.as("double_marking"),
        cursorTime("s.submitted_at").as("cursor_at"),
      ]),
    openWorkKey,
    "asc",
    page,
  ).execute();
  const found = pageOf(rows, page, (r) => [r.cursor_at, r.id]);
  const mentors = found.rows.length
    ? await db
        .selectFrom("submission_assignments as a")
        .innerJoin("users as m", "m.id", "a.mentor_id")
        .select(["a.submission_id", "a.mentor_id", "m.name as mentor_name", "a.role"])
        .where(
          "a.submission_id",
          "in",
          found.rows.map((r) => r.id),
        )
        .where("a.released_at", "is", null)
        .orderBy("a.assigned_at")
        .execute()
    : [];
  return { ...found, rows: found.rows.map(({ cursor_at: _, ...r }) => ({ ...r, mentors: mentors.filter((m) => m.submission_id === r.id) })) };
}
export type AssignmentRow = Awaited<ReturnType<typeof listAssignments>>["rows"][number];
