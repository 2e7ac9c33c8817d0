import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "~/auth.server";
import { hashPassword } from "~/passwords.server";
import { action as loginAction } from "~/routes/login";
import { action as logoutAction } from "~/routes/logout";
import { action as inviteAction, loader as inviteLoader } from "~/routes/invite.$token";
import { action as profileAction } from "~/routes/profile";
import { action as userAction } from "~/routes/admin.users.$userId";
import { action as newUserAction } from "~/routes/admin.users.new";
import { createTestApp, makeRequest, responseOf } from "../support/app";

let app: Awaited<ReturnType<typeof createTestApp>>;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.close());

async function userWithPassword(phone: string, password: string, roles: Array<"trainee" | "mentor" | "admin"> = ["trainee"]) {
  const { id } = await app.signIn(roles);
  await app.db.updateTable("users").set({ phone, password_hash: await hashPassword(password) }).where("id", "=", id).execute();
  return id;
}

async function login(identifier: string, password: string, ip = "10.0.0.1") {
  const context = { ...app.anonymous(), ip };
  return responseOf(() => loginAction({ request: makeRequest("/login", { form: { identifier, password } }), context, params: {} }));
}

function sessionCookie(res: Response): string {
  const cookie = res.headers.get("Set-Cookie") ?? "";
  return cookie.split(";")[0]!;
}

