import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

// The mentor's and the administrator's day, at 1280 px and on a 390 px phone.

test("outcomes: sub-region names stay on one line and no column is cut off", async ({ page }, testInfo) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/outcomes");
  const table = page.locator("table.compare");
  await expect(table).toBeVisible();
  const rowHeaders = table.locator("tbody th[scope=row]");
  expect(await rowHeaders.count()).toBeGreaterThan(0);
  const name = rowHeaders.first();
  const box = (await name.boundingBox())!;
  const lineHeight = await name.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 24);
  expect(box.height, "the region name wraps one character per line").toBeLessThan(lineHeight * 2 + 16);
  const viewport = page.viewportSize()!;
  for (const cell of await table.locator("tbody td").all()) {
    const b = (await cell.boundingBox())!;
    expect(b.x + b.width, "a column runs past the screen").toBeLessThanOrEqual(viewport.width + 1);
  }
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "staff-outcomes", testInfo.project.name);
});

async function query<T extends object>(text: string, values: unknown[] = []): Promise<T[]> {
  const { readFileSync } = await import("node:fs");
  const pg = (await import("pg")).default;
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    return (await db.query(text, values)).rows as T[];
  } finally {
    await db.end();
  }
}

/** Every h1/h2 on the page: none may repeat another heading or a button's words. */
async function repeatedHeadings(page: import("@playwright/test").Page) {
  return page.evaluate(() => {
    const headings = [...document.querySelectorAll("main h1, main h2")].map((h) => (h as HTMLElement).innerText.trim());
    const buttons = new Set([...document.querySelectorAll("main button")].map((b) => (b as HTMLElement).innerText.trim()));
    return headings.filter((h, k) => headings.indexOf(h) !== k || buttons.has(h));
  });
}

test("the profile and a user's admin page have no heading twice", async ({ page }, testInfo) => {
  await signIn(page, demo.admin);
  await page.goto("/profile");
  await expect(page.getByRole("heading", { level: 1, name: "个人资料" })).toBeVisible();
  expect(await repeatedHeadings(page)).toEqual([]);
  const [mentor] = await query<{ id: string }>("select id from users where email = $1", [demo.mentor]);
  await page.goto(`/admin/users/${mentor!.id}`);
  await expect(page.getByRole("button", { name: "生成密码重置链接" })).toBeVisible();
  expect(await repeatedHeadings(page)).toEqual([]);
  await screenshot(page, "staff-user-page", testInfo.project.name);
});

test("a mentor lands on the grading queue and always finds calibration", async ({ page }, testInfo) => {
  await signIn(page, demo.mentor2);
  await expect(page).toHaveURL(/\/mentor$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("link", { name: /校准练习/ }).first()).toBeVisible();
  await screenshot(page, "staff-mentor-home", testInfo.project.name);
});

test("an admin reads a trainee's learning record on their user page", async ({ page }, testInfo) => {
  await signIn(page, demo.admin);
  const [trainee] = await query<{ id: string }>("select id from users where phone = $1", [demo.campusTrainee]);
  await page.goto(`/admin/users/${trainee!.id}`);
  await expect(page.getByRole("heading", { level: 2, name: "学习记录" })).toBeVisible();
  await expect(page.getByText(/已读 \d+ 个模块，通过 \d+ 项任务。/)).toBeVisible();
  expect(await repeatedHeadings(page)).toEqual([]);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "staff-trainee-record", testInfo.project.name);
});

test("an admin searches for a unit and a person from one box", async ({ page }, testInfo) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/users");
  await page.getByRole("link", { name: "搜索人员、单位和证书" }).click();
  await page.getByLabel(/查找人员、单位或证书/).fill("烟台");
  await page.getByRole("button", { name: "查找", exact: true }).click();
  await expect(page.getByRole("heading", { level: 2, name: /^单位（\d+）$/ })).toBeVisible();
  await expect(page.getByRole("link", { name: /烟台市$/ }).first()).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "staff-search", testInfo.project.name);
});
