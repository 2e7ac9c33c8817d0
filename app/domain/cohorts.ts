// Cohorts (期次/班) as rules, without the database (docs/decisions/023-cohorts-sessions-attendance.md).

export const cohortTracks = ["campus", "community"] as const;
export const cohortTiers = ["foundation", "practitioner", "specialist", "supervisor"] as const;
export const programmeYears = [1, 2, 3] as const;

export interface CohortDraft {
  name: string;
  track: string;
  tier: string;
  programmeYear: string;
  startsOn: string;
  endsOn: string;
  /** Task id → "YYYY-MM-DD" (empty: no due date). */
  dueDates: Record<string, string>;
}

export type CohortFieldError =
  | "nameRequired"
  | "nameTooLong"
  | "track"
  | "tier"
  | "year"
  | "startRequired"
  | "endRequired"
  | "endBeforeStart"
  | "dueInvalid"
  | "dueBeforeStart"
  | "dueAfterEnd"
  | "unknownTask";

export interface CheckedCohort {
  name: string;
  track: (typeof cohortTracks)[number];
  tier: (typeof cohortTiers)[number];
  programmeYear: number;
  startsOn: string;
  endsOn: string;
  dueDates: Array<{ taskId: string; dueOn: string }>;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date written "YYYY-MM-DD" (2026-02-30 is not one). */
export function isCalendarDate(value: string): boolean {
  if (!datePattern.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/**
 * The cohort as typed, checked as a whole: every problem at once (field → problem; a due date's field
 * is `due.<taskId>`), so nothing is written until all of it is right. `taskIds` are the tasks of the
 * cohort's track and tier: a due date for any other task is refused.
 */
export function checkCohort(draft: CohortDraft, taskIds: readonly string[]): { ok: true; cohort: CheckedCohort } | { ok: false; errors: Record<string, CohortFieldError> } {
  const errors: Record<string, CohortFieldError> = {};
  const name = draft.name.trim();
  if (!name) errors.name = "nameRequired";
  else if (name.length > 100) errors.name = "nameTooLong";
  if (!(cohortTracks as readonly string[]).includes(draft.track)) errors.track = "track";
  if (!(cohortTiers as readonly string[]).includes(draft.tier)) errors.tier = "tier";
  const year = Number(draft.programmeYear);
  if (!(programmeYears as readonly number[]).includes(year)) errors.programmeYear = "year";
  const startsOn = draft.startsOn.trim();
  const endsOn = draft.endsOn.trim();
  if (!isCalendarDate(startsOn)) errors.startsOn = "startRequired";
  if (!isCalendarDate(endsOn)) errors.endsOn = "endRequired";
  else if (!errors.startsOn && endsOn < startsOn) errors.endsOn = "endBeforeStart";
  const dueDates: CheckedCohort["dueDates"] = [];
  for (const [taskId, raw] of Object.entries(draft.dueDates)) {
    const dueOn = raw.trim();
    if (!dueOn) continue;
    const key = `due.${taskId}`;
    if (!taskIds.includes(taskId)) errors[key] = "unknownTask";
    else if (!isCalendarDate(dueOn)) errors[key] = "dueInvalid";
    else if (!errors.startsOn && dueOn < startsOn) errors[key] = "dueBeforeStart";
    else if (!errors.endsOn && !errors.startsOn && dueOn > endsOn) errors[key] = "dueAfterEnd";
    else dueDates.push({ taskId, dueOn });
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    cohort: { name, track: draft.track as CheckedCohort["track"], tier: draft.tier as CheckedCohort["tier"], programmeYear: year, startsOn, endsOn, dueDates },
  };
}

/** The moment a due date falls: the end of that day in Beijing (UTC+8, no daylight saving). */
export function dueMoment(dueOn: string): Date {
  return new Date(`${dueOn}T23:59:59.999+08:00`);
}

export interface CohortDue {
  taskId: string;
  dueOn: string;
  lateWorkAccepted: boolean;
}

/**
 * A trainee's due date per task across their current cohorts. Two cohorts naming the same task: the
 * earlier date wins, and late work is refused if either cohort refuses it for that date.
 */
export function duesByTask(rows: readonly CohortDue[]): Map<string, { dueAt: Date; lateWorkAccepted: boolean }> {
  const out = new Map<string, { dueAt: Date; lateWorkAccepted: boolean; dueOn: string }>();
  for (const row of rows) {
    const had = out.get(row.taskId);
    if (!had || row.dueOn < had.dueOn) out.set(row.taskId, { dueAt: dueMoment(row.dueOn), lateWorkAccepted: row.lateWorkAccepted, dueOn: row.dueOn });
    else if (row.dueOn === had.dueOn && !row.lateWorkAccepted) had.lateWorkAccepted = false;
  }
  return new Map([...out].map(([k, v]) => [k, { dueAt: v.dueAt, lateWorkAccepted: v.lateWorkAccepted }]));
}

/** Whether a submission now would be refused as late. */
export function lateRefused(due: { dueAt: Date; lateWorkAccepted: boolean } | undefined, now: Date): boolean {
  return !!due && !due.lateWorkAccepted && now.getTime() > due.dueAt.getTime();
}

export type JoinCodeProblem = "unknown" | "revoked" | "usedUp";

/** Whether a join code can still be used. */
export function joinCodeProblem(code: { revokedAt: Date | string | null; usedCount: number; maxUses: number } | null): JoinCodeProblem | null {
  if (!code) return "unknown";
  if (code.revokedAt) return "revoked";
  if (code.usedCount >= code.maxUses) return "usedUp";
  return null;
}

/** Letters and digits nobody misreads on a projector or over the phone (no 0/O, 1/I/L). */
export const joinCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** A code as typed: spaces and dashes dropped, upper case. */
export function normaliseJoinCode(typed: string): string {
  return typed.replace(/[\s-]/g, "").toUpperCase();
}
