import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalog } from "~/catalog/catalog.server";
import { syncCatalog } from "~/models/curriculum.server";
import { deliveryJobId } from "~/models/deliveries.server";
import { queueNotification } from "~/models/notifications.server";
import { enqueue, queue } from "~/queue.server";
import { aliyunSmsChannel } from "~/services/channels/aliyun-sms";
import { emailChannel } from "~/services/channels/email";
import { readUnsubscribeToken } from "~/services/channels/links";
import { startWorkers, type RunningWorkers } from "../../workers/runtime";
import { createOrgUnit } from "~/models/orgs.server";
import { action as deliveriesAction, loader as deliveriesLoader } from "~/routes/admin.deliveries";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { startAliyunSmsStub, startSmtpSink, type AliyunSmsStub, type SmtpSink } from "../support/message-servers";
import { jobCompleted, waitFor } from "../support/wait";

// Channels end to end: a notification's outbox job → the notifications worker plans deliveries → the
// deliveries worker sends real e-mail over SMTP and signed requests to an Aliyun SMS stand-in.

const linkSecret = "test-link-secret-0123456789abcdefghijklmnop";
const accessKeyId = "LTAI5tTestAccessKey";
const accessKeySecret = "test-access-key-secret";
const appUrl = "http://lms.test";
/** 12:00 in Beijing: outside the default quiet hours. */
let clock = new Date("2026-12-01T04:00:00Z");

let app: Awaited<ReturnType<typeof createTestApp>>;
let workers: RunningWorkers;
let smtp: SmtpSink;
let sms: AliyunSmsStub;
let mail: ReturnType<typeof emailChannel>;

beforeAll(async () => {
  app = await createTestApp();
  await syncCatalog(app.db, catalog());
  smtp = await startSmtpSink();
  sms = await startAliyunSmsStub(accessKeyId, accessKeySecret);
  mail = emailChannel({ smtpUrl: smtp.url, from: "百城学堂 <noreply@lms.test>", timeoutMs: 10_000 });
  const templates = { decision: "SMS_100001", returned: "SMS_100002", certificate: "SMS_100003", mentoring: "SMS_100004", reminder: "SMS_100005", code: "SMS_100006" };
  workers = await startWorkers({
    db: app.db,
    redisUrl: app.redis.redisUrl,
    prefix: app.redis.prefix,
    concurrency: 2,
    channels: { email: mail, sms: aliyunSmsChannel({ accessKeyId, accessKeySecret, signName: "百城学堂", templates, endpoint: sms.endpoint, timeoutMs: 1_500 }) },
    appUrl,
    linkSecret,
    now: () => clock,
  });
});
afterAll(async () => {
  await workers?.close();
  mail?.close();
  await smtp?.close();
  await sms?.close();
  await app?.close();
});

let phoneCounter = 0;
/** A trainee with a phone and an e-mail address, both verified unless told otherwise. */
async function person(options: { verifyPhone?: boolean; verifyEmail?: boolean } = {}) {
  const { id } = await app.signIn(["trainee"]);
  phoneCounter += 1;
  const phone = `137${String(process.pid % 10_000).padStart(4, "0")}${String(phoneCounter).padStart(4, "0")}`;
  const email = `t${phoneCounter}-${id.slice(0, 8)}@example.cn`;
  await app.db.updateTable("users").set({ phone, email }).where("id", "=", id).execute();
  const rows = [
    ...(options.verifyPhone !== false ? [{ user_id: id, channel: "sms" as const, address: phone, verified_at: new Date() }] : []),
    ...(options.verifyEmail !== false ? [{ user_id: id, channel: "email" as const, address: email, verified_at: new Date() }] : []),
  ];
  if (rows.length) await app.db.insertInto("contact_verifications").values(rows).execute();
  return { id, phone, email };
}

const task = () => catalog().modules.flatMap((m) => m.tasks).find((t) => t.type !== "quiz")!;

/** A "work returned" notification event for the person, through the outbox as grading writes it. */
async function returnedWork(userId: string, eventId = `decision-${randomUUID()}-1`) {
  const t = task();
  const job = await app.db.transaction().execute((trx) =>
    queueNotification(trx, { id: eventId, userId, kind: "submission.returned", payload: { submissionId: randomUUID(), taskId: t.id, taskTitle: t.title, note: "请补充活动照片。" } }),
  );
  await enqueue(job.queue, job.name, job.payload, job.jobId);
  await jobCompleted(await queue("notifications").getJob(job.jobId), `notification ${eventId}`);
  return { eventId, task: t };
}

