// Sessions (培训/讲座/团体督导/座谈会/线上直播), sign-up with a waitlist, and attendance, as rules
// without the database (docs/decisions/023-cohorts-sessions-attendance.md).

export const sessionKinds = ["training", "lecture", "group_supervision", "forum", "live"] as const;
export type SessionKind = (typeof sessionKinds)[number];
export const attendanceStatuses = ["present", "late", "absent", "excused"] as const;
export type AttendanceStatus = (typeof attendanceStatuses)[number];

/** Attended, for certificates and the cohort view: present or late. */
export function attended(status: AttendanceStatus | null | undefined): boolean {
  return status === "present" || status === "late";
}

// ── the session form ─────────────────────────────────────────────────────────────────────────────

export interface SessionDraft {
  title: string;
  kind: string;
  date: string;
  start: string;
  end: string;
  place: string;
  onlineUrl: string;
  capacity: string;
  hours: string;
  /** Hours before the start after which a trainee can no longer cancel; empty: until the start. */
  cancelHours: string;
  lateMinutes: string;
}

export type SessionFieldError =
  | "titleRequired"
  | "titleTooLong"
  | "kind"
  | "date"
  | "time"
  | "endBeforeStart"
  | "whereRequired"
  | "placeTooLong"
  | "url"
  | "capacity"
  | "hours"
  | "cancelHours"
  | "lateMinutes"
  | "past";

export interface CheckedSession {
  title: string;
  kind: SessionKind;
  startsAt: Date;
  endsAt: Date;
  place: string | null;
  onlineUrl: string | null;
  capacity: number;
  hours: number | null;
  cancelBy: Date | null;
  lateAfterMinutes: number;
}

/** A moment given as a Beijing date and time (UTC+8 all year). */
export function beijingMoment(date: string, time: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}$/.test(time)) return null;
  const d = new Date(`${date}T${time}:00+08:00`);
  if (Number.isNaN(d.getTime())) return null;
  // 2026-02-30 rolls over in Date: refuse what is not the day written.
  const back = new Date(d.getTime() + 8 * 3_600_000).toISOString();
  return back.slice(0, 10) === date && back.slice(11, 16) === time ? d : null;
}

const wholeNumber = (v: string, min: number, max: number): number | null => {
  const t = v.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
};

/** The session as typed, checked as a whole; nothing is written unless all of it is right. */
export function checkSession(draft: SessionDraft, now: Date): { ok: true; session: CheckedSession } | { ok: false; errors: Record<string, SessionFieldError> } {
  const errors: Record<string, SessionFieldError> = {};
  const title = draft.title.trim();
  if (!title) errors.title = "titleRequired";
  else if (title.length > 100) errors.title = "titleTooLong";
  if (!(sessionKinds as readonly string[]).includes(draft.kind)) errors.kind = "kind";
  const date = draft.date.trim();
  const startsAt = beijingMoment(date, draft.start.trim());
  const endsAt = beijingMoment(date, draft.end.trim());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !beijingMoment(date, "00:00")) errors.date = "date";
  else if (!startsAt) errors.start = "time";
  else if (!endsAt) errors.end = "time";
  else if (endsAt <= startsAt) errors.end = "endBeforeStart";
  else if (startsAt <= now) errors.date = "past";
  const place = draft.place.trim() || null;
  const onlineUrl = draft.onlineUrl.trim() || null;
  if (!place && !onlineUrl) errors.place = "whereRequired";
  if (place && place.length > 200) errors.place = "placeTooLong";
  if (onlineUrl && !(/^https?:\/\/[^\s]+$/i.test(onlineUrl) && onlineUrl.length <= 500)) errors.onlineUrl = "url";
  const capacity = wholeNumber(draft.capacity, 1, 10_000);
  if (capacity === null) errors.capacity = "capacity";
  let hours: number | null = null;
  if (draft.hours.trim()) {
    const h = Number(draft.hours.trim());
    if (!/^\d+(\.\d)?$/.test(draft.hours.trim()) || h <= 0 || h > 100) errors.hours = "hours";
    else hours = h;
  }
  let cancelHours: number | null = null;
  if (draft.cancelHours.trim()) {
    cancelHours = wholeNumber(draft.cancelHours, 0, 24 * 30);
    if (cancelHours === null) errors.cancelHours = "cancelHours";
  }
  const lateAfterMinutes = draft.lateMinutes.trim() ? wholeNumber(draft.lateMinutes, 0, 240) : 10;
  if (lateAfterMinutes === null) errors.lateMinutes = "lateMinutes";
  if (Object.keys(errors).length || !startsAt || !endsAt) return { ok: false, errors };
  return {
    ok: true,
    session: {
      title,
      kind: draft.kind as SessionKind,
      startsAt,
      endsAt,
      place,
      onlineUrl,
      capacity: capacity!,
      hours,
      cancelBy: cancelHours === null ? null : new Date(startsAt.getTime() - cancelHours * 3_600_000),
      lateAfterMinutes: lateAfterMinutes!,
    },
  };
}

