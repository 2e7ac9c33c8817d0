import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "~/auth.server";
import { smsSignInPolicy } from "~/domain/sign-in-codes";
import { handoutStateOf, needsNewLink } from "~/domain/onboarding";
import { issueAccessToken } from "~/models/access-tokens.server";
import { mentorCandidates } from "~/models/assignments.server";
import { listImportedPeople } from "~/models/onboarding.server";
import { saveImportPreview } from "~/models/user-imports.server";
import { keyPrefix, sharedRedis } from "~/queue.server";
import { action as inviteAction, loader as inviteLoader } from "~/routes/invite.$token";
import { action as loginAction, loader as loginLoader } from "~/routes/login";
import { aliyunSmsChannel } from "~/services/channels/aliyun-sms";
import { registerChannels } from "~/services/channels/registry.server";
import { codeSendsSettled } from "~/services/sms-sign-in.server";
import { createTestApp, makeRequest, responseOf } from "../support/app";
import { startAliyunSmsStub, type AliyunSmsStub } from "../support/message-servers";

// Sign-in by SMS code (docs/decisions/028-sms-sign-in.md) against real PostgreSQL and Redis, with
// the codes sent as signed requests to the local Aliyun stand-in and read back from what it received.

const linkSecret = "test-link-secret-0123456789abcdefghijklmnop";
const accessKeyId = "LTAI5tTestAccessKey";
const accessKeySecret = "test-access-key-secret";
const appUrl = "http://lms.test";
const templates = { decision: "SMS_100001", returned: "SMS_100002", certificate: "SMS_100003", mentoring: "SMS_100004", reminder: "SMS_100005", code: "SMS_100006" };

let app: Awaited<ReturnType<typeof createTestApp>>;
let sms: AliyunSmsStub;

function smsOn() {
  registerChannels({ sms: aliyunSmsChannel({ accessKeyId, accessKeySecret, signName: "百城学堂", templates, endpoint: sms.endpoint, timeoutMs: 5_000 }) }, { linkSecret, appUrl });
}

beforeAll(async () => {
  app = await createTestApp();
  sms = await startAliyunSmsStub(accessKeyId, accessKeySecret);
  smsOn();
});
afterAll(async () => {
  await codeSendsSettled();
  await sms?.close();
  await app?.close();
});

let counter = 0;
/** A number no other test (or retry) of this file uses. */
function freshPhone(): string {
  counter += 1;
  return `137${String(process.pid % 10_000).padStart(4, "0")}${String(counter).padStart(4, "0")}`;
}
let ipCounter = 0;
/** A network address of its own, so one test's per-address counts never reach another's. */
function freshIp(): string {
  ipCounter += 1;
  return `10.77.${Math.floor(ipCounter / 250)}.${(ipCounter % 250) + 1}`;
}

/** A trainee with a phone: signed up (has a password) unless told otherwise. */
async function person(options: { signedUp?: boolean } = {}) {
  const { id } = await app.signIn(["trainee"], { signedUp: options.signedUp });
  const phone = freshPhone();
  await app.db.updateTable("users").set({ phone }).where("id", "=", id).execute();
  return { id, phone };
}

async function postLogin(form: Record<string, string>, ip: string) {
  const res = await responseOf(() => loginAction({ request: makeRequest("/login", { form }), context: { ...app.anonymous(), ip }, params: {} }));
  await codeSendsSettled();
  return res;
}
const askCode = (phone: string, ip: string) => postLogin({ intent: "sendCode", phone }, ip);
const typeCode = (phone: string, code: string, ip: string) => postLogin({ intent: "verifyCode", phone, code }, ip);

async function postInvite(token: string, form: Record<string, string>, ip: string) {
  return responseOf(() => inviteAction({ request: makeRequest(`/invite/${token}`, { form }), context: { ...app.anonymous(), ip }, params: { token } }));
}

/** The codes the stand-in received for this number, oldest first. */
function codesSentTo(phone: string): string[] {
  return sms.accepted.filter((r) => r.PhoneNumbers === phone).map((r) => {
    expect(r.TemplateCode).toBe("SMS_100006");
    return (JSON.parse(r.TemplateParam!) as { code: string }).code;
  });
}
function lastCode(phone: string): string {
  const codes = codesSentTo(phone);
  expect(codes.length).toBeGreaterThan(0);
  return codes.at(-1)!;
}
const otherThan = (code: string) => (code === "000000" ? "111111" : "000000");

