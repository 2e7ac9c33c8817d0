import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Page } from "@playwright/test";

// Every page test fails on a console error or an uncaught page error.
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("console", (msg) => {
      // A 4xx answer to a form post is the app telling the user what to fix, not an error of the page.
      if (msg.type() === "error" && !/status of 4\d\d/.test(msg.text())) errors.push(msg.text());
    });
    page.on("pageerror", (error) => errors.push(error.message));
    await use(errors);
    expect(errors, "console errors on the page").toEqual([]);
  },
});
export { expect };

/** Serious or critical accessibility violations on the current page. */
export async function seriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length})`);
}

export async function screenshot(page: Page, name: string, project: string) {
  await page.screenshot({ path: `tests/screenshots/${name}-${project}.png`, fullPage: true });
}

export const demoPassword = "baicheng-demo-2026";
export const demo = {
  admin: "admin@demo.baicheng.org",
  shanxiAdmin: "shanxi@demo.baicheng.org",
  mentor: "mentor@demo.baicheng.org",
  mentor2: "mentor2@demo.baicheng.org",
  campusTrainee: "13800000001",
  communityTrainee: "13800000002",
  campusTrainee2: "13800000003",
  communityTrainee2: "13800000004",
} as const;

/** Signs in through the login form, as a person would. */
export async function signIn(page: Page, identifier: string, password = demoPassword) {
  await page.goto("/login");
  await page.getByLabel("手机号或邮箱").fill(identifier);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** Signs out through the header, opening the phone menu first when the page shows one. */
export async function signOut(page: Page) {
  const menu = page.locator(".phone-menu summary");
  if (await menu.isVisible()) await menu.click();
  await page.getByRole("button", { name: "退出", exact: true }).click();
}