// ── sign-up and the waitlist ─────────────────────────────────────────────────────────────────────

export type SignUpProblem = "past" | "alreadyIn";

/** Whether a person may take a place now: not once the session has started. */
export function signUpProblem(session: { startsAt: Date }, now: Date, alreadyIn: boolean): SignUpProblem | null {
  if (session.startsAt.getTime() <= now.getTime()) return "past";
  if (alreadyIn) return "alreadyIn";
  return null;
}

/** Where a new sign-up goes: a place while one is free, else the waitlist; never over capacity. */
export function placeFor(capacity: number, enrolled: number): "enrolled" | "waitlisted" {
  return enrolled < capacity ? "enrolled" : "waitlisted";
}

export type CancelProblem = "tooLate" | "notIn";

/** Whether a trainee may cancel their own place: until the cancellation deadline (else the start). */
export function cancelProblem(session: { startsAt: Date; cancelBy: Date | null }, now: Date, live: boolean): CancelProblem | null {
  if (!live) return "notIn";
  const deadline = session.cancelBy ?? session.startsAt;
  return now.getTime() > deadline.getTime() ? "tooLate" : null;
}

export interface WaitRow {
  id: string;
  status: "enrolled" | "waitlisted";
  /** Joined the list at; ties broken by id. */
  createdAt: Date;
}

/**
 * Who moves up from the waitlist: while places are free, the longest-waiting first (by the time
 * they joined, then id). Also right after a capacity is raised: every free place is filled.
 */
export function promotions(capacity: number, rows: readonly WaitRow[]): string[] {
  const enrolled = rows.filter((r) => r.status === "enrolled").length;
  const free = Math.max(0, capacity - enrolled);
  return rows
    .filter((r) => r.status === "waitlisted")
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, free)
    .map((r) => r.id);
}

/** A person's place on the waitlist, 1-based, or null when they are not waiting. */
export function waitlistPosition(rows: readonly WaitRow[], id: string): number | null {
  const waiting = rows
    .filter((r) => r.status === "waitlisted")
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const at = waiting.findIndex((r) => r.id === id);
  return at < 0 ? null : at + 1;
}

/** Two sessions overlap when one starts before the other ends (touching ends do not). */
export function overlaps(a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }): boolean {
  return a.startsAt.getTime() < b.endsAt.getTime() && b.startsAt.getTime() < a.endsAt.getTime();
}

// ── attendance by QR ─────────────────────────────────────────────────────────────────────────────

/** Present, or late once more than `lateAfterMinutes` past the start. */
export function checkInStatus(session: { startsAt: Date; lateAfterMinutes: number }, at: Date): "present" | "late" {
  return at.getTime() > session.startsAt.getTime() + session.lateAfterMinutes * 60_000 ? "late" : "present";
}