function cookieOf(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(";")[0];
}

async function auditOf(action: string, account: string) {
  const rows = await app.db.selectFrom("audit_events").select(["action", "target_id", "details", "ip"]).where("action", "=", action).orderBy("id").execute();
  return rows.filter((r) => (r.details as { account?: string }).account === account);
}

describe("sign-in by SMS code on /login", () => {
  it("sends a code to the stand-in, signs in with it as an ordinary session, and marks the phone verified", async () => {
    const me = await person();
    const ip = freshIp();
    const asked = await askCode(me.phone, ip);
    expect(asked.status).toBe(200);
    expect((await asked.json()).sms).toMatchObject({ stage: "code", phone: me.phone, resendAfterSeconds: smsSignInPolicy.resendAfterSeconds });
    const code = lastCode(me.phone);
    expect(code).toMatch(/^\d{6}$/);

    // Stored only as an HMAC; logged as a delivery without the code.
    const stored = await app.db.selectFrom("sign_in_codes").selectAll().where("user_id", "=", me.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ purpose: "login", phone: me.phone, used_at: null, failed_attempts: 0 });
    expect(stored.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(code);
    const [delivery] = await app.db.selectFrom("deliveries").selectAll().where("user_id", "=", me.id).execute();
    expect(delivery).toMatchObject({ channel: "sms", template: "code.signIn", address: me.phone, status: "sent" });
    expect(JSON.stringify(delivery)).not.toContain(code);

    const res = await typeCode(me.phone, code, ip);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/learn");
    const session = cookieOf(res, "bc_session");
    expect(session).toBeDefined();
    expect(cookieOf(res, "bc_device")).toBeDefined();
    // A real Lucia session, found the way every request finds it.
    const { auth } = await authenticate(session);
    expect(auth.user?.id).toBe(me.id);
    expect(await app.db.selectFrom("sign_in_codes").select(["used_at", "code_hash"]).where("user_id", "=", me.id).executeTakeFirstOrThrow()).toMatchObject({ code_hash: null });
    const verified = await app.db.selectFrom("contact_verifications").selectAll().where("user_id", "=", me.id).where("channel", "=", "sms").executeTakeFirstOrThrow();
    expect(verified.address).toBe(me.phone);
    expect(verified.verified_at).not.toBeNull();
    const succeeded = await app.db.selectFrom("audit_events").select("details").where("action", "=", "login.succeeded").where("target_id", "=", me.id).execute();
    expect(succeeded.map((r) => r.details)).toEqual([{ method: "smsCode" }]);
  });

  it("opens a new session id at every sign-in by code, as a password sign-in does", async () => {
    const me = await person();
    const sessions: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      await sharedRedis().del(`${keyPrefix()}:ratelimit:sms-sign-in:gap:login:${me.phone}`);
      await askCode(me.phone, freshIp());
      const res = await typeCode(me.phone, lastCode(me.phone), freshIp());
      sessions.push(cookieOf(res, "bc_session")!);
    }
    expect(new Set(sessions).size).toBe(2);
    for (const cookie of sessions) expect((await authenticate(cookie)).auth.user?.id).toBe(me.id);
    expect(await app.db.selectFrom("sessions").select("id").where("user_id", "=", me.id).execute()).toHaveLength(2);
  });

  it("answers a wrong, an expired and a replayed code with the one message, and audits each with its reason", async () => {
    const ip = freshIp();
    const wrong = await person();
    await askCode(wrong.phone, ip);
    const wrongAnswer = await typeCode(wrong.phone, otherThan(lastCode(wrong.phone)), ip);
    expect(wrongAnswer.status).toBe(401);
    const wrongBody = (await wrongAnswer.json()).sms;
    expect(wrongBody.fieldError).toEqual({ field: "code", key: "login.sms.error.wrongCode" });
    expect(cookieOf(wrongAnswer, "bc_session")).toBeUndefined();

    const expired = await person();
    await askCode(expired.phone, ip);
    await app.db.updateTable("sign_in_codes").set({ expires_at: new Date(Date.now() - 1000) }).where("user_id", "=", expired.id).execute();
    const expiredAnswer = await typeCode(expired.phone, lastCode(expired.phone), ip);
    expect(expiredAnswer.status).toBe(401);
    expect((await expiredAnswer.json()).sms.fieldError).toEqual(wrongBody.fieldError);

    const replayed = await person();
    await askCode(replayed.phone, ip);
    const code = lastCode(replayed.phone);
    expect((await typeCode(replayed.phone, code, ip)).status).toBe(302);
    const replayAnswer = await typeCode(replayed.phone, code, ip);
    expect(replayAnswer.status).toBe(401);
    expect((await replayAnswer.json()).sms.fieldError).toEqual(wrongBody.fieldError);

    expect((await auditOf("login.code_failed", wrong.phone)).map((r) => (r.details as { reason: string }).reason)).toEqual(["wrong"]);
    expect((await auditOf("login.code_failed", expired.phone)).map((r) => (r.details as { reason: string }).reason)).toEqual(["expired"]);
    expect((await auditOf("login.code_failed", replayed.phone)).map((r) => (r.details as { reason: string }).reason)).toEqual(["used"]);
    expect((await auditOf("login.code_failed", wrong.phone))[0]).toMatchObject({ target_id: wrong.id, ip });
  });

  it("a code dies after five wrong tries: even the right one is refused then", async () => {
    const me = await person();
    const ip = freshIp();
    await askCode(me.phone, ip);
    const code = lastCode(me.phone);
    for (let i = 0; i < 5; i += 1) expect((await typeCode(me.phone, otherThan(code), ip)).status).toBe(401);
    expect((await typeCode(me.phone, code, ip)).status).toBe(401);
    expect((await auditOf("login.code_failed", me.phone)).at(-1)?.details).toMatchObject({ reason: "tooManyTries" });
  });

  it("gives an unknown number, a deactivated account and one never entered the same answer as a real one, and sends them nothing", async () => {
    const ip = freshIp();
    const real = await person();
    const deactivated = await person();
    await app.db.updateTable("users").set({ status: "deactivated" }).where("id", "=", deactivated.id).execute();
    const neverEntered = await person({ signedUp: false });
    const unknown = freshPhone();
    const answers: Array<{ status: number; step: Record<string, unknown> }> = [];
    for (const phone of [real.phone, unknown, deactivated.phone, neverEntered.phone]) {
      const res = await askCode(phone, ip);
      const { sms: step } = (await res.json()) as { sms: Record<string, unknown> };
      answers.push({ status: res.status, step: { ...step, phone: "…", sentAt: typeof step.sentAt } });
    }
    expect(answers.every((a) => JSON.stringify(a) === JSON.stringify(answers[0]))).toBe(true);
    expect(codesSentTo(real.phone)).toHaveLength(1);
    expect(codesSentTo(unknown)).toEqual([]);
    expect(codesSentTo(deactivated.phone)).toEqual([]);
    expect(codesSentTo(neverEntered.phone)).toEqual([]);
    expect((await auditOf("login.code_failed", unknown))[0]?.details).toMatchObject({ stage: "request", reason: "unknownNumber" });
    expect((await auditOf("login.code_failed", deactivated.phone))[0]?.details).toMatchObject({ stage: "request", reason: "deactivated" });
    expect((await auditOf("login.code_failed", neverEntered.phone))[0]?.details).toMatchObject({ stage: "request", reason: "neverSignedIn" });
    // Typing a code for an unknown number: the same message as a wrong one.
    const typed = await typeCode(unknown, "123456", ip);
    expect(typed.status).toBe(401);
    expect((await typed.json()).sms.fieldError.key).toBe("login.sms.error.wrongCode");
  });

  it("refuses a deactivated account even with the right code", async () => {
    const me = await person();
    const ip = freshIp();
    await askCode(me.phone, ip);
    await app.db.updateTable("users").set({ status: "deactivated" }).where("id", "=", me.id).execute();
    const res = await typeCode(me.phone, lastCode(me.phone), ip);
    expect(res.status).toBe(403);
    expect((await res.json()).sms.error.key).toBe("login.error.deactivated");
    expect(cookieOf(res, "bc_session")).toBeUndefined();
  });

  it("limits codes per number (请 N 分钟后再试) whether or not the number has an account, and audits the refusal", async () => {
    const ip = freshIp();
    for (const phone of [(await person()).phone, freshPhone()]) {
      expect((await askCode(phone, ip)).status).toBe(200);
      const again = await askCode(phone, ip);
      expect(again.status).toBe(429);
      expect((await again.json()).sms.error).toEqual({ key: "login.sms.error.rateLimited", params: { minutes: 1 } });
      expect((await auditOf("login.code_rate_limited", phone))[0]?.details).toMatchObject({ stage: "request" });
    }
  });

  it("limits code requests per network address across numbers", async () => {
    const ip = freshIp();
    for (let i = 0; i < smsSignInPolicy.requestsPerNetwork; i += 1) expect((await askCode(freshPhone(), ip)).status).toBe(200);
    const refused = await askCode(freshPhone(), ip);
    expect(refused.status).toBe(429);
    const { error } = (await refused.json()).sms;
    expect(error.key).toBe("login.sms.error.rateLimited");
    expect(error.params.minutes).toBeGreaterThanOrEqual(1);
    expect(error.params.minutes).toBeLessThanOrEqual(15);
    // Another address is not held up.
    expect((await askCode(freshPhone(), freshIp())).status).toBe(200);
  });

  it("limits typed codes per number, then answers 请 N 分钟后再试 before looking at the code", async () => {
    const me = await person();
    await askCode(me.phone, freshIp());
    for (let i = 0; i < smsSignInPolicy.checksPerPhone; i += 1) await typeCode(me.phone, "000000", freshIp());
    const res = await typeCode(me.phone, lastCode(me.phone), freshIp());
    expect(res.status).toBe(429);
    expect((await res.json()).sms.error.key).toBe("login.sms.error.rateLimited");
    expect((await auditOf("login.code_rate_limited", me.phone)).at(-1)?.details).toMatchObject({ stage: "check" });
  });

  it("reads a code typed with full-width digits or spaces; a code that is no six digits is a format message, not a try", async () => {
    const me = await person();
    const ip = freshIp();
    await askCode(me.phone, ip);
    const short = await typeCode(me.phone, "12345", ip);
    expect(short.status).toBe(400);
    expect((await short.json()).sms.fieldError.key).toBe("login.sms.error.codeFormat");
    const wide = [...lastCode(me.phone)].map((d) => String.fromCharCode(0xff10 + Number(d))).join("");
    const res = await typeCode(me.phone, `${wide.slice(0, 3)} ${wide.slice(3)}`, ip);
    expect(res.status).toBe(302);
  });
});

