import { z } from "zod";
import { tierIds, trackIds } from "~/catalog/ids";
import { formatDate } from "~/i18n/dates";
import type { DisplayNames, NotificationView } from "./notifications";
import { reminderTiming, type ReminderKind } from "./reminders";

// What each scheduled reminder (docs/decisions/027-reminders.md) carries and says in the notification
// centre, joined into the notification kinds by ./notifications.ts.

const uuid = z.uuid();
const days = z.number().int().min(0);
const workFacts = { submissionId: uuid, taskId: z.string().min(1), taskTitle: z.string(), days };

export const reminderPayloads = {
  "reminder.draft_idle": z.object(workFacts),
  "reminder.returned_idle": z.object(workFacts),
  "reminder.mentor_waiting": z.object(workFacts),
  "reminder.coordinator_waiting": z.object({ ...workFacts, trainee: z.string(), unit: z.string() }),
  "reminder.certificate_expiring": z.object({
    certificateId: uuid,
    number: z.string().min(1),
    track: z.enum(trackIds),
    tier: z.enum(tierIds),
    validUntil: z.iso.date(),
    days,
  }),
  "reminder.assignment_digest": z.object({ date: z.iso.date(), count: z.number().int().min(1), tasks: z.array(z.string()).max(reminderTiming.digestTitles) }),
  "reminder.session_tomorrow": z.object({ sessionId: uuid, title: z.string(), startsAt: z.iso.datetime(), place: z.string().nullable() }),
  "reminder.cohort_due": z.object({ taskId: z.string().min(1), taskTitle: z.string(), dueOn: z.iso.date(), days }),
} as const satisfies Record<ReminderKind, z.ZodType>;

export type ReminderPayload<K extends ReminderKind> = z.infer<(typeof reminderPayloads)[K]>;

/** Links a reminder shows besides the notification centre's own. */
export type ReminderLinkKey = "notif.link.renew" | "notif.link.session" | "notif.link.queue";

type ReminderView = Omit<NotificationView, "kind" | "titleKey">;

/** "09:00", Beijing time. */
const clock = (iso: string) => new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
const taskLink = (taskId: string) => `/tasks/${encodeURIComponent(taskId)}`;

export const reminderDescribers: { [K in ReminderKind]: (p: ReminderPayload<K>, names: DisplayNames) => ReminderView } = {
  "reminder.draft_idle": (d) => ({ params: { task: d.taskTitle, days: d.days }, quote: null, href: taskLink(d.taskId), linkKey: "notif.link.task" }),
  "reminder.returned_idle": (r) => ({ params: { task: r.taskTitle, days: r.days }, quote: null, href: taskLink(r.taskId), linkKey: "notif.link.task" }),
  "reminder.mentor_waiting": (w) => ({ params: { task: w.taskTitle, days: w.days }, quote: null, href: `/mentor/submissions/${w.submissionId}`, linkKey: "notif.link.grade" }),
  "reminder.coordinator_waiting": (w) => ({
    params: { task: w.taskTitle, days: w.days, trainee: w.trainee, unit: w.unit },
    quote: null,
    href: `/mentor/submissions/${w.submissionId}`,
    linkKey: "notif.link.queue",
  }),
  "reminder.certificate_expiring": (c, names) => ({
    params: { certificate: names.certificate(c.tier), track: names.track(c.track), tier: names.tier(c.tier), number: c.number, date: formatDate(c.validUntil), days: c.days },
    quote: null,
    href: `/learn#certificates-${c.track}`,
    linkKey: "notif.link.renew",
  }),
  "reminder.assignment_digest": (d) => ({
    params: { date: formatDate(d.date), count: d.count, tasks: d.tasks.map((t) => `「${t}」`).join("、") + (d.count > d.tasks.length ? "等" : "") },
    quote: null,
    href: "/mentor",
    linkKey: "notif.link.grade",
  }),
  "reminder.session_tomorrow": (s) => ({
    params: { title: s.title, date: formatDate(s.startsAt), time: clock(s.startsAt), place: s.place ?? "" },
    quote: null,
    href: `/sessions#s-${s.sessionId}`,
    linkKey: "notif.link.session",
  }),
  "reminder.cohort_due": (c) => ({ params: { task: c.taskTitle, date: formatDate(c.dueOn), days: c.days }, quote: null, href: taskLink(c.taskId), linkKey: "notif.link.task" }),
};
