import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate, endAllSessions, endOtherSessions, endSession, startSession } from "~/auth.server";
import { recentSessions, SessionCache } from "~/runtime/session-cache.server";
import { createWebApp } from "~/runtime/web-app.server";
import { createTestApp } from "../support/app";

// Sessions validated a moment ago are served from memory (decision 022); every way a session ends or
// its owner changes must be seen at once. Real sessions in PostgreSQL; "from memory" is shown by
// deleting the row behind the cache's back (as another process would) and still being signed in.
let app: Awaited<ReturnType<typeof createTestApp>>;
let server: Server;
let base: string;

beforeAll(async () => {
  app = await createTestApp();
  server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const web = createWebApp({
    appOrigin: base,
    trustedOrigins: [base],
    logger: pino({ level: "silent" }),
    health: async () => ({ ok: true, body: {} }),
    // A stand-in for Remix that says who the edge thinks is signed in.
    handleRequest: async (_request, context) =>
      new Response(JSON.stringify({ user: context.auth.user }), { headers: { "Content-Type": "application/json" } }),
  });
  server.on("request", web);
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await app?.close();
});

const cookieOf = (setCookie: string) => setCookie.split(";")[0]!;
const sessionIdOf = (cookie: string) => cookie.split("=")[1]!;
const deleteRow = (sessionId: string) => app.db.deleteFrom("sessions").where("id", "=", sessionId).execute();

async function signedIn(name: string) {
  const user = await app.signIn(["trainee"], { name });
  const cookie = cookieOf(await startSession(user.id, {}));
  return { user, cookie, sessionId: sessionIdOf(cookie) };
}

describe("recently validated sessions", () => {
  it("serve a signed-in request from memory for a few seconds", async () => {
    const { user, cookie, sessionId } = await signedIn("缓存会话学员");
    expect((await authenticate(cookie)).auth.user?.id).toBe(user.id);
    await deleteRow(sessionId);
    // The row is gone, but this process validated the session a moment ago.
    expect((await authenticate(cookie)).auth.user?.id).toBe(user.id);
    recentSessions.forget(sessionId);
    expect((await authenticate(cookie)).auth.user).toBeNull();
  });

  it("are looked up once for all the requests in flight when the remembered one has run out", async () => {
    const { user, cookie, sessionId } = await signedIn("并发会话学员");
    recentSessions.forget(sessionId);
    const answers = await Promise.all(Array.from({ length: 20 }, () => authenticate(cookie)));
    expect(answers.every((a) => a.auth.user?.id === user.id)).toBe(true);
    // One look-up answered them all: the very same answer, not twenty equal ones.
    expect(new Set(answers).size).toBe(1);
    // And the next one after it is not held: a session ended since is seen.
    recentSessions.forget(sessionId);
    await deleteRow(sessionId);
    expect((await authenticate(cookie)).auth.user).toBeNull();
  });

  it("end at once on sign-out", async () => {
    const { cookie, sessionId } = await signedIn("退出学员");
    await authenticate(cookie);
    await endSession(sessionId);
    expect((await authenticate(cookie)).auth.user).toBeNull();
  });

  it("end at once on a password change (other devices) and on deactivation (all devices)", async () => {
    const { user, cookie: here } = await signedIn("改密学员");
    const there = cookieOf(await startSession(user.id, {}));
    await authenticate(here);
    await authenticate(there);
    await endOtherSessions(user.id, sessionIdOf(here));
    expect((await authenticate(there)).auth.user).toBeNull();
    expect((await authenticate(here)).auth.user?.id).toBe(user.id);
    await endAllSessions(user.id);
    expect((await authenticate(here)).auth.user).toBeNull();
  });

  it("are validated afresh after any form post, so a role change shows on the next request", async () => {
    const { user, cookie } = await signedIn("角色变更学员");
    const rolesSeen = async () => ((await (await fetch(`${base}/learn`, { headers: { Cookie: cookie } })).json()) as { user: { roles: string[] } }).user.roles;
    expect(await rolesSeen()).toEqual(["trainee"]);
    // Changed in the database (as an admin's form would): not yet seen, the session is remembered...
    await app.db.insertInto("user_roles").values({ user_id: user.id, role: "mentor" }).execute();
    expect(await rolesSeen()).toEqual(["trainee"]);
    // ...until a state-changing request of this process has finished.
    const post = await fetch(`${base}/admin/users/${user.id}`, { method: "POST", headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" }, body: "intent=roles" });
    await post.text();
    expect((await rolesSeen()).sort()).toEqual(["mentor", "trainee"]);
  });

  it("are forgotten after their freshness and never served past the session's expiry", () => {
    const cache = new SessionCache(5_000);
    cache.set("a", { user: { id: "u" }, expiresAt: 100_000, createdAt: 0, storedAt: 1_000 });
    expect(cache.get("a", 5_999)).toBeDefined();
    expect(cache.get("a", 6_000)).toBeUndefined();
    cache.set("b", { user: { id: "u" }, expiresAt: 2_000, createdAt: 0, storedAt: 1_000 });
    expect(cache.get("b", 2_000)).toBeUndefined();
  });

  it("hold at most maxEntries sessions, the oldest going first", () => {
    const cache = new SessionCache(60_000, 100);
    for (let i = 0; i < 1_000; i++) cache.set(`s${i}`, { user: { id: `u${i % 7}` }, expiresAt: Date.now() + 60_000, createdAt: null, storedAt: Date.now() });
    expect(cache.size).toBe(100);
    expect(cache.get("s0")).toBeUndefined();
    expect(cache.get("s999")).toBeDefined();
    cache.forgetUser("u5");
    expect(cache.size).toBeLessThan(100);
  });
});
