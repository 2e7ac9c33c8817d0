import { randomBytes } from "node:crypto";
import type { Job } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import type { CatalogModule } from "~/catalog/types";
import type { TaskDefinition } from "~/catalog/schema";
import { syncCatalog } from "~/models/curriculum.server";
import { deliveryJobId } from "~/models/deliveries.server";
import { queueNotification } from "~/models/notifications.server";
import { createOrgUnit } from "~/models/orgs.server";
import { enqueue, queue } from "~/queue.server";
import { action as remindersAction, loader as remindersLoader } from "~/routes/admin.reminders";
import { aliyunSmsChannel } from "~/services/channels/aliyun-sms";
import { emailChannel } from "~/services/channels/email";
import { startWorkers, type RunningWorkers } from "../../workers/runtime";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { insertSubmission } from "../support/arrange";
import { startAliyunSmsStub, startSmtpSink, type AliyunSmsStub, type SmtpSink } from "../support/message-servers";
import { waitFor } from "../support/wait";

// Scheduled reminders (docs/decisions/027-reminders.md) end to end: two worker sets on one queue
// prefix and one injected clock, as two processes of a deployment would run. The clock moves forward
// (no sleeping for days); each sweep is two jobs run at once, one per worker set when both are free.
// Every kind fires exactly once per person and period, on the right Beijing day; quiet hours hold the
// SMS; a region's switch stops a kind for its own subtree only.

const linkSecret = "test-link-secret-0123456789abcdefghijklmnop";
const accessKeyId = "LTAI5tReminderKey";
const accessKeySecret = "reminder-access-key-secret";
const appUrl = "http://lms.test";
/** Codes for some reminders' own templates; the others go by the generic "reminder" template. */
const templates = {
  decision: "SMS_100001",
  returned: "SMS_100002",
  certificate: "SMS_100003",
  mentoring: "SMS_100004",
  reminder: "SMS_100005",
  code: "SMS_100006",
  reminderReturned: "SMS_200002",
  reminderSession: "SMS_200004",
  reminderDigest: "SMS_200006",
};

/** A moment given in Beijing time. */
const beijing = (local: string) => new Date(`${local}+08:00`);
let clock = beijing("2026-12-01T12:00:00");

let app: Awaited<ReturnType<typeof createTestApp>>;
type SignedIn = Awaited<ReturnType<Awaited<ReturnType<typeof createTestApp>>["signIn"]>>;
const workerSets: RunningWorkers[] = [];
let smtp: SmtpSink;
let sms: AliyunSmsStub;
let mail: ReturnType<typeof emailChannel>;
let module: CatalogModule;
let task: TaskDefinition;
let root: string;

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  root = await app.programmeRoot();
  module = catalog().modules.find((m) => m.track === "campus" && m.tier === "foundation" && m.tasks.some((t) => t.type === "work_product"))!;
  task = module.tasks.find((t) => t.type === "work_product")!;
  smtp = await startSmtpSink();
  sms = await startAliyunSmsStub(accessKeyId, accessKeySecret);
  mail = emailChannel({ smtpUrl: smtp.url, from: "百城学堂 <noreply@lms.test>", timeoutMs: 10_000 });
  // Two worker processes of one deployment: the same queues, the same clock.
  for (let i = 0; i < 2; i += 1) {
    workerSets.push(
      await startWorkers({
        db: app.db,
        redisUrl: app.redis.redisUrl,
        prefix: app.redis.prefix,
        concurrency: 2,
        channels: { email: mail, sms: aliyunSmsChannel({ accessKeyId, accessKeySecret, signName: "百城学堂", templates, endpoint: sms.endpoint, timeoutMs: 2_000 }) },
        appUrl,
        linkSecret,
        now: () => clock,
      }),
    );
  }
});
afterAll(async () => {
  for (const w of workerSets) await w.close();
  mail?.close();
  await smtp?.close();
  await sms?.close();
  await app?.close();
});

// ── Arranging ─────────────────────────────────────────────────────────────────────────────────────

/** A region of its own per test (province → city → school), so coordinators and switches do not meet. */
async function region(name: string) {
  const province = await createOrgUnit(app.db, { parentId: root, kind: "province", name: `${name}省`, track: null });
  const city = await createOrgUnit(app.db, { parentId: province, kind: "city", name: `${name}市`, track: null });
  const school = await createOrgUnit(app.db, { parentId: city, kind: "site", name: `${name}实验中学`, track: "campus" });
  return { province, city, school };
}

