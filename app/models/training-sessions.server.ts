import { sql } from "kysely";
import type { AttendanceStatus, CheckedSession } from "~/domain/sessions";
import type { Db } from "./types";

// Sessions, enrolments (with the waitlist), attendance and calendar feeds. SQL only; the
// transactions and the locking order live in app/services/training-sessions.server.ts.

export async function insertSession(db: Db, s: CheckedSession, where: { cohortId: string | null; orgUnitId: string }, secret: string, createdBy: string): Promise<string> {
  const row = await db
    .insertInto("training_sessions")
    .values({
      cohort_id: where.cohortId,
      org_unit_id: where.orgUnitId,
      kind: s.kind,
      title: s.title,
      starts_at: s.startsAt,
      ends_at: s.endsAt,
      place: s.place,
      online_url: s.onlineUrl,
      capacity: s.capacity,
      hours: s.hours,
      cancel_by: s.cancelBy,
      late_after_minutes: s.lateAfterMinutes,
      checkin_secret: secret,
      created_by: createdBy,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const sessionColumns = [
  "s.id",
  "s.cohort_id",
  "s.org_unit_id",
  "s.kind",
  "s.title",
  "s.starts_at",
  "s.ends_at",
  "s.place",
  "s.online_url",
  "s.capacity",
  "s.hours",
  "s.cancel_by",
  "s.late_after_minutes",
  "o.name as unit_name",
  "o.path as unit_path",
  "c.name as cohort_name",
] as const;

/** One session with where it sits; `forUpdate` locks the session row (the sign-up lock). */
export async function getSession(db: Db, id: string, options: { forUpdate?: boolean } = {}) {
  let q = db
    .selectFrom("training_sessions as s")
    .innerJoin("org_units as o", "o.id", "s.org_unit_id")
    .leftJoin("cohorts as c", "c.id", "s.cohort_id")
    .select(sessionColumns)
    .where("s.id", "=", id);
  if (options.forUpdate) q = q.forUpdate("s");
  return q.executeTakeFirst();
}
export type SessionRow = NonNullable<Awaited<ReturnType<typeof getSession>>>;

/** The HMAC key of a session's check-in codes (server only). */
export async function checkinSecretOf(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom("training_sessions").select("checkin_secret").where("id", "=", id).executeTakeFirst())?.checkin_secret;
}

export interface SessionCursor {
  startsAt: string;
  id: string;
}

const enrolledCount = (eb: import("kysely").ExpressionBuilder<import("../../db/schema").Database & { s: import("../../db/schema").TrainingSessionTable }, "s">) =>
  eb.selectFrom("session_enrolments as e").whereRef("e.session_id", "=", "s.id").where("e.status", "=", "enrolled").select(eb.fn.countAll<number>().as("n")).as("enrolled");
const waitingCount = (eb: import("kysely").ExpressionBuilder<import("../../db/schema").Database & { s: import("../../db/schema").TrainingSessionTable }, "s">) =>
  eb.selectFrom("session_enrolments as e").whereRef("e.session_id", "=", "s.id").where("e.status", "=", "waitlisted").select(eb.fn.countAll<number>().as("n")).as("waiting");

/** Sessions run inside `regionPath` (all when undefined), the soonest first, keyset-paged on (starts_at, id). */
export async function listSessionsForAdmin(db: Db, options: { regionPath?: string; after?: SessionCursor | null; limit: number; from?: Date }) {
  let q = db
    .selectFrom("training_sessions as s")
    .innerJoin("org_units as o", "o.id", "s.org_unit_id")
    .leftJoin("cohorts as c", "c.id", "s.cohort_id")
    .select(sessionColumns)
    .select((eb) => [enrolledCount(eb), waitingCount(eb)]);
  if (options.regionPath) q = q.where("o.path", "like", `${options.regionPath}%`);
  if (options.from) q = q.where("s.ends_at", ">=", options.from);
  if (options.after) {
    const { startsAt, id } = options.after;
    q = q.where((eb) => eb.or([eb("s.starts_at", ">", new Date(startsAt)), eb.and([eb("s.starts_at", "=", new Date(startsAt)), eb("s.id", ">", id)])]));
  }
  const rows = await q.orderBy("s.starts_at").orderBy("s.id").limit(options.limit + 1).execute();
  const page = rows.slice(0, options.limit).map((r) => ({ ...r, enrolled: Number(r.enrolled ?? 0), waiting: Number(r.waiting ?? 0) }));
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > options.limit && last ? { startsAt: new Date(last.starts_at).toISOString(), id: last.id } : null };
}

/**
 * Sessions a person may sign up for or is in: their current cohorts' sessions, and region sessions
 * of a unit above (or at) their own; upcoming (not yet ended) ones, the soonest first, with their
 * own enrolment and attendance.
 */
export async function sessionsForPerson(db: Db, user: { id: string; orgPath: string | null }, options: { from: Date; limit: number; after?: SessionCursor | null }) {
  let q = db
    .selectFrom("training_sessions as s")
    .innerJoin("org_units as o", "o.id", "s.org_unit_id")
    .leftJoin("cohorts as c", "c.id", "s.cohort_id")
    .leftJoin("session_enrolments as mine", (j) => j.onRef("mine.session_id", "=", "s.id").on("mine.user_id", "=", user.id).on("mine.status", "<>", "cancelled"))
    .leftJoin("session_attendance as a", (j) => j.onRef("a.session_id", "=", "s.id").on("a.user_id", "=", user.id))
    .select(sessionColumns)
    .select((eb) => [enrolledCount(eb), waitingCount(eb), "mine.id as enrolment_id", "mine.status as enrolment_status", "a.status as attendance"])
    .where("s.ends_at", ">=", options.from)
    .where((eb) =>
      eb.or([
        eb("mine.id", "is not", null),
        eb.and([
          eb("s.cohort_id", "is not", null),
          eb.exists(eb.selectFrom("cohort_members as m").select("m.id").whereRef("m.cohort_id", "=", "s.cohort_id").where("m.user_id", "=", user.id).where("m.left_at", "is", null)),
        ]),
        eb.and([eb("s.cohort_id", "is", null), eb(sql.lit(user.orgPath ?? "\u0000"), "like", sql<string>`o.path || '%'`)]),
      ]),
    );
  if (options.after) {
    const { startsAt, id } = options.after;
    q = q.where((eb) => eb.or([eb("s.starts_at", ">", new Date(startsAt)), eb.and([eb("s.starts_at", "=", new Date(startsAt)), eb("s.id", ">", id)])]));
  }
  const rows = await q.orderBy("s.starts_at").orderBy("s.id").limit(options.limit + 1).execute();
  const page = rows.slice(0, options.limit).map((r) => ({ ...r, enrolled: Number(r.enrolled ?? 0), waiting: Number(r.waiting ?? 0) }));
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > options.limit && last ? { startsAt: new Date(last.starts_at).toISOString(), id: last.id } : null };
}