const deliveriesOf = (userId: string) => app.db.selectFrom("deliveries").selectAll().where("user_id", "=", userId).orderBy("channel").execute();

async function settled(userId: string, count: number) {
  return waitFor(
    `${count} settled deliveries for ${userId}`,
    async () => {
      const rows = await deliveriesOf(userId);
      return rows.length === count && rows.every((r) => ["sent", "failed", "skipped"].includes(r.status)) ? rows : undefined;
    },
    { timeoutMs: 45_000 },
  );
}

describe("e-mail over SMTP", () => {
  it("a returned piece of work reaches a verified address as a Chinese e-mail, HTML and text, with signed one-click unsubscribe headers", async () => {
    const p = await person({ verifyPhone: false });
    const { task: t } = await returnedWork(p.id);
    const [d] = await settled(p.id, 1);
    expect(d).toMatchObject({ channel: "email", status: "sent", address: p.email, template: "submission.returned", attempts: 1, error: null });

    const received = await waitFor("the e-mail at the SMTP server", async () => smtp.messages.find((m) => m.to && JSON.stringify(m.to).includes(p.email)));
    expect(received.subject).toContain("【百城学堂】");
    expect(received.subject).toContain(t.title);
    expect(received.text).toContain("退回");
    expect(received.text).toContain("请补充活动照片。");
    expect(received.html).toContain(`${appUrl}/tasks/${encodeURIComponent(t.id)}`);
    expect(received.messageId).toBe(d!.provider_id);
    // The raw header lines, as a mail client reads them (RFC 2369 and RFC 8058).
    const header = (name: string) => received.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, "").replace(/\r?\n\s+/g, "");
    const unsubscribe = header("list-unsubscribe") ?? "";
    expect(unsubscribe).toMatch(new RegExp(`^<${appUrl}/unsubscribe/[^>]+>$`));
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    const token = unsubscribe.replace(/[<>]/g, "").split("/unsubscribe/")[1]!;
    expect(readUnsubscribeToken(linkSecret, token)).toEqual({ userId: p.id, channel: "email", kind: "submission.returned" });
    expect(readUnsubscribeToken("another-secret-0123456789abcdefghijklmnop", token)).toBeNull();
  });
});

describe("SMS through Aliyun", () => {
  it("a signed SendSms request with the template code and its parameters as JSON; the BizId is kept as the provider id", async () => {
    const p = await person({ verifyEmail: false });
    const { task: t } = await returnedWork(p.id);
    const [d] = await settled(p.id, 1);
    expect(d).toMatchObject({ channel: "sms", status: "sent", address: p.phone, attempts: 1 });
    const request = sms.accepted.find((r) => r.PhoneNumbers === p.phone)!;
    expect(request).toMatchObject({ Action: "SendSms", SignName: "百城学堂", TemplateCode: "SMS_100002", OutId: d!.id });
    expect(JSON.parse(request.TemplateParam!)).toEqual({ task: t.title.length > 20 ? expect.any(String) : t.title });
    expect(d!.provider_id).toMatch(/^\d+\^0$/);
  });

  it("a wrong AccessKey secret is refused by the provider's signature check: failed at once, not retried", async () => {
    const p = await person({ verifyEmail: false });
    const before = sms.refused;
    const wrong = aliyunSmsChannel({
      accessKeyId,
      accessKeySecret: "not-the-secret",
      signName: "百城学堂",
      templates: { decision: "SMS_1", returned: "SMS_2", certificate: "SMS_3", mentoring: "SMS_4", reminder: "SMS_5", code: "SMS_6" },
      endpoint: sms.endpoint,
    });
    const result = await wrong.send({ to: p.phone, email: { subject: "", text: "", html: "" }, sms: { template: "code", params: { code: "123456" } }, unsubscribeUrl: "", deliveryId: randomUUID() });
    expect(result).toEqual({ ok: false, retriable: false, error: expect.stringContaining("SignatureDoesNotMatch") });
    expect(sms.refused).toBe(before + 1);
  });

  it("a provider error (throttled) is retried with backoff, then failed in the log after the last attempt; it is never sent twice", async () => {
    const p = await person({ verifyEmail: false });
    sms.behaviour.set(p.phone, "throttled");
    await returnedWork(p.id);
    const [d] = await settled(p.id, 1);
    expect(d).toMatchObject({ status: "failed", attempts: 4, provider_id: null, sent_at: null });
    expect(d!.error).toContain("isv.BUSINESS_LIMIT_CONTROL");
    expect(sms.accepted.filter((r) => r.PhoneNumbers === p.phone)).toHaveLength(4);
    // A replayed job (a duplicate BullMQ could not dedupe) does nothing to a settled delivery.
    const replay = `${deliveryJobId(d!.id)}-replay`;
    await enqueue("deliveries", "deliver", { deliveryId: d!.id }, replay);
    await jobCompleted(await queue("deliveries").getJob(replay));
    expect(sms.accepted.filter((r) => r.PhoneNumbers === p.phone)).toHaveLength(4);
  }, 60_000);

  it("a provider that never answers times out, is retried, then failed; an illegal number fails at once", async () => {
    const slow = await person({ verifyEmail: false });
    const bad = await person({ verifyEmail: false });
    sms.behaviour.set(slow.phone, "hang");
    sms.behaviour.set(bad.phone, "illegal-number");
    await Promise.all([returnedWork(slow.id), returnedWork(bad.id)]);
    const [s] = await settled(slow.id, 1);
    expect(s).toMatchObject({ status: "failed", attempts: 4 });
    expect(s!.error).toContain("no answer");
    const [b] = await settled(bad.id, 1);
    expect(b).toMatchObject({ status: "failed", attempts: 1 });
    expect(b!.error).toContain("isv.MOBILE_NUMBER_ILLEGAL");
  }, 90_000);
});

