import { readFileSync } from "node:fs";
import { hash } from "@node-rs/argon2";
import pg from "pg";
import sharp from "sharp";
import type { Page, TestInfo } from "@playwright/test";
import { expect, screenshot, signIn, test } from "./fixtures";

// Field work on a weak signal (decision 025): the phone keeps the draft and the photos while offline,
// says that submitting needs the connection, and uploads each photo once when the signal returns.

const password = "离线实践任务的密码足够长";
const fieldTask = "/tasks/campus-foundation-emotion-friendly-classroom-field";

function database() {
  return new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
}

/** A fresh campus trainee, unique per test slot, project and attempt. */
async function arrangeTrainee(info: TestInfo, slot: string) {
  const phone = `135${slot}${info.retry}${info.project.name === "phone" ? 2 : 1}0000`;
  const db = database();
  await db.connect();
  try {
    const unit = await db.query<{ id: string }>("select id from org_units where name = '运城市盐湖区实验中学'");
    const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const user = await db.query<{ id: string }>("insert into users (name, phone, org_unit_id, track, password_hash) values ($1, $2, $3, 'campus', $4) returning id", [
      `离线学员${slot}${info.retry}`,
      phone,
      unit.rows[0]!.id,
      passwordHash,
    ]);
    await db.query("insert into user_roles (user_id, role) values ($1, 'trainee')", [user.rows[0]!.id]);
    return { phone, userId: user.rows[0]!.id };
  } finally {
    await db.end();
  }
}

async function evidenceRows(userId: string) {
  const db = database();
  await db.connect();
  try {
    const rows = await db.query<{ original_name: string; client_key: string | null }>(
      "select f.original_name, f.client_key from evidence_files f join submissions s on s.id = f.submission_id where s.user_id = $1 and f.deleted_at is null order by f.created_at",
      [userId],
    );
    return rows.rows;
  } finally {
    await db.end();
  }
}

async function draftOnServer(userId: string) {
  const db = database();
  await db.connect();
  try {
    const rows = await db.query<{ activity_title: string | null; reflection: string | null }>(
      "select activity_title, body->>'reflection' as reflection from submissions where user_id = $1 and task_id = 'campus-foundation-emotion-friendly-classroom-field'",
      [userId],
    );
    return rows.rows[0];
  } finally {
    await db.end();
  }
}

async function photo(color: string) {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: color } }).jpeg().toBuffer();
}

/** The service worker controls the page once it is active (the first visit installs it). */
async function waitForServiceWorker(page: Page) {
  await expect.poll(() => page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.active)), { timeout: 30_000 }).toBe(true);
  // Reload so this page's own requests pass through it (and are kept).
  await page.reload();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 30_000 }).toBe(true);
}

const reflection = "学生参与度较高，多数能用情绪词描述自己的感受，个别学生表达困难，需要更多示范。时间控制偏紧，下一次加入身体信号的觉察练习。".repeat(12);

