import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

test("a trainee takes a quiz; the worker scores it and the page shows score and explanations", async ({ page, consoleErrors }, testInfo) => {
  await signIn(page, testInfo.project.name === "phone" ? demo.communityTrainee : demo.campusTrainee2);
  const task = testInfo.project.name === "phone" ? "community-foundation-mental-health-literacy-quiz" : "campus-foundation-student-development-quiz";
  await page.goto(`/tasks/${task}`);
  await expect(page.getByRole("button", { name: "提交答卷" })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "quiz", testInfo.project.name);

  // Submitting with no answers is refused per question; nothing is scored.
  await page.getByRole("button", { name: "提交答卷" }).click();
  await expect(page.locator(".field-error, [role=alert]").first()).toBeVisible();

  // Answer every question with its first option (some right, some wrong).
  const groups = page.locator("fieldset");
  const count = await groups.count();
  for (let i = 0; i < count; i++) {
    const first = groups.nth(i).locator("input[type=radio], input[type=checkbox]").first();
    if (await first.count()) await first.check();
  }
  await page.getByRole("button", { name: "提交答卷" }).click();
  await expect(page.getByText(/第 1 次作答结果/)).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText(/答对 \d+ \/ \d+ 题/)).toBeVisible();
  // Not passed with retakes left: wrong answers show no key; passed: every explanation shows.
  await expect(page.getByText(/答错的题目暂不显示正确答案|解析/).first()).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "quiz-result", testInfo.project.name);
  expect(consoleErrors).toEqual([]);
});