describe("who receives what", () => {
  it("one event is one delivery per channel however often its notification job runs", async () => {
    const p = await person();
    const { eventId } = await returnedWork(p.id);
    await settled(p.id, 2);
    const replay = `notify-${eventId}-replay`;
    const row = await app.db.selectFrom("job_outbox").selectAll().where("job_id", "=", `notify-${eventId}`).executeTakeFirstOrThrow();
    await enqueue("notifications", "notify", row.payload, replay);
    await jobCompleted(await queue("notifications").getJob(replay));
    const rows = await settled(p.id, 2);
    expect(rows.map((r) => [r.channel, r.status])).toEqual([
      ["email", "sent"],
      ["sms", "sent"],
    ]);
    expect(sms.accepted.filter((r) => r.PhoneNumbers === p.phone)).toHaveLength(1);
    expect(smtp.messages.filter((m) => JSON.stringify(m.to).includes(p.email))).toHaveLength(1);
  });

  it("an unverified phone or address receives nothing", async () => {
    const p = await person({ verifyPhone: false, verifyEmail: false });
    await returnedWork(p.id);
    expect(await deliveriesOf(p.id)).toEqual([]);
    // A verified number that was since changed is no longer verified.
    const q = await person({ verifyEmail: false });
    await app.db.updateTable("users").set({ phone: "13900000000" }).where("id", "=", q.id).execute();
    await returnedWork(q.id);
    expect(await deliveriesOf(q.id)).toEqual([]);
  });

  it("a kind the routing table does not list (a new in-app notification kind) stays in the app", async () => {
    const p = await person();
    const job = { jobId: `notify-session-${randomUUID()}`, queue: "notifications" as const, name: "notify", payload: { id: `session-${randomUUID()}`, userId: p.id, kind: "session.scheduled", payload: {} } };
    await enqueue(job.queue, job.name, job.payload, job.jobId);
    await jobCompleted(await queue("notifications").getJob(job.jobId));
    expect(await app.db.selectFrom("notifications").select("kind").where("user_id", "=", p.id).execute()).toEqual([{ kind: "session.scheduled" }]);
    expect(await deliveriesOf(p.id)).toEqual([]);
  });

  it("in quiet hours (23:00 Beijing) a message is held until 08:00, not sent", async () => {
    const p = await person({ verifyEmail: false });
    clock = new Date("2026-12-01T15:00:00Z");
    try {
      await returnedWork(p.id);
      const [d] = await deliveriesOf(p.id);
      expect(d!.not_before?.toISOString()).toBe("2026-12-02T00:00:00.000Z");
      const job = await queue("deliveries").getJob(deliveryJobId(d!.id));
      await waitFor("the delivery job delayed", async () => ((await job?.getState()) === "delayed" ? true : undefined));
      expect((await app.db.selectFrom("deliveries").select(["status", "attempts"]).where("id", "=", d!.id).executeTakeFirstOrThrow())).toEqual({ status: "queued", attempts: 0 });
      expect(sms.accepted.filter((r) => r.PhoneNumbers === p.phone)).toHaveLength(0);
    } finally {
      clock = new Date("2026-12-01T04:00:00Z");
    }
  });
});

