import { readFileSync } from "node:fs";
import { hash } from "@node-rs/argon2";
import pg from "pg";
import { expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

const password = "任务队列测试的密码很长";
const queueNames = ["自动评分", "分配导师", "证书资格", "证书生成", "站内通知", "补排遗漏任务", "数据导出"];

/** A new active user with one role (demo accounts are shared by other specs). */
async function arrangeUser(phone: string, name: string, role: "admin" | "trainee") {
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    const existing = await db.query<{ id: string }>("select id from users where phone = $1", [phone]);
    if (existing.rows[0]) return;
    const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    // A programme admin belongs to the root of the tree (an admin with no unit reaches nothing).
    const root = role === "admin" ? (await db.query<{ id: string }>("select id from org_units where parent_id is null")).rows[0]!.id : null;
    const user = await db.query<{ id: string }>("insert into users (name, phone, track, password_hash, org_unit_id) values ($1, $2, $3, $4, $5) returning id", [
      name,
      phone,
      role === "trainee" ? "campus" : null,
      passwordHash,
      root,
    ]);
    await db.query("insert into user_roles (user_id, role) values ($1, $2)", [user.rows[0]!.id, role]);
  } finally {
    await db.end();
  }
}

test("an administrator opens the job queues from the admin home and sees every queue", async ({ page, consoleErrors }, testInfo) => {
  // Seven queues, a retry and a refused clean through the board's own UI: more than 30 s on a loaded machine.
  test.slow();
  const phone = testInfo.project.name === "phone" ? "13900000772" : "13900000771";
  await arrangeUser(phone, testInfo.project.name === "phone" ? "钱调度" : "孙调度", "admin");
  await signIn(page, phone, password);

  await page.goto("/admin");
  await page.getByRole("link", { name: /任务队列/ }).click();
  await expect(page).toHaveURL(/\/admin\/queues\/?$/);
  await expect(page).toHaveTitle("百城学堂 · 任务队列");
  for (const name of queueNames) await expect(page.getByText(name, { exact: true }).first()).toBeAttached();
  await expect(page.getByRole("link", { name: "补排遗漏任务" }).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "← 返回管理后台" })).toBeVisible();
  expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
  await screenshot(page, "admin-queues", testInfo.project.name);
  expect(await seriousA11yViolations(page)).toEqual([]);

  await page.goto("/admin/queues/queue/scoring");
  await expect(page.getByText("自动评分", { exact: true }).first()).toBeVisible();
  await expect(page.getByRole("main").getByRole("link", { name: "失败" })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);

  // The outbox reconciler runs on start-up and every minute: a completed job card with its icon buttons.
  await page.goto("/admin/queues/queue/maintenance?status=completed");
  await expect(page.getByRole("link", { name: /^repeat:reconcile-outbox:/ }).first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole("button", { name: "更多操作" }).first()).toBeVisible();
  await screenshot(page, "admin-queues-maintenance", testInfo.project.name);
  expect(await seriousA11yViolations(page)).toEqual([]);

  // Removing work is refused with the reason: Postgres, not Redis, decides what work exists.
  await page.getByRole("button", { name: "清理作业" }).first().click();
  await page.getByRole("alertdialog").getByRole("button", { name: "确认" }).click();
  await expect(page.getByText(/任务队列面板只能重试失败的任务/)).toBeVisible();
  await expect(page.getByRole("link", { name: /^repeat:reconcile-outbox:/ }).first()).toBeVisible();

  await page.goto("/admin/assignments");
  await page.getByRole("link", { name: "在任务队列面板中查看全部任务并重试" }).click();
  await expect(page).toHaveURL(/\/admin\/queues\/?$/);
  expect(consoleErrors).toEqual([]);
});

test("a trainee who types the queue board's address is refused in Chinese and English", async ({ page }, testInfo) => {
  const phone = testInfo.project.name === "phone" ? "13900000782" : "13900000781";
  await arrangeUser(phone, testInfo.project.name === "phone" ? "李排队" : "周排队", "trainee");
  await signIn(page, phone, password);
  const res = await page.goto("/admin/queues");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("您没有权限查看任务队列。");
  await expect(page.getByText("You do not have permission to view the job queues.")).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "admin-queues-forbidden", testInfo.project.name);
});
