// Messages outside the app (docs/decisions/024-message-channels.md): which kinds of message may go
// by which channel and which are on unless a person says otherwise, quiet hours, and the SMS texts.
// Pure rules: no I/O.

export const channelNames = ["email", "sms"] as const;
export type ChannelName = (typeof channelNames)[number];

export function isChannelName(value: string): value is ChannelName {
  return (channelNames as readonly string[]).includes(value);
}

export interface KindRoute {
  /** On for a person who has not chosen. */
  defaults: Record<ChannelName, boolean>;
  /** Urgent messages ignore quiet hours (a sign-in code must arrive now). */
  urgent: boolean;
  /** The group the profile page shows it under. */
  group: MessageGroup;
}

export const messageGroups = ["decisions", "certificates", "mentoring", "sessions", "reminders"] as const;
export type MessageGroup = (typeof messageGroups)[number];

const smsAndEmail = { email: true, sms: true };
const emailOnly = { email: true, sms: false };
const off = { email: false, sms: false };

/**
 * The routing table: notification and reminder kinds that may leave the app. A kind not listed here
 * (a new in-app notification kind, say) stays in the app only until someone adds its row.
 */
export const channelRoutes: Record<string, KindRoute> = {
  "submission.passed": { defaults: smsAndEmail, urgent: false, group: "decisions" },
  "submission.not_passed": { defaults: smsAndEmail, urgent: false, group: "decisions" },
  "submission.returned": { defaults: smsAndEmail, urgent: false, group: "decisions" },
  "certificate.issued": { defaults: smsAndEmail, urgent: false, group: "certificates" },
  "certificate.reissued": { defaults: smsAndEmail, urgent: false, group: "certificates" },
  "certificate.revoked": { defaults: smsAndEmail, urgent: false, group: "certificates" },
  // New work reaches a mentor in the app one by one; outside it, once a day as a digest (decision 027).
  "submission.resubmitted": { defaults: emailOnly, urgent: false, group: "mentoring" },
  "draft.files_expiring": { defaults: emailOnly, urgent: false, group: "reminders" },
  // ── session events (issue 17). A place that opens up from the waitlist is time-sensitive (the
  // session may be tomorrow), so it goes by SMS as well unless turned off; the others are
  // confirmations of what the person just did or was told, e-mail at most. None is urgent: quiet
  // hours hold them. ──
  "session.enrolled": { defaults: emailOnly, urgent: false, group: "sessions" },
  "session.waitlisted": { defaults: off, urgent: false, group: "sessions" },
  "session.promoted": { defaults: smsAndEmail, urgent: false, group: "sessions" },
  "session.cancelled": { defaults: emailOnly, urgent: false, group: "sessions" },
  // ── end of session events ──
  // Scheduled reminders (decision 027): never urgent, so quiet hours hold them until morning.
  "reminder.draft_idle": { defaults: emailOnly, urgent: false, group: "reminders" },
  "reminder.returned_idle": { defaults: smsAndEmail, urgent: false, group: "reminders" },
  "reminder.cohort_due": { defaults: smsAndEmail, urgent: false, group: "reminders" },
  "reminder.session_tomorrow": { defaults: smsAndEmail, urgent: false, group: "reminders" },
  "reminder.certificate_expiring": { defaults: smsAndEmail, urgent: false, group: "certificates" },
  "reminder.assignment_digest": { defaults: smsAndEmail, urgent: false, group: "mentoring" },
  "reminder.mentor_waiting": { defaults: smsAndEmail, urgent: false, group: "mentoring" },
  "reminder.coordinator_waiting": { defaults: emailOnly, urgent: false, group: "mentoring" },
};

/** The route of a kind, or null: an unknown kind is in-app only. */
export function routeOf(kind: string): KindRoute | null {
  return Object.hasOwn(channelRoutes, kind) ? channelRoutes[kind]! : null;
}

/** The kinds of one profile group, in table order. */
export function kindsOf(group: MessageGroup): string[] {
  return Object.entries(channelRoutes)
    .filter(([, r]) => r.group === group)
    .map(([k]) => k);
}

/** Does this kind go to this person by this channel? Their own choice if they made one, else the default. */
export function wantsChannel(kind: string, channel: ChannelName, choice: boolean | undefined): boolean {
  const route = routeOf(kind);
  if (!route) return false;
  return choice ?? route.defaults[channel];
}

// ── Quiet hours ────────────────────────────────────────────────────────────────────────────────

/** Minutes after midnight. Default 21:00–08:00, Asia/Shanghai. */
export interface QuietHours {
  start: number;
  end: number;
}
export const defaultQuietHours: QuietHours = { start: 21 * 60, end: 8 * 60 };