/** Someone with a verified phone (and a verified e-mail address when asked). */
async function person(roles: Array<"trainee" | "mentor" | "admin">, orgUnitId: string, options: { email?: boolean; name?: string } = {}): Promise<SignedIn & { phone: string; email: string | null }> {
  const signedIn = await app.signIn(roles, { orgUnitId, track: roles.includes("admin") ? null : "campus", name: options.name });
  const phone = (await app.db.selectFrom("users").select("phone").where("id", "=", signedIn.id).executeTakeFirstOrThrow()).phone!;
  const email = options.email ? `p-${signedIn.id.slice(0, 8)}@example.cn` : null;
  if (email) await app.db.updateTable("users").set({ email }).where("id", "=", signedIn.id).execute();
  await app.db
    .insertInto("contact_verifications")
    .values([{ user_id: signedIn.id, channel: "sms", address: phone, verified_at: new Date() }, ...(email ? [{ user_id: signedIn.id, channel: "email" as const, address: email, verified_at: new Date() }] : [])])
    .execute();
  return { ...signedIn, phone, email };
}

const submission = (userId: string, columns: Omit<Parameters<typeof insertSubmission>[1], "userId" | "module" | "task">) => insertSubmission(app.db, { userId, module, task, ...columns });

async function assign(submissionId: string, mentorId: string, at: Date) {
  await app.db.insertInto("submission_assignments").values({ submission_id: submissionId, mentor_id: mentorId, role: "marker", assigned_at: at }).execute();
}

// ── Sweeping ──────────────────────────────────────────────────────────────────────────────────────

let sweeps = 0;

