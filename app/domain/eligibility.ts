import type { z } from "zod";
import type { certificateRuleSchema } from "~/catalog/schema";
import type { SubmissionStatus, TaskType } from "../../db/schema";
import { canonicalJson } from "~/utils/canonical-json";
import { attended, type AttendanceStatus, type SessionKind } from "./sessions";

// Whether a trainee may receive a tier's certificate, from the tier's rule in content/ and their
// decided submissions. No I/O: the caller loads the submissions and stores the answer.

export type CertificateRule = z.infer<typeof certificateRuleSchema>;

export interface TierTask {
  id: string;
  type: TaskType;
  /** Shown in the message when the task's score is below the tier's pass mark. */
  title?: string;
}

export interface TaskResult {
  taskId: string;
  type: TaskType;
  status: SubmissionStatus;
  score: number | null;
  peopleReached: number | null;
}

export type MissingKey = "elig.missingTasks" | "elig.fieldWork" | "elig.peopleReached" | "elig.score" | "elig.signOff" | "elig.hours" | `elig.sessions.${SessionKind}`;
export interface MissingItem {
  key: MissingKey;
  params?: Record<string, string | number>;
}

export type EligibilityResult = { eligible: true } | { eligible: false; missing: MissingItem[] };

/** The ids of the tasks a rule requires: every task of the tier, or the ones it lists. */
export function requiredTaskIds(rule: CertificateRule, tierTasks: readonly TierTask[]): string[] {
  return rule.requiredTasks === "all" ? tierTasks.map((t) => t.id) : [...rule.requiredTasks];
}

const mentorGraded = (type: TaskType | undefined) => type === "work_product" || type === "field_work";

/** Every required work product and field task passed: only a mentor's decision passes those. */
export function mentorSignedOff(rule: CertificateRule, tierTasks: readonly TierTask[], results: readonly TaskResult[]): boolean {
  const typeOf = new Map(tierTasks.map((t) => [t.id, t.type]));
  const passed = new Set(results.filter((r) => r.status === "passed").map((r) => r.taskId));
  return requiredTaskIds(rule, tierTasks)
    .filter((id) => mentorGraded(typeOf.get(id)))
    .every((id) => passed.has(id));
}

// ── attendance (docs/decisions/023-cohorts-sessions-attendance.md, "Attendance rules") ───────────

/** A session the person attended that counts toward one track and tier. */
export interface AttendedSession {
  kind: SessionKind;
  /** Hours it credits. */
  hours: number;
}

/** One attendance row of a person, with the session it belongs to (and that session's cohort, if any). */
export interface AttendanceFact {
  status: AttendanceStatus;
  kind: SessionKind;
  /** The session's 学时; null when none was set. */
  hours: number | string | null;
  startsAt: Date | string;
  endsAt: Date | string;
  /** The track and tier of the session's cohort; null for a session open to a region. */
  cohortTrack: string | null;
  cohortTier: string | null;
}

/** Hours a session credits: its 学时 when set, else its scheduled length rounded down to the half hour. */
export function creditedHours(fact: Pick<AttendanceFact, "hours" | "startsAt" | "endsAt">): number {
  if (fact.hours !== null && fact.hours !== "") {
    const set = Number(fact.hours);
    if (Number.isFinite(set) && set > 0) return set;
  }
  const ms = new Date(fact.endsAt).getTime() - new Date(fact.startsAt).getTime();
  return ms > 0 ? Math.floor(ms / 1_800_000) / 2 : 0;
}

/**
 * The sessions that count toward one track and tier: attended (present or late), and either a
 * session of a cohort of that very track and tier (membership need not last: attendance is history),
 * or a session open to a region (it has no track or tier, so it counts toward every one).
 */
export function attendanceFor(facts: readonly AttendanceFact[], key: { track: string; tier: string }): AttendedSession[] {
  return facts
    .filter((f) => attended(f.status) && (f.cohortTrack === null || (f.cohortTrack === key.track && f.cohortTier === key.tier)))
    .map((f) => ({ kind: f.kind, hours: creditedHours(f) }));
}

/** Tenths, so that 1.5 + 1.5 + 0.1 does not print as 3.0999999. */
const tenths = (n: number) => Math.round(n * 10) / 10;

export function evaluateEligibility(
  rule: CertificateRule,
  tierTasks: readonly TierTask[],
  results: readonly TaskResult[],
  facts: { mentorSignOff: boolean; attended?: readonly AttendedSession[] },
): EligibilityResult {
  const missing: MissingItem[] = [];
  const passed = new Map(results.filter((r) => r.status === "passed").map((r) => [r.taskId, r]));
  const titleOf = new Map(tierTasks.map((t) => [t.id, t.title ?? t.id]));
  const required = requiredTaskIds(rule, tierTasks);

  const notPassed = required.filter((id) => !passed.has(id));
  if (notPassed.length > 0) missing.push({ key: "elig.missingTasks", params: { count: notPassed.length } });

  const fieldWork = [...passed.values()].filter((r) => r.type === "field_work");
  if (fieldWork.length < rule.minFieldWork) {
    missing.push({ key: "elig.fieldWork", params: { have: fieldWork.length, need: rule.minFieldWork } });
  }
  const reached = fieldWork.reduce((sum, r) => sum + (r.peopleReached ?? 0), 0);
  if (reached < rule.minPeopleReached) {
    missing.push({ key: "elig.peopleReached", params: { have: reached, need: rule.minPeopleReached } });
  }

  // A task passed on its own (lower) pass mark still falls short of a stricter tier pass mark.
  for (const id of required) {
    const result = passed.get(id);
    if (result && result.score !== null && result.score < rule.passMark) {
      missing.push({ key: "elig.score", params: { task: titleOf.get(id) ?? id, score: result.score, passMark: rule.passMark } });
    }
  }

  if (rule.mentorSignOff && !facts.mentorSignOff) missing.push({ key: "elig.signOff" });

  if (rule.attendance) {
    const sessions = facts.attended ?? [];
    for (const need of rule.attendance.sessions) {
      const have = sessions.filter((s) => s.kind === need.kind).length;
      if (have < need.min) missing.push({ key: `elig.sessions.${need.kind}`, params: { have, need: need.min } });
    }
    const hours = tenths(sessions.reduce((sum, s) => sum + s.hours, 0));
    if (rule.attendance.hours !== undefined && hours < rule.attendance.hours) {
      missing.push({ key: "elig.hours", params: { have: hours, need: rule.attendance.hours } });
    }
  }
  return missing.length === 0 ? { eligible: true } : { eligible: false, missing };
}

/** A short hash of the rule (53-bit cyrb53, hex), stored with each evaluation to tell which rule decided it. */
export function ruleVersion(rule: CertificateRule): string {
  const text = canonicalJson(rule);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}

/** When a certificate issued now stops being valid: null when the tier's certificate does not expire. */
export function validUntilFor(rule: CertificateRule, issuedAt: Date): Date | null {
  if (!rule.validYears) return null;
  const until = new Date(issuedAt);
  until.setUTCFullYear(until.getUTCFullYear() + rule.validYears);
  return until;
}

export const renewalWindowDays = 90;

/** A live certificate within the renewal window (or past it) should be renewed. */
export function needsRenewal(validUntil: Date | null, now: Date = new Date()): boolean {
  return validUntil !== null && validUntil.getTime() - now.getTime() <= renewalWindowDays * 24 * 3600 * 1000;
}
