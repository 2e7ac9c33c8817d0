import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "~/auth.server";
import { signInThrottle } from "~/domain/sign-in-throttle";
import { hashPassword } from "~/passwords.server";
import { admitPasswordAttempt, rememberDevice, signInThrottleState, type PasswordAttempt } from "~/rate-limit.server";
import { action as userAction, loader as userLoader } from "~/routes/admin.users.$userId";
import { action as loginAction } from "~/routes/login";
import { action as profileAction } from "~/routes/profile";
import { createTestApp, makeRequest, responseOf } from "../support/app";

// Password guessing is slowed per (account, source) and capped per account, atomically in the real
// Redis; the owner is never locked out by someone else's guesses (docs/decisions/010-login-throttling.md).

let app: Awaited<ReturnType<typeof createTestApp>>;
let phoneCounter = 0;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

/** A fresh user with a password and a phone no other test (or retry) uses. */
async function owner(password: string) {
  const { id } = await app.signIn(["trainee"]);
  phoneCounter += 1;
  const phone = `136${String(Date.now() % 1e5).padStart(5, "0")}${String(phoneCounter).padStart(3, "0")}`;
  await app.db.updateTable("users").set({ phone, password_hash: await hashPassword(password) }).where("id", "=", id).execute();
  return { id, phone };
}

async function login(identifier: string, password: string, ip: string, cookie?: string) {
  const request = makeRequest("/login", { form: { identifier, password } });
  if (cookie) request.headers.set("Cookie", cookie);
  return responseOf(() => loginAction({ request, context: { ...app.anonymous(), ip }, params: {} }));
}

function cookieNamed(res: Response, name: string): string {
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));
  return cookie!.split(";")[0]!;
}

