import { readFileSync } from "node:fs";
import pg from "pg";
import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

// Two passed field-work stories nominated by a mentor: one whose author consented to publication, one not.
async function nominate(suffix: string) {
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    const org = await db.query<{ id: string }>("select id from org_units where name = '芝罘区第二实验小学'");
    const mentor = await db.query<{ id: string }>("select id from users where email = 'mentor@demo.baicheng.org'");
    const task = await db.query<{ id: string; version: number; module_id: string }>(
      "select t.id, t.version, t.module_id from tasks t join course_modules m on m.id = t.module_id where t.is_current and t.type = 'field_work' and m.track = 'campus' and m.tier = 'foundation' limit 1",
    );
    const titles = { consented: `愿意分享的情绪课堂${suffix}`, private: `不公开的情绪课堂${suffix}` };
    for (const [kind, title] of Object.entries(titles)) {
      const user = await db.query<{ id: string }>("insert into users (name, phone, org_unit_id, track) values ($1, $2, $3, 'campus') returning id", [
        `作者${suffix}${kind === "consented" ? "甲" : "乙"}`,
        `1370000${suffix}${kind === "consented" ? "1" : "2"}`.slice(0, 11),
        org.rows[0]!.id,
      ]);
      const sub = await db.query<{ id: string }>(
        `insert into submissions (user_id, task_id, task_version, module_id, track, tier, type, status, score, activity_title, activity_date, org_unit_id, audience_type, people_reached, showcase_consent, consent_confirmed, body)
         values ($1, $2, $3, $4, 'campus', 'foundation', 'field_work', 'passed', 92, $5, '2026-11-01', $6, 'students', 38, $7, true, $8) returning id`,
        [user.rows[0]!.id, task.rows[0]!.id, task.rows[0]!.version, task.rows[0]!.module_id, title, org.rows[0]!.id, kind === "consented", JSON.stringify({ reflection: "学生们在活动中学会了说出自己的感受。" })],
      );
      await db.query("insert into showcase_items (submission_id, nominated_by, reason) values ($1, $2, '活动设计完整、反思深入')", [sub.rows[0]!.id, mentor.rows[0]!.id]);
    }
    return titles;
  } finally {
    await db.end();
  }
}

test("the showcase shows an approved item and hides an unconsented one", async ({ page, browser }, testInfo) => {
  const titles = await nominate(testInfo.project.name === "phone" ? "8" : "7");
  await signIn(page, demo.admin);
  await page.goto("/admin/showcase");
  const consented = page.getByRole("listitem").filter({ hasText: titles.consented });
  const unconsented = page.getByRole("listitem").filter({ hasText: titles.private });
  await expect(unconsented.getByRole("button", { name: "通过并公开" })).toBeDisabled();
  // The admin reads the whole work before deciding.
  await consented.getByText("查看完整成果与照片").click();
  await expect(consented.getByText("学生们在活动中学会了说出自己的感受。")).toBeVisible();
  await expect(consented.getByText("学员未确认照片可以公开：公开时不含任何照片。")).toBeVisible();
  await screenshot(page, "admin-showcase", testInfo.project.name);
  await consented.getByRole("button", { name: "通过并公开" }).click();
  await expect(page.getByText("已处理。")).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);

  const visitor = await (await browser.newContext({ baseURL: testInfo.project.use.baseURL })).newPage();
  await visitor.goto("/showcase?track=campus");
  await expect(visitor.getByRole("link", { name: titles.consented })).toBeVisible();
  await expect(visitor.getByText(titles.private)).toHaveCount(0);
  expect(await seriousA11yViolations(visitor)).toEqual([]);
  await screenshot(visitor, "showcase-item", testInfo.project.name);
  await visitor.getByRole("link", { name: titles.consented }).click();
  await expect(visitor.getByRole("heading", { level: 1, name: titles.consented })).toBeVisible();
  await expect(visitor.getByText("学生们在活动中学会了说出自己的感受。")).toBeVisible();
});
