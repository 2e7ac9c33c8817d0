import { createHash } from "node:crypto";
import {
  beijingDate,
  calendarDaysSince,
  certificateStage,
  daysBetween,
  digestWindow,
  dueWindow,
  idleWindow,
  beijingDayStart,
  addDays,
  isReminderKind,
  nearestCoordinators,
  reminderKinds,
  reminderTiming,
  switchedOffBy,
  tomorrowWindow,
  type ReminderKind,
} from "~/domain/reminders";
import { inReach, type Reach } from "~/domain/reach";
import { logger } from "~/logger.server";
import { recordAudit } from "~/models/audit.server";
import {
  assignmentDigests,
  cohortTasksDue,
  coordinators,
  enrolledTomorrow,
  expiringCertificates,
  idleDrafts,
  idleReturns,
  longWaitingWork,
  recordReminders,
  reminderKeyText,
  reminderSwitches,
  sentKeys,
  switchOff,
  switchOn,
  waitingForMentors,
  type DueWindow,
  type IdleWorkRow,
  type ReminderCandidate,
  type StoredSwitch,
  type SweepCursor,
} from "~/models/reminders.server";
import type { Db } from "~/models/types";
import { dispatchAfterCommit } from "./dispatch.server";

// Scheduled reminders (docs/decisions/027-reminders.md): one sweep, run by a BullMQ job scheduler
// every hour in every worker process's shared queue, finds who is due which reminder at `now`, skips
// kinds switched off for the recipient's region, and writes each reminder's key with its in-app
// notification job. The key's primary key decides which of several sweeps running at once writes it.

const pageSize = 500;

/** The notification id of a reminder: the same key, the same id (BullMQ job ids may not contain ":"). */
export function reminderNotificationId(key: { kind: string; userId: string; subject: string; period: string }): string {
  return `reminder-${createHash("sha256").update(`${key.kind}|${key.userId}|${key.subject}|${key.period}`).digest("hex").slice(0, 40)}`;
}

export type ReminderReport = Record<ReminderKind, { written: number; switchedOff: number }>;

interface Sweep {
  now: Date;
  switches: StoredSwitch[];
  report: ReminderReport;
}

/** Writes one page of candidates (those not switched off) and dispatches their notifications after commit. */
async function write(db: Db, sweep: Sweep, candidates: ReminderCandidate[]): Promise<void> {
  const wanted = candidates.filter((c) => {
    const off = switchedOffBy(c.kind, c.recipientPath, sweep.switches);
    if (off) sweep.report[c.kind].switchedOff += 1;
    return !off;
  });
  if (wanted.length === 0) return;
  const jobs = await db.transaction().execute((trx) => recordReminders(trx, wanted.map((c) => ({ ...c, notificationId: reminderNotificationId(c) }))));
  for (const job of jobs) sweep.report[(job.payload as { kind: ReminderKind }).kind].written += 1;
  await dispatchAfterCommit(jobs);
}

/** Pages through a kind keyed by (subject, person) until a page comes back short. */
async function paged<R extends { subject: string; user_id: string }>(
  fetch: (after: SweepCursor | null) => Promise<R[]>,
  handle: (rows: R[]) => Promise<void>,
): Promise<void> {
  let after: SweepCursor | null = null;
  for (;;) {
    const rows = await fetch(after);
    await handle(rows);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { subject: last.subject, userId: last.user_id };
  }
}

/** A kind about one piece of work idle for `days` (a draft, returned work, work waiting for its mentor): one reminder per row. */
function idleWorkSweep(
  kind: "reminder.draft_idle" | "reminder.returned_idle" | "reminder.mentor_waiting",
  query: (db: Db, input: { window: DueWindow; after: SweepCursor | null; limit: number }) => Promise<IdleWorkRow[]>,
  days: number,
) {
  return (db: Db, sweep: Sweep) =>
    paged(
      (after) => query(db, { window: idleWindow(sweep.now, days), after, limit: pageSize }),
      (rows) =>
        write(
          db,
          sweep,
          rows.map((r) => ({
            kind,
            userId: r.user_id,
            subject: r.subject,
            period: r.period,
            recipientPath: r.path,
            payload: { submissionId: r.subject, taskId: r.task_id, taskTitle: r.task_title, days: calendarDaysSince(r.since, sweep.now) },
          })),
        ),
    );
}