describe("login", () => {
  it("signs in with phone and password, sets an HttpOnly SameSite=Lax cookie and sends the trainee to /learn", async () => {
    await userWithPassword("13711110001", "secret-phrase-1");
    const res = await login("137 1111 0001", "secret-phrase-1");
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/learn");
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^bc_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const { auth } = await authenticate(sessionCookie(res));
    expect(auth.user?.roles).toEqual(["trainee"]);
  });

  it("answers an unknown account and a wrong password identically", async () => {
    await userWithPassword("13711110002", "secret-phrase-2");
    const wrong = await login("13711110002", "not-the-password");
    const unknown = await login("13711119999", "not-the-password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: "login.error.invalid", identifier: "13711110002" });
    expect(await unknown.json()).toEqual({ error: "login.error.invalid", identifier: "13711119999" });
  });

  it("gives a new session id at every login, and logout ends it on the server", async () => {
    await userWithPassword("13711110005", "secret-phrase-5");
    const first = sessionCookie(await login("13711110005", "secret-phrase-5"));
    const second = sessionCookie(await login("13711110005", "secret-phrase-5"));
    expect(first).not.toBe(second);
    const { auth } = await authenticate(second);
    const res = await responseOf(() => logoutAction({ request: makeRequest("/logout", { form: {} }), context: { auth, ip: null }, params: {} }));
    expect(res.status).toBe(302);
    expect((await authenticate(second)).auth.user).toBeNull();
    expect((await authenticate(first)).auth.user).not.toBeNull();
  });

  it("refuses a deactivated account and ends its existing sessions", async () => {
    const id = await userWithPassword("13711110006", "secret-phrase-6");
    const cookie = sessionCookie(await login("13711110006", "secret-phrase-6"));
    const admin = await app.signIn(["admin"]);
    const res = await userAction({ request: makeRequest(`/admin/users/${id}`, { form: { intent: "deactivate" } }), context: admin.context, params: { userId: id } });
    expect((res as Response).status).toBe(200);
    expect((await authenticate(cookie)).auth.user).toBeNull();
    expect((await login("13711110006", "secret-phrase-6")).status).toBe(403);
  });
});

describe("invitation links", () => {
  async function issueLink(userId: string) {
    const admin = await app.signIn(["admin"]);
    const res = (await userAction({ request: makeRequest(`/admin/users/${userId}`, { form: { intent: "link" } }), context: admin.context, params: { userId } })) as Response;
    const body = await res.json();
    return new URL(body.url).pathname.split("/").pop()!;
  }

  it("lets the invited person set a password once, then signs them in", async () => {
    const { id } = await app.signIn(["trainee"], { signedUp: false });
    const token = await issueLink(id);
    const stored = await app.db.selectFrom("access_tokens").select("token_hash").where("user_id", "=", id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    expect(token.length).toBeGreaterThanOrEqual(43);

    const view = (await inviteLoader({ request: makeRequest(`/invite/${token}`), context: app.anonymous(), params: { token } })) as Response;
    expect(await view.json()).toMatchObject({ state: "valid", purpose: "invite" });

    const weak = await responseOf(() => inviteAction({ request: makeRequest(`/invite/${token}`, { form: { password: "12345678", confirm: "12345678" } }), context: app.anonymous(), params: { token } }));
    expect((await weak.json()).error).toBe("password.error.common");

    const ok = await responseOf(() => inviteAction({ request: makeRequest(`/invite/${token}`, { form: { password: "my own long phrase", confirm: "my own long phrase" } }), context: app.anonymous(), params: { token } }));
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Set-Cookie")).toMatch(/^bc_session=/);

    const again = await responseOf(() => inviteAction({ request: makeRequest(`/invite/${token}`, { form: { password: "another long phrase", confirm: "another long phrase" } }), context: app.anonymous(), params: { token } }));
    expect(again.status).toBe(410);
    expect((await again.json()).error).toBe("invite.used");
  });

  it("refuses an expired link and an unknown one", async () => {
    const { id } = await app.signIn(["trainee"], { signedUp: false });
    const token = await issueLink(id);
    await app.db.updateTable("access_tokens").set({ expires_at: new Date(Date.now() - 1000) }).where("user_id", "=", id).execute();
    const expired = (await inviteLoader({ request: makeRequest(`/invite/${token}`), context: app.anonymous(), params: { token } })) as Response;
    expect(expired.status).toBe(410);
    expect((await expired.json()).state).toBe("expired");
    const unknown = (await inviteLoader({ request: makeRequest("/invite/nope"), context: app.anonymous(), params: { token: "nope" } })) as Response;
    expect(unknown.status).toBe(404);
  });
});

describe("admin user management", () => {
  it("creates a user with roles, refuses a duplicate phone with a clear message and writes nothing", async () => {
    const admin = await app.signIn(["admin"]);
    const form = { name: "周老师", phone: "13722220001", email: "", orgUnitId: "", track: "campus", roles: ["trainee", "mentor"] };
    const created = await responseOf(() => newUserAction({ request: makeRequest("/admin/users/new", { form }), context: admin.context, params: {} }));
    expect(created.status).toBe(400); // org is required for a new user
    expect((await created.json()).errors.orgUnitId).toBe("users.error.org");

    const orgId = await app.programmeRoot();
    const ok = await responseOf(() => newUserAction({ request: makeRequest("/admin/users/new", { form: { ...form, orgUnitId: orgId } }), context: admin.context, params: {} }));
    expect(ok.status).toBe(302);
    const dup = await responseOf(() => newUserAction({ request: makeRequest("/admin/users/new", { form: { ...form, name: "另一人", orgUnitId: orgId } }), context: admin.context, params: {} }));
    expect(dup.status).toBe(409);
    expect((await dup.json()).errors.phone).toBe("form.error.phoneTaken");
    const rows = await app.db.selectFrom("users").select("name").where("phone", "=", "13722220001").execute();
    expect(rows.map((r) => r.name)).toEqual(["周老师"]);
  });

  it("records role changes in the audit log and refuses to demote oneself", async () => {
    const admin = await app.signIn(["admin"]);
    const { id } = await app.signIn(["trainee"]);
    const user = await app.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    const form = { intent: "save", name: user.name, phone: user.phone ?? "", email: "", orgUnitId: "", track: "", roles: ["trainee", "mentor"] };
    const res = (await userAction({ request: makeRequest(`/admin/users/${id}`, { form }), context: admin.context, params: { userId: id } })) as Response;
    expect(res.status).toBe(200);
    const roles = await app.db.selectFrom("user_roles").select("role").where("user_id", "=", id).orderBy("role").execute();
    expect(roles.map((r) => r.role)).toEqual(["mentor", "trainee"]);
    const event = await app.db.selectFrom("audit_events").selectAll().where("action", "=", "user.roles_changed").where("target_id", "=", id).executeTakeFirstOrThrow();
    expect(event.details).toEqual({ from: ["trainee"], to: ["trainee", "mentor"] });

    const me = await app.db.selectFrom("users").selectAll().where("id", "=", admin.id).executeTakeFirstOrThrow();
    const demote = await responseOf(() => userAction({ request: makeRequest(`/admin/users/${admin.id}`, { form: { intent: "save", name: me.name, phone: me.phone ?? "", email: "", orgUnitId: "", track: "", roles: ["trainee"] } }), context: admin.context, params: { userId: admin.id } }));
    // An admin's own account is changed on /profile, never here.
    expect(demote.status).toBe(403);
    expect((await demote.json()).errors.form).toBe("reach.error.self");
  });
});

describe("profile", () => {
  it("changes the password with the current one and ends the other sessions", async () => {
    await userWithPassword("13711110007", "secret-phrase-7");
    const other = sessionCookie(await login("13711110007", "secret-phrase-7"));
    const current = sessionCookie(await login("13711110007", "secret-phrase-7"));
    const { auth } = await authenticate(current);
    const wrong = await responseOf(() => profileAction({ request: makeRequest("/profile", { form: { intent: "password", current: "nope-nope", password: "brand new phrase", confirm: "brand new phrase" } }), context: { auth, ip: null }, params: {} }));
    expect((await wrong.json()).error).toBe("password.error.wrongCurrent");
    const ok = await responseOf(() => profileAction({ request: makeRequest("/profile", { form: { intent: "password", current: "secret-phrase-7", password: "brand new phrase", confirm: "brand new phrase" } }), context: { auth, ip: null }, params: {} }));
    expect((await ok.json()).ok).toBe(true);
    expect((await authenticate(other)).auth.user).toBeNull();
    expect((await authenticate(current)).auth.user).not.toBeNull();
    expect((await login("13711110007", "brand new phrase")).status).toBe(302);
  });
});
