import { sql, type RawBuilder } from "kysely";
import type { ReminderKind, ReminderSwitch } from "~/domain/reminders";
import { notificationJobId } from "./notifications.server";
import { addManyToOutbox, type OutboxJob } from "./outbox.server";
import type { Db } from "./types";

// The rows behind scheduled reminders (docs/decisions/027-reminders.md): who is due which reminder
// at a moment, the key that lets one worker of several write each, and the per-region switches.

/** One reminder someone is due: the key (kind, person, subject, period) and what it says. */
export interface ReminderCandidate {
  kind: ReminderKind;
  userId: string;
  subject: string;
  period: string;
  payload: Record<string, unknown>;
  /** The recipient's unit path: whose switches apply. */
  recipientPath: string | null;
}

/** Where a page of a sweep ends: the next page starts after this (subject, person). */
export interface SweepCursor {
  subject: string;
  userId: string;
}

/** A moment as the text of a period key: UTC, microseconds, the same from SQL every time. */
const periodOf = (column: RawBuilder<unknown>) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface Keyed {
  user_id: string;
  subject: string;
  period: string;
}

/**
 * One page of candidates of a kind: the rows of `inner` (each with user_id, subject and period) that
 * have no reminders_sent row yet, in (subject, user_id) order after `after`.
 */
async function unsent<R extends Keyed>(db: Db, kind: ReminderKind, inner: RawBuilder<R>, after: SweepCursor | null, limit: number): Promise<R[]> {
  const { rows } = await sql<R>`
    select c.* from (${inner}) c
    where not exists (select 1 from reminders_sent r where r.kind = ${kind} and r.user_id = c.user_id and r.subject = c.subject and r.period = c.period)
      ${after ? sql`and (c.subject, c.user_id) > (${after.subject}, ${after.userId}::uuid)` : sql``}
    order by c.subject, c.user_id
    limit ${limit}`.execute(db);
  return rows;
}

// The latest of: the draft saved, a file uploaded, a file removed (as decision 012 counts a draft's activity).
const draftLastActivity = sql`greatest(s.updated_at, (select max(greatest(f.created_at, coalesce(f.deleted_at, f.created_at))) from evidence_files f where f.submission_id = s.id))`;

export interface IdleWorkRow extends Keyed {
  since: Date;
  task_id: string;
  task_title: string;
  path: string | null;
}

/** A stretch that began in [from, to): due its reminder now (app/domain/reminders.ts idleWindow). */
export interface DueWindow {
  from: Date;
  to: Date;
}

/** Drafts of active people last touched in the window; the period is the moment of the last touch. */
export function idleDrafts(db: Db, input: { window: DueWindow; after: SweepCursor | null; limit: number }) {
  const inner = sql<IdleWorkRow>`
    select s.id::text as subject, s.user_id, ${periodOf(draftLastActivity)} as period, ${draftLastActivity} as since, s.task_id, t.title as task_title, o.path
    from submissions s
    join tasks t on t.id = s.task_id and t.version = s.task_version
    join users u on u.id = s.user_id and u.status = 'active'
    left join org_units o on o.id = u.org_unit_id
    where s.status = 'draft' and s.updated_at < ${input.window.to}
      and ${draftLastActivity} < ${input.window.to} and ${draftLastActivity} >= ${input.window.from}`;
  return unsent(db, "reminder.draft_idle", inner, input.after, input.limit);
}

/** Work returned in the window and not resubmitted since; the period is the moment it was returned. */
export function idleReturns(db: Db, input: { window: DueWindow; after: SweepCursor | null; limit: number }) {
  const inner = sql<IdleWorkRow>`
    select s.id::text as subject, s.user_id, ${periodOf(sql`e.at`)} as period, e.at as since, s.task_id, t.title as task_title, o.path
    from submissions s
    join lateral (select ev.created_at as at from submission_events ev where ev.submission_id = s.id and ev.to_status = 'returned' order by ev.id desc limit 1) e on true
    join tasks t on t.id = s.task_id and t.version = s.task_version
    join users u on u.id = s.user_id and u.status = 'active'
    left join org_units o on o.id = u.org_unit_id
    where s.status = 'returned' and e.at < ${input.window.to} and e.at >= ${input.window.from}`;
  return unsent(db, "reminder.returned_idle", inner, input.after, input.limit);
}

