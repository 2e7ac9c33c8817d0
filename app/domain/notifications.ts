import { z } from "zod";
import { tierIds, trackIds } from "~/catalog/ids";
import { formatSessionTime } from "~/i18n/session-format";
// ── Scheduled reminders (decision 027): their payloads and texts live in ./reminder-notices ─
import { reminderDescribers, reminderPayloads, type ReminderLinkKey } from "./reminder-notices";

// In-app notifications: which events notify whom, the deterministic id of each (one event, one row,
// however often its job runs), and what the notification centre shows for a stored row.

const uuid = z.uuid();
const submissionFacts = { submissionId: uuid, taskId: z.string().min(1), taskTitle: z.string() };
const sessionFacts = { sessionId: uuid, title: z.string(), startsAt: z.iso.datetime(), endsAt: z.iso.datetime() };
const certificateFacts = { certificateId: uuid, number: z.string().min(1), track: z.enum(trackIds), tier: z.enum(tierIds) };

export const notificationPayloads = {
  ...reminderPayloads, // scheduled reminders (decision 027)
  "submission.passed": z.object({ ...submissionFacts, score: z.number() }),
  "submission.not_passed": z.object({ ...submissionFacts, score: z.number() }),
  "submission.returned": z.object({ ...submissionFacts, note: z.string().nullable() }),
  "certificate.issued": z.object(certificateFacts),
  "certificate.reissued": z.object({ ...certificateFacts, previousNumber: z.string() }),
  "certificate.revoked": z.object({ ...certificateFacts, reason: z.string() }),
  "assignment.new": z.object({ ...submissionFacts, role: z.enum(["marker", "second_marker", "moderator"]) }),
  "submission.resubmitted": z.object({ ...submissionFacts, round: z.number().int().min(2) }),
  "draft.files_expiring": z.object({ ...submissionFacts, days: z.number().int(), clearOn: z.iso.date() }),
  /** A coordinator's message to a cohort (the cohort view's "给本期学员发通知"). */
  "cohort.message": z.object({ messageId: uuid, cohortId: uuid, cohort: z.string(), title: z.string().min(1), body: z.string() }),
  // ── session events (issue 17: sign-up, staff enrolment, waitlist promotion, cancellation) ──
  "session.enrolled": z.object({ ...sessionFacts, by: z.enum(["self", "staff"]) }),
  "session.waitlisted": z.object({ ...sessionFacts, by: z.enum(["self", "staff"]) }),
  "session.promoted": z.object(sessionFacts),
  "session.cancelled": z.object({ ...sessionFacts, by: z.enum(["self", "staff"]) }),
  // ── end of session events ──
} as const;

export type NotificationKind = keyof typeof notificationPayloads;
export type NotificationPayload<K extends NotificationKind> = z.infer<(typeof notificationPayloads)[K]>;
export const notificationKinds = Object.keys(notificationPayloads) as NotificationKind[];

export interface NotificationEvent<K extends NotificationKind = NotificationKind> {
  /** Deterministic: the same event always gets the same id. */
  id: string;
  userId: string;
  kind: K;
  payload: NotificationPayload<K>;
}

/** Ids say which event a notification comes from; BullMQ job ids may not contain ":". */
export const notificationIds = {
  /** The final decision of one grading round (a round is decided once). */
  decision: (submissionId: string, round: number) => `decision-${submissionId}-${round}`,
  certificateIssued: (certificateId: string) => `certificate-issued-${certificateId}`,
  certificateRevoked: (certificateId: string) => `certificate-revoked-${certificateId}`,
  /** A mentor's row on a submission is written once (released rows are kept). */
  assigned: (submissionId: string, mentorId: string) => `assigned-${submissionId}-${mentorId}`,
  /** A draft is noticed at most once per untouched stretch; the moment tells two stretches apart. */
  /** One per mentor per resubmitted round. */
  resubmitted: (submissionId: string, round: number, mentorId: string) => `resubmitted-${submissionId}-${round}-${mentorId}`,
  draftFilesExpiring: (submissionId: string, noticeAt: Date) => `draft-files-${submissionId}-${noticeAt.getTime()}`,
  /** One message, one notification per member: a repeated send writes nothing new. */
  cohortMessage: (messageId: string, userId: string) => `cohort-message-${messageId}-${userId}`,
  // Session events hang on the enrolment row: a place is taken, promoted and given up once each
  // (signing up again after cancelling is a new row, so a new notification).
  sessionEnrolled: (enrolmentId: string) => `session-enrolled-${enrolmentId}`,
  sessionPromoted: (enrolmentId: string) => `session-promoted-${enrolmentId}`,
  sessionCancelled: (enrolmentId: string) => `session-cancelled-${enrolmentId}`,
};

const excerptLength = 120;