/** May this person take part: a current member of its cohort, or placed inside the region it is open to. */
export async function mayJoinSession(db: Db, session: SessionRow, user: { id: string; orgPath: string | null }): Promise<boolean> {
  if (session.cohort_id) {
    const row = await db.selectFrom("cohort_members").select("id").where("cohort_id", "=", session.cohort_id).where("user_id", "=", user.id).where("left_at", "is", null).executeTakeFirst();
    return !!row;
  }
  return !!user.orgPath && user.orgPath.startsWith(session.unit_path);
}

/** The session's live enrolments (enrolled and waitlisted), in the order they joined. */
export async function liveEnrolments(db: Db, sessionId: string) {
  return db
    .selectFrom("session_enrolments as e")
    .innerJoin("users as u", "u.id", "e.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .leftJoin("session_attendance as a", (j) => j.onRef("a.session_id", "=", "e.session_id").onRef("a.user_id", "=", "e.user_id"))
    .select(["e.id", "e.user_id", "e.status", "e.created_at", "u.name", "u.phone", "o.name as unit_name", "a.status as attendance", "a.note", "a.via", "a.marked_at"])
    .where("e.session_id", "=", sessionId)
    .where("e.status", "<>", "cancelled")
    .orderBy("e.created_at")
    .orderBy("e.id")
    .execute();
}

export async function insertEnrolment(db: Db, input: { sessionId: string; userId: string; status: "enrolled" | "waitlisted"; by: string }): Promise<string> {
  const row = await db.insertInto("session_enrolments").values({ session_id: input.sessionId, user_id: input.userId, status: input.status, enrolled_by: input.by }).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

export async function cancelEnrolment(db: Db, enrolmentId: string): Promise<void> {
  await db.updateTable("session_enrolments").set({ status: "cancelled", cancelled_at: new Date() }).where("id", "=", enrolmentId).execute();
}

export async function promoteEnrolments(db: Db, ids: readonly string[]): Promise<Array<{ id: string; user_id: string }>> {
  if (!ids.length) return [];
  return db.updateTable("session_enrolments").set({ status: "enrolled", promoted_at: new Date() }).where("id", "in", ids).where("status", "=", "waitlisted").returning(["id", "user_id"]).execute();
}

/** A person's other live sessions that overlap [startsAt, endsAt). */
export async function overlappingSessions(db: Db, userId: string, except: string, startsAt: Date, endsAt: Date) {
  return db
    .selectFrom("session_enrolments as e")
    .innerJoin("training_sessions as s", "s.id", "e.session_id")
    .select(["s.id", "s.title", "s.starts_at", "s.ends_at"])
    .where("e.user_id", "=", userId)
    .where("e.status", "<>", "cancelled")
    .where("s.id", "<>", except)
    .where("s.starts_at", "<", endsAt)
    .where("s.ends_at", ">", startsAt)
    .execute();
}

// ── attendance ──────────────────────────────────────────────────────────────────────────────────

/** Records attendance; a QR check-in never overwrites a person already marked present or late. */
export async function upsertAttendance(db: Db, input: { sessionId: string; userId: string; status: AttendanceStatus; note: string | null; via: "qr" | "manual"; by: string | null }) {
  const q = db
    .insertInto("session_attendance")
    .values({ session_id: input.sessionId, user_id: input.userId, status: input.status, note: input.note, via: input.via, marked_by: input.by })
    .onConflict((oc) => {
      const update = oc.columns(["session_id", "user_id"]).doUpdateSet({ status: input.status, note: input.note, via: input.via, marked_by: input.by, marked_at: new Date() });
      return input.via === "qr" ? update.where("session_attendance.status", "not in", ["present", "late"]) : update;
    });
  return q.returning(["status"]).executeTakeFirst();
}

export async function attendanceOf(db: Db, sessionId: string, userId: string) {
  return db.selectFrom("session_attendance").select(["status", "via", "marked_at"]).where("session_id", "=", sessionId).where("user_id", "=", userId).executeTakeFirst();
}

/** Attendance rows of one session or all sessions of one cohort, for the export. */
export async function attendanceExportRows(db: Db, where: { sessionId: string } | { cohortId: string }) {
  let q = db
    .selectFrom("training_sessions as s")
    .innerJoin("session_enrolments as e", (j) => j.onRef("e.session_id", "=", "s.id").on("e.status", "<>", "cancelled"))
    .innerJoin("users as u", "u.id", "e.user_id")
    .leftJoin("org_units as o", "o.id", "u.org_unit_id")
    .leftJoin("session_attendance as a", (j) => j.onRef("a.session_id", "=", "s.id").onRef("a.user_id", "=", "e.user_id"))
    .select(["s.title", "s.kind", "s.starts_at", "s.hours", "u.name", "u.phone", "o.name as unit_name", "e.status as enrolment", "a.status as attendance", "a.note", "a.via", "a.marked_at"]);
  q = "sessionId" in where ? q.where("s.id", "=", where.sessionId) : q.where("s.cohort_id", "=", where.cohortId);
  return q.orderBy("s.starts_at").orderBy("s.id").orderBy("u.name").orderBy("u.id").execute();
}

// ── calendar feeds ──────────────────────────────────────────────────────────────────────────────

export async function calendarTokenOf(db: Db, userId: string, fresh: () => string): Promise<string> {
  await db.insertInto("calendar_feeds").values({ user_id: userId, token: fresh() }).onConflict((oc) => oc.column("user_id").doNothing()).execute();
  return (await db.selectFrom("calendar_feeds").select("token").where("user_id", "=", userId).executeTakeFirstOrThrow()).token;
}

export async function userOfCalendarToken(db: Db, token: string) {
  return db.selectFrom("calendar_feeds as f").innerJoin("users as u", "u.id", "f.user_id").select(["u.id", "u.name"]).where("f.token", "=", token).where("u.status", "=", "active").executeTakeFirst();
}

/** A person's live sessions for their calendar: from 30 days ago on. */
export async function calendarSessions(db: Db, userId: string, from: Date) {
  return db
    .selectFrom("session_enrolments as e")
    .innerJoin("training_sessions as s", "s.id", "e.session_id")
    .select(["s.id", "s.title", "s.kind", "s.starts_at", "s.ends_at", "s.place", "s.online_url", "e.status"])
    .where("e.user_id", "=", userId)
    .where("e.status", "<>", "cancelled")
    .where("s.ends_at", ">=", from)
    .orderBy("s.starts_at")
    .limit(500)
    .execute();
}

/** Trainees who may take part and hold no live place yet: its cohort's members, or active trainees of its region. */
export async function enrolCandidates(db: Db, session: SessionRow, limit: number) {
  let q = db
    .selectFrom("users as u")
    .innerJoin("org_units as o", "o.id", "u.org_unit_id")
    .innerJoin("user_roles as r", (j) => j.onRef("r.user_id", "=", "u.id").on("r.role", "=", "trainee"))
    .select(["u.id", "u.name", "o.name as unit_name"])
    .where("u.status", "=", "active")
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("session_enrolments as e").select("e.id").whereRef("e.user_id", "=", "u.id").where("e.session_id", "=", session.id).where("e.status", "<>", "cancelled"))),
    );
  q = session.cohort_id
    ? q.where(({ exists, selectFrom }) => exists(selectFrom("cohort_members as m").select("m.id").whereRef("m.user_id", "=", "u.id").where("m.cohort_id", "=", session.cohort_id!).where("m.left_at", "is", null)))
    : q.where("o.path", "like", `${session.unit_path}%`);
  return q.orderBy("u.name").orderBy("u.id").limit(limit).execute();
}
