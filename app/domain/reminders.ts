// Scheduled reminders (docs/decisions/027-reminders.md) as rules, without the database: the kinds,
// when each is due by the Beijing calendar, whose switch turns it off and who the coordinator of a
// trainee is. No I/O, no validator (pages import this). What each says: ./reminder-notices.ts.

/** The kinds, trainees' first: the order the admin page lists them in. */
export const reminderKinds = [
  "reminder.draft_idle",
  "reminder.returned_idle",
  "reminder.cohort_due",
  "reminder.session_tomorrow",
  "reminder.certificate_expiring",
  "reminder.assignment_digest",
  "reminder.mentor_waiting",
  "reminder.coordinator_waiting",
] as const;
export type ReminderKind = (typeof reminderKinds)[number];

export function isReminderKind(value: string): value is ReminderKind {
  return (reminderKinds as readonly string[]).includes(value);
}

/** Whom each kind reaches, as the admin page says it. */
export const reminderAudience: Record<ReminderKind, "trainee" | "mentor" | "coordinator"> = {
  "reminder.draft_idle": "trainee",
  "reminder.returned_idle": "trainee",
  "reminder.mentor_waiting": "mentor",
  "reminder.coordinator_waiting": "coordinator",
  "reminder.certificate_expiring": "trainee",
  "reminder.assignment_digest": "mentor",
  "reminder.session_tomorrow": "trainee",
  "reminder.cohort_due": "trainee",
};

/** The numbers of issue 18 item 3 and issue 17, in Beijing calendar days. */
export const reminderTiming = {
  draftIdleDays: 7,
  returnedIdleDays: 7,
  mentorWaitingDays: 5,
  coordinatorWaitingDays: 10,
  /** Days before a certificate's validity ends: each stage reminds once. */
  certificateStages: [90, 30, 7],
  /** A cohort task's due date this many days away (or nearer). */
  cohortDueDays: 3,
  /** Titles a digest names before "等". */
  digestTitles: 3,
  /**
   * Days an idle or waiting stretch stays due after its day: a sweep that finds one older (the feature
   * just deployed, the workers down for a week) leaves it alone rather than remind of months-old drafts.
   */
  catchUpDays: 7,
} as const;

// ── The Beijing calendar ─────────────────────────────────────────────────────────────────────────

/** Asia/Shanghai has kept UTC+8 all year since 1991: no daylight saving to follow. */
const beijingOffsetMs = 8 * 60 * 60_000;
const dayMs = 24 * 60 * 60_000;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar date in Beijing at this moment, "YYYY-MM-DD" (whatever the date in UTC). */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + beijingOffsetMs).toISOString().slice(0, 10);
}

function dateToUtcMs(date: string): number {
  if (!datePattern.test(date)) throw new RangeError(`not a date: ${date}`);
  return Date.parse(`${date}T00:00:00Z`);
}

/** The date `days` later (earlier when negative). */
export function addDays(date: string, days: number): string {
  return new Date(dateToUtcMs(date) + days * dayMs).toISOString().slice(0, 10);
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateToUtcMs(to) - dateToUtcMs(from)) / dayMs);
}

/** 00:00 of that date in Beijing, as a moment. */
export function beijingDayStart(date: string): Date {
  return new Date(dateToUtcMs(date) - beijingOffsetMs);
}

/** How many Beijing calendar days lie between a moment and now (the same day: 0). */
export function calendarDaysSince(since: Date, now: Date): number {
  return daysBetween(beijingDate(since), beijingDate(now));
}

/**
 * Something last touched before this moment has been idle for at least `days` Beijing calendar
 * days today: touched any time on 1 December, it is 7 days idle from 00:00 on 8 December.
 */
export function idleCutoff(now: Date, days: number): Date {
  return beijingDayStart(addDays(beijingDate(now), -(days - 1)));
}

/**
 * The stretches due an idle/waiting reminder of `days` at `now`: last touched (or begun) at or after
 * `from` and before `to` — from the `days`th calendar day to `catchUpDays` days after it.
 */
export function idleWindow(now: Date, days: number): { from: Date; to: Date } {
  return { from: idleCutoff(now, days + reminderTiming.catchUpDays), to: idleCutoff(now, days) };
}

/**
 * The stage a certificate is in, `daysLeft` Beijing days before its validity ends: the smallest
 * stage not yet passed (90, 30, 7), so a sweep that missed the 90-day day still sends the 30-day one
 * once. Null before the first stage and once it has expired.
 */
export function certificateStage(daysLeft: number): number | null {
  if (daysLeft < 0) return null;
  const ascending = [...reminderTiming.certificateStages].sort((a, b) => a - b);
  return ascending.find((stage) => daysLeft <= stage) ?? null;
}

/** Sessions starting on tomorrow's Beijing date: [00:00 tomorrow, 00:00 the day after). */
export function tomorrowWindow(now: Date): { date: string; from: Date; to: Date } {
  const date = addDays(beijingDate(now), 1);
  return { date, from: beijingDayStart(date), to: beijingDayStart(addDays(date, 1)) };
}

/**
 * The digest sent on Beijing date D covers the assignments made on D − 1 (00:00–24:00 Beijing):
 * each assignment falls in exactly one digest, whenever on D the sweep runs.
 */
export function digestWindow(now: Date): { period: string; day: string; from: Date; to: Date } {
  const period = beijingDate(now);
  const day = addDays(period, -1);
  return { period, day, from: beijingDayStart(day), to: beijingDayStart(period) };
}

/** Due dates from today to `cohortDueDays` ahead, inclusive. */
export function dueWindow(now: Date): { from: string; to: string } {
  const today = beijingDate(now);
  return { from: today, to: addDays(today, reminderTiming.cohortDueDays) };
}

// ── Who switched a kind off ─────────────────────────────────────────────────────────────────────

export interface ReminderSwitch {
  kind: string;
  unitId: string;
  /** The unit's materialised path, "/root/…/unit/". */
  path: string;
}

const depthOf = (path: string) => path.split("/").filter(Boolean).length;

/**
 * The switch that turns this kind off for a person placed at `personPath`: one on their unit or on
 * any unit above it, the highest first. A person of no unit belongs to the programme as a whole:
 * only a switch on the root reaches them.
 */
export function switchedOffBy<S extends ReminderSwitch>(kind: string, personPath: string | null, switches: readonly S[]): S | null {
  const covering = switches.filter((s) => s.kind === kind && (personPath === null ? depthOf(s.path) === 1 : personPath.startsWith(s.path)));
  return covering.sort((a, b) => depthOf(a.path) - depthOf(b.path))[0] ?? null;
}

// ── The coordinator of a trainee ────────────────────────────────────────────────────────────────

/**
 * Who hears of work still waiting after 10 days: the admins whose reach covers the trainee's unit,
 * nearest unit first — those placed on the deepest unit on the path from the trainee's unit up to
 * the root that has any. A trainee of no unit: the programme admins.
 */
export function nearestCoordinators<A extends { path: string }>(traineePath: string | null, admins: readonly A[]): A[] {
  const covering = admins.filter((a) => (traineePath === null ? depthOf(a.path) === 1 : traineePath.startsWith(a.path)));
  if (covering.length === 0) return [];
  const deepest = Math.max(...covering.map((a) => depthOf(a.path)));
  return covering.filter((a) => depthOf(a.path) === deepest);
}