test("offline field work: the draft and two photos stay on the phone, submitting waits for the connection, each photo uploads once", async ({ page, context, consoleErrors }, testInfo) => {
  test.setTimeout(180_000);
  const trainee = await arrangeTrainee(testInfo, "71");
  await signIn(page, trainee.phone, password);
  await page.goto(fieldTask);
  await page.getByRole("button", { name: "开始这个任务" }).click();
  await expect(page.getByLabel("活动名称", { exact: true })).toBeVisible();
  await waitForServiceWorker(page);

  // The signal goes. Typing keeps the draft on the device.
  await context.setOffline(true);
  await expect(page.getByText("已离线：填写的内容会保存在本机")).toBeVisible();
  await page.getByLabel("活动名称", { exact: true }).fill("离线填写的情绪小课堂");
  await page.getByLabel("服务人数", { exact: true }).fill("36");
  await page.getByLabel("反思与改进", { exact: true }).fill(reflection);
  await expect(page.getByText("已离线：草稿已保存在本机")).toBeVisible();

  // Two photos chosen offline wait on the device.
  await page.getByLabel("现场照片", { exact: true }).check();
  await page.getByLabel("选择文件（可多选）", { exact: true }).setInputFiles([
    { name: "离线照片1.jpg", mimeType: "image/jpeg", buffer: await photo("#7fb3d5") },
    { name: "离线照片2.jpg", mimeType: "image/jpeg", buffer: await photo("#f5cba7") },
  ]);
  await page.getByRole("button", { name: "上传", exact: true }).click();
  await expect(page.getByText("2 张照片等待上传")).toBeVisible();

  // Submitting offline explains itself and loses nothing.
  await page.getByRole("button", { name: "提交给导师" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "提交需要联网" })).toBeVisible();
  await expect(page.getByLabel("活动名称", { exact: true })).toHaveValue("离线填写的情绪小课堂");
  await screenshot(page, "offline-field-work", testInfo.project.name);

  // Opened again while still offline: the page comes from the phone, with the draft and the queue.
  await page.reload();
  await expect(page.getByLabel("活动名称", { exact: true })).toHaveValue("离线填写的情绪小课堂");
  await expect(page.getByLabel("服务人数", { exact: true })).toHaveValue("36");
  await expect(page.getByLabel("反思与改进", { exact: true })).toHaveValue(reflection);
  await expect(page.getByText("2 张照片等待上传")).toBeVisible();
  await expect(page.getByText("提交需要联网")).toBeVisible();
  expect(await evidenceRows(trainee.userId)).toHaveLength(0);
  await screenshot(page, "offline-field-work-reopened", testInfo.project.name);

  // The signal returns: the photos upload, each once, and the draft reaches the server.
  await context.setOffline(false);
  await expect(page.getByText("已上传 2 / 12 个文件")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("张照片等待上传")).toHaveCount(0);
  await expect.poll(async () => (await draftOnServer(trainee.userId))?.activity_title, { timeout: 30_000 }).toBe("离线填写的情绪小课堂");
  expect((await draftOnServer(trainee.userId))?.reflection).toBe(reflection);
  await expect(page.getByText(/已同步/)).toBeVisible();
  // Opening the page again sends nothing twice.
  await page.reload();
  await expect(page.getByText("已上传 2 / 12 个文件")).toBeVisible();
  const rows = await evidenceRows(trainee.userId);
  expect(rows.map((r) => r.original_name).sort()).toEqual(["离线照片1.jpg", "离线照片2.jpg"]);
  expect(rows.every((r) => r.client_key !== null)).toBe(true);
  await screenshot(page, "offline-field-work-synced", testInfo.project.name);

  // Online, the rest of the report and a sign-in sheet, then the work is submitted.
  await page.getByLabel("活动日期", { exact: true }).fill("2026-11-20");
  await page.getByLabel("服务对象", { exact: true }).selectOption("students");
  await page.getByLabel("时长（分钟）", { exact: true }).fill("10");
  await page.getByLabel("活动方案", { exact: true }).fill("目标：帮助学生识别并命名常见情绪。流程：导入情境、情绪卡片分类、两人一组练习、教师小结。安全预案：课后单独关心情绪波动的学生。");
  await page.getByLabel(/我确认/).check();
  await page.getByLabel("签到表", { exact: true }).check();
  await page.getByLabel("选择文件（可多选）", { exact: true }).setInputFiles([{ name: "签到表.jpg", mimeType: "image/jpeg", buffer: await photo("#ffffff") }]);
  await page.getByRole("button", { name: "上传", exact: true }).click();
  await expect(page.getByText("已上传 3 / 12 个文件")).toBeVisible();
  await page.getByRole("button", { name: "提交给导师" }).click();
  await expect(page.getByText("已提交，导师评阅后会在这里给出反馈。")).toBeVisible();
  // The device's draft is gone once the work is handed in.
  await expect
    .poll(() => page.evaluate(async () => new Promise<number>((resolve) => {
      const open = indexedDB.open("bc-drafts");
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains("drafts")) return resolve(0);
        const count = db.transaction("drafts").objectStore("drafts").count();
        count.onsuccess = () => resolve(count.result);
      };
    })), { timeout: 15_000 })
    .toBe(0);
  expect(consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(e))).toEqual([]);
  consoleErrors.length = 0;
});

test("a file the server refuses shows its reason next to that file when the queue syncs", async ({ page, context, consoleErrors }, testInfo) => {
  test.setTimeout(120_000);
  const trainee = await arrangeTrainee(testInfo, "72");
  await signIn(page, trainee.phone, password);
  await page.goto(fieldTask);
  await page.getByRole("button", { name: "开始这个任务" }).click();
  await expect(page.getByLabel("活动名称", { exact: true })).toBeVisible();
  await waitForServiceWorker(page);

  await context.setOffline(true);
  await page.getByLabel("现场照片", { exact: true }).check();
  await page.getByLabel("选择文件（可多选）", { exact: true }).setInputFiles([
    { name: "真照片.jpg", mimeType: "image/jpeg", buffer: await photo("#88aa66") },
    // A program renamed as a photo: only the server, reading its bytes, can tell.
    { name: "伪装照片.jpg", mimeType: "image/jpeg", buffer: Buffer.from("MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.\r\n", "latin1") },
  ]);
  await page.getByRole("button", { name: "上传", exact: true }).click();
  await expect(page.getByText("2 张照片等待上传")).toBeVisible();

  await context.setOffline(false);
  const refused = page.locator(".queued-files li", { hasText: "伪装照片.jpg" });
  await expect(refused.getByRole("alert")).toContainText("未能上传", { timeout: 60_000 });
  await expect(refused.getByRole("alert")).toContainText("不支持这种文件");
  await expect(page.getByText("已上传 1 / 12 个文件")).toBeVisible();
  await expect(page.locator(".queued-files li", { hasText: "真照片.jpg" })).toHaveCount(0);
  expect((await evidenceRows(trainee.userId)).map((r) => r.original_name)).toEqual(["真照片.jpg"]);
  await screenshot(page, "offline-upload-refused", testInfo.project.name);
  // The refused file can be taken off the list.
  await refused.getByRole("button", { name: /移除/ }).click();
  await expect(page.locator(".queued-files")).toHaveCount(0);
  expect(consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::|status of 400/.test(e))).toEqual([]);
  consoleErrors.length = 0;
});