const sweeps: Record<ReminderKind, (db: Db, sweep: Sweep) => Promise<void>> = {
  "reminder.draft_idle": idleWorkSweep("reminder.draft_idle", idleDrafts, reminderTiming.draftIdleDays),
  "reminder.returned_idle": idleWorkSweep("reminder.returned_idle", idleReturns, reminderTiming.returnedIdleDays),
  "reminder.mentor_waiting": idleWorkSweep("reminder.mentor_waiting", waitingForMentors, reminderTiming.mentorWaitingDays),
  "reminder.coordinator_waiting": async (db, sweep) => {
    const admins = await coordinators(db);
    const window = idleWindow(sweep.now, reminderTiming.coordinatorWaitingDays);
    let after: string | null = null;
    for (;;) {
      const rows = await longWaitingWork(db, { window, after, limit: pageSize });
      const candidates: ReminderCandidate[] = rows.flatMap((r) =>
        nearestCoordinators(r.trainee_path, admins).map((admin) => ({
          kind: "reminder.coordinator_waiting" as const,
          userId: admin.id,
          subject: r.subject,
          period: r.period,
          recipientPath: admin.path,
          payload: { submissionId: r.subject, taskId: r.task_id, taskTitle: r.task_title, days: calendarDaysSince(r.since, sweep.now), trainee: r.trainee, unit: r.unit_name ?? "" },
        })),
      );
      await write(db, sweep, await unsentOnly(db, "reminder.coordinator_waiting", candidates));
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.subject;
    }
  },
  "reminder.certificate_expiring": async (db, sweep) => {
    const today = beijingDate(sweep.now);
    const furthest = Math.max(...reminderTiming.certificateStages);
    // Validity ending from today (Beijing) to the last day of the furthest stage.
    const from = beijingDayStart(today);
    const to = beijingDayStart(addDays(today, furthest + 1));
    let after: string | null = null;
    for (;;) {
      const rows = await expiringCertificates(db, { from, to, after, limit: pageSize });
      const candidates: ReminderCandidate[] = [];
      for (const c of rows) {
        const until = beijingDate(c.valid_until);
        const daysLeft = daysBetween(today, until);
        const stage = certificateStage(daysLeft);
        if (stage === null) continue;
        candidates.push({
          kind: "reminder.certificate_expiring",
          userId: c.user_id,
          subject: c.id,
          period: `${until}/${stage}`,
          recipientPath: c.path,
          payload: { certificateId: c.id, number: c.number, track: c.track, tier: c.tier, validUntil: until, days: daysLeft },
        });
      }
      await write(db, sweep, await unsentOnly(db, "reminder.certificate_expiring", candidates));
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.id;
    }
  },
  "reminder.assignment_digest": (db, sweep) => {
    const window = digestWindow(sweep.now);
    return paged(
      (after) => assignmentDigests(db, { from: window.from, to: window.to, period: window.period, titles: reminderTiming.digestTitles, after, limit: pageSize }),
      (rows) =>
        write(
          db,
          sweep,
          rows.map((r) => ({
            kind: "reminder.assignment_digest",
            userId: r.user_id,
            subject: r.subject,
            period: r.period,
            recipientPath: r.path,
            payload: { date: window.day, count: r.count, tasks: r.tasks },
          })),
        ),
    );
  },
  "reminder.session_tomorrow": (db, sweep) => {
    const window = tomorrowWindow(sweep.now);
    return paged(
      (after) => enrolledTomorrow(db, { ...window, after, limit: pageSize }),
      (rows) =>
        write(
          db,
          sweep,
          rows.map((r) => ({
            kind: "reminder.session_tomorrow",
            userId: r.user_id,
            subject: r.subject,
            period: r.period,
            recipientPath: r.path,
            payload: { sessionId: r.subject, title: r.title, startsAt: r.starts_at.toISOString(), place: r.place },
          })),
        ),
    );
  },
  "reminder.cohort_due": (db, sweep) => {
    const window = dueWindow(sweep.now);
    const today = beijingDate(sweep.now);
    return paged(
      (after) => cohortTasksDue(db, { ...window, after, limit: pageSize }),
      (rows) =>
        write(
          db,
          sweep,
          rows.map((r) => ({
            kind: "reminder.cohort_due",
            userId: r.user_id,
            subject: r.subject,
            period: r.period,
            recipientPath: r.path,
            payload: { taskId: r.subject, taskTitle: r.task_title, dueOn: r.period, days: daysBetween(today, r.period) },
          })),
        ),
    );
  },
};