async function settledJob(job: Job | undefined, what: string) {
  return waitFor(
    what,
    async () => {
      const state = await job?.getState();
      if (state === "failed") throw new Error(`${what} failed: ${(await queue("reminders").getJob(job!.id!))?.failedReason}`);
      return state === "completed" ? true : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

/**
 * The clock moves to `at` and two sweeps run at once (as two processes' schedulers would, were they to
 * meet); then every notification they wrote is in the table, its deliveries planned.
 */
async function sweep(at: Date) {
  clock = at;
  sweeps += 1;
  const jobs = await Promise.all(["a", "b"].map((side) => queue("reminders").add("send-reminders", {}, { jobId: `test-sweep-${sweeps}-${side}` })));
  await Promise.all(jobs.map((job) => settledJob(job, `sweep ${job.id}`)));
  await waitFor(
    "the reminders' notifications written",
    async () => {
      const pending = await app.db.selectFrom("job_outbox").select("job_id").where("queue", "=", "notifications").where("completed_at", "is", null).execute();
      return pending.length === 0 ? true : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

const remindersOf = (userId: string, kind: string) =>
  app.db.selectFrom("notifications").select(["id", "kind", "payload", "created_at"]).where("user_id", "=", userId).where("kind", "=", kind).orderBy("created_at").execute();

const deliveriesOf = (userId: string, template: string) =>
  app.db.selectFrom("deliveries").selectAll().where("user_id", "=", userId).where("template", "=", template).orderBy("created_at").orderBy("channel").execute();

const smsTo = (phone: string) => sms.accepted.filter((r) => r.PhoneNumbers === phone);

async function settledDeliveries(userId: string, template: string, count: number) {
  return waitFor(
    `${count} settled ${template} deliveries`,
    async () => {
      const rows = await deliveriesOf(userId, template);
      return rows.length === count && rows.every((r) => ["sent", "failed", "skipped"].includes(r.status)) ? rows : undefined;
    },
    { timeoutMs: 30_000 },
  );
}

// ── The kinds ─────────────────────────────────────────────────────────────────────────────────────

describe("scheduling", () => {
  it("every worker process upserts the same hourly scheduler, on the hour in Beijing time: one sweep an hour however many run", async () => {
    const schedulers = await queue("reminders").getJobSchedulers();
    expect(schedulers.filter((s) => s.key === "send-reminders")).toHaveLength(1);
    expect(schedulers.find((s) => s.key === "send-reminders")).toMatchObject({ pattern: "0 * * * *", tz: "Asia/Shanghai" });
  });
});

describe("a draft untouched for 7 days", () => {
  it("reminds its owner once per untouched stretch, from 00:00 Beijing on the 7th day (UTC still the day before)", async () => {
    const r = await region("草稿");
    const trainee = await person(["trainee"], r.school);
    const draft = await submission(trainee.id, { status: "draft", submitted_at: null, updated_at: beijing("2026-12-01T10:00:00"), attempts_used: 0 });
    // Abandoned long before reminders existed: a first sweep does not dig it up.
    const longGone = await person(["trainee"], r.school);
    await submission(longGone.id, { status: "draft", submitted_at: null, updated_at: beijing("2026-10-01T10:00:00"), attempts_used: 0 });

    await sweep(beijing("2026-12-07T23:30:00"));
    expect(await remindersOf(trainee.id, "reminder.draft_idle")).toHaveLength(0);

    // 00:30 on 8 December in Beijing is still 7 December in UTC.
    await sweep(new Date("2026-12-07T16:30:00Z"));
    const [first, ...more] = await remindersOf(trainee.id, "reminder.draft_idle");
    expect(more).toEqual([]);
    expect(first!.payload).toEqual({ submissionId: draft.id, taskId: task.id, taskTitle: task.title, days: 7 });
    expect(await remindersOf(longGone.id, "reminder.draft_idle")).toEqual([]);

    // The same day again, and the day after: nothing new.
    await sweep(beijing("2026-12-08T15:00:00"));
    await sweep(beijing("2026-12-09T08:00:00"));
    expect(await remindersOf(trainee.id, "reminder.draft_idle")).toHaveLength(1);

    // Touched again: a new stretch, reminded 7 days after it began.
    await app.db.updateTable("submissions").set({ updated_at: beijing("2026-12-09T09:00:00") }).where("id", "=", draft.id).execute();
    await sweep(beijing("2026-12-15T23:00:00"));
    expect(await remindersOf(trainee.id, "reminder.draft_idle")).toHaveLength(1);
    await sweep(beijing("2026-12-16T00:10:00"));
    expect(await remindersOf(trainee.id, "reminder.draft_idle")).toHaveLength(2);
    expect(await app.db.selectFrom("reminders_sent").select("period").where("user_id", "=", trainee.id).orderBy("period").execute()).toEqual([
      { period: "2026-12-01T02:00:00.000000Z" },
      { period: "2026-12-09T01:00:00.000000Z" },
    ]);
  });
});

describe("returned work not resubmitted after 7 days", () => {
  it("reminds the trainee once per return, counted from the return (editing the draft does not restart it); SMS by its own template", async () => {
    const r = await region("退回");
    const trainee = await person(["trainee"], r.school);
    const returned = await submission(trainee.id, { status: "returned", submitted_at: beijing("2026-11-28T10:00:00") });
    await app.db.insertInto("submission_events").values({ submission_id: returned.id, from_status: "in_review", to_status: "returned", note: "请补充照片", created_at: beijing("2026-12-01T10:00:00") }).execute();
    // An autosave after the return.
    await app.db.updateTable("submissions").set({ updated_at: beijing("2026-12-05T10:00:00") }).where("id", "=", returned.id).execute();

    await sweep(beijing("2026-12-07T12:00:00"));
    expect(await remindersOf(trainee.id, "reminder.returned_idle")).toHaveLength(0);
    await sweep(beijing("2026-12-08T12:00:00"));
    await sweep(beijing("2026-12-08T13:00:00"));
    const reminders = await remindersOf(trainee.id, "reminder.returned_idle");
    expect(reminders.map((n) => n.payload)).toEqual([{ submissionId: returned.id, taskId: task.id, taskTitle: task.title, days: 7 }]);
    const [delivery] = await settledDeliveries(trainee.id, "reminder.returned_idle", 1);
    expect(delivery).toMatchObject({ channel: "sms", status: "sent", event_id: reminders[0]!.id });
    const [text] = smsTo(trainee.phone).filter((m) => m.TemplateCode === "SMS_200002");
    expect(JSON.parse(text!.TemplateParam!)).toEqual({ task: expect.any(String), days: "7" });

    // Resubmitted: no more reminders of that round.
    await app.db.updateTable("submissions").set({ status: "resubmitted" }).where("id", "=", returned.id).execute();
    await sweep(beijing("2026-12-20T12:00:00"));
    expect(await remindersOf(trainee.id, "reminder.returned_idle")).toHaveLength(1);
  });
});

describe("work waiting for a mentor", () => {
  it("reminds the assigned mentor after 5 days and the nearest unit's admins after 10, each once; a mentor who graded the round is left alone", async () => {
    const r = await region("评阅");
    const trainee = await person(["trainee"], r.school, { name: "等评学员" });
    const mentor = await person(["mentor"], r.city);
    const busyMentor = await person(["mentor"], r.city);
    // The coordinators: both admins of the province (the city and the school have none); not the national admin.
    const coordinatorA = await person(["admin"], r.province);
    const coordinatorB = await person(["admin"], r.province);
    const national = await person(["admin"], root);
    const other = await region("别处");
    const elsewhere = await person(["admin"], other.province);

    const waiting = await submission(trainee.id, { status: "submitted", submitted_at: beijing("2026-12-01T11:00:00") });
    await assign(waiting.id, mentor.id, beijing("2026-12-01T11:05:00"));
    // Another trainee's work, in review, already graded this round by its mentor (a second marker is awaited).
    const traineeB = await person(["trainee"], r.school);
    const graded = await submission(traineeB.id, { status: "in_review", submitted_at: beijing("2026-12-01T11:00:00") });
    await assign(graded.id, busyMentor.id, beijing("2026-12-01T11:05:00"));
    await app.db
      .insertInto("grades")
      .values({ submission_id: graded.id, mentor_id: busyMentor.id, role: "marker", task_version: graded.version, criteria: "[]", total: 80, decision: "pass", seen_version: "x", round: 1 })
      .execute();

    await sweep(beijing("2026-12-05T20:00:00"));
    expect(await remindersOf(mentor.id, "reminder.mentor_waiting")).toHaveLength(0);
    await sweep(beijing("2026-12-06T00:10:00"));
    await sweep(beijing("2026-12-06T10:00:00"));
    const [nudge, ...extra] = await remindersOf(mentor.id, "reminder.mentor_waiting");
    expect(extra).toEqual([]);
    expect(nudge!.payload).toEqual({ submissionId: waiting.id, taskId: task.id, taskTitle: task.title, days: 5 });
    expect(await remindersOf(busyMentor.id, "reminder.mentor_waiting")).toHaveLength(0);

    await sweep(beijing("2026-12-10T23:00:00"));
    for (const admin of [coordinatorA, coordinatorB]) expect(await remindersOf(admin.id, "reminder.coordinator_waiting")).toHaveLength(0);
    await sweep(beijing("2026-12-11T00:10:00"));
    await sweep(beijing("2026-12-11T09:00:00"));
    for (const admin of [coordinatorA, coordinatorB]) {
      const notes = await remindersOf(admin.id, "reminder.coordinator_waiting");
      // Both pieces of work have waited 10 days: the graded one still waits for its decision.
      expect(notes.map((n) => (n.payload as { submissionId: string }).submissionId).sort()).toEqual([waiting.id, graded.id].sort());
      expect(notes.find((n) => (n.payload as { submissionId: string }).submissionId === waiting.id)!.payload).toMatchObject({ days: 10, trainee: "等评学员", unit: "评阅实验中学" });
    }
    // Not the national admin, nor another region's: this region has coordinators of its own.
    const about = async (who: { id: string }) => (await remindersOf(who.id, "reminder.coordinator_waiting")).filter((n) => [waiting.id, graded.id].includes((n.payload as { submissionId: string }).submissionId));
    expect(await about(national)).toEqual([]);
    expect(await about(elsewhere)).toEqual([]);
    expect(await remindersOf(mentor.id, "reminder.mentor_waiting")).toHaveLength(1);
  });
});

describe("a certificate about to expire", () => {
  it("reminds its holder 90, 30 and 7 days ahead, each once, with the way to renew; the generic SMS template when its own has no code", async () => {
    const r = await region("证书");
    const holder = await person(["trainee"], r.school);
    const number = `BC-2026-${randomBytes(2).toString("hex").toUpperCase()}-${randomBytes(2).toString("hex").toUpperCase()}`;
    const cert = await app.db
      .insertInto("certificates")
      .values({ number, user_id: holder.id, track: "campus", tier: "foundation", name_on_certificate: "证书学员", valid_until: beijing("2027-03-31T10:00:00") })
      .returning("id")
      .executeTakeFirstOrThrow();
    const stages = async () => (await remindersOf(holder.id, "reminder.certificate_expiring")).map((n) => (n.payload as { days: number }).days);

    await sweep(beijing("2026-12-30T12:00:00"));
    expect(await stages()).toEqual([]);
    await sweep(beijing("2026-12-31T09:00:00"));
    await sweep(beijing("2026-12-31T10:00:00"));
    expect(await stages()).toEqual([90]);
    const [first] = await remindersOf(holder.id, "reminder.certificate_expiring");
    expect(first!.payload).toEqual({ certificateId: cert.id, number, track: "campus", tier: "foundation", validUntil: "2027-03-31", days: 90 });

    await sweep(beijing("2027-02-01T09:00:00"));
    expect(await stages()).toEqual([90]);
    await sweep(beijing("2027-03-01T09:00:00"));
    await sweep(beijing("2027-03-01T18:00:00"));
    expect(await stages()).toEqual([90, 30]);
    await sweep(beijing("2027-03-24T09:00:00"));
    await sweep(beijing("2027-03-30T09:00:00"));
    expect(await stages()).toEqual([90, 30, 7]);

    // By SMS, each once; no code for "reminderCertificate" here, so the generic reminder template carries the text.
    await settledDeliveries(holder.id, "reminder.certificate_expiring", 3);
    const texts = smsTo(holder.phone);
    expect(texts).toHaveLength(3);
    expect(texts.every((m) => m.TemplateCode === "SMS_100005")).toBe(true);
    expect(JSON.parse(texts[0]!.TemplateParam!).text).toContain("证书");
  });
});

describe("the daily digest of new assignments", () => {
  it("one message a day per mentor with the work given the Beijing day before, not one SMS or e-mail per assignment", async () => {
    const r = await region("汇总");
    const mentor = await person(["mentor"], r.city, { email: true });
    const at = [beijing("2026-12-04T09:00:00"), beijing("2026-12-04T15:00:00"), beijing("2026-12-04T23:30:00"), beijing("2026-12-05T00:30:00")];
    const ids: string[] = [];
    for (const moment of at) {
      const trainee = await person(["trainee"], r.school);
      const s = await submission(trainee.id, { status: "submitted", submitted_at: moment });
      await assign(s.id, mentor.id, moment);
      ids.push(s.id);
    }
    // The in-app notice of one assignment: it stays in the app.
    const notice = await app.db.transaction().execute((trx) =>
      queueNotification(trx, { id: `assigned-${ids[0]}-${mentor.id}`, userId: mentor.id, kind: "assignment.new", payload: { submissionId: ids[0]!, taskId: task.id, taskTitle: task.title, role: "marker" } }),
    );
    await enqueue(notice.queue, notice.name, notice.payload, notice.jobId);

    await sweep(beijing("2026-12-04T23:50:00"));
    expect(await remindersOf(mentor.id, "reminder.assignment_digest")).toHaveLength(0);
    await sweep(beijing("2026-12-05T09:00:00"));
    await sweep(beijing("2026-12-05T18:00:00"));
    const [digest, ...more] = await remindersOf(mentor.id, "reminder.assignment_digest");
    expect(more).toEqual([]);
    // 23:30 on the 4th counts (15:30 UTC); 00:30 on the 5th (still the 4th in UTC) waits for tomorrow's.
    expect(digest!.payload).toEqual({ date: "2026-12-04", count: 3, tasks: [task.title, task.title, task.title] });
    const out = await settledDeliveries(mentor.id, "reminder.assignment_digest", 2);
    expect(out.map((d) => [d.channel, d.status])).toEqual([
      ["email", "sent"],
      ["sms", "sent"],
    ]);
    expect(smsTo(mentor.phone).map((m) => [m.TemplateCode, JSON.parse(m.TemplateParam!)])).toEqual([["SMS_200006", { date: "2026年12月4日", count: "3" }]]);
    expect(await remindersOf(mentor.id, "assignment.new")).toHaveLength(1);
    expect(await deliveriesOf(mentor.id, "assignment.new")).toEqual([]);

    await sweep(beijing("2026-12-06T08:30:00"));
    const digests = await remindersOf(mentor.id, "reminder.assignment_digest");
    expect(digests.map((d) => d.payload)).toEqual([
      { date: "2026-12-04", count: 3, tasks: [task.title, task.title, task.title] },
      { date: "2026-12-05", count: 1, tasks: [task.title] },
    ]);
    await sweep(beijing("2026-12-07T08:30:00"));
    expect(await remindersOf(mentor.id, "reminder.assignment_digest")).toHaveLength(2);
    // One SMS and one e-mail a day, never one per assignment.
    await settledDeliveries(mentor.id, "reminder.assignment_digest", 4);
    expect(smsTo(mentor.phone).map((m) => m.TemplateCode)).toEqual(["SMS_200006", "SMS_200006"]);
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes(mentor.email!))).toHaveLength(2);
  });
});

describe("a training session tomorrow", () => {
  it("reminds the enrolled (not the waitlisted or cancelled) on the Beijing day before, also while UTC is still the day before that; quiet hours hold the SMS", async () => {
    const r = await region("活动");
    const enrolled = await person(["trainee"], r.school);
    const waitlisted = await person(["trainee"], r.school);
    const cancelled = await person(["trainee"], r.school);
    const session = await app.db
      .insertInto("training_sessions")
      .values({ org_unit_id: r.province, kind: "group_supervision", title: "团体督导", starts_at: beijing("2026-12-03T09:00:00"), ends_at: beijing("2026-12-03T11:00:00"), place: "运城会议室", capacity: 1, checkin_secret: randomBytes(32).toString("hex") })
      .returning("id")
      .executeTakeFirstOrThrow();
    await app.db
      .insertInto("session_enrolments")
      .values([
        { session_id: session.id, user_id: enrolled.id, status: "enrolled" },
        { session_id: session.id, user_id: waitlisted.id, status: "waitlisted" },
        { session_id: session.id, user_id: cancelled.id, status: "cancelled", cancelled_at: new Date() },
      ])
      .execute();

    await sweep(beijing("2026-12-01T23:59:00"));
    expect(await remindersOf(enrolled.id, "reminder.session_tomorrow")).toHaveLength(0);
    // 00:30 on 2 December in Beijing: UTC still reads 1 December.
    await sweep(new Date("2026-12-01T16:30:00Z"));
    await sweep(beijing("2026-12-02T20:00:00"));
    const [reminder, ...more] = await remindersOf(enrolled.id, "reminder.session_tomorrow");
    expect(more).toEqual([]);
    expect(reminder!.payload).toEqual({ sessionId: session.id, title: "团体督导", startsAt: beijing("2026-12-03T09:00:00").toISOString(), place: "运城会议室" });
    expect(await remindersOf(waitlisted.id, "reminder.session_tomorrow")).toHaveLength(0);
    expect(await remindersOf(cancelled.id, "reminder.session_tomorrow")).toHaveLength(0);
    await sweep(beijing("2026-12-03T07:00:00"));
    expect(await remindersOf(enrolled.id, "reminder.session_tomorrow")).toHaveLength(1);

    // Written at 00:30: the SMS waits for 08:00 Beijing.
    const [delivery] = await deliveriesOf(enrolled.id, "reminder.session_tomorrow");
    expect(delivery!.not_before?.toISOString()).toBe(beijing("2026-12-02T08:00:00").toISOString());
  });
});

describe("a cohort task due in 3 days", () => {
  it("reminds current members who have not handed it in or passed it, once per due date", async () => {
    const r = await region("期次");
    const cohort = await app.db
      .insertInto("cohorts")
      .values({ name: "提醒一期", track: "campus", tier: "foundation", org_unit_id: r.province, programme_year: 1, starts_on: "2026-09-01", ends_on: "2027-06-30" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await app.db.insertInto("cohort_due_dates").values({ cohort_id: cohort.id, task_id: task.id, due_on: "2026-12-10" }).execute();
    const [nothingYet, drafting, passed, handedIn, left] = await Promise.all([1, 2, 3, 4, 5].map(() => person(["trainee"], r.school)));
    await app.db
      .insertInto("cohort_members")
      .values([nothingYet, drafting, passed, handedIn, left].map((p) => ({ cohort_id: cohort.id, user_id: p!.id, joined_via: "admin" as const, left_at: p === left ? new Date() : null })))
      .execute();
    await submission(drafting!.id, { status: "draft", submitted_at: null, updated_at: beijing("2026-12-06T10:00:00") });
    await submission(passed!.id, { status: "passed", score: 90 });
    await submission(handedIn!.id, { status: "submitted" });

    await sweep(beijing("2026-12-06T12:00:00"));
    expect(await remindersOf(nothingYet!.id, "reminder.cohort_due")).toHaveLength(0);
    await sweep(beijing("2026-12-07T00:10:00"));
    await sweep(beijing("2026-12-07T12:00:00"));
    for (const p of [nothingYet, drafting]) {
      expect((await remindersOf(p!.id, "reminder.cohort_due")).map((n) => n.payload)).toEqual([{ taskId: task.id, taskTitle: task.title, dueOn: "2026-12-10", days: 3 }]);
    }
    for (const p of [passed, handedIn, left]) expect(await remindersOf(p!.id, "reminder.cohort_due")).toHaveLength(0);
    await sweep(beijing("2026-12-09T12:00:00"));
    await sweep(beijing("2026-12-10T12:00:00"));
    expect(await remindersOf(nothingYet!.id, "reminder.cohort_due")).toHaveLength(1);
  });
});

describe("quiet hours", () => {
  it("a reminder written at 22:30 Beijing is in the app at once, but goes out by SMS only after 08:00", async () => {
    const r = await region("夜间");
    const trainee = await person(["trainee"], r.school);
    const returned = await submission(trainee.id, { status: "returned" });
    await app.db.insertInto("submission_events").values({ submission_id: returned.id, from_status: "in_review", to_status: "returned", note: "请修改", created_at: beijing("2027-01-01T10:00:00") }).execute();

    await sweep(beijing("2027-01-08T22:30:00"));
    expect(await remindersOf(trainee.id, "reminder.returned_idle")).toHaveLength(1);
    const [held] = await deliveriesOf(trainee.id, "reminder.returned_idle");
    expect(held).toMatchObject({ channel: "sms", status: "queued", attempts: 0 });
    expect(held!.not_before?.toISOString()).toBe(beijing("2027-01-09T08:00:00").toISOString());
    const job = await queue("deliveries").getJob(deliveryJobId(held!.id));
    await waitFor("the SMS held in the delayed set", async () => ((await job?.getState()) === "delayed" ? true : undefined));
    expect(smsTo(trainee.phone)).toHaveLength(0);

    // 08:01 the next morning: the delayed job's time has come (promoted here instead of waiting 9½ hours).
    clock = beijing("2027-01-09T08:01:00");
    await job!.promote();
    const [sent] = await settledDeliveries(trainee.id, "reminder.returned_idle", 1);
    expect(sent).toMatchObject({ status: "sent", attempts: 1 });
    expect(sent!.sent_at!.getTime()).toBeGreaterThanOrEqual(held!.not_before!.getTime());
    expect(smsTo(trainee.phone)).toHaveLength(1);
  });
});

// ── Switches per region ───────────────────────────────────────────────────────────────────────────

describe("switching a kind off per region", () => {
  const post = (who: SignedIn, form: Record<string, string>) => responseOf(() => remindersAction({ request: makeRequest("/admin/reminders", { form }), context: who.context, params: {} }));
  const page = async (who: SignedIn, query = "") =>
    (await (await responseOf(() => remindersLoader({ request: makeRequest(`/admin/reminders${query}`, { method: "GET" }), context: who.context, params: {} }))).json()) as {
      unit: { id: string; name: string };
      options: Array<{ id: string; label: string }>;
      kinds: Array<{ kind: string; state: string; aboveUnit: string | null }>;
      below: Array<{ unitId: string; kind: string }>;
    };

  it("stops that kind for people in the region's subtree only, audited; switched on again, it is sent", async () => {
    const mine = await region("关闭");
    const theirs = await region("照常");
    const coordinator = await person(["admin"], mine.province);
    const inside = await person(["trainee"], mine.school);
    const outside = await person(["trainee"], theirs.school);
    for (const p of [inside, outside]) await submission(p.id, { status: "draft", submitted_at: null, updated_at: beijing("2027-02-01T10:00:00"), attempts_used: 0 });

    const res = await post(coordinator, { intent: "set", orgUnitId: mine.province, kind: "reminder.draft_idle", to: "off" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, to: "off", kind: "reminder.draft_idle", unit: "关闭省" });
    expect(await app.db.selectFrom("audit_events").select(["action", "target_id", "details"]).where("actor_id", "=", coordinator.id).where("action", "like", "reminders.%").execute()).toEqual([
      { action: "reminders.switched_off", target_id: mine.province, details: { kind: "reminder.draft_idle" } },
    ]);
    const view = await page(coordinator);
    expect(view.unit).toEqual({ id: mine.province, name: "关闭省" });
    expect(view.kinds.find((k) => k.kind === "reminder.draft_idle")!.state).toBe("off");
    expect(view.kinds.filter((k) => k.state !== "on").map((k) => k.kind)).toEqual(["reminder.draft_idle"]);
    // The school below shows it off by the province.
    const school = await page(coordinator, `?unit=${mine.school}`);
    expect(school.kinds.find((k) => k.kind === "reminder.draft_idle")).toMatchObject({ state: "offAbove", aboveUnit: "关闭省" });

    await sweep(beijing("2027-02-08T09:00:00"));
    expect(await remindersOf(inside.id, "reminder.draft_idle")).toHaveLength(0);
    expect(await remindersOf(outside.id, "reminder.draft_idle")).toHaveLength(1);

    // A switch on the city below cannot switch on what the province switched off.
    const cityAdmin = await person(["admin"], mine.city);
    const refusedOn = await post(cityAdmin, { intent: "set", orgUnitId: mine.city, kind: "reminder.draft_idle", to: "on" });
    expect(refusedOn.status).toBe(409);

    expect((await post(coordinator, { intent: "set", orgUnitId: mine.province, kind: "reminder.draft_idle", to: "on" })).status).toBe(200);
    await sweep(beijing("2027-02-08T10:00:00"));
    expect(await remindersOf(inside.id, "reminder.draft_idle")).toHaveLength(1);
    expect(await remindersOf(outside.id, "reminder.draft_idle")).toHaveLength(1);
  });

  it("a regional admin cannot switch another region, nor see it: refused as not found, audited, nothing written", async () => {
    const mine = await region("本区");
    const theirs = await region("他区");
    const coordinator = await person(["admin"], mine.province);
    const refusals = async () =>
      (await app.db.selectFrom("audit_events").select(["details"]).where("actor_id", "=", coordinator.id).where("action", "=", "reach.refused").execute()).map((r) => r.details);

    const refused = await post(coordinator, { intent: "set", orgUnitId: theirs.province, kind: "reminder.cohort_due", to: "off" });
    expect(refused.status).toBe(404);
    const fromRoot = await post(coordinator, { intent: "set", orgUnitId: root, kind: "reminder.cohort_due", to: "off" });
    expect(fromRoot.status).toBe(404);
    expect(await app.db.selectFrom("reminder_switches").selectAll().where("org_unit_id", "in", [theirs.province, root]).execute()).toEqual([]);
    expect(await refusals()).toEqual([
      { attempted: "reminders.switch", kind: "reminder.cohort_due", to: "off" },
      { attempted: "reminders.switch", kind: "reminder.cohort_due", to: "off" },
    ]);
    expect((await responseOf(() => remindersLoader({ request: makeRequest(`/admin/reminders?unit=${theirs.province}`, { method: "GET" }), context: coordinator.context, params: {} }))).status).toBe(404);
    expect((await refusals()).at(-1)).toEqual({ attempted: "reminders.view" });
    // The picker offers their own subtree only.
    const view = await page(coordinator);
    expect(view.options.map((o) => o.id).sort()).toEqual([mine.province, mine.city].sort());
    expect(JSON.stringify(view)).not.toContain("他区");
    // An unknown kind is a message, not a write.
    expect((await post(coordinator, { intent: "set", orgUnitId: mine.province, kind: "reminder.nonsense", to: "off" })).status).toBe(400);
    expect(await app.db.selectFrom("reminder_switches").selectAll().where("org_unit_id", "=", mine.province).execute()).toEqual([]);
  });
});

it("two sweeps racing on the two worker sets write each reminder once: the database decides", async () => {
  const r = await region("并发");
  const trainees = await Promise.all(Array.from({ length: 30 }, () => person(["trainee"], r.school)));
  for (const t of trainees) await submission(t.id, { status: "draft", submitted_at: null, updated_at: beijing("2027-04-01T10:00:00"), attempts_used: 0 });
  clock = beijing("2027-04-08T09:00:00");
  sweeps += 1;
  const jobs = await Promise.all(Array.from({ length: 6 }, (_, i) => queue("reminders").add("send-reminders", {}, { jobId: `race-${sweeps}-${i}` })));
  await Promise.all(jobs.map((job) => settledJob(job, `race ${job.id}`)));
  await sweep(clock);
  const ids = trainees.map((t) => t.id);
  const written = await app.db.selectFrom("notifications").select(["user_id"]).where("kind", "=", "reminder.draft_idle").where("user_id", "in", ids).execute();
  expect(written).toHaveLength(30);
  expect(new Set(written.map((w) => w.user_id)).size).toBe(30);
  expect(await app.db.selectFrom("reminders_sent").select("user_id").where("kind", "=", "reminder.draft_idle").where("user_id", "in", ids).execute()).toHaveLength(30);
});
