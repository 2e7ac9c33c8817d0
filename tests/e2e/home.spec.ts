import { expect, screenshot, seriousA11yViolations, test } from "./fixtures";

test("a visitor finds the way in, the certificate check and the programme's live figures next to its targets", async ({ page }, info) => {
  await page.goto("/");
  await expect(page.getByRole("link", { name: "登录开始学习" })).toHaveAttribute("href", "/login");
  await expect(page.getByRole("link", { name: "查验证书真伪" })).toHaveAttribute("href", "/verify");
  const figures = page.locator("section[aria-labelledby=figures-title]");
  await expect(figures.getByRole("heading", { level: 2 })).toContainText(/第\d年进展（全项目，截至\d{4}年\d{1,2}月\d{1,2}日）/);
  // Every figure of the year sits next to its target, with a bar a screen reader can read.
  await expect(figures.getByText(/^已完成 [\d,]+ \/ 目标 100$/).first()).toBeVisible();
  await expect(figures.getByText(/^已完成 [\d,]+ \/ 目标 10,000$/).first()).toBeVisible();
  await expect(figures.getByRole("progressbar")).toHaveCount(6);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "home-visitor", info.project.name);
});