describe("/admin/deliveries", () => {
  async function failedDeliveryIn(orgUnitId: string, name: string) {
    const { id } = await app.signIn(["trainee"], { orgUnitId, name });
    const phone = `136${String(Date.now()).slice(-8)}`;
    await app.db.updateTable("users").set({ phone }).where("id", "=", id).execute();
    await app.db.insertInto("contact_verifications").values({ user_id: id, channel: "sms", address: phone, verified_at: new Date() }).execute();
    const row = await app.db
      .insertInto("deliveries")
      .values({ event_id: `decision-${randomUUID()}-1`, user_id: id, channel: "sms", template: "submission.passed", address: phone, payload: JSON.stringify({ submissionId: randomUUID(), taskId: task().id, taskTitle: task().title, score: 90 }), status: "failed", error: "isv.BUSINESS_LIMIT_CONTROL", attempts: 4 })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { userId: id, phone, deliveryId: row.id };
  }

  it("a regional admin sees and resends only their own region's failures; the resend goes out once and is audited", async () => {
    const root = await app.programmeRoot();
    const shanxi = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山西省", track: null });
    const shandong = await createOrgUnit(app.db, { parentId: root, kind: "province", name: "山东省", track: null });
    const mine = await failedDeliveryIn(shanxi, "晋学员");
    const theirs = await failedDeliveryIn(shandong, "鲁学员");
    const coordinator = await app.signIn(["admin"], { orgUnitId: shanxi });
    const national = await app.signIn(["admin"]);

    const page = (await (await responseOf(() => deliveriesLoader({ request: makeRequest("/admin/deliveries?status=failed", { method: "GET" }), context: coordinator.context, params: {} }))).json()) as { rows: { id: string; user_name: string }[] };
    expect(page.rows.map((r) => r.user_name)).toEqual(["晋学员"]);
    const all = (await (await responseOf(() => deliveriesLoader({ request: makeRequest("/admin/deliveries?status=failed", { method: "GET" }), context: national.context, params: {} }))).json()) as { rows: { id: string }[] };
    expect(all.rows.map((r) => r.id)).toEqual(expect.arrayContaining([mine.deliveryId, theirs.deliveryId]));

    const refused = await responseOf(() => deliveriesAction({ request: makeRequest("/admin/deliveries", { form: { intent: "resend", id: theirs.deliveryId } }), context: coordinator.context, params: {} }));
    expect(refused.status).toBe(404);
    expect((await app.db.selectFrom("deliveries").select("status").where("id", "=", theirs.deliveryId).executeTakeFirstOrThrow()).status).toBe("failed");

    const resent = await responseOf(() => deliveriesAction({ request: makeRequest("/admin/deliveries", { form: { intent: "resend", id: mine.deliveryId } }), context: coordinator.context, params: {} }));
    expect(resent.status).toBe(200);
    const [d] = await settled(mine.userId, 1);
    expect(d).toMatchObject({ status: "sent", attempts: 5, error: null });
    expect(sms.accepted.filter((r) => r.PhoneNumbers === mine.phone)).toHaveLength(1);
    const again = await responseOf(() => deliveriesAction({ request: makeRequest("/admin/deliveries", { form: { intent: "resend", id: mine.deliveryId } }), context: coordinator.context, params: {} }));
    expect(again.status).toBe(409);
    expect(await app.db.selectFrom("audit_events").select(["action", "target_id"]).where("actor_id", "=", coordinator.id).where("action", "=", "delivery.resent").execute()).toEqual([{ action: "delivery.resent", target_id: mine.userId }]);
  });

  it("pages by keyset: 50 a page, the next page starts after the last row shown, newest first, none twice", async () => {
    const national = await app.signIn(["admin"]);
    const { userId, phone } = await failedDeliveryIn(await app.programmeRoot(), "分页学员");
    const base = Date.now();
    await app.db
      .insertInto("deliveries")
      .values(Array.from({ length: 60 }, (_, i) => ({ event_id: `page-${i}-${randomUUID()}`, user_id: userId, channel: "sms" as const, template: "submission.passed", address: phone, payload: "{}", status: "sent" as const, attempts: 1, created_at: new Date(base - (i % 7) * 1000) })))
      .execute();
    const load = async (query: string) =>
      (await (await responseOf(() => deliveriesLoader({ request: makeRequest(`/admin/deliveries${query}`, { method: "GET" }), context: national.context, params: {} }))).json()) as { rows: { id: string; created_at: string }[]; next: string | null };
    const seen: string[] = [];
    let query = "?status=sent";
    for (let guard = 0; guard < 10; guard += 1) {
      const page = await load(query);
      expect(page.rows.length).toBeLessThanOrEqual(50);
      seen.push(...page.rows.map((r) => r.id));
      const times = page.rows.map((r) => r.created_at);
      expect([...times].sort().reverse()).toEqual(times);
      if (!page.next) break;
      query = `?status=sent&before=${encodeURIComponent(page.next)}`;
    }
    const sent = await app.db.selectFrom("deliveries").select("id").where("status", "=", "sent").execute();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(sent.map((r) => r.id).sort());
  });
});

