import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

test("a trainee searches the courses by keyword from /learn and opens a module; a miss says what to try", async ({ page }, info) => {
  await signIn(page, demo.campusTrainee);
  await page.goto("/learn");
  await page.getByLabel("搜索课程与模块").fill("转介");
  await page.getByRole("button", { name: "搜索", exact: true }).click();
  await expect(page).toHaveURL(/\/learn\/search\?q=/);
  await expect(page.getByRole("status")).toContainText(/找到 \d+ 个与「转介」相关的模块/);
  // Both tracks' modules are found; a locked one says what unlocks it.
  const results = page.locator(".search-results > li");
  expect(await results.count()).toBeGreaterThan(1);
  await expect(page.getByLabel("搜索课程与模块")).toHaveValue("转介");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "course-search", info.project.name);
  const first = results.first().getByRole("link");
  const title = await first.textContent();
  await first.click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(title!.trim());

  await page.goto("/learn/search?q=%E9%87%8F%E5%AD%90%E5%8A%9B%E5%AD%A6");
  await expect(page.getByRole("status")).toContainText("没有找到与「量子力学」相关的模块");
});
