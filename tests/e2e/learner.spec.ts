import sharp from "sharp";
import { readFileSync } from "node:fs";
import { hash } from "@node-rs/argon2";
import pg from "pg";
import type { TestInfo } from "@playwright/test";
import { expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

const password = "学员一天的密码足够长";

function database() {
  return new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
}

/** A fresh trainee of the track, unique per project and attempt; optionally with every foundation task passed. */
async function arrangeTrainee(info: TestInfo, slot: string, track: "campus" | "community", passFoundation: boolean) {
  // Each run has a fresh database: the slot, the attempt and the project make the number unique.
  const phone = `136${slot}${info.retry}${info.project.name === "phone" ? 2 : 1}0000`;
  const db = database();
  await db.connect();
  try {
    const unit = await db.query<{ id: string }>("select id from org_units where name = '运城市盐湖区实验中学'");
    const passwordHash = await hash(password, { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const user = await db.query<{ id: string }>("insert into users (name, phone, org_unit_id, track, password_hash) values ($1, $2, $3, $4, $5) returning id", [
      `学员${slot}${info.retry}`,
      phone,
      unit.rows[0]!.id,
      track,
      passwordHash,
    ]);
    const userId = user.rows[0]!.id;
    await db.query("insert into user_roles (user_id, role) values ($1, 'trainee')", [userId]);
    if (passFoundation) {
      await db.query(
        `insert into submissions (user_id, task_id, task_version, module_id, track, tier, type, status, score, activity_date, org_unit_id, audience_type, people_reached, submitted_at, decided_at)
         select $1, t.id, t.version, t.module_id, $3, 'foundation', t.type, 'passed', 90,
                case when t.type = 'field_work' then date '2026-11-10' end, case when t.type = 'field_work' then $2::uuid end,
                case when t.type = 'field_work' then 'students' end, case when t.type = 'field_work' then 40 end, now(), now()
         from tasks t join course_modules m on m.id = t.module_id
         where t.is_current and m.track = $3 and m.tier = 'foundation' and m.retired_at is null`,
        [userId, unit.rows[0]!.id, track],
      );
    }
    return { phone, userId };
  } finally {
    await db.end();
  }
}

test("progress counts passed tasks: every foundation task passed shows the tier at 100% with drawn bars", async ({ page, consoleErrors }, testInfo) => {
  const trainee = await arrangeTrainee(testInfo, "01", "campus", true);
  await signIn(page, trainee.phone, password);
  await page.goto("/learn/campus/foundation");
  const bars = page.getByRole("progressbar");
  await expect(bars.first()).toHaveAttribute("aria-valuenow", "100");
  const count = await bars.count();
  expect(count).toBeGreaterThan(1);
  for (let i = 0; i < count; i += 1) {
    await expect(bars.nth(i)).toHaveAttribute("aria-valuenow", "100");
    const track = await bars.nth(i).boundingBox();
    const fill = await bars.nth(i).locator(".progress-fill").boundingBox();
    expect(track?.width ?? 0, "the bar has a track to draw in").toBeGreaterThan(40);
    expect(fill?.width ?? 0, "a full bar fills its track").toBeGreaterThan((track?.width ?? 0) - 2);
  }
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "learner-tier-done", testInfo.project.name);

  await page.goto("/learn");
  const trackBar = page.getByRole("progressbar").first();
  // 3 of 12 campus modules complete: the track has moved a quarter of the way.
  expect(Number(await trackBar.getAttribute("aria-valuenow"))).toBeGreaterThanOrEqual(25);
  expect(consoleErrors).toEqual([]);
});

test("after a failed submit the error is focused and in view: sign-in, task form, quiz; after a quiz submit the score is", async ({ page, consoleErrors }, testInfo) => {
  test.setTimeout(90_000);
  const trainee = await arrangeTrainee(testInfo, "02", "campus", false);

  await page.goto("/login");
  await page.getByLabel("手机号或邮箱").fill(trainee.phone);
  await page.getByLabel("密码").fill("这不是正确的密码啊");
  await page.getByRole("button", { name: "登录" }).click();
  const loginError = page.locator(".form-message.error");
  await expect(loginError).toBeFocused();
  await expect(loginError).toBeInViewport();

  await signIn(page, trainee.phone, password);
  await page.goto("/tasks/campus-foundation-emotion-friendly-classroom-field");
  await page.getByRole("button", { name: "开始这个任务" }).click();
  const submit = page.getByRole("button", { name: "提交给导师" });
  await submit.scrollIntoViewIfNeeded();
  await submit.click();
  const summary = page.locator(".form-message.error");
  await expect(summary).toContainText("还不能提交");
  await expect(summary).toBeFocused();
  await expect(summary).toBeInViewport();

  await page.goto("/tasks/campus-foundation-student-development-quiz");
  const send = page.getByRole("button", { name: "提交答卷" });
  await send.scrollIntoViewIfNeeded();
  await send.click();
  const quizSummary = page.locator(".form-message.error").first();
  await expect(quizSummary).toBeFocused();
  await expect(quizSummary).toBeInViewport();
  const groups = page.locator("fieldset");
  const count = await groups.count();
  for (let i = 0; i < count; i++) await groups.nth(i).locator("input[type=radio], input[type=checkbox]").first().check();
  await send.scrollIntoViewIfNeeded();
  await send.click();
  const resultHeading = page.getByRole("heading", { name: /第 1 次作答结果/ });
  await expect(resultHeading).toBeVisible({ timeout: 30_000 });
  await expect(resultHeading).toBeFocused();
  await expect(page.locator(".quiz-score")).toBeInViewport();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "learner-quiz-result", testInfo.project.name);
  expect(consoleErrors).toEqual([]);
});

test("submitting right after typing sends no autosave afterwards (no 409)", async ({ page, consoleErrors }, testInfo) => {
  const trainee = await arrangeTrainee(testInfo, "03", "campus", false);
  await signIn(page, trainee.phone, password);
  const conflicts: string[] = [];
  page.on("response", (response) => {
    if (response.status() === 409) conflicts.push(`${response.request().method()} ${response.url()}`);
  });
  await page.goto("/tasks/campus-foundation-warning-signs-referral-card");
  await page.getByRole("button", { name: "开始这个任务" }).click();
  const text = page.getByLabel("作业正文");
  await text.fill("信息卡：发现预警信号后先报告班主任，班主任不在时报告德育处值班老师。".repeat(12));
  // Typing scheduled an autosave 1.5 s out; submit before it fires.
  await page.getByRole("button", { name: "提交给导师" }).click();
  await expect(page.getByText(/已提交，导师评阅后/)).toBeVisible();
  await page.waitForTimeout(3_000);
  expect(conflicts).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

/** Work the trainee submitted and a mentor returned with notes (as grading leaves it). */
async function arrangeReturnedWork(userId: string) {
  const db = database();
  await db.connect();
  try {
    const task = await db.query<{ id: string; version: number; module_id: string; definition: { rubric: { criteria: Array<{ id: string; levels: Array<{ label: string; points: number }> }> } } }>(
      "select id, version, module_id, definition from tasks where id = 'campus-foundation-warning-signs-referral-card' and is_current",
    );
    const t = task.rows[0]!;
    const mentor = await db.query<{ id: string }>("select id from users where email = 'mentor@demo.baicheng.org'");
    const sub = await db.query<{ id: string }>(
      `insert into submissions (user_id, task_id, task_version, module_id, track, tier, type, status, score, body, submitted_at, decided_at)
       values ($1, $2, $3, $4, 'campus', 'foundation', 'work_product', 'returned', 48, $5, now(), now()) returning id`,
      [userId, t.id, t.version, t.module_id, JSON.stringify({ text: "信息卡初稿。".repeat(60) })],
    );
    const criteria = t.definition.rubric.criteria.map((c) => ({ criterionId: c.id, level: c.levels[2]!.label, points: c.levels[2]!.points, comment: "请写清每一步由谁做。" }));
    await db.query(
      `insert into grades (submission_id, mentor_id, role, task_version, criteria, total, decision, comment, seen_version)
       values ($1, $2, 'marker', $3, $4, $5, 'return', '请补上替补联系人和下次核对日期，再重新提交。', 'v1')`,
      [sub.rows[0]!.id, mentor.rows[0]!.id, t.version, JSON.stringify(criteria), criteria.reduce((s, c) => s + c.points, 0)],
    );
  } finally {
    await db.end();
  }
}

test("returned work opens with the mentor's decision and notes, in a warning badge, above the task", async ({ page, consoleErrors }, testInfo) => {
  const trainee = await arrangeTrainee(testInfo, "04", "campus", false);
  await arrangeReturnedWork(trainee.userId);
  await signIn(page, trainee.phone, password);
  await page.goto("/tasks/campus-foundation-warning-signs-referral-card");
  const notes = page.getByText("请补上替补联系人和下次核对日期，再重新提交。");
  await expect(notes).toBeInViewport();
  const notesBox = await notes.boundingBox();
  const taskBox = await page.locator(".task-card").boundingBox();
  expect(notesBox!.y).toBeLessThan(taskBox!.y);
  await expect(page.locator("h1 + .status-badge")).toHaveClass(/tone-warning/);
  await expect(page.locator(".status-badge", { hasText: "退回修改" }).last()).toHaveClass(/tone-warning/);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "learner-returned-work", testInfo.project.name);

  await page.goto("/my-work");
  await expect(page.locator(".status-badge", { hasText: "退回修改" })).toHaveClass(/tone-warning/);
  await expect(page.locator(".status-badge", { hasText: "未开始" }).first()).toHaveClass(/tone-neutral/);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "learner-my-work", testInfo.project.name);
  expect(consoleErrors).toEqual([]);
});

test("a mistyped phone number on the profile gets the format message, focused and in view", async ({ page, consoleErrors }, testInfo) => {
  const trainee = await arrangeTrainee(testInfo, "05", "campus", false);
  await signIn(page, trainee.phone, password);
  await page.goto("/profile");
  const phone = page.getByLabel("手机号", { exact: true });
  await phone.fill("1234");
  await page.getByRole("button", { name: "保存" }).first().click();
  await expect(page.getByText("请输入 11 位中国大陆手机号。")).toBeVisible();
  await expect(page.getByText("手机号和邮箱至少填写一项。")).toHaveCount(0);
  await expect(phone).toBeFocused();
  await expect(phone).toBeInViewport();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "learner-profile-error", testInfo.project.name);
  expect(consoleErrors).toEqual([]);
});

