import { randomInt, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { hash } from "@node-rs/argon2";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import pg from "pg";
import { expect, test } from "./fixtures";

// Signed-in pages rendered once per state (decision 031), on the built server: the module page is
// answered again only for exactly the data it was rendered from, whoever or whatever changed that data.

const password = "渲染缓存测试用的一句长密码";
const modulePath = "/learn/campus/foundation/student-development";

async function withDatabase<T>(work: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/** A new campus trainee with a name and phone number unique to this attempt. */
async function arrangeTrainee(name: string): Promise<{ id: string; phone: string; name: string }> {
  const unique = `${name}${randomUUID().slice(0, 6)}`;
  const phone = `136${randomInt(10_000_000, 100_000_000)}`;
  const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
  return withDatabase(async (db) => {
    const user = await db.query<{ id: string }>("insert into users (name, phone, track, password_hash) values ($1, $2, 'campus', $3) returning id", [unique, phone, passwordHash]);
    await db.query("insert into user_roles (user_id, role) values ($1, 'trainee')", [user.rows[0]!.id]);
    return { id: user.rows[0]!.id, phone, name: unique };
  });
}

async function signInApi(request: APIRequestContext, baseURL: string, phone: string) {
  const res = await request.post("/login", { headers: { Origin: baseURL }, form: { identifier: phone, password }, maxRedirects: 0 });
  expect(res.status(), await res.text()).toBe(302);
}

const nonceOf = (res: APIResponse) => /'nonce-([^']+)'/.exec(res.headers()["content-security-policy"] ?? "")![1]!;
/** The page with its nonce taken out: two answers of one render are then equal. */
const withoutNonce = async (res: APIResponse) => (await res.text()).split(nonceOf(res)).join("NONCE");

test("a module page is rendered once per state: the same data is answered again with a fresh nonce, any change renders it anew", async ({ playwright, baseURL }) => {
  const trainee = await arrangeTrainee("渲染缓存学员");
  const request = await playwright.request.newContext({ baseURL });
  try {
    await signInApi(request, baseURL!, trainee.phone);
    const first = await request.get(modulePath);
    expect(first.status()).toBe(200);
    expect(first.headers()["x-page-cache"]).toBe("miss");
    const firstBody = await first.text();
    expect(firstBody).toContain(trainee.name);
    expect(firstBody).toContain('value="read"');

    const second = await request.get(modulePath);
    expect(second.headers()["x-page-cache"]).toBe("hit");
    expect(nonceOf(second)).not.toBe(nonceOf(first));
    expect(await second.text()).toContain(`nonce="${nonceOf(second)}"`);
    expect(await second.text()).not.toContain(nonceOf(first));
    expect(await withoutNonce(second)).toBe(await withoutNonce(first));

    // A notification written by another process (a worker): the badge shows it at once.
    await withDatabase((db) =>
      db.query("insert into notifications (id, user_id, kind, payload) values ($1, $2, 'certificate.issued', $3)", [
        `render-cache-${randomUUID()}`,
        trainee.id,
        JSON.stringify({ certificateId: randomUUID(), number: "BC-2026-TEST-0001", track: "campus", tier: "foundation" }),
      ]),
    );
    const notified = await request.get(modulePath);
    expect(notified.headers()["x-page-cache"]).toBe("miss");
    expect(await notified.text()).toMatch(/class="count-badge"[^>]*>1</);
    expect((await request.get(modulePath)).headers()["x-page-cache"]).toBe("hit");

    // The trainee marks the module read: the page says so on the next look, not the page kept before.
    const marked = await request.post(modulePath, { headers: { Origin: baseURL! }, form: { intent: "read" } });
    expect(marked.status()).toBe(200);
    const afterRead = await request.get(modulePath);
    expect(afterRead.headers()["x-page-cache"]).toBe("miss");
    const afterReadBody = await afterRead.text();
    expect(afterReadBody).toContain("已标记为已读。");
    expect(afterReadBody).not.toContain('value="read"');
  } finally {
    await request.dispose();
  }
});

test("a kept page is never answered to someone else, to a signed-out session, or for data requests and query strings", async ({ playwright, baseURL }) => {
  const [a, b] = [await arrangeTrainee("缓存甲"), await arrangeTrainee("缓存乙")];
  const first = await playwright.request.newContext({ baseURL });
  const second = await playwright.request.newContext({ baseURL });
  try {
    await signInApi(first, baseURL!, a.phone);
    await signInApi(second, baseURL!, b.phone);
    expect((await first.get(modulePath)).headers()["x-page-cache"]).toBe("miss");
    expect((await first.get(modulePath)).headers()["x-page-cache"]).toBe("hit");
    const other = await second.get(modulePath);
    expect(other.headers()["x-page-cache"]).toBe("miss");
    const otherBody = await other.text();
    expect(otherBody).toContain(b.name);
    expect(otherBody).not.toContain(a.name);

    // Remix's data requests and any query string go to Remix as always.
    const data = await first.get(`${modulePath}?_data=${encodeURIComponent("routes/learn.$track.$tier.$slug")}`);
    expect(data.headers()["content-type"]).toContain("application/json");
    expect(data.headers()["x-page-cache"]).toBeUndefined();
    expect((await first.get(`${modulePath}?from=home`)).headers()["x-page-cache"]).toBeUndefined();

    // A page that would not answer 200 is never kept nor answered from memory: a locked tier, a missing module.
    const locked = await first.get("/learn/campus/supervisor/evaluation-supervision", { maxRedirects: 0 });
    expect(locked.status()).not.toBe(200);
    expect(locked.headers()["x-page-cache"]).toBeUndefined();
    expect((await first.get("/learn/campus/foundation/no-such-module")).status()).toBe(404);

    // Signed out: the old session cookie no longer opens the page, kept or not.
    const cookie = (await first.storageState()).cookies.find((c) => c.name === "bc_session")!;
    expect((await first.post("/logout", { headers: { Origin: baseURL! }, maxRedirects: 0 })).status()).toBe(302);
    const stale = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Cookie: `bc_session=${cookie.value}` } });
    try {
      const after = await stale.get(modulePath, { maxRedirects: 0 });
      expect(after.status()).toBe(302);
      expect(after.headers()["location"]).toContain("/login");
    } finally {
      await stale.dispose();
    }
  } finally {
    await first.dispose();
    await second.dispose();
  }
});
