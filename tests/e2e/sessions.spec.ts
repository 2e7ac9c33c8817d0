import { readFileSync } from "node:fs";
import pg from "pg";
import sharp from "sharp";
import { demo, expect, screenshot, signIn, test } from "./fixtures";

// Sessions in the browser, on a desktop and a phone: a trainee joins the waitlist of a full session
// from its own page and sees their place; a coordinator uploads a photo of the paper sign-in sheet on
// the session's admin page and opens it. Screenshots: tests/screenshots/sessions-*.png.

async function withDb<T>(run: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    return await run(db);
  } finally {
    await db.end();
  }
}

/** A full 山西 session (one place, taken by 张伟) starting in three days. */
async function fullSession(title: string): Promise<string> {
  return withDb(async (db) => {
    const unit = (await db.query<{ id: string }>("select id from org_units where name = '山西省' limit 1")).rows[0]!.id;
    const id = (
      await db.query<{ id: string }>(
        "insert into training_sessions (org_unit_id, kind, title, starts_at, ends_at, place, capacity, hours, cancel_by, checkin_secret) values ($1, 'training', $2, date_trunc('hour', now()) + interval '3 days', date_trunc('hour', now()) + interval '3 days 3 hours', '运城市教育局三楼报告厅', 1, 3, date_trunc('hour', now()) + interval '2 days', repeat('k', 40)) returning id",
        [unit, title],
      )
    ).rows[0]!.id;
    const other = (await db.query<{ id: string }>("select id from users where phone = $1", [demo.communityTrainee])).rows[0]!.id;
    await db.query("insert into session_enrolments (session_id, user_id, status) values ($1, $2, 'enrolled')", [id, other]);
    return id;
  });
}

test("a trainee joins the waitlist of a full session and sees their place", async ({ page }, info) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const title = `心理危机识别与转介培训（${info.project.name}）`;
  const id = await fullSession(title);
  await signIn(page, demo.campusTrainee);
  await page.goto("/sessions");
  await expect(page.getByRole("heading", { name: "线下活动", level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: title, exact: true })).toBeVisible();
  await screenshot(page, "sessions-list", info.project.name);

  await page.getByRole("link", { name: title, exact: true }).click();
  await expect(page).toHaveURL(`/sessions/${id}`);
  await page.getByRole("button", { name: "名额已满，加入候补" }).click();
  await expect(page.getByText("您已进入候补名单")).toBeVisible();
  await expect(page.getByText("您在候补名单第 1 位")).toBeVisible();
  await expect(page.getByRole("button", { name: "退出候补" })).toBeVisible();
  await screenshot(page, "sessions-waitlisted", info.project.name);
  // The navigation leads back to the list (in the phone menu on a phone).
  const menu = page.locator(".phone-menu summary");
  if (await menu.isVisible()) await menu.click();
  await expect(page.getByRole("link", { name: "线下活动", exact: true }).first()).toBeVisible();
  expect(errors).toEqual([]);
});

test("a coordinator uploads a photo of the paper sign-in sheet and opens it", async ({ page }, info) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const title = `班主任心理健康讲座（${info.project.name}）`;
  const id = await fullSession(title);
  const photo = await sharp({ create: { width: 900, height: 1200, channels: 3, background: "#f5f1e6" } })
    .composite([{ input: Buffer.from('<svg width="900" height="1200"><rect x="60" y="80" width="780" height="60" fill="#333"/><g fill="#999">' + Array.from({ length: 14 }, (_, i) => `<rect x="60" y="${200 + i * 65}" width="780" height="3"/>`).join("") + "</g></svg>"), top: 0, left: 0 }])
    .jpeg()
    .toBuffer();
  await signIn(page, demo.shanxiAdmin);
  await page.goto(`/admin/sessions/${id}`);
  await expect(page.getByRole("heading", { name: "纸质签到表" })).toBeVisible();
  await expect(page.getByText("还没有上传签到表。")).toBeVisible();
  await page.getByLabel("选择文件").setInputFiles({ name: "签到表-第1页.jpg", mimeType: "image/jpeg", buffer: photo });
  await page.getByRole("button", { name: "上传签到表" }).click();
  await expect(page.getByText("签到表已上传。")).toBeVisible();
  await expect(page.getByText("签到表-第1页.jpg")).toBeVisible();
  await expect(page.getByText(/山西省协调员 上传于/)).toBeVisible();
  await expect(page.locator(".sheet-preview img")).toBeVisible();
  await screenshot(page, "sessions-admin-sheet", info.project.name);

  const href = await page.getByRole("link", { name: "查看签到表 签到表-第1页.jpg" }).getAttribute("href");
  const opened = await page.request.get(href!);
  expect(opened.status()).toBe(200);
  expect(opened.headers()["content-type"]).toBe("image/jpeg");

  // A file that is not an image or a PDF is refused with its reason, and nothing is added.
  await page.getByLabel("选择文件").setInputFiles({ name: "签到表.jpg", mimeType: "image/jpeg", buffer: Buffer.from("MZ\x90\x00 not a picture", "latin1") });
  await page.getByRole("button", { name: "上传签到表" }).click();
  await expect(page.getByText("不支持这种文件")).toBeVisible();
  await expect(page.locator(".sheet-item")).toHaveCount(1);
  expect(errors).toEqual([]);
});
