import { readFileSync } from "node:fs";
import { hash } from "@node-rs/argon2";
import pg from "pg";
import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

const password = "通知测试的密码足够长";

// A new campus trainee who passed every foundation task, so an administrator can issue them a certificate.
async function arrangeCertifiableTrainee(phone: string, name: string) {
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    const school = await db.query<{ id: string }>("select id from org_units where name = '运城市盐湖区实验中学'");
    const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const user = await db.query<{ id: string }>("insert into users (name, phone, org_unit_id, track, password_hash) values ($1, $2, $3, 'campus', $4) returning id", [
      name,
      phone,
      school.rows[0]!.id,
      passwordHash,
    ]);
    const userId = user.rows[0]!.id;
    await db.query("insert into user_roles (user_id, role) values ($1, 'trainee')", [userId]);
    await db.query(
      `insert into submissions (user_id, task_id, task_version, module_id, track, tier, type, status, score, activity_date, org_unit_id, audience_type, people_reached, submitted_at, decided_at)
       select $1, t.id, t.version, t.module_id, 'campus', 'foundation', t.type, 'passed', 90,
              case when t.type = 'field_work' then date '2026-11-10' end, case when t.type = 'field_work' then $2::uuid end,
              case when t.type = 'field_work' then 'students' end, case when t.type = 'field_work' then 40 end, now(), now()
       from tasks t join course_modules m on m.id = t.module_id
       where t.is_current and m.track = 'campus' and m.tier = 'foundation' and m.retired_at is null`,
      [userId, school.rows[0]!.id],
    );
  } finally {
    await db.end();
  }
}

test("a trainee is told their certificate was issued and then revoked, reads it, and the badge goes", async ({ page, browser }, testInfo) => {
  test.setTimeout(90_000);
  const project = testInfo.project.name;
  const phone = project === "phone" ? "13900000812" : "13900000811";
  const name = project === "phone" ? "孙知晓" : "钱知晓";
  await arrangeCertifiableTrainee(phone, name);

  // The trainee on the project's device (desktop or phone); the administrator in a second browser.
  const trainee = page;
  await signIn(trainee, phone, password);
  await trainee.goto("/notifications");
  await expect(trainee.getByRole("heading", { level: 1, name: "通知" })).toBeVisible();
  await expect(trainee.getByText("暂时没有通知。")).toBeVisible();
  await expect(trainee.getByRole("link", { name: "通知", exact: true })).toBeVisible();
  expect(await seriousA11yViolations(trainee)).toEqual([]);
  await screenshot(trainee, "notifications-empty", project);

  // The administrator issues the certificate, then revokes it with a reason.
  const admin = await (await browser.newContext({ baseURL: testInfo.project.use.baseURL})).newPage();
  await signIn(admin, demo.admin);
  await admin.goto("/admin/certificates?track=campus&tier=foundation");
  await admin.getByRole("checkbox", { name: new RegExp(`选择 ${name}`) }).check();
  await admin.getByRole("button", { name: "颁发所选" }).click();
  await admin.getByRole("button", { name: "确认颁发" }).click();
  await expect(admin.getByText(/已颁发 1 份证书/)).toBeVisible();

  const bell = (unread: number) => trainee.getByRole("link", { name: `通知：${unread} 条未读` });
  await expect(async () => {
    await trainee.goto("/");
    await expect(bell(1)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });

  await admin.goto(`/admin/certificates?q=${encodeURIComponent(name)}`);
  await admin.getByText("撤销", { exact: true }).first().click();
  await admin.getByLabel("公开原因（将显示在公开查验页）").first().fill("培训档案信息有误，待核实后重新颁发。");
  await admin.getByRole("button", { name: "确认撤销" }).first().click();
  await expect(admin.getByText(/证书 BC-.* 已撤销。/)).toBeVisible();

  await expect(async () => {
    await trainee.reload();
    await expect(bell(2)).toBeVisible({ timeout: 500 });
  }).toPass({ timeout: 20_000 });

  // Newest first, both unread, each with a link to what it is about.
  await bell(2).click();
  await expect(trainee).toHaveURL(/\/notifications$/);
  const items = trainee.getByRole("list", { name: "通知列表" }).getByRole("listitem");
  await expect(items).toHaveCount(2);
  await expect(items.nth(0)).toContainText("证书（校园行 · 普及，编号 BC-");
  await expect(items.nth(0)).toContainText("已被撤销");
  await expect(items.nth(0)).toContainText("撤销原因：培训档案信息有误，待核实后重新颁发。");
  await expect(items.nth(0).getByRole("link", { name: "查看验证页" })).toHaveAttribute("href", /^\/verify\/BC-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  await expect(items.nth(1)).toContainText("已颁发，编号 BC-");
  await expect(items.nth(1).getByRole("link", { name: "查看并下载证书" })).toHaveAttribute("href", "/learn#certificates-campus");
  await expect(items.getByText("未读", { exact: true })).toHaveCount(2);
  expect(await seriousA11yViolations(trainee)).toEqual([]);
  await screenshot(trainee, "notifications", project);

  // Mark one read: its highlight and the badge count go down; focus stays in that item.
  await items.nth(0).getByRole("button", { name: "标为已读" }).click();
  await expect(bell(1)).toBeVisible();
  await expect(items.getByText("未读", { exact: true })).toHaveCount(1);
  await expect(items.nth(0).getByRole("link", { name: "查看验证页" })).toBeFocused();

  // Mark all read: no count left on the bell.
  await trainee.getByRole("button", { name: "全部标为已读" }).click();
  await expect(trainee.getByText("已将 1 条通知标为已读。")).toBeVisible();
  await expect(trainee.getByRole("link", { name: "通知", exact: true })).toBeVisible();
  await expect(trainee.locator(".count-badge")).toHaveCount(0);
  await expect(items.getByText("未读", { exact: true })).toHaveCount(0);
  await expect(trainee.getByRole("button", { name: "全部标为已读" })).toHaveCount(0);
  expect(await seriousA11yViolations(trainee)).toEqual([]);
  await screenshot(trainee, "notifications-read", project);

  // Still read after a fresh load.
  await trainee.reload();
  await expect(trainee.getByRole("link", { name: "通知", exact: true })).toBeVisible();
  await expect(items.getByText("未读", { exact: true })).toHaveCount(0);
});
