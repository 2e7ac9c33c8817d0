// The cohort view (docs/decisions/023-cohorts-sessions-attendance.md, "The cohort view"): one row per
// current member, with what they have read, passed and let slip, the sessions they attended and where
// they stand for the cohort's certificate; and who is "behind". Pure: the caller loads the facts.

import type { SubmissionStatus } from "../../db/schema";
import { dueMoment } from "./cohorts";
import type { MissingItem } from "./eligibility";

/** What the whole cohort shares: its tier's modules and tasks, its due dates, its sessions so far. */
export interface CohortFrame {
  moduleIds: readonly string[];
  taskIds: readonly string[];
  dues: ReadonlyArray<{ taskId: string; dueOn: string }>;
  /** The cohort's sessions held so far: started by now, or with attendance already recorded. */
  sessionsHeld: number;
  /** The cohort's last day ("YYYY-MM-DD", Beijing). */
  endsOn: string;
}

/** One member's facts, as loaded. */
export interface MemberFacts {
  userId: string;
  name: string;
  phone: string | null;
  unit: string | null;
  /** Module ids they marked read. */
  read: ReadonlySet<string>;
  /** Their submission status per task id (one submission per person and task). */
  statusOf: ReadonlyMap<string, SubmissionStatus>;
  /** The cohort's sessions they attended (present or late). */
  sessionsAttended: number;
  /** Hours credited by every session that counts toward the cohort's certificate. */
  hoursAttended: number;
  /** A live certificate of the cohort's track and tier. */
  certified: boolean;
  /** Live evaluation of the cohort's certificate rule; ignored when certified. */
  eligibility: { eligible: true } | { eligible: false; missing: MissingItem[] };
}

export type Standing = "certified" | "eligible" | "missing";

export interface ProgressRow {
  userId: string;
  name: string;
  phone: string | null;
  unit: string | null;
  modulesRead: number;
  modulesTotal: number;
  tasksPassed: number;
  tasksTotal: number;
  /** Tasks with a cohort due date now past and nothing handed in (not started, a draft, or returned). */
  overdue: number;
  sessionsAttended: number;
  sessionsHeld: number;
  hoursAttended: number;
  standing: Standing;
  missing: MissingItem[];
  behind: boolean;
}

/** Work still owed: as "My work" has it, handed-in work is no longer due. */
const owed = (status: SubmissionStatus | undefined) => status === undefined || status === "draft" || status === "returned";

/** Whether the cohort is over: past the end of its last day, Beijing time. */
export function cohortEnded(endsOn: string, now: Date): boolean {
  return now.getTime() > dueMoment(endsOn).getTime();
}

/**
 * Behind: not yet certified, and either at least one overdue task or — once the cohort is over —
 * still not eligible for its certificate. Someone who holds the certificate is never behind.
 */
export function isBehind(row: Pick<ProgressRow, "overdue" | "standing">, frame: Pick<CohortFrame, "endsOn">, now: Date): boolean {
  if (row.standing === "certified") return false;
  return row.overdue > 0 || (cohortEnded(frame.endsOn, now) && row.standing === "missing");
}

export function progressRow(frame: CohortFrame, member: MemberFacts, now: Date): ProgressRow {
  const overdue = frame.dues.filter((d) => now.getTime() > dueMoment(d.dueOn).getTime() && owed(member.statusOf.get(d.taskId))).length;
  const standing: Standing = member.certified ? "certified" : member.eligibility.eligible ? "eligible" : "missing";
  const row: ProgressRow = {
    userId: member.userId,
    name: member.name,
    phone: member.phone,
    unit: member.unit,
    modulesRead: frame.moduleIds.filter((id) => member.read.has(id)).length,
    modulesTotal: frame.moduleIds.length,
    tasksPassed: frame.taskIds.filter((id) => member.statusOf.get(id) === "passed").length,
    tasksTotal: frame.taskIds.length,
    overdue,
    sessionsAttended: member.sessionsAttended,
    sessionsHeld: frame.sessionsHeld,
    hoursAttended: Math.round(member.hoursAttended * 10) / 10,
    standing,
    missing: standing === "missing" && !member.eligibility.eligible ? member.eligibility.missing : [],
    behind: false,
  };
  row.behind = isBehind(row, frame, now);
  return row;
}

/** The rows in the table's order: behind first, then by name. */
export function progressRows(frame: CohortFrame, members: readonly MemberFacts[], now: Date): ProgressRow[] {
  return members
    .map((m) => progressRow(frame, m, now))
    .sort((a, b) => Number(b.behind) - Number(a.behind) || a.name.localeCompare(b.name, "zh-CN") || (a.userId < b.userId ? -1 : 1));
}

// ── a message to the cohort ──────────────────────────────────────────────────────────────────────

export const messageLimits = { title: 50, body: 1000 } as const;
export type MessageFieldError = "titleRequired" | "titleTooLong" | "bodyRequired" | "bodyTooLong";

/** A coordinator's message to every current member, as typed; checked as a whole. */
export function checkMessage(draft: { title: string; body: string }): { ok: true; title: string; body: string } | { ok: false; errors: Record<string, MessageFieldError> } {
  const title = draft.title.trim();
  const body = draft.body.trim();
  const errors: Record<string, MessageFieldError> = {};
  if (!title) errors.title = "titleRequired";
  else if ([...title].length > messageLimits.title) errors.title = "titleTooLong";
  if (!body) errors.body = "bodyRequired";
  else if ([...body].length > messageLimits.body) errors.body = "bodyTooLong";
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, title, body };
}
