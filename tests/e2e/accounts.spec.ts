import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

test("an admin creates a trainee, hands out an invite link, the trainee sets a password and signs in", async ({ page, browser, consoleErrors }, testInfo) => {
  // Two browsers, nine pages and their accessibility scans: more than 30 s on a loaded machine.
  test.slow();
  // Unique per project and attempt: a retry must not meet the number its first attempt created.
  const phone = `139${String(Date.now()).slice(-6)}${testInfo.retry % 10}${testInfo.project.name === "phone" ? 2 : 1}`;
  await signIn(page, demo.admin);
  await expect(page).toHaveURL(/\/admin$/);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "admin-home", testInfo.project.name);

  await page.goto("/admin/users");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "admin-users", testInfo.project.name);
  await page.getByRole("link", { name: "新建用户" }).click();
  await expect(page).toHaveURL(/\/admin\/users\/new$/);

  // A mistake keeps what was typed and says what is wrong.
  await page.getByLabel("姓名", { exact: true }).fill("孙老师");
  await page.getByLabel("手机号", { exact: true }).fill("12345");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText("请输入 11 位中国大陆手机号。")).toBeVisible();
  await expect(page.getByLabel("姓名", { exact: true })).toHaveValue("孙老师");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "admin-user-new", testInfo.project.name);

  await page.getByLabel("手机号", { exact: true }).fill(phone);
  await page.getByLabel("所属单位").selectOption({ label: "全国工作组/山西省/运城市/盐湖区/运城市盐湖区实验中学" });
  await page.getByLabel("所在条线").selectOption("campus");
  await page.getByRole("button", { name: "保存" }).click();
  await expect(page.getByText("用户已创建")).toBeVisible();
  await page.getByRole("button", { name: "生成邀请链接" }).click();
  const link = (await page.getByTestId("access-link").textContent())!.trim();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "admin-user-edit", testInfo.project.name);

  const trainee = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const tp = await trainee.newPage();
  await tp.goto(new URL(link).pathname);
  await expect(tp.getByText("孙老师，欢迎加入百城学堂")).toBeVisible();
  expect(await seriousA11yViolations(tp)).toEqual([]);
  await screenshot(tp, "invite", testInfo.project.name);
  await tp.getByLabel("新密码", { exact: true }).fill("12345678");
  await tp.getByLabel("再次输入新密码").fill("12345678");
  await tp.getByRole("button", { name: "设置密码并登录" }).click();
  await expect(tp.getByText("这个密码过于常见")).toBeVisible();
  await tp.getByLabel("新密码", { exact: true }).fill("黄河之水天上来奔流到海");
  await tp.getByLabel("再次输入新密码").fill("黄河之水天上来奔流到海");
  await tp.getByRole("button", { name: "设置密码并登录" }).click();
  await expect(tp).toHaveURL(/\/learn$/);

  // The link works once.
  await tp.goto(new URL(link).pathname);
  await expect(tp.getByText("此链接已被使用过")).toBeVisible();

  // Sign out and back in with the new password.
  await tp.goto("/profile");
  expect(await seriousA11yViolations(tp)).toEqual([]);
  await screenshot(tp, "profile", testInfo.project.name);
  // On a phone the links sit in the header's menu.
  const menu = tp.getByRole("button", { name: "菜单" });
  if (await menu.isVisible()) await menu.click();
  await tp.getByRole("button", { name: "退出", exact: true }).click();
  await expect(tp).toHaveURL(/\/login$/);
  expect(await seriousA11yViolations(tp)).toEqual([]);
  await screenshot(tp, "login", testInfo.project.name);
  await signIn(tp, phone, "黄河之水天上来奔流到海");
  await expect(tp).toHaveURL(/\/learn$/);
  await trainee.close();

  await page.goto("/admin/audit");
  // The log reads as sentences naming the person, not as event codes.
  await expect(page.getByText("孙老师通过链接设置了密码").first()).toBeVisible();
  await expect(page.getByText("password.set_by_link").first()).toBeHidden();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "admin-audit", testInfo.project.name);
  expect(consoleErrors).toEqual([]);
});

test("a wrong password gets one clear message and keeps the identifier", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("手机号或邮箱").fill("13800000001");
  await page.getByLabel("密码").fill("wrong-password-here");
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByText("手机号/邮箱或密码不正确。")).toBeVisible();
  await expect(page.getByLabel("手机号或邮箱")).toHaveValue("13800000001");
});