/** The start of a mentor's note, short enough for a list; the whole note is on the task page. */
export function noteExcerpt(note: string | null | undefined, max = excerptLength): string | null {
  const flat = (note ?? "").replace(/\s+/g, " ").trim();
  if (!flat) return null;
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

export type NotificationTitleKey = `notif.kind.${NotificationKind}`;
export type NotificationLinkKey = "notif.link.task" | "notif.link.certificate" | "notif.link.verify" | "notif.link.grade" | "notif.link.cohorts" | "notif.link.session" | ReminderLinkKey;

export interface NotificationView {
  kind: NotificationKind;
  titleKey: NotificationTitleKey;
  params: Record<string, string | number>;
  /** A quoted excerpt (mentor's note, revocation reason) shown under the text. */
  quote: string | null;
  href: string;
  linkKey: NotificationLinkKey;
}

/** Titles from the programme config, in the reader's language. */
export interface DisplayNames {
  track(id: string): string;
  tier(id: string): string;
  certificate(tierId: string): string;
}

function isKind(kind: string): kind is NotificationKind {
  return Object.hasOwn(notificationPayloads, kind);
}

type Describe<K extends NotificationKind> = (p: NotificationPayload<K>, names: DisplayNames) => Omit<NotificationView, "kind" | "titleKey">;

const certificateParams = (c: { number: string; track: string; tier: string }, names: DisplayNames) => ({
  number: c.number,
  track: names.track(c.track),
  tier: names.tier(c.tier),
  certificate: names.certificate(c.tier),
});
const taskLink = (taskId: string) => `/tasks/${encodeURIComponent(taskId)}`;
const sessionView = (s: { sessionId: string; title: string; startsAt: string; endsAt: string }) => ({
  params: { title: s.title, when: formatSessionTime(s.startsAt, s.endsAt) },
  quote: null,
  href: `/sessions/${s.sessionId}`,
  linkKey: "notif.link.session" as const,
});

const describers: { [K in NotificationKind]: Describe<K> } = {
  ...reminderDescribers, // scheduled reminders (decision 027)
  "submission.passed": (s) => ({ params: { task: s.taskTitle, score: s.score }, quote: null, href: taskLink(s.taskId), linkKey: "notif.link.task" }),
  "submission.not_passed": (s) => ({ params: { task: s.taskTitle, score: s.score }, quote: null, href: taskLink(s.taskId), linkKey: "notif.link.task" }),
  "submission.returned": (s) => ({ params: { task: s.taskTitle }, quote: s.note, href: taskLink(s.taskId), linkKey: "notif.link.task" }),
  "certificate.issued": (c, names) => ({ params: certificateParams(c, names), quote: null, href: `/learn#certificates-${c.track}`, linkKey: "notif.link.certificate" }),
  "certificate.reissued": (c, names) => ({
    params: { ...certificateParams(c, names), previousNumber: c.previousNumber },
    quote: null,
    href: `/learn#certificates-${c.track}`,
    linkKey: "notif.link.certificate",
  }),
  "certificate.revoked": (c, names) => ({ params: certificateParams(c, names), quote: c.reason, href: `/verify/${encodeURIComponent(c.number)}`, linkKey: "notif.link.verify" }),
  "assignment.new": (a) => ({ params: { task: a.taskTitle }, quote: null, href: `/mentor/submissions/${a.submissionId}`, linkKey: "notif.link.grade" }),
  "submission.resubmitted": (r) => ({ params: { task: r.taskTitle, round: r.round }, quote: null, href: `/mentor/submissions/${r.submissionId}`, linkKey: "notif.link.grade" }),
  "draft.files_expiring": (d) => ({ params: { task: d.taskTitle, days: d.days, date: d.clearOn }, quote: null, href: taskLink(d.taskId), linkKey: "notif.link.task" }),
  "cohort.message": (m) => ({ params: { cohort: m.cohort, title: m.title }, quote: m.body || null, href: "/cohorts", linkKey: "notif.link.cohorts" }),
  "session.enrolled": sessionView,
  "session.waitlisted": sessionView,
  "session.promoted": sessionView,
  "session.cancelled": sessionView,
};

/**
 * What the centre shows for one stored row: a message key with its parameters and one link to the
 * thing it is about. Null for a kind or payload this version does not know (shown generically).
 */
export function describeNotification(kind: string, payload: unknown, names: DisplayNames): NotificationView | null {
  if (!isKind(kind)) return null;
  const parsed = notificationPayloads[kind].safeParse(payload);
  if (!parsed.success) return null;
  // The payload was parsed by this kind's own schema, so it fits this kind's describer.
  const describe = describers[kind] as Describe<NotificationKind>;
  return { kind, titleKey: `notif.kind.${kind}`, ...describe(parsed.data, names) };
}

/** The kinds that ask a mentor to look at one submission: read once the mentor opens or grades it. */
export const mentorWorkKinds = ["assignment.new", "submission.resubmitted"] as const satisfies readonly NotificationKind[];
