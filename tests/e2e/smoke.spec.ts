import { expect, screenshot, seriousA11yViolations, test } from "./fixtures";

test("home page renders in Chinese with no console errors and no serious a11y violations", async ({
  page,
  consoleErrors,
}, testInfo) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("百城学堂");
  await expect(page.getByRole("heading", { name: "两条线" })).toBeVisible();
  await expect(page.getByText("校园行").first()).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "home", testInfo.project.name);
  expect(consoleErrors).toEqual([]);
});

test("an unknown address answers a real 404 page inside the layout", async ({ page }, testInfo) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "页面不存在" })).toBeVisible();
  await expect(page.getByRole("link", { name: "返回首页" })).toBeVisible();
  await screenshot(page, "not-found", testInfo.project.name);
});

test("/healthz reports the database and Redis", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok", database: "ok", redis: "ok" });
});
