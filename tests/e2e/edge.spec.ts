import { readFileSync } from "node:fs";
import { hash } from "@node-rs/argon2";
import pg from "pg";
import { demo, demoPassword, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

// The request edge of the built server: headers, limits and refusals as a browser or an attacker meets them.

const password = "边界测试用的一句长密码";

/** A new trainee with a password and a phone number unique to this attempt. */
async function arrangeTrainee(name: string): Promise<{ id: string; phone: string }> {
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    const phone = `137${String(Date.now()).slice(-7)}${Math.floor(Math.random() * 10)}`;
    const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const user = await db.query<{ id: string }>("insert into users (name, phone, track, password_hash) values ($1, $2, 'campus', $3) returning id", [name, phone, passwordHash]);
    await db.query("insert into user_roles (user_id, role) values ($1, 'trainee')", [user.rows[0]!.id]);
    return { id: user.rows[0]!.id, phone };
  } finally {
    await db.end();
  }
}

function expectHardened(headers: Record<string, string>) {
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("same-origin");
  expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
}

test("every kind of response carries the security headers; pages get a nonce CSP without 'unsafe-eval'", async ({ request }) => {
  for (const path of ["/", "/login", "/healthz", "/favicon.svg", "/.well-known/jwks.json", "/no/such/page"]) {
    const res = await request.get(path);
    expectHardened(res.headers());
  }
  const page = await request.get("/login");
  const html = await page.text();
  const csp = page.headers()["content-security-policy"]!;
  const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce).toBeTruthy();
  expect(csp).not.toContain("unsafe-eval");
  // Remix's inline scripts carry this response's nonce.
  expect(html).toContain(`nonce="${nonce}"`);
  const asset = /<script[^>]+src="(\/build\/[^"]+\.js)"/.exec(html)?.[1] ?? /href="(\/build\/[^"]+\.js)"/.exec(html)![1]!;
  expectHardened((await request.get(asset)).headers());
});

test("a module page renders its MDX under the strict CSP, with no console errors", async ({ page, consoleErrors }) => {
  await signIn(page, demo.campusTrainee);
  const response = await page.goto("/learn/campus/foundation/student-development");
  expect(response!.headers()["content-security-policy"]).not.toContain("unsafe-eval");
  await expect(page.locator(".prose h2").first()).toBeVisible();
  await expect(page.locator(".prose .task-card").first()).toBeVisible();
  // A task link inside the module body still navigates within the app.
  await page.locator(".prose .task-card a.button").first().click();
  await expect(page).toHaveURL(/\/tasks\//);
  expect(consoleErrors).toEqual([]);
});

test("/verify pages are kept out of search engines and shared caches", async ({ request }) => {
  for (const path of ["/verify", "/verify/BC-2026-AAAA-BBBB"]) {
    const res = await request.get(path);
    expect(res.headers()["x-robots-tag"]).toContain("noindex");
    expect(res.headers()["cache-control"]).toBe("no-store");
    expect(await res.text()).toContain('name="robots" content="noindex"');
  }
});

test("an oversized body is refused with 413 before it is read", async ({ request, baseURL }) => {
  for (const path of ["/login", "/verify/BC-2026-AAAA-BBBB"]) {
    const res = await request.post(path, { headers: { Origin: baseURL!, "Content-Type": "application/x-www-form-urlencoded" }, data: Buffer.alloc(2_000_000, "a") });
    expect(res.status()).toBe(413);
    expect(await res.text()).toContain("提交的内容过大");
  }
});

test("posts without a form, or with an unreadable Referer, get a 4xx in Chinese, never a 500", async ({ request, baseURL }) => {
  const json = await request.post("/login", { headers: { Origin: baseURL!, "Content-Type": "application/json" }, data: '{"identifier":"x"}' });
  expect(json.status()).toBe(415);
  expect(await json.text()).toContain("请通过页面上的表单提交");
  const referer = await request.post("/login", { headers: { Referer: "http://[oops", "Content-Type": "application/x-www-form-urlencoded" }, data: "identifier=x" });
  expect(referer.status()).toBe(403);
  const text = await referer.text();
  expect(text).toContain("跨站请求已被拒绝");
  expect(text).not.toMatch(/\.(ts|js):\d+/);
});

test("POST /logout with no body ends the session", async ({ page, baseURL }) => {
  const trainee = await arrangeTrainee("边界退出");
  await signIn(page, trainee.phone, password);
  const res = await page.request.post("/logout", { headers: { Origin: baseURL! }, maxRedirects: 0 });
  expect(res.status()).toBe(302);
  expect(res.headers()["location"]).toBe("/login");
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fprofile$/);
});

test("sign-in never sends the browser to another site", async ({ page, baseURL }) => {
  const trainee = await arrangeTrainee("边界跳转");
  await page.goto(`/login?redirectTo=${encodeURIComponent("/\t/localhost:9999/phish")}`);
  await page.getByLabel("手机号或邮箱").fill(trainee.phone);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
  expect(new URL(page.url()).origin).toBe(new URL(baseURL!).origin);
  expect(new URL(page.url()).pathname).toBe("/learn");
});

test("an administrator sees a throttled account and lifts its limits", async ({ page, browser, baseURL, consoleErrors }, testInfo) => {
  const trainee = await arrangeTrainee(testInfo.project.name === "phone" ? "限流手机" : "限流桌面");
  const attacker = await browser.newContext({ baseURL });
  for (let i = 0; i < 7; i++) {
    await attacker.request.post("/login", { headers: { Origin: baseURL! }, form: { identifier: trainee.phone, password: `wrong-guess-${i}` } });
  }
  const slowed = await attacker.request.post("/login", { headers: { Origin: baseURL! }, form: { identifier: trainee.phone, password } });
  expect(slowed.status()).toBe(429);

  await signIn(page, demo.admin, demoPassword);
  await page.goto(`/admin/users/${trainee.id}`);
  const card = page.getByRole("region", { name: "登录限制" });
  await expect(card).toContainText("次失败的登录尝试");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "admin-user-sign-in-limits", testInfo.project.name);
  await card.getByRole("button", { name: "解除登录限制" }).click();
  await expect(card).toContainText("已解除登录限制");

  const again = await attacker.request.post("/login", { headers: { Origin: baseURL! }, form: { identifier: trainee.phone, password }, maxRedirects: 0 });
  expect(again.status()).toBe(302);
  await attacker.close();
  expect(consoleErrors).toEqual([]);
});
