import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

test("a trainee opens their tier, reads a module and sees progress move", async ({ page, consoleErrors }, testInfo) => {
  // Each project signs in as a different trainee so the runs do not share progress.
  await signIn(page, testInfo.project.name === "phone" ? demo.communityTrainee : demo.campusTrainee);
  await expect(page).toHaveURL(/\/learn$/);
  await expect(page.getByRole("heading", { level: 1, name: "我的学习" })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "learn", testInfo.project.name);

  // Higher tiers are locked with the reason.
  await expect(page.getByText("完成“普及”级并获得证书后解锁本级。").first()).toBeVisible();

  await page.getByRole("link", { name: /普及 · 心理健康促进员/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("普及");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "tier", testInfo.project.name);
  const tierBar = page.getByRole("progressbar").first();
  const before = Number(await tierBar.getAttribute("aria-valuenow"));

  await page.locator(".module-list a").first().click();
  await expect(page.getByRole("heading", { name: "学习目标" })).toBeVisible();
  await expect(page.locator(".task-card").first()).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "module", testInfo.project.name);
  await page.getByRole("button", { name: "标记为已读" }).click();
  await expect(page.getByText("已标记为已读。")).toBeVisible();

  await page.getByRole("link", { name: /普及$/ }).click();
  const after = Number(await page.getByRole("progressbar").first().getAttribute("aria-valuenow"));
  expect(after).toBeGreaterThan(before);
  expect(consoleErrors).toEqual([]);
});

test("a trainee cannot open a module of a locked tier", async ({ page }) => {
  await signIn(page, demo.campusTrainee2);
  const response = await page.goto("/learn/campus/supervisor");
  expect(response?.status()).toBe(200);
  await expect(page.getByText(/解锁本级/)).toBeVisible();
  await expect(page.locator(".module-list a")).toHaveCount(0);
});
