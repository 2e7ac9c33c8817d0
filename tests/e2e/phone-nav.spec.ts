import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

// On a 390 px phone the header is one row (brand, bell, menu); the links open under the menu button.
test("the phone header is one compact row and its menu reaches every place of the person's roles", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "the phone profile only");
  for (const [who, places] of [
    [demo.campusTrainee, ["我的学习", "我的任务", "线下活动"]],
    [demo.admin, ["管理后台"]],
  ] as const) {
    await signIn(page, who);
    const header = await page.locator(".site-header").boundingBox();
    expect(header!.height, "header height on a phone").toBeLessThanOrEqual(64);
    // Closed, the menu's links are out of the way; the bell stays one tap away.
    await expect(page.getByRole("link", { name: places[0] })).toBeHidden();
    await expect(page.getByRole("link", { name: /通知/ })).toBeVisible();
    await page.getByText("菜单", { exact: true }).click();
    for (const place of places) await expect(page.getByRole("link", { name: place })).toBeVisible();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, `phone-menu-${who === demo.admin ? "admin" : "trainee"}`, info.project.name);
    await page.getByRole("link", { name: places[places.length - 1]! }).click();
    await expect(page.getByRole("link", { name: places[0] })).toBeHidden();
    await page.getByText("菜单", { exact: true }).click();
    await page.getByRole("button", { name: "退出", exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
  }
});