/** Asia/Shanghai has kept UTC+8 all year since 1991: no daylight saving to follow. */
const shanghaiOffsetMs = 8 * 60 * 60_000;
const dayMs = 24 * 60 * 60_000;

/** Minutes after midnight in Asia/Shanghai at this moment. */
export function shanghaiMinutes(at: Date): number {
  const local = at.getTime() + shanghaiOffsetMs;
  return Math.floor((((local % dayMs) + dayMs) % dayMs) / 60_000);
}

export function inQuietHours(at: Date, quiet: QuietHours | null): boolean {
  if (!quiet || quiet.start === quiet.end) return false;
  const m = shanghaiMinutes(at);
  // 21:00–08:00 wraps past midnight; 13:00–14:00 does not.
  return quiet.start < quiet.end ? m >= quiet.start && m < quiet.end : m >= quiet.start || m < quiet.end;
}

/**
 * When a message may be sent: now, or the end of the quiet hours it falls in. Urgent messages are
 * never held back.
 */
export function sendAt(now: Date, quiet: QuietHours | null, urgent: boolean): Date {
  if (urgent || !quiet || !inQuietHours(now, quiet)) return now;
  const m = shanghaiMinutes(now);
  const wait = (((quiet.end - m) % 1440) + 1440) % 1440;
  const startOfMinute = now.getTime() - (now.getTime() % 60_000);
  return new Date(startOfMinute + wait * 60_000);
}

/** "21:00" → 1260; null for anything else. */
export function parseClock(value: string): number | null {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(value.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

// ── SMS texts ──────────────────────────────────────────────────────────────────────────────────

/** How every SMS tells the reader to stop them, as mainland carriers require. */
export const smsOptOut = "回复TD退订";

/**
 * The SMS templates as registered with the provider: ${name} marks a parameter. The provider
 * (Aliyun, Tencent) approves each text and gives it a code; the code is configured per template.
 */
export const smsTemplates = {
  decision: "您提交的「${task}」已有评阅结果：${result}。请登录百城学堂查看。回复TD退订",
  returned: "您提交的「${task}」已退回修改，请登录百城学堂查看导师意见并重新提交。回复TD退订",
  certificate: "您的证书（编号 ${number}）${event}。请登录百城学堂查看。回复TD退订",
  mentoring: "您有待评阅的作业「${task}」，请登录百城学堂处理。回复TD退订",
  reminder: "${text}请登录百城学堂处理。回复TD退订",
  code: "您的验证码为 ${code}，5 分钟内有效。如非本人操作请忽略。回复TD退订",
  // Scheduled reminders (decision 027). Optional in ALIYUN_SMS_TEMPLATES: without a code of its own, a
  // reminder goes by the generic "reminder" template above with its text.
  reminderDraft: "您在百城学堂的草稿「${task}」已${days}天未更新，请登录继续完成并提交。回复TD退订",
  reminderReturned: "您退回修改的作业「${task}」已${days}天未重新提交，请登录百城学堂修改后提交。回复TD退订",
  reminderDue: "您的任务「${task}」将于${date}截止，请登录百城学堂按时提交。回复TD退订",
  reminderSession: "您报名的「${title}」将于明天${time}开始，请准时参加。回复TD退订",
  reminderCertificate: "您的证书（编号 ${number}）将于${date}到期，请联系所在地区管理员办理续期。回复TD退订",
  reminderDigest: "您${date}新增${count}份待评阅作业，请登录百城学堂处理。回复TD退订",
  reminderWaiting: "作业「${task}」已等待您评阅${days}天，请登录百城学堂尽快处理。回复TD退订",
  reminderEscalation: "${unit}的作业「${task}」已等待评阅${days}天，请登录百城学堂协调处理。回复TD退订",
} as const;
export type SmsTemplateName = keyof typeof smsTemplates;
export const smsTemplateNames = Object.keys(smsTemplates) as SmsTemplateName[];
/** Templates every SMS configuration must have a code for; the reminders' own are optional. */
export const requiredSmsTemplates = ["decision", "returned", "certificate", "mentoring", "reminder", "code"] as const satisfies readonly SmsTemplateName[];

/** The parameters a template names, in order. */
export function templateParams(name: SmsTemplateName): string[] {
  return [...smsTemplates[name].matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!);
}

/** The text a reader gets: the template with its parameters filled in. */
export function fillSmsTemplate(name: SmsTemplateName, params: Record<string, string>): string {
  return smsTemplates[name].replace(/\$\{(\w+)\}/g, (_, key: string) => params[key] ?? "");
}

/** SMS parameter values are short and plain: carriers refuse links and long values in a variable. */
export function smsParam(value: string, max = 20): string {
  const flat = value.replace(/\s+/g, " ").replace(/https?:\/\/\S+/g, "").trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join("")}…`;
}