/** Leaves out candidates whose key is written already (kinds not filtered in SQL). */
async function unsentOnly(db: Db, kind: ReminderKind, candidates: ReminderCandidate[]): Promise<ReminderCandidate[]> {
  const sent = await sentKeys(db, kind, candidates);
  return candidates.filter((c) => !sent.has(reminderKeyText(c.userId, c.subject, c.period)));
}

/**
 * One sweep of every reminder kind at `now`. Safe to run in several processes at once and again in
 * the same period: nothing is written twice. A kind that fails does not stop the others; the sweep
 * throws at the end so BullMQ retries it (the kinds done write nothing new).
 */
export async function runReminders(db: Db, options: { now: Date; kinds?: readonly ReminderKind[] }): Promise<ReminderReport> {
  const report = Object.fromEntries(reminderKinds.map((k) => [k, { written: 0, switchedOff: 0 }])) as ReminderReport;
  const sweep: Sweep = { now: options.now, switches: await reminderSwitches(db), report };
  const failures: string[] = [];
  for (const kind of options.kinds ?? reminderKinds) {
    try {
      await sweeps[kind](db, sweep);
    } catch (error) {
      logger.error({ err: error, kind }, "reminder sweep failed for one kind");
      failures.push(`${kind}: ${(error as Error).message}`);
    }
  }
  if (failures.length) throw new Error(`reminder sweep failed: ${failures.join("; ")}`);
  return report;
}

// ── Switching kinds off per region ──────────────────────────────────────────────────────────────

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SwitchOutcome =
  | { ok: true; changed: boolean; unit: { id: string; name: string } }
  | { ok: false; problem: "notFound" }
  | { ok: false; problem: "kind" }
  /** Off by a unit above: only that unit's admins can switch it on. */
  | { ok: false; problem: "ancestor"; unitName: string };

/**
 * An admin switches a kind off (or on again) for a unit inside their reach; audited when it changes.
 * A unit outside the reach, or no unit, is "notFound" (the caller answers 404 and audits the attempt).
 */
export async function setReminderSwitch(
  db: Db,
  input: { actorId: string; reach: Reach; unitId: string; kind: string; on: boolean; ip: string | null },
): Promise<SwitchOutcome> {
  if (!uuidPattern.test(input.unitId)) return { ok: false, problem: "notFound" };
  const unit = await db.selectFrom("org_units").select(["id", "name", "path"]).where("id", "=", input.unitId).where("archived_at", "is", null).executeTakeFirst();
  if (!unit || !inReach(input.reach, unit.path)) return { ok: false, problem: "notFound" };
  const kind = input.kind;
  if (!isReminderKind(kind)) return { ok: false, problem: "kind" };
  if (input.on) {
    // Off by a unit above and not by this one: switching on here would change nothing.
    const switches = await reminderSwitches(db);
    const own = switches.some((s) => s.unitId === unit.id && s.kind === kind);
    const above = switchedOffBy(kind, unit.path, switches.filter((s) => s.unitId !== unit.id));
    if (above && !own) return { ok: false, problem: "ancestor", unitName: above.unitName };
  }
  const changed = await db.transaction().execute(async (trx) => {
    const done = input.on ? await switchOn(trx, { unitId: unit.id, kind }) : await switchOff(trx, { unitId: unit.id, kind, by: input.actorId });
    if (done) {
      await recordAudit(trx, {
        actorId: input.actorId,
        action: input.on ? "reminders.switched_on" : "reminders.switched_off",
        targetType: "org_unit",
        targetId: unit.id,
        ip: input.ip,
        details: { kind },
      });
    }
    return done;
  });
  return { ok: true, changed, unit: { id: unit.id, name: unit.name } };
}
