import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

test("a visitor finds the way in, the certificate check and the programme's live figures next to its targets", async ({ page }, info) => {
  await page.goto("/");
  await expect(page.getByRole("link", { name: "登录开始学习" })).toHaveAttribute("href", "/login");
  await expect(page.getByRole("link", { name: "查验证书真伪" })).toHaveAttribute("href", "/verify");
  const figures = page.locator("section[aria-labelledby=figures-title]");
  await expect(figures.getByRole("heading", { level: 2 })).toContainText(/第\d年进展（全项目，截至\d{4}年\d{1,2}月\d{1,2}日）/);
  // Every figure of the year sits next to its target, with a bar a screen reader can read.
  await expect(figures.getByText(/^\d[\d,]* \/ 100$/).first()).toBeVisible();
  await expect(figures.getByText(/^\d[\d,]* \/ 10,000$/).first()).toBeVisible();
  await expect(figures.getByRole("progressbar")).toHaveCount(6);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "home-visitor", info.project.name);
});

test("a signed-in trainee continues where the curriculum leaves them, from the home page and from /learn", async ({ page }, info) => {
  await signIn(page, demo.communityTrainee2);
  await page.goto("/");
  const resume = page.locator("section[aria-labelledby=continue-title]");
  await expect(resume.getByText(/^下一步：/)).toBeVisible();
  const href = await resume.getByRole("link", { name: "继续学习" }).getAttribute("href");
  expect(href).toMatch(/^\/learn\/community\/[a-z]+\/[a-z0-9-]+$/);
  await screenshot(page, "home-trainee", info.project.name);
  await page.goto("/learn");
  await expect(page.locator(".continue-row").getByRole("link", { name: "继续学习" })).toHaveAttribute("href", href!);
  await page.locator(".continue-row").getByRole("link", { name: "继续学习" }).click();
  await expect(page).toHaveURL(new RegExp(`${href}$`));
});
