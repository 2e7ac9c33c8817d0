import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

// A mentor's and an administrator's day on a phone (the trainee's is in learner.spec.ts): where they
// land, and after each refused submit the error is in view and focused, not above the fold.
test.beforeEach(({}, info) => {
  test.skip(info.project.name !== "phone", "the phone profile only");
});

test("a mentor on a phone lands on the queue, and a refused password change is brought into view", async ({ page, consoleErrors }, info) => {
  await signIn(page, demo.mentor);
  await expect(page).toHaveURL(/\/mentor$/);
  await page.goto("/profile");
  await page.getByLabel("当前密码", { exact: true }).fill("这不是当前的密码");
  const newPassword = page.getByLabel("新密码", { exact: true });
  await newPassword.fill("春风又绿江南岸明月何时照我还");
  await page.getByLabel("再次输入新密码", { exact: true }).fill("春风又绿江南岸明月何时照我还");
  const change = page.getByRole("button", { name: "修改密码" });
  await change.scrollIntoViewIfNeeded();
  await change.click();
  const refused = page.locator(".form-message.error, [aria-invalid=true]").first();
  await expect(refused).toBeFocused();
  await expect(refused).toBeInViewport();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "phone-day-mentor-password", info.project.name);
  expect(consoleErrors).toEqual([]);
});

test("an administrator on a phone: a new user form sent empty shows its error in view and focused, and keeps what was typed", async ({ page, consoleErrors }, info) => {
  await signIn(page, demo.shanxiAdmin);
  await expect(page).toHaveURL(/\/admin/);
  await page.goto("/admin/users/new");
  await page.getByLabel("邮箱", { exact: true }).fill("not-an-address");
  const save = page.getByRole("button", { name: "保存", exact: true });
  await save.scrollIntoViewIfNeeded();
  await save.click();
  const summary = page.locator(".form-message.error");
  await expect(summary).toBeVisible();
  await expect(summary).toBeFocused();
  await expect(summary).toBeInViewport();
  await expect(page.getByLabel("邮箱", { exact: true })).toHaveValue("not-an-address");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "phone-day-admin-new-user", info.project.name);
  expect(consoleErrors).toEqual([]);
});