describe("completing an invitation by SMS code", () => {
  it("sends a code to the invitation's own phone, signs in without a password, and the link then works no more", async () => {
    const me = await person({ signedUp: false });
    const ip = freshIp();
    const { token } = await issueAccessToken(app.db, { userId: me.id, purpose: "invite", createdBy: null, validHours: 72 });
    const page = (await inviteLoader({ request: makeRequest(`/invite/${token}`), context: app.anonymous(), params: { token } })) as Response;
    expect(await page.json()).toMatchObject({ state: "valid", purpose: "invite", smsTo: `${me.phone.slice(0, 3)}****${me.phone.slice(7)}` });
    // Before: /login sends nothing to an account nobody has entered.
    await askCode(me.phone, ip);
    expect(codesSentTo(me.phone)).toEqual([]);

    const asked = await postInvite(token, { intent: "sendCode" }, ip);
    expect(asked.status).toBe(200);
    const code = lastCode(me.phone);
    const wrong = await postInvite(token, { intent: "verifyCode", code: otherThan(code) }, ip);
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).sms.codeError).toBe("login.sms.error.wrongCode");
    expect((await auditOf("login.code_failed", me.phone)).at(-1)?.details).toMatchObject({ via: "invite", reason: "wrong" });

    const done = await postInvite(token, { intent: "verifyCode", code }, ip);
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/learn");
    const { auth } = await authenticate(cookieOf(done, "bc_session"));
    expect(auth.user?.id).toBe(me.id);
    const user = await app.db.selectFrom("users").select(["password_hash", "last_sign_in_at"]).where("id", "=", me.id).executeTakeFirstOrThrow();
    expect(user.password_hash).toBeNull();
    expect(user.last_sign_in_at).not.toBeNull();
    expect(await auditOf("login.invite_by_code", me.phone)).toHaveLength(1);
    expect((await app.db.selectFrom("contact_verifications").select("verified_at").where("user_id", "=", me.id).executeTakeFirstOrThrow()).verified_at).not.toBeNull();

    // The link is spent: by the same code, by a password, on the page.
    expect((await postInvite(token, { intent: "verifyCode", code }, ip)).status).toBe(410);
    const byPassword = await postInvite(token, { password: "my own long phrase", confirm: "my own long phrase" }, ip);
    expect((await byPassword.json()).error).toBe("invite.used");
    const after = (await inviteLoader({ request: makeRequest(`/invite/${token}`), context: app.anonymous(), params: { token } })) as Response;
    expect(after.status).toBe(410);

    // From now on the phone alone is enough on /login (past the minute between two codes).
    await sharedRedis().del(`${keyPrefix()}:ratelimit:sms-sign-in:gap:login:${me.phone}`);
    await askCode(me.phone, freshIp());
    expect((await typeCode(me.phone, lastCode(me.phone), freshIp())).status).toBe(302);
  });

  it("someone who completed their invitation by code counts as signed up: their import makes them no new link, and as a mentor they can be assigned work", async () => {
    const admin = await app.signIn(["admin"]);
    const importId = await saveImportPreview(app.db, { createdBy: admin.id, fileName: "roster.csv", verdicts: [] });
    const { id: mentorId } = await app.signIn(["mentor"], { signedUp: false });
    const phone = freshPhone();
    await app.db.updateTable("users").set({ phone, user_import_id: importId }).where("id", "=", mentorId).execute();
    const { token } = await issueAccessToken(app.db, { userId: mentorId, purpose: "invite", createdBy: admin.id, validHours: 72, handoutFor: importId });
    const ip = freshIp();
    const signedUp = async () => ({
      handout: handoutStateOf((await listImportedPeople(app.db, importId)).find((p) => p.id === mentorId)!, new Date()),
      assignable: (await mentorCandidates(app.db)).find((m) => m.mentorId === mentorId)?.hasSignedUp,
    });
    expect(await signedUp()).toEqual({ handout: "active", assignable: false });
    await postInvite(token, { intent: "sendCode" }, ip);
    expect((await postInvite(token, { intent: "verifyCode", code: lastCode(phone) }, ip)).status).toBe(302);
    const after = await signedUp();
    expect(after).toEqual({ handout: "signedUp", assignable: true });
    expect(needsNewLink(after.handout)).toBe(false);
  });

  it("a code from an earlier link does not complete a new one, and a reset link offers no code", async () => {
    const me = await person({ signedUp: false });
    const ip = freshIp();
    const first = await issueAccessToken(app.db, { userId: me.id, purpose: "invite", createdBy: null, validHours: 72 });
    await postInvite(first.token, { intent: "sendCode" }, ip);
    const code = lastCode(me.phone);
    const second = await issueAccessToken(app.db, { userId: me.id, purpose: "invite", createdBy: null, validHours: 72 });
    const res = await postInvite(second.token, { intent: "verifyCode", code }, ip);
    expect(res.status).toBe(401);

    const reset = await issueAccessToken(app.db, { userId: (await person()).id, purpose: "reset", createdBy: null, validHours: 2 });
    const page = (await inviteLoader({ request: makeRequest(`/invite/${reset.token}`), context: app.anonymous(), params: { token: reset.token } })) as Response;
    expect((await page.json()).smsTo).toBeNull();
    expect((await postInvite(reset.token, { intent: "sendCode" }, ip)).status).toBe(400);
  });
});

describe("without SMS configured", () => {
  it("offers no code way and refuses the code actions cleanly", async () => {
    registerChannels({}, { linkSecret, appUrl });
    try {
      const me = await person({ signedUp: false });
      const page = (await loginLoader({ request: makeRequest("/login"), context: app.anonymous(), params: {} })) as Response;
      expect(await page.json()).toEqual({ smsOffered: false });
      const res = await askCode(me.phone, freshIp());
      expect(res.status).toBe(400);
      expect((await res.json()).sms.error.key).toBe("login.sms.error.off");
      const { token } = await issueAccessToken(app.db, { userId: me.id, purpose: "invite", createdBy: null, validHours: 72 });
      const invite = (await inviteLoader({ request: makeRequest(`/invite/${token}`), context: app.anonymous(), params: { token } })) as Response;
      expect((await invite.json()).smsTo).toBeNull();
      expect((await postInvite(token, { intent: "sendCode" }, freshIp())).status).toBe(400);
      expect(codesSentTo(me.phone)).toEqual([]);
    } finally {
      smsOn();
    }
    const page = (await loginLoader({ request: makeRequest("/login"), context: app.anonymous(), params: {} })) as Response;
    expect(await page.json()).toEqual({ smsOffered: true });
  });
});
