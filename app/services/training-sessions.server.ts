import { createHmac, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { verifyCheckinToken, checkinToken, type Sign } from "~/domain/checkin-token";
import { inReach, type Reach } from "~/domain/reach";
import { cancelProblem, checkInStatus, placeFor, promotions, signUpProblem, waitlistPosition, type AttendanceStatus, type CancelProblem, type CheckedSession, type SignUpProblem } from "~/domain/sessions";
import { notificationIds, type NotificationKind } from "~/domain/notifications";
import { recordAudit } from "~/models/audit.server";
import { getCohort } from "~/models/cohorts.server";
import { queueEligibilityAfterAttendance } from "~/models/eligibility.server";
import type { OutboxJob } from "~/models/outbox.server";
import { queueNotification } from "~/models/notifications.server";
import type { Db as AnyDb } from "~/models/types";
import {
  cancelEnrolment,
  checkinSecretOf,
  getSession,
  insertEnrolment,
  insertSession,
  liveEnrolments,
  mayJoinSession,
  overlappingSessions,
  promoteEnrolments,
  upsertAttendance,
  type SessionRow,
} from "~/models/training-sessions.server";
import type { Database } from "../../db/schema";
import { dispatchAfterCommit } from "./dispatch.server";

// Session orchestration (docs/decisions/023-cohorts-sessions-attendance.md). Every sign-up,
// cancellation and enrolment takes the session row's lock first (`select … for update`), then
// counts places: two people taking the last place one after the other, never both.

type Db = Kysely<Database>;

export interface Staff {
  id: string;
  reach: Reach;
  ip: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One session as a trainee sees it: only when it is open to them or they hold a place in it
 * (undefined otherwise, like an unknown id), with their own place and waitlist position.
 */
export async function sessionForPerson(db: Db, id: string | undefined, user: { id: string; orgPath: string | null }) {
  const session = id && uuidPattern.test(id) ? await getSession(db, id) : undefined;
  if (!session) return undefined;
  const live = await liveEnrolments(db, session.id);
  const mine = live.find((e) => e.user_id === user.id);
  if (!mine && !(await mayJoinSession(db, session, user))) return undefined;
  const rows = live.map((e) => ({ id: e.id, status: e.status as "enrolled" | "waitlisted", createdAt: new Date(e.created_at) }));
  return {
    session,
    mine: (mine?.status ?? null) as "enrolled" | "waitlisted" | null,
    attendance: mine?.attendance ?? null,
    enrolled: rows.filter((r) => r.status === "enrolled").length,
    waiting: rows.filter((r) => r.status === "waitlisted").length,
    position: mine ? waitlistPosition(rows, mine.id) : null,
  };
}

/** The HMAC of a session's check-in codes, keyed with its own secret. */
export function signerFor(secret: string): Sign {
  return (message) => createHmac("sha256", secret).update(message).digest("base64url").slice(0, 32);
}

export type CreateSessionResult = { ok: true; id: string } | { ok: false; outside: true };

/** A new session for a cohort (its unit) or open to a unit's region; both must lie in the staff's reach. */
export async function createSession(db: Db, staff: Staff, checked: CheckedSession, where: { cohortId: string } | { orgUnit: { id: string; path: string } | undefined }): Promise<CreateSessionResult> {
  let place: { cohortId: string | null; orgUnitId: string; path: string } | null = null;
  if ("cohortId" in where) {
    const cohort = await getCohort(db, where.cohortId);
    if (cohort) place = { cohortId: cohort.id, orgUnitId: cohort.org_unit_id, path: cohort.unit_path };
  } else if (where.orgUnit) {
    place = { cohortId: null, orgUnitId: where.orgUnit.id, path: where.orgUnit.path };
  }
  if (!place || !inReach(staff.reach, place.path)) return { ok: false, outside: true };
  const id = await db.transaction().execute(async (trx) => {
    const id = await insertSession(trx, checked, place, randomBytes(32).toString("hex"), staff.id);
    await recordAudit(trx, { actorId: staff.id, action: "session.created", targetType: "training_session", targetId: id, ip: staff.ip, details: { title: checked.title, kind: checked.kind, startsAt: checked.startsAt.toISOString(), capacity: checked.capacity } });
    return id;
  });
  return { ok: true, id };
}

export type SignUpResult =
  | { ok: true; status: "enrolled" | "waitlisted"; overlaps: Array<{ id: string; title: string }> }
  | { ok: false; problem: SignUpProblem | "notOpen" | "notFound" };

/**
 * Takes a place (or a waitlist place) for `userId`. The session row is locked for the count, so a
 * full session puts the next person on the waitlist, never over capacity. Overlapping sessions of
 * the same person are returned as a warning, not refused.
 */
export async function signUp(db: Db, input: { sessionId: string; user: { id: string; orgPath: string | null }; by: { id: string; ip: string | null }; now?: Date }): Promise<SignUpResult> {
  const now = input.now ?? new Date();
  const jobs: OutboxJob[] = [];
  const result = await db.transaction().execute(async (trx): Promise<SignUpResult> => {
    const session = await getSession(trx, input.sessionId, { forUpdate: true });
    if (!session) return { ok: false, problem: "notFound" };
    if (!(await mayJoinSession(trx, session, input.user))) return { ok: false, problem: "notOpen" };
    const live = await liveEnrolments(trx, session.id);
    const problem = signUpProblem({ startsAt: new Date(session.starts_at) }, now, live.some((e) => e.user_id === input.user.id));
    if (problem) return { ok: false, problem };
    const status = placeFor(session.capacity, live.filter((e) => e.status === "enrolled").length);
    const id = await insertEnrolment(trx, { sessionId: session.id, userId: input.user.id, status, by: input.by.id });
    await recordAudit(trx, {
      actorId: input.by.id,
      action: input.by.id === input.user.id ? "session.signed_up" : "session.enrolled",
      targetType: "user",
      targetId: input.user.id,
      ip: input.by.ip,
      details: { sessionId: session.id, session: session.title, status, enrolmentId: id },
    });
    const by = input.by.id === input.user.id ? "self" : "staff";
    jobs.push(await notifySession(trx, status === "enrolled" ? "session.enrolled" : "session.waitlisted", notificationIds.sessionEnrolled(id), input.user.id, session, { by }));
    const overlaps = await overlappingSessions(trx, input.user.id, session.id, new Date(session.starts_at), new Date(session.ends_at));
    return { ok: true, status, overlaps: overlaps.map((o) => ({ id: o.id, title: o.title })) };
  });
  await dispatchAfterCommit(jobs);
  return result;
}

export type CancelResult = { ok: true; promoted: string[] } | { ok: false; problem: CancelProblem | "notFound" };

/**
 * Gives up a place. A trainee may do so until the cancellation deadline; staff at any time. Freed
 * places go to the longest-waiting at once, in the same transaction under the session lock.
 */
export async function cancelPlace(db: Db, input: { sessionId: string; userId: string; by: { id: string; ip: string | null }; asStaff: boolean; now?: Date }): Promise<CancelResult> {
  const now = input.now ?? new Date();
  const jobs: OutboxJob[] = [];
  const result = await db.transaction().execute(async (trx): Promise<CancelResult> => {
    const session = await getSession(trx, input.sessionId, { forUpdate: true });
    if (!session) return { ok: false, problem: "notFound" };
    const live = await liveEnrolments(trx, session.id);
    const mine = live.find((e) => e.user_id === input.userId);
    const problem = cancelProblem({ startsAt: new Date(session.starts_at), cancelBy: session.cancel_by ? new Date(session.cancel_by) : null }, now, !!mine);
    if (problem && !(input.asStaff && problem === "tooLate")) return { ok: false, problem };
    await cancelEnrolment(trx, mine!.id);
    const remaining = live.filter((e) => e.id !== mine!.id).map((e) => ({ id: e.id, status: e.status as "enrolled" | "waitlisted", createdAt: new Date(e.created_at) }));
    const promoted = await promoteEnrolments(trx, promotions(session.capacity, remaining));
    await recordAudit(trx, { actorId: input.by.id, action: "session.cancelled_place", targetType: "user", targetId: input.userId, ip: input.by.ip, details: { sessionId: session.id, session: session.title } });
    jobs.push(await notifySession(trx, "session.cancelled", notificationIds.sessionCancelled(mine!.id), input.userId, session, { by: input.by.id === input.userId ? "self" : "staff" }));
    for (const p of promoted) {
      await recordAudit(trx, { actorId: null, action: "session.promoted", targetType: "user", targetId: p.user_id, ip: null, details: { sessionId: session.id, session: session.title } });
      jobs.push(await notifySession(trx, "session.promoted", notificationIds.sessionPromoted(p.id), p.user_id, session, {}));
    }
    return { ok: true, promoted: promoted.map((p) => p.user_id) };
  });
  await dispatchAfterCommit(jobs);
  return result;
}

// ── session event notifications (issue 17): written through the outbox in the transaction that
// made the change, enqueued after commit; the id comes from the enrolment row, so one row however
// often the job runs. Scheduled reminders live apart from these. ──
type SessionEventKind = Extract<NotificationKind, "session.enrolled" | "session.waitlisted" | "session.promoted" | "session.cancelled">;

async function notifySession(trx: AnyDb, kind: SessionEventKind, id: string, userId: string, session: SessionRow, extra: { by?: "self" | "staff" }): Promise<OutboxJob> {
  const facts = { sessionId: session.id, title: session.title, startsAt: new Date(session.starts_at).toISOString(), endsAt: new Date(session.ends_at).toISOString() };
  // The payload's shape is checked per kind by notificationPayloads when the centre reads it.
  return queueNotification(trx, { id, userId, kind, payload: { ...facts, ...extra } } as Parameters<typeof queueNotification>[1]);
}
// ── end of session event notifications ──

/** Marks attendance by hand (出席/迟到/缺席/请假, with a note), audited. */
export async function markAttendance(db: Db, staff: Staff, session: SessionRow, input: { userId: string; status: AttendanceStatus; note: string | null }): Promise<boolean> {
  const jobs = await db.transaction().execute(async (trx): Promise<OutboxJob[] | null> => {
    const enrolled = (await liveEnrolments(trx, session.id)).some((e) => e.user_id === input.userId);
    if (!enrolled) return null;
    await upsertAttendance(trx, { sessionId: session.id, userId: input.userId, status: input.status, note: input.note, via: "manual", by: staff.id });
    await recordAudit(trx, { actorId: staff.id, action: "attendance.marked", targetType: "user", targetId: input.userId, ip: staff.ip, details: { sessionId: session.id, session: session.title, status: input.status, note: input.note } });
    // Attendance rules of certificates count it: re-evaluate (decision 023).
    return queueEligibilityAfterAttendance(trx, { sessionId: session.id, userId: input.userId });
  });
  if (jobs?.length) await dispatchAfterCommit(jobs);
  return jobs !== null;
}

/** The code the check-in screen shows now, as the URL the QR code carries. */
export async function currentCheckinUrl(db: Db, sessionId: string, origin: string, now = new Date()): Promise<string | null> {
  const secret = await checkinSecretOf(db, sessionId);
  if (!secret) return null;
  return `${origin}/checkin/${sessionId}?t=${encodeURIComponent(checkinToken(sessionId, now, signerFor(secret)))}`;
}

export type CheckInResult = { ok: true; status: "present" | "late"; already: boolean; title: string } | { ok: false; problem: "expired" | "notOpen" | "ended" };

/**
 * A trainee scanned the screen: a good code (this session, current or previous window) marks them
 * present, or late past the configured minutes. A second scan changes nothing.
 */
export async function checkIn(db: Db, input: { sessionId: string; token: string; user: { id: string; orgPath: string | null }; ip: string | null; now?: Date }): Promise<CheckInResult> {
  const now = input.now ?? new Date();
  const secret = await checkinSecretOf(db, input.sessionId);
  if (!secret || !verifyCheckinToken(input.sessionId, input.token, now, signerFor(secret))) return { ok: false, problem: "expired" };
  let jobs: OutboxJob[] = [];
  const result = await db.transaction().execute(async (trx): Promise<CheckInResult> => {
    const session = await getSession(trx, input.sessionId, { forUpdate: true });
    if (!session) return { ok: false, problem: "expired" };
    if (now.getTime() > new Date(session.ends_at).getTime() + 60 * 60_000) return { ok: false, problem: "ended" };
    const live = await liveEnrolments(trx, session.id);
    const mine = live.find((e) => e.user_id === input.user.id);
    if (!mine && !(await mayJoinSession(trx, session, input.user))) return { ok: false, problem: "notOpen" };
    if (mine?.attendance === "present" || mine?.attendance === "late") return { ok: true, status: mine.attendance, already: true, title: session.title };
    // A walk-in who may take part is enrolled as they check in (over capacity: they are in the room).
    if (!mine) await insertEnrolment(trx, { sessionId: session.id, userId: input.user.id, status: "enrolled", by: input.user.id });
    else if (mine.status === "waitlisted") await promoteEnrolments(trx, [mine.id]);
    const status = checkInStatus({ startsAt: new Date(session.starts_at), lateAfterMinutes: session.late_after_minutes }, now);
    const written = await upsertAttendance(trx, { sessionId: session.id, userId: input.user.id, status, note: null, via: "qr", by: input.user.id });
    if (!written) return { ok: true, status, already: true, title: session.title };
    await recordAudit(trx, { actorId: input.user.id, action: "attendance.checked_in", targetType: "user", targetId: input.user.id, ip: input.ip, details: { sessionId: session.id, session: session.title, status } });
    jobs = await queueEligibilityAfterAttendance(trx, { sessionId: session.id, userId: input.user.id });
    return { ok: true, status, already: false, title: session.title };
  });
  if (jobs.length) await dispatchAfterCommit(jobs);
  return result;
}