describe("people choose", () => {
  it("a one-click unsubscribe post turns that kind off by that channel; a malformed or forged link is a 400", async () => {
    const { registerChannels } = await import("~/services/channels/registry.server");
    const { unsubscribeToken } = await import("~/services/channels/links");
    const { action: unsubscribe, loader: unsubscribeLoader } = await import("~/routes/unsubscribe.$token");
    registerChannels({}, { linkSecret, appUrl });
    const p = await person();
    const token = unsubscribeToken(linkSecret, { userId: p.id, channel: "email", kind: "submission.returned" });
    const post = (t: string) =>
      responseOf(() => unsubscribe({ request: new Request(`${appUrl}/unsubscribe/${t}`, { method: "POST", body: new URLSearchParams({ "List-Unsubscribe": "One-Click" }) }), params: { token: t }, context: app.anonymous() }));
    expect((await post("not-a-token")).status).toBe(400);
    expect((await post(unsubscribeToken("forged-secret-0123456789abcdefghijklmnopq", { userId: p.id, channel: "email", kind: "submission.returned" }))).status).toBe(400);
    expect((await responseOf(() => unsubscribeLoader({ request: new Request(`${appUrl}/unsubscribe/x.y`), params: { token: "x.y" }, context: app.anonymous() }))).status).toBe(400);
    expect((await post(token)).status).toBe(200);
    expect(await app.db.selectFrom("message_choices").select(["kind", "channel", "enabled"]).where("user_id", "=", p.id).execute()).toEqual([{ kind: "submission.returned", channel: "email", enabled: false }]);
    // The next returned piece of work comes by SMS only.
    await returnedWork(p.id);
    expect((await settled(p.id, 1)).map((d) => d.channel)).toEqual(["sms"]);
  });

  it("a phone is verified only by the code sent to it; a wrong, replayed or expired code gets one message", async () => {
    const { registerChannels } = await import("~/services/channels/registry.server");
    const { action: profileAction } = await import("~/routes/profile");
    const templates = { decision: "SMS_100001", returned: "SMS_100002", certificate: "SMS_100003", mentoring: "SMS_100004", reminder: "SMS_100005", code: "SMS_100006" };
    registerChannels({ sms: aliyunSmsChannel({ accessKeyId, accessKeySecret, signName: "百城学堂", templates, endpoint: sms.endpoint }) }, { linkSecret, appUrl });
    const me = await app.signIn(["trainee"]);
    const phone = `135${String(Date.now()).slice(-8)}`;
    await app.db.updateTable("users").set({ phone }).where("id", "=", me.id).execute();
    const act = (form: Record<string, string>) => responseOf(() => profileAction({ request: makeRequest("/profile", { form }), context: me.context, params: {} }));
    expect((await act({ intent: "sendCode", channel: "sms" })).status).toBe(200);
    const sent = sms.accepted.filter((r) => r.PhoneNumbers === phone);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.TemplateCode).toBe("SMS_100006");
    const code = (JSON.parse(sent[0]!.TemplateParam!) as { code: string }).code;
    expect(code).toMatch(/^\d{6}$/);
    // Stored only hashed.
    const stored = await app.db.selectFrom("contact_verifications").selectAll().where("user_id", "=", me.id).executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(code);
    const wrong = code === "000000" ? "111111" : "000000";
    const refused = await act({ intent: "verifyCode", channel: "sms", code: wrong });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("messages.error.wrongCode");
    expect((await act({ intent: "verifyCode", channel: "sms", code })).status).toBe(200);
    expect((await app.db.selectFrom("contact_verifications").select("verified_at").where("user_id", "=", me.id).executeTakeFirstOrThrow()).verified_at).not.toBeNull();
    // Replayed: the code is spent.
    await app.db.updateTable("contact_verifications").set({ verified_at: null }).where("user_id", "=", me.id).execute();
    expect((await act({ intent: "verifyCode", channel: "sms", code })).status).toBe(400);
    // Too many codes: 请 N 分钟后再试.
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push((await act({ intent: "sendCode", channel: "sms" })).status);
    expect(answers).toContain(429);
  });
});