test("a module page opened online reads offline; a page never opened says so", async ({ page, context, consoleErrors }, testInfo) => {
  test.setTimeout(120_000);
  const trainee = await arrangeTrainee(testInfo, "73");
  await signIn(page, trainee.phone, password);
  const modulePage = "/learn/campus/foundation/emotion-friendly-classroom";
  await page.goto(modulePage);
  const heading = page.getByRole("heading", { level: 1 });
  await expect(heading).toContainText("情绪友好课堂");
  await waitForServiceWorker(page);

  await context.setOffline(true);
  await page.reload();
  await expect(heading).toContainText("情绪友好课堂");
  await expect(page.getByText("安全、可预期、被尊重").first()).toBeVisible();
  await screenshot(page, "offline-module", testInfo.project.name);
  // Never kept: a staff page, and a page this phone never opened.
  const response = await page.goto("/learn/community/foundation/listening-companionship").catch(() => null);
  expect(response?.status() ?? 503).toBe(503);
  await expect(page.getByRole("heading", { name: "已离线" })).toBeVisible();
  await context.setOffline(false);
  // Signing out empties what the phone kept.
  await page.goto(modulePage);
  const kept = () => page.evaluate(async () => (await caches.keys()).includes("bc-learner-pages-v1") ? (await (await caches.open("bc-learner-pages-v1")).keys()).length : 0);
  expect(await kept()).toBeGreaterThan(0);
  const menu = page.locator(".phone-menu summary");
  if (await menu.isVisible()) await menu.click();
  await page.getByRole("button", { name: "退出", exact: true }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/learn"));
  await expect.poll(kept, { timeout: 15_000 }).toBe(0);
  expect(consoleErrors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::|status of 503/.test(e))).toEqual([]);
  consoleErrors.length = 0;
});

test("the site is installable: a valid manifest with its icons, and a service worker that is never cached long", async ({ page, request }) => {
  await page.goto("/");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBe("/manifest.webmanifest");
  const response = await request.get(href!);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toMatch(/application\/manifest\+json/);
  const manifest = (await response.json()) as { name: string; short_name: string; start_url: string; display: string; theme_color: string; icons: Array<{ src: string; sizes: string; type: string; purpose?: string }> };
  expect(manifest).toMatchObject({ name: "百城学堂", short_name: "百城学堂", display: "standalone", theme_color: "#0f6b5c" });
  for (const size of ["192x192", "512x512"]) {
    expect(manifest.icons.some((i) => i.sizes === size && (i.purpose ?? "any") === "any")).toBe(true);
    expect(manifest.icons.some((i) => i.sizes === size && i.purpose === "maskable")).toBe(true);
  }
  for (const icon of manifest.icons) {
    const file = await request.get(icon.src);
    expect(file.status(), icon.src).toBe(200);
    const meta = await sharp(await file.body()).metadata();
    expect(`${meta.width}x${meta.height}`, icon.src).toBe(icon.sizes);
    expect(meta.format).toBe("png");
  }
  const sw = await request.get("/sw.js");
  expect(sw.status()).toBe(200);
  expect(sw.headers()["cache-control"]).toBe("no-cache");
  expect(sw.headers()["content-type"]).toMatch(/javascript/);
  const csp = (await page.goto("/"))!.headers()["content-security-policy"]!;
  expect(csp).toContain("worker-src 'self'");
  expect(csp).toContain("manifest-src 'self'");
  // The shell is precached: this build's entry script is in the service worker's list.
  const entry = await page.evaluate(() => (window as unknown as { __remixManifest: { entry: { module: string } } }).__remixManifest.entry.module);
  expect(await sw.text()).toContain(entry.slice(1));
});