const openWork = sql`s.type in ('work_product', 'field_work') and s.status in ('submitted', 'resubmitted', 'in_review')`;

/**
 * Open work a current mentor has not graded in this round, waiting for them since a moment in the window:
 * since it was handed in, or since it was given to them if that was later (a reassignment starts
 * the new mentor's wait). The period is that moment.
 */
export function waitingForMentors(db: Db, input: { window: DueWindow; after: SweepCursor | null; limit: number }) {
  const inner = sql<IdleWorkRow>`
    select s.id::text as subject, a.mentor_id as user_id, ${periodOf(sql`greatest(s.submitted_at, a.assigned_at)`)} as period,
      greatest(s.submitted_at, a.assigned_at) as since, s.task_id, t.title as task_title, o.path
    from submissions s
    join submission_assignments a on a.submission_id = s.id and a.released_at is null
    join tasks t on t.id = s.task_id and t.version = s.task_version
    join users m on m.id = a.mentor_id and m.status = 'active'
    left join org_units o on o.id = m.org_unit_id
    where ${openWork} and s.submitted_at < ${input.window.to}
      and greatest(s.submitted_at, a.assigned_at) < ${input.window.to} and greatest(s.submitted_at, a.assigned_at) >= ${input.window.from}
      and not exists (select 1 from grades g where g.submission_id = s.id and g.mentor_id = a.mentor_id and g.round = greatest(s.attempts_used, 1))`;
  return unsent(db, "reminder.mentor_waiting", inner, input.after, input.limit);
}

export interface LongWaitRow {
  subject: string;
  period: string;
  since: Date;
  task_id: string;
  task_title: string;
  trainee: string;
  unit_name: string | null;
  trainee_path: string | null;
}

/**
 * Open work handed in during the window (the coordinator's 10 days), by submission id after `after`,
 * unless its coordinators were reminded of this round already. The period is when it was handed in.
 */
export async function longWaitingWork(db: Db, input: { window: DueWindow; after: string | null; limit: number }): Promise<LongWaitRow[]> {
  const { rows } = await sql<LongWaitRow>`
    select s.id::text as subject, ${periodOf(sql`s.submitted_at`)} as period, s.submitted_at as since, s.task_id, t.title as task_title,
      u.name as trainee, o.name as unit_name, o.path as trainee_path
    from submissions s
    join tasks t on t.id = s.task_id and t.version = s.task_version
    join users u on u.id = s.user_id
    left join org_units o on o.id = u.org_unit_id
    where ${openWork} and s.submitted_at < ${input.window.to} and s.submitted_at >= ${input.window.from}
      ${input.after ? sql`and s.id > ${input.after}::uuid` : sql``}
      and not exists (select 1 from reminders_sent r where r.kind = 'reminder.coordinator_waiting' and r.subject = s.id::text and r.period = ${periodOf(sql`s.submitted_at`)})
    order by s.id
    limit ${input.limit}`.execute(db);
  return rows;
}

/** Active admins and the unit each is placed on: the coordinators to choose from. */
export async function coordinators(db: Db): Promise<Array<{ id: string; path: string }>> {
  return db
    .selectFrom("users as u")
    .innerJoin("user_roles as r", (j) => j.onRef("r.user_id", "=", "u.id").on("r.role", "=", "admin"))
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["u.id", "o.path"])
    .where("u.status", "=", "active")
    .where("o.archived_at", "is", null)
    .execute();
}

export interface ExpiringCertificateRow {
  id: string;
  user_id: string;
  number: string;
  track: "campus" | "community";
  tier: "foundation" | "practitioner" | "specialist" | "supervisor";
  valid_until: Date;
  path: string | null;
}

