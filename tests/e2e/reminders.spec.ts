import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

// /admin/reminders (docs/decisions/027-reminders.md): a regional coordinator finds it from the admin
// home, switches a kind off for their region and on again, on a desktop and on a phone. Each project
// switches its own kind, so the two may run at once.

test("a regional coordinator switches a reminder off for their region and on again", async ({ page, consoleErrors }, testInfo) => {
  const phone = testInfo.project.name === "phone";
  const kind = phone ? "退回作业 7 天未重新提交" : "草稿 7 天未更新";
  await signIn(page, demo.shanxiAdmin);
  await page.getByRole("link", { name: /定时提醒/ }).click();
  await expect(page).toHaveURL(/\/admin\/reminders$/);
  await expect(page.getByRole("heading", { level: 2, name: "山西省" })).toBeVisible();
  await expect(page.getByText("山东省")).toHaveCount(0);

  await page.getByRole("button", { name: `在山西省关闭“${kind}”` }).click();
  await expect(page.getByText(`已在“山西省”关闭“${kind}”。`)).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: kind });
  await expect(row.getByText("已关闭", { exact: true })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  // The page fits the screen: no sideways scrolling on a phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
  await screenshot(page, "admin-reminders", testInfo.project.name);

  // A city below shows it off by the province, and offers no button for it.
  await page.getByLabel("单位", { exact: true }).selectOption({ label: "全国工作组/山西省/运城市" });
  await page.getByRole("button", { name: "查看" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "运城市" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: kind }).getByText("已由上级单位“山西省”关闭")).toBeVisible();
  await expect(page.getByRole("button", { name: `在运城市开启“${kind}”` })).toHaveCount(0);
  await screenshot(page, "admin-reminders-city", testInfo.project.name);

  await page.goto("/admin/reminders");
  await page.getByRole("button", { name: `在山西省开启“${kind}”` }).click();
  await expect(page.getByText(`已在“山西省”开启“${kind}”。`)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: kind }).getByText("开启", { exact: true })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});
