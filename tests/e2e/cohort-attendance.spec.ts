import { readFileSync } from "node:fs";
import { hash } from "@node-rs/argon2";
import type { Browser, Page, TestInfo } from "@playwright/test";
import pg from "pg";
import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

// Issue 17 end to end, on phones: a coordinator creates a 督导 cohort and a group-supervision session
// for it, a trainee signs up, the coordinator opens the check-in screen, the trainee's phone opens the
// URL the screen's QR code carries and is marked present, and the trainee's certificate panel moves
// from "团体督导 0/4 次" to "1/4 次" (the stored evaluation follows through the outbox and the
// worker). Then the cohort view shows it, and a message to the cohort reaches the trainee.

test.beforeEach(({}, info) => {
  test.skip(info.project.name !== "phone", "the phone profile only");
});

const database = () => new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });

/** A campus trainee of 运城市盐湖区实验中学 with a password, in no cohort yet. */
async function newTrainee(phone: string, name: string, password: string): Promise<string> {
  const db = database();
  await db.connect();
  try {
    const school = await db.query<{ id: string }>("select id from org_units where name = '运城市盐湖区实验中学'");
    const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const user = await db.query<{ id: string }>("insert into users (name, phone, org_unit_id, track, password_hash) values ($1, $2, $3, 'campus', $4) returning id", [name, phone, school.rows[0]!.id, passwordHash]);
    await db.query("insert into user_roles (user_id, role) values ($1, 'trainee')", [user.rows[0]!.id]);
    return user.rows[0]!.id;
  } finally {
    await db.end();
  }
}

/** The missing items of the stored evaluation (written by the eligibility worker), or null. */
async function storedMissing(userId: string): Promise<Array<{ key: string; params?: Record<string, number> }> | null> {
  const db = database();
  await db.connect();
  try {
    const row = await db.query<{ missing: Array<{ key: string; params?: Record<string, number> }> }>("select missing from eligibility where user_id = $1 and track = 'campus' and tier = 'supervisor'", [userId]);
    return row.rows[0]?.missing ?? null;
  } finally {
    await db.end();
  }
}

/** A Beijing calendar date `days` from today. */
const beijingDate = (days: number) => new Date(Date.now() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);