/** Live certificates of active people whose validity ends in [from, to), by id after `after`. */
export async function expiringCertificates(db: Db, input: { from: Date; to: Date; after: string | null; limit: number }): Promise<ExpiringCertificateRow[]> {
  return db
    .selectFrom("certificates as c")
    .innerJoin("users as u", "u.id", "c.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .select(["c.id", "c.user_id", "c.number", "c.track", "c.tier", "c.valid_until", "o.path"])
    .where("c.status", "=", "issued")
    .where("c.valid_until", ">=", input.from)
    .where("c.valid_until", "<", input.to)
    .where("u.status", "=", "active")
    .$if(input.after !== null, (q) => q.where("c.id", ">", input.after!))
    .orderBy("c.id")
    .limit(input.limit)
    .execute() as Promise<ExpiringCertificateRow[]>;
}

export interface DigestRow extends Keyed {
  count: number;
  tasks: string[];
  path: string | null;
}

/** Each active mentor's assignments made in [from, to) and still theirs: one digest per mentor and day. */
export function assignmentDigests(db: Db, input: { from: Date; to: Date; period: string; titles: number; after: SweepCursor | null; limit: number }) {
  const inner = sql<DigestRow>`
    select 'assignments' as subject, a.mentor_id as user_id, ${input.period}::text as period, count(*)::int as count,
      (array_agg(t.title order by a.assigned_at, s.id))[1:${input.titles}] as tasks, o.path
    from submission_assignments a
    join submissions s on s.id = a.submission_id
    join tasks t on t.id = s.task_id and t.version = s.task_version
    join users m on m.id = a.mentor_id and m.status = 'active'
    left join org_units o on o.id = m.org_unit_id
    where a.released_at is null and a.assigned_at >= ${input.from} and a.assigned_at < ${input.to}
    group by a.mentor_id, o.path`;
  return unsent(db, "reminder.assignment_digest", inner, input.after, input.limit);
}

export interface SessionTomorrowRow extends Keyed {
  title: string;
  starts_at: Date;
  place: string | null;
  path: string | null;
}

/** People enrolled (not waitlisted or cancelled) in sessions starting in [from, to); the period is that Beijing date. */
export function enrolledTomorrow(db: Db, input: { from: Date; to: Date; date: string; after: SweepCursor | null; limit: number }) {
  const inner = sql<SessionTomorrowRow>`
    select ts.id::text as subject, e.user_id, ${input.date}::text as period, ts.title, ts.starts_at, ts.place, o.path
    from training_sessions ts
    join session_enrolments e on e.session_id = ts.id and e.status = 'enrolled'
    join users u on u.id = e.user_id and u.status = 'active'
    left join org_units o on o.id = u.org_unit_id
    where ts.starts_at >= ${input.from} and ts.starts_at < ${input.to}`;
  return unsent(db, "reminder.session_tomorrow", inner, input.after, input.limit);
}

export interface CohortDueRow extends Keyed {
  task_title: string;
  path: string | null;
}

/**
 * Current cohort members whose due date for a task (the earliest among their current cohorts) lies in
 * [from, to] and who have not handed that task in or passed it. Subject: the task; period: the date.
 */
export function cohortTasksDue(db: Db, input: { from: string; to: string; after: SweepCursor | null; limit: number }) {
  const inner = sql<CohortDueRow>`
    select dues.task_id as subject, dues.user_id, dues.due_on::text as period, t.title as task_title, o.path
    from (
      select m.user_id, d.task_id, min(d.due_on) as due_on
      from cohort_members m
      join cohort_due_dates d on d.cohort_id = m.cohort_id
      where m.left_at is null and d.due_on <= ${input.to}::date
      group by m.user_id, d.task_id
    ) dues
    join users u on u.id = dues.user_id and u.status = 'active'
    join tasks t on t.id = dues.task_id and t.is_current
    left join org_units o on o.id = u.org_unit_id
    where dues.due_on >= ${input.from}::date
      and not exists (
        select 1 from submissions s
        where s.user_id = dues.user_id and s.task_id = dues.task_id and s.status in ('submitted', 'resubmitted', 'in_review', 'passed')
      )`;
  return unsent(db, "reminder.cohort_due", inner, input.after, input.limit);
}

/** Of these keys, those already written (certificates and coordinators are filtered here, not in SQL). */
export async function sentKeys(db: Db, kind: ReminderKind, keys: ReadonlyArray<{ userId: string; subject: string; period: string }>): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .selectFrom("reminders_sent")
    .select(["user_id", "subject", "period"])
    .where("kind", "=", kind)
    .where("subject", "in", [...new Set(keys.map((k) => k.subject))])
    .execute();
  return new Set(rows.map((r) => reminderKeyText(r.user_id, r.subject, r.period)));
}