describe("sign-in throttling", () => {
  it("evaluates at most the free attempts of 25 simultaneous wrong guesses (count, then decide)", async () => {
    const { id, phone } = await owner("owner-phrase-1");
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => login(phone, `guess-${i}`, "10.1.0.1")));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(signInThrottle.freeAttempts);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(25 - signInThrottle.freeAttempts);
    const evaluated = await app.db.selectFrom("audit_events").select("id").where("action", "=", "login.failed").where("target_id", "=", id).execute();
    expect(evaluated.length).toBeLessThanOrEqual(signInThrottle.freeAttempts);
    const refused = await results.find((r) => r.status === 429)!.json();
    expect(refused.error).toBe("login.error.slowDown");
    expect(refused.params.seconds).toBeGreaterThanOrEqual(1);
  });

  it("lets the owner sign in from another address while an attacker hammers the account", async () => {
    const { phone } = await owner("owner-phrase-2");
    for (let i = 0; i < 12; i++) await login(phone, `attack-${i}`, "10.2.0.66");
    // The attacker's own pair waits, even with the right password…
    expect((await login(phone, "owner-phrase-2", "10.2.0.66")).status).toBe(429);
    // …the owner's does not.
    const res = await login(phone, "owner-phrase-2", "10.2.0.7");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/learn");
  });

  it("remembers the browser the owner signed in from: it passes the account's ceiling", async () => {
    const { id, phone } = await owner("owner-phrase-3");
    const signedIn = await login(phone, "owner-phrase-3", "10.3.0.7");
    const device = cookieNamed(signedIn, "bc_device");
    expect(signedIn.headers.getSetCookie().find((c) => c.startsWith("bc_device="))).toMatch(/HttpOnly/);
    const policy = { ...signInThrottle, accountCeiling: 3 };
    const deviceId = device.split("=")[1]!;
    // A spread-out attacker: one guess from each of many addresses fills the ceiling.
    for (let i = 0; i < 3; i++) expect((await admitPasswordAttempt({ account: { userId: id }, ip: `10.3.1.${i}`, deviceId: null }, policy)).admitted).toBe(true);
    const stranger = await admitPasswordAttempt({ account: { userId: id }, ip: "10.3.2.1", deviceId: null }, policy);
    expect(stranger).toMatchObject({ admitted: false, reason: "accountCeiling" });
    const known = await admitPasswordAttempt({ account: { userId: id }, ip: "10.3.2.1", deviceId }, policy);
    expect(known.admitted).toBe(true);
    expect((await signInThrottleState(id, policy)).limited).toBe(true);
  });

  it("doubles the wait after the free attempts, and a right password clears the pair", async () => {
    const { id } = await owner("owner-phrase-4");
    const policy = { ...signInThrottle, freeAttempts: 2, baseDelayMs: 300 };
    const attempt: PasswordAttempt = { account: { userId: id }, ip: "10.4.0.1", deviceId: null };
    const first = await admitPasswordAttempt(attempt, policy);
    const second = await admitPasswordAttempt(attempt, policy);
    expect(first.admitted && second.admitted).toBe(true);
    const waiting = await admitPasswordAttempt(attempt, policy);
    expect(waiting).toMatchObject({ admitted: false, reason: "slowDown" });
    expect(!waiting.admitted && waiting.retryAfterMs).toBeLessThanOrEqual(300);
    await new Promise((r) => setTimeout(r, 350));
    const third = await admitPasswordAttempt(attempt, policy);
    expect(third.admitted).toBe(true);
    const doubled = await admitPasswordAttempt(attempt, policy);
    expect(!doubled.admitted && doubled.retryAfterMs).toBeGreaterThan(300);
    await new Promise((r) => setTimeout(r, 650));
    const right = await admitPasswordAttempt(attempt, policy);
    expect(right.admitted).toBe(true);
    if (right.admitted) await right.settle("right");
    expect((await admitPasswordAttempt(attempt, policy)).admitted).toBe(true);
  });

  it("caps failures from one network address across accounts", async () => {
    const policy = { ...signInThrottle, networkCeiling: 3 };
    for (let i = 0; i < 3; i++) {
      expect((await admitPasswordAttempt({ account: { unknownIdentifier: `1350000${i}${Date.now() % 1000}` }, ip: "10.5.0.9", deviceId: null }, policy)).admitted).toBe(true);
    }
    expect(await admitPasswordAttempt({ account: { unknownIdentifier: "someone@example.org" }, ip: "10.5.0.9", deviceId: null }, policy)).toMatchObject({ admitted: false, reason: "network" });
    expect((await admitPasswordAttempt({ account: { unknownIdentifier: "someone@example.org" }, ip: "10.5.0.10", deviceId: null }, policy)).admitted).toBe(true);
  });

  it("lets an administrator see and lift the limits, audited", async () => {
    const { id, phone } = await owner("owner-phrase-6");
    for (let i = 0; i < 8; i++) await login(phone, `attack-${i}`, "10.6.0.66");
    expect((await login(phone, "owner-phrase-6", "10.6.0.66")).status).toBe(429);
    const admin = await app.signIn(["admin"]);
    const page = (await userLoader({ request: makeRequest(`/admin/users/${id}`), context: admin.context, params: { userId: id } })) as Response;
    expect(page.status).toBe(200);
    expect((await page.json()).signIn).toMatchObject({ limited: true });

    const trainee = await app.signIn(["trainee"]);
    const refused = await responseOf(() => userAction({ request: makeRequest(`/admin/users/${id}`, { form: { intent: "unlock" } }), context: trainee.context, params: { userId: id } }));
    expect(refused.status).toBe(403);

    const res = await responseOf(() => userAction({ request: makeRequest(`/admin/users/${id}`, { form: { intent: "unlock" } }), context: admin.context, params: { userId: id } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ intent: "unlock", ok: true });
    expect(await signInThrottleState(id)).toEqual({ failures: 0, limited: false });
    const audit = await app.db.selectFrom("audit_events").selectAll().where("action", "=", "user.sign_in_unlocked").where("target_id", "=", id).executeTakeFirstOrThrow();
    expect(audit.actor_id).toBe(admin.id);
    expect((await login(phone, "owner-phrase-6", "10.6.0.66")).status).toBe(302);
  });

  it("throttles the current-password check on /profile", async () => {
    const { phone } = await owner("owner-phrase-7");
    const { auth } = await authenticate(cookieNamed(await login(phone, "owner-phrase-7", "10.7.0.1"), "bc_session"));
    const change = (current: string) =>
      responseOf(() =>
        profileAction({ request: makeRequest("/profile", { form: { intent: "password", current, password: "brand new phrase", confirm: "brand new phrase" } }), context: { auth, ip: "10.7.0.2" }, params: {} }),
      );
    for (let i = 0; i < signInThrottle.freeAttempts; i++) expect((await (await change(`wrong-${i}`)).json()).error).toBe("password.error.wrongCurrent");
    const slowed = await change("owner-phrase-7");
    expect(slowed.status).toBe(429);
    expect((await slowed.json()).error).toBe("password.error.slowDown");
    expect(slowed.headers.get("Retry-After")).toMatch(/^\d+$/);
  });
});

describe("where sign-in sends the browser", () => {
  async function signInTo(redirectTo: string) {
    const { phone } = await owner("owner-phrase-r");
    const request = makeRequest("/login", { form: { identifier: phone, password: "owner-phrase-r", redirectTo } });
    return responseOf(() => loginAction({ request, context: { ...app.anonymous(), ip: "10.8.0.1" }, params: {} }));
  }

  it("follows a path of our own", async () => {
    const res = await signInTo("/my-work?tab=returned");
    expect(res.headers.get("Location")).toBe("/my-work?tab=returned");
  });

  it.each(["/\t/localhost:9999/phish", "//evil.example/x", "/\\evil.example", "https://evil.example/", "/learn\n/evil"])(
    "goes home instead of to %j, and a control character is no 500",
    async (target) => {
      const res = await signInTo(target);
      expect(res.status).toBe(302);
      expect(res.headers.get("Location")).toBe("/learn");
    },
  );
});
