import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

test("an admin finds a person by phone, a unit by name, and is told plainly when nothing matches", async ({ page }, info) => {
  await signIn(page, demo.shanxiAdmin);
  // The box sits on the coordinator's home, above the figures.
  await page.goto("/admin");
  await page.getByLabel(/查找人员、单位或证书/).fill(demo.campusTrainee);
  await page.getByRole("button", { name: "查找", exact: true }).click();
  await expect(page.getByRole("heading", { name: /人员（1）/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "李静" })).toHaveAttribute("href", /\/admin\/users\/[0-9a-f-]{36}$/);

  await page.getByLabel(/查找人员、单位或证书/).fill("运城");
  await page.getByRole("button", { name: "查找", exact: true }).click();
  await expect(page.getByRole("heading", { name: /单位（\d+）/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "运城市", exact: true })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "admin-search", info.project.name);

  await page.goto(`/admin/search?q=${encodeURIComponent("无此人无此单位")}`);
  await expect(page.getByRole("status")).toContainText("在你负责的范围内没有找到");
});