export const reminderKeyText = (userId: string, subject: string, period: string) => `${userId}|${subject}|${period}`;

/**
 * Writes the reminders' keys and, for each key this call wrote, its notification's outbox job, in the
 * caller's transaction. A key another worker wrote first (now or earlier) is skipped: the primary key
 * decides, not timing. Returns the jobs to dispatch after commit.
 */
export async function recordReminders(trx: Db, reminders: ReadonlyArray<ReminderCandidate & { notificationId: string }>): Promise<OutboxJob[]> {
  if (reminders.length === 0) return [];
  const written = await trx
    .insertInto("reminders_sent")
    .values(reminders.map((r) => ({ kind: r.kind, user_id: r.userId, subject: r.subject, period: r.period, notification_id: r.notificationId })))
    .onConflict((oc) => oc.columns(["kind", "user_id", "subject", "period"]).doNothing())
    .returning(["notification_id"])
    .execute();
  const mine = new Set(written.map((w) => w.notification_id));
  const jobs: OutboxJob[] = reminders
    .filter((r) => mine.has(r.notificationId))
    .map((r) => ({
      jobId: notificationJobId(r.notificationId),
      queue: "notifications",
      name: "notify",
      payload: { id: r.notificationId, userId: r.userId, kind: r.kind, payload: r.payload },
    }));
  await addManyToOutbox(trx, jobs);
  return jobs;
}

// ── Switches ────────────────────────────────────────────────────────────────────────────────────

export interface StoredSwitch extends ReminderSwitch {
  unitName: string;
  byName: string | null;
  at: Date;
}

/** Every switch, with its unit's path and name (a handful of rows: read whole by each sweep). */
export async function reminderSwitches(db: Db): Promise<StoredSwitch[]> {
  const rows = await db
    .selectFrom("reminder_switches as w")
    .innerJoin("org_units as o", "o.id", "w.org_unit_id")
    .leftJoin("users as u", "u.id", "w.switched_off_by")
    .select(["w.kind", "w.org_unit_id", "o.path", "o.name", "u.name as by_name", "w.switched_off_at"])
    .orderBy("o.path")
    .orderBy("w.kind")
    .execute();
  return rows.map((r) => ({ kind: r.kind, unitId: r.org_unit_id, path: r.path, unitName: r.name, byName: r.by_name, at: r.switched_off_at }));
}

/** Switches a kind off for a unit; false when it was off there already. */
export async function switchOff(db: Db, input: { unitId: string; kind: ReminderKind; by: string }): Promise<boolean> {
  const row = await db
    .insertInto("reminder_switches")
    .values({ org_unit_id: input.unitId, kind: input.kind, switched_off_by: input.by })
    .onConflict((oc) => oc.columns(["org_unit_id", "kind"]).doNothing())
    .returning("kind")
    .executeTakeFirst();
  return row !== undefined;
}

/** Switches a kind on again for a unit; false when it was not off there. */
export async function switchOn(db: Db, input: { unitId: string; kind: ReminderKind }): Promise<boolean> {
  const result = await db.deleteFrom("reminder_switches").where("org_unit_id", "=", input.unitId).where("kind", "=", input.kind).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