async function phoneContext(browser: Browser, info: TestInfo) {
  return browser.newContext({ baseURL: info.project.use.baseURL, locale: "zh-CN", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
}

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/status of 4\d\d/.test(msg.text())) errors.push(msg.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

test("a coordinator's cohort and session, a trainee's sign-up and QR check-in on a phone, and the trainee's eligibility moves", async ({ page, browser, consoleErrors }, info) => {
  test.setTimeout(150_000);
  const slot = String(info.retry).padStart(2, "0");
  const phone = `137018${slot}${String(Date.now() % 1000).padStart(3, "0")}`;
  const name = `赵督导${["", "甲", "乙", "丙"][info.retry] ?? info.retry}`;
  const password = "团体督导的测试密码很长";
  const userId = await newTrainee(phone, name, password);
  const cohortName = `山西督导${phone.slice(-5)}期`;
  const sessionTitle = `团体督导${phone.slice(-5)}`;

  // ── the coordinator makes the cohort and puts the trainee in it ──
  await signIn(page, demo.shanxiAdmin);
  await page.goto("/admin/cohorts");
  await page.getByLabel("期次名称").fill(cohortName);
  const unit = await page.locator('select[name="orgUnitId"] option', { hasText: /山西省$/ }).first().getAttribute("value");
  await page.getByLabel("组织单位").selectOption(unit!);
  await page.getByLabel("条线").selectOption("campus");
  await page.getByLabel("级别").selectOption("supervisor");
  await page.getByLabel("项目年度").selectOption("1");
  await page.getByLabel("开始日期").fill(beijingDate(0));
  await page.getByLabel("结束日期").fill(beijingDate(120));
  await page.getByRole("button", { name: "创建期次" }).click();
  await expect(page.getByText("期次已创建。")).toBeVisible();
  const cohortId = /\/admin\/cohorts\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  await page.getByLabel("按姓名或手机号查找").fill(phone);
  await page.getByRole("button", { name: "查找", exact: true }).click();
  await page.getByRole("checkbox", { name: `选择${name}` }).check();
  await page.getByRole("button", { name: "添加所选学员" }).click();
  await expect(page.getByText("已添加 1 名学员。")).toBeVisible();

  // ── and a group supervision for the cohort, tomorrow ──
  await page.goto("/admin/sessions");
  await page.getByLabel("活动名称").fill(sessionTitle);
  await page.getByLabel("类型").selectOption("group_supervision");
  await page.getByLabel("面向").selectOption({ label: `期次：${cohortName}` });
  await page.getByLabel("日期").fill(beijingDate(1));
  await page.getByLabel("开始时间").fill("09:00");
  await page.getByLabel("结束时间").fill("12:00");
  await page.getByLabel("地点", { exact: true }).fill("运城市盐湖区实验中学三楼会议室");
  await page.getByLabel("计入学时（可选）").fill("3");
  await page.getByRole("button", { name: "创建活动" }).click();
  await expect(page).toHaveURL(/\/admin\/sessions\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(sessionTitle);

  // ── the trainee, on their own phone: still needs four group supervisions; signs up ──
  const traineeContext = await phoneContext(browser, info);
  const trainee = await traineeContext.newPage();
  const traineeErrors = collectErrors(trainee);
  await signIn(trainee, phone, password);
  await trainee.goto("/learn");
  const panel = trainee.locator('section[aria-labelledby="certificates-campus"]');
  const supervisorTier = panel.locator("li").filter({ hasText: "心理健康督导" });
  await expect(supervisorTier).toContainText("团体督导 0/4 次");
  await expect(supervisorTier).toContainText("活动学时 0/12");
  await trainee.goto("/sessions");
  await trainee.getByRole("button", { name: `报名“${sessionTitle}”` }).click();
  await expect(trainee.getByText("报名成功。")).toBeVisible();

  // ── the coordinator opens the check-in screen; the trainee opens the URL its QR code carries ──
  await page.getByRole("link", { name: "打开扫码签到屏幕" }).click();
  const qr = page.locator(".checkin-qr");
  await expect(qr).toBeVisible();
  const checkinUrl = await qr.getAttribute("data-url");
  expect(checkinUrl).toMatch(/\/checkin\/[0-9a-f-]{36}\?t=/);
  await screenshot(page, "checkin-screen", info.project.name);
  await trainee.goto(checkinUrl!);
  await expect(trainee.getByText(`签到成功：“${sessionTitle}”，已记为出席。`)).toBeVisible();
  // The screen's count follows when its code turns (every 20 seconds).
  await expect(page.locator(".checkin-count")).toContainText("已签到 1 人", { timeout: 30_000 });

  // ── the eligibility moves: the panel at once, the stored evaluation through the worker ──
  await trainee.goto("/learn");
  await expect(supervisorTier).toContainText("团体督导 1/4 次");
  await expect(supervisorTier).toContainText("活动学时 3/12");
  await supervisorTier.scrollIntoViewIfNeeded();
  await panel.screenshot({ path: `tests/screenshots/eligibility-attendance-gap-${info.project.name}.png` });
  await expect
    .poll(async () => (await storedMissing(userId))?.find((m) => m.key === "elig.sessions.group_supervision")?.params, { timeout: 30_000 })
    .toEqual({ have: 1, need: 4 });

  // ── the cohort view shows it; a message reaches the trainee's notification centre ──
  await page.goto(`/admin/cohorts/${cohortId}/progress`);
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("1/1 次");
  await expect(row).toContainText("团体督导 1/4 次");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "cohort-view", info.project.name);
  await page.getByLabel("标题", { exact: true }).fill("下周团体督导地点");
  await page.getByLabel("内容", { exact: true }).fill("下周的团体督导仍在三楼会议室，请带上案例材料。");
  await page.getByRole("button", { name: "发送通知" }).click();
  await expect(page.getByText("通知已发送给 1 名学员。")).toBeVisible();
  // The notifications worker writes it a moment later: look again until it is there.
  await expect(async () => {
    await trainee.goto("/notifications");
    await expect(trainee.getByText(`期次“${cohortName}”的通知：下周团体督导地点`)).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(trainee.getByText("下周的团体督导仍在三楼会议室，请带上案例材料。")).toBeVisible();

  // The same view on a desktop screen, for the record.
  const desk = await browser.newContext({ baseURL: info.project.use.baseURL, locale: "zh-CN", viewport: { width: 1280, height: 900 } });
  const deskPage = await desk.newPage();
  await signIn(deskPage, demo.shanxiAdmin);
  await deskPage.goto(`/admin/cohorts/${cohortId}/progress`);
  await expect(deskPage.getByRole("row").filter({ hasText: name })).toContainText("团体督导 1/4 次");
  await screenshot(deskPage, "cohort-view", "desktop");
  await desk.close();

  expect(traineeErrors).toEqual([]);
  await traineeContext.close();
  expect(consoleErrors).toEqual([]);
});