test("small things: no doubled 还需, a readable rubric, choices beside their text, a phone-friendly sign-in field, a footer at the bottom, a confirmed delete", async ({ page, consoleErrors }, testInfo) => {
  test.setTimeout(90_000);
  const trainee = await arrangeTrainee(testInfo, "06", "campus", false);

  // Sign-in: most people type a phone number; the footer sits at the bottom of this short page.
  await page.goto("/login");
  const identifier = page.getByLabel("手机号或邮箱");
  await expect(identifier).toHaveAttribute("inputmode", "text");
  await expect(identifier).toHaveAttribute("autocomplete", "username");
  const footer = await page.locator(".site-footer").boundingBox();
  const viewport = page.viewportSize()!;
  expect(footer!.y + footer!.height).toBeGreaterThanOrEqual(viewport.height - 1);

  await signIn(page, trainee.phone, password);
  await page.goto("/learn");
  await expect(page.getByText(/还需：\s*完成其余/).first()).toBeVisible();
  await expect(page.getByText(/还需：\s*还需/)).toHaveCount(0);

  await page.goto("/learn/campus/foundation");
  await page.locator(".module-list a").nth(1).click();
  await page.getByText("评分量规").first().click();
  const criterion = page.locator(".rubric th[scope=row]").first();
  expect((await criterion.boundingBox())!.width, "a criterion title has room for more than one character").toBeGreaterThan(80);
  await screenshot(page, "learner-module-rubric", testInfo.project.name);

  await page.goto("/tasks/campus-foundation-student-development-quiz");
  const option = page.locator("fieldset").first().locator("label.check").first();
  const radio = await option.locator("input").boundingBox();
  const text = await option.locator("span").boundingBox();
  expect(radio!.x + radio!.width, "the radio sits left of its text").toBeLessThanOrEqual(text!.x + 1);
  expect(Math.abs(radio!.y + radio!.height / 2 - (text!.y + Math.min(text!.height, 30) / 2)), "on the same line").toBeLessThan(16);
  await screenshot(page, "learner-quiz-form", testInfo.project.name);

  // A field task with one uploaded photo: deleting asks first.
  await page.goto("/tasks/campus-foundation-emotion-friendly-classroom-field");
  await page.getByRole("button", { name: "开始这个任务" }).click();
  await page.getByLabel("现场照片", { exact: true }).check();
  const buffer = await sharp({ create: { width: 320, height: 240, channels: 3, background: "#c8e6c9" } }).jpeg().toBuffer();
  await page.getByLabel("选择文件（可多选）", { exact: true }).setInputFiles([{ name: "活动照片.jpg", mimeType: "image/jpeg", buffer }]);
  await page.getByRole("button", { name: "上传", exact: true }).click();
  await expect(page.getByText("已上传 1 个文件。")).toBeVisible();
  await page.getByLabel("删除「活动照片.jpg」").click();
  await expect(page.getByText("删除「活动照片.jpg」后无法恢复。确定删除吗？")).toBeVisible();
  await expect(page.getByText("活动照片.jpg", { exact: true })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "learner-evidence-confirm", testInfo.project.name);
  await page.getByRole("button", { name: "确定删除" }).click();
  await expect(page.getByText("活动照片.jpg", { exact: true })).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test("a task done over several visits takes one row per visit and counts them together", async ({ page, consoleErrors }, testInfo) => {
  test.setTimeout(90_000);
  const trainee = await arrangeTrainee(testInfo, "07", "community", false);
  await signIn(page, trainee.phone, password);
  await page.goto("/tasks/community-foundation-listening-companionship-visits");
  await page.getByRole("button", { name: "开始这个任务" }).click();
  await expect(page.getByText("反思不少于 500 字").first()).toBeVisible();
  await page.getByLabel("活动名称", { exact: true }).fill("独居老人陪伴探访");
  const visits = [
    ["2026-11-02", "向阳社区入户", "elderly", "6", "60"],
    ["2026-11-09", "站点关爱电话", "residents", "9", "90"],
    ["2026-11-16", "日间照料中心", "elderly", "8", "75"],
  ] as const;
  for (const [i, [date, place, audience, people, minutes]] of visits.entries()) {
    if (i > 0) await page.getByRole("button", { name: "再添一次活动" }).click();
    const n = i + 1;
    await page.getByLabel(`第 ${n} 次：日期`, { exact: true }).fill(date);
    await page.getByLabel(`第 ${n} 次：地点或方式`, { exact: true }).fill(place);
    await page.getByLabel(`第 ${n} 次：服务对象`, { exact: true }).selectOption(audience);
    await page.getByLabel(`第 ${n} 次：人数`, { exact: true }).fill(people);
    await page.getByLabel(`第 ${n} 次：时长（分钟）`, { exact: true }).fill(minutes);
  }
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.getByRole("button", { name: "保存草稿" }).click();
  await expect(page.getByText("草稿已保存。")).toBeVisible();
  await screenshot(page, "learner-visit-log", testInfo.project.name);

  // Saved and read back: three rows (and one empty for the next visit), 23 people in all.
  await page.reload();
  await expect(page.getByLabel("第 3 次：地点或方式", { exact: true })).toHaveValue("日间照料中心");
  const db = database();
  await db.connect();
  try {
    const row = await db.query<{ people_reached: number; activity_date: string; audience_type: string; n: number }>(
      "select people_reached, activity_date::text, audience_type, jsonb_array_length(activity_log) as n from submissions where user_id = $1",
      [trainee.userId],
    );
    expect(row.rows[0]).toMatchObject({ people_reached: 23, activity_date: "2026-11-02", audience_type: "elderly", n: 3 });
  } finally {
    await db.end();
  }

  // Submitting with a 100-character reflection names the task's own minimum.
  await page.getByLabel("反思与改进", { exact: true }).fill("思".repeat(100));
  await page.getByRole("button", { name: "提交给导师" }).click();
  await expect(page.locator(".form-message.error")).toContainText("反思不少于 500 字。");
  expect(consoleErrors).toEqual([]);
});

test("continue where you left off, from /learn and the home page; a compact header with a menu on the phone", async ({ page, consoleErrors }, testInfo) => {
  const trainee = await arrangeTrainee(testInfo, "08", "campus", false);
  await arrangeReturnedWork(trainee.userId);
  await signIn(page, trainee.phone, password);

  await page.goto("/learn");
  const next = page.getByRole("region", { name: "继续学习" });
  await expect(next).toContainText("导师退回了这份作业");
  await expect(next.getByRole("link", { name: "我校求助与转介信息卡" })).toHaveAttribute("href", "/tasks/campus-foundation-warning-signs-referral-card");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "learner-learn-continue", testInfo.project.name);

  await page.goto("/");
  await expect(page.getByRole("region", { name: "继续学习" }).getByRole("link", { name: "我校求助与转介信息卡" })).toBeVisible();
  await expect(page.getByRole("link", { name: "查验证书真伪" })).toHaveAttribute("href", "/verify");
  await expect(page.getByRole("link", { name: "进入我的学习" })).toBeVisible();
  // Live programme-wide figures sit next to each target.
  await expect(page.getByText(/已完成 [\d,]+ \/ 目标 [\d,]+/).first()).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "learner-home", testInfo.project.name);

  const header = await page.locator(".site-header").boundingBox();
  const menu = page.locator(".phone-menu summary");
  if (testInfo.project.name === "phone") {
    expect(header!.height, "a compact header on a phone").toBeLessThan(80);
    await expect(page.getByRole("link", { name: "我的任务" })).toBeHidden();
    await menu.click();
    await expect(page.locator(".phone-menu")).toHaveAttribute("open", "");
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, "learner-phone-menu", testInfo.project.name);
    await page.getByRole("link", { name: "我的任务" }).click();
    await expect(page).toHaveURL(/\/my-work$/);
    await expect(page.getByRole("link", { name: "我的学习" })).toBeHidden();
  } else {
    await expect(menu).toBeHidden();
    await expect(page.getByRole("link", { name: "我的任务" })).toBeVisible();
  }
  expect(consoleErrors).toEqual([]);
});
