import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { hash } from "@node-rs/argon2";
import pg from "pg";
import type { Page, TestInfo } from "@playwright/test";
import { expect, screenshot, seriousA11yViolations, test } from "./fixtures";

// Sign-in by SMS code in the browser (docs/decisions/028-sms-sign-in.md). The e2e server sends SMS
// to a local Aliyun stand-in (tests/e2e/serve.ts) that writes what it received to a file; the
// person's phone is that file.

function database() {
  return new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
}

/** A trainee unique to this slot, project and attempt; with a password (entered before) or only an invitation. */
async function arrangeTrainee(info: TestInfo, slot: string, options: { invitation?: boolean } = {}) {
  const phone = `135${slot}${info.retry}${info.project.name === "phone" ? 2 : 1}0000`;
  const db = database();
  await db.connect();
  try {
    const unit = await db.query<{ id: string }>("select id from org_units where name = '运城市盐湖区实验中学'");
    const passwordHash = options.invitation ? null : await hash("学员一天的密码足够长", { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const user = await db.query<{ id: string }>("insert into users (name, phone, org_unit_id, track, password_hash) values ($1, $2, $3, 'campus', $4) returning id", [
      `短信学员${slot}${info.retry}`,
      phone,
      unit.rows[0]!.id,
      passwordHash,
    ]);
    const userId = user.rows[0]!.id;
    await db.query("insert into user_roles (user_id, role) values ($1, 'trainee')", [userId]);
    let token: string | null = null;
    if (options.invitation) {
      token = randomBytes(32).toString("base64url");
      await db.query("insert into access_tokens (user_id, purpose, token_hash, expires_at) values ($1, 'invite', $2, now() + interval '72 hours')", [
        userId,
        createHash("sha256").update(token).digest("hex"),
      ]);
    }
    return { phone, userId, token };
  } finally {
    await db.end();
  }
}

/** The newest code the stand-in received for this number, waiting for it to arrive. */
async function codeSentTo(phone: string, after = 0): Promise<string> {
  let code: string | undefined;
  await expect
    .poll(() => {
      const lines = readFileSync(".cache/e2e-sms.jsonl", "utf8").split("\n").filter(Boolean);
      const mine = lines.map((l) => JSON.parse(l) as { phone: string; params: string }).filter((m) => m.phone === phone);
      code = mine.length > after ? (JSON.parse(mine.at(-1)!.params) as { code: string }).code : undefined;
      return code;
    }, { timeout: 15_000 })
    .toMatch(/^\d{6}$/);
  return code!;
}

const wrongCode = (code: string) => (code === "000000" ? "111111" : "000000");

async function expectFocusedError(page: Page, text: RegExp) {
  const code = page.getByLabel("验证码", { exact: true });
  await expect(code).toHaveAttribute("aria-invalid", "true");
  await expect(code).toBeFocused();
  await expect(code).toBeInViewport();
  await expect(page.locator("#sms-code-error")).toHaveText(text);
}

test("a trainee on a phone signs in with a code sent by SMS, on the same page, after a mistyped code", async ({ page, consoleErrors }, info) => {
  test.skip(info.project.name !== "phone", "the phone profile only");
  const trainee = await arrangeTrainee(info, "01");
  await page.goto("/login");
  await page.getByRole("link", { name: "短信验证码登录" }).click();
  await expect(page).toHaveURL(/method=sms/);
  // With JavaScript each step stays on this page: a marker on the window survives them.
  await page.evaluate(() => Object.assign(window, { samePage: true }));
  const phone = page.getByLabel("手机号", { exact: true });
  await expect(phone).toHaveAttribute("inputmode", "numeric");
  await phone.fill(`${trainee.phone.slice(0, 3)} ${trainee.phone.slice(3, 7)} ${trainee.phone.slice(7)}`);
  await page.getByRole("button", { name: "获取验证码" }).click();

  await expect(page.locator(".form-message.info")).toContainText("验证码已经发出");
  const codeField = page.getByLabel("验证码", { exact: true });
  await expect(codeField).toHaveAttribute("inputmode", "numeric");
  await expect(codeField).toHaveAttribute("autocomplete", "one-time-code");
  await expect(codeField).toBeFocused();
  await expect(page.getByRole("button", { name: /秒后可重新获取/ })).toBeDisabled();
  const code = await codeSentTo(trainee.phone);

  await codeField.fill(wrongCode(code));
  await page.getByRole("button", { name: "登录", exact: true }).click();
  await expectFocusedError(page, /验证码不正确、已过期或已使用/);
  expect(await seriousA11yViolations(page)).toEqual([]);
  // The wait for a new code keeps counting down after the refused code.
  const resend = page.getByRole("button", { name: /秒后可重新获取/ });
  const before = Number(/\d+/.exec((await resend.textContent()) ?? "")?.[0]);
  await expect.poll(async () => Number(/\d+/.exec((await resend.textContent()) ?? "")?.[0]), { timeout: 5_000 }).toBeLessThan(before);

  await codeField.fill(code);
  await page.getByRole("button", { name: "登录", exact: true }).click();
  await expect(page).toHaveURL(/\/learn$/);
  expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);
  expect(consoleErrors).toEqual([]);
});

test("the login and invitation code forms, shown and refused, at desktop and phone size", async ({ page, consoleErrors }, info) => {
  test.setTimeout(60_000);
  const trainee = await arrangeTrainee(info, "02");
  await page.goto("/login?method=sms");
  await page.getByLabel("手机号", { exact: true }).fill(trainee.phone);
  await page.getByRole("button", { name: "获取验证码" }).click();
  await expect(page.getByLabel("验证码", { exact: true })).toBeFocused();
  await codeSentTo(trainee.phone);
  await screenshot(page, "sms-login-code", info.project.name);
  await page.getByLabel("验证码", { exact: true }).fill("12345");
  await page.getByRole("button", { name: "登录", exact: true }).click();
  await expectFocusedError(page, /6 位数字/);
  await screenshot(page, "sms-login-error", info.project.name);

  // An invitation of someone imported with a phone: completed by a code, no password.
  const invited = await arrangeTrainee(info, "03", { invitation: true });
  await page.goto(`/invite/${invited.token}`);
  await expect(page.getByRole("heading", { name: "开通账号" })).toBeVisible();
  await page.getByRole("link", { name: "用手机验证码完成" }).click();
  await expect(page.getByText(`${invited.phone.slice(0, 3)}****${invited.phone.slice(7)}`)).toBeVisible();
  await page.getByRole("button", { name: "获取验证码" }).click();
  const code = await codeSentTo(invited.phone);
  await expect(page.getByLabel("验证码", { exact: true })).toBeFocused();
  await screenshot(page, "sms-invite-code", info.project.name);
  await page.getByLabel("验证码", { exact: true }).fill(wrongCode(code));
  await page.getByRole("button", { name: "完成并登录" }).click();
  await expectFocusedError(page, /验证码不正确、已过期或已使用/);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "sms-invite-error", info.project.name);
  await page.getByLabel("验证码", { exact: true }).fill(code);
  await page.getByRole("button", { name: "完成并登录" }).click();
  await expect(page).toHaveURL(/\/learn$/);
  expect(consoleErrors).toEqual([]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });
  test("the code way is plain forms: ask, type, signed in", async ({ page }, info) => {
    test.skip(info.project.name !== "desktop", "one profile is enough");
    const trainee = await arrangeTrainee(info, "04");
    await page.goto("/login");
    await page.getByRole("link", { name: "短信验证码登录" }).click();
    await page.getByLabel("手机号", { exact: true }).fill(trainee.phone);
    await page.getByRole("button", { name: "获取验证码" }).click();
    const code = await codeSentTo(trainee.phone);
    // Without a script nothing counts down: the button is there, and the server keeps the minute.
    await page.getByRole("button", { name: "重新获取验证码" }).click();
    await expect(page.getByText("操作太频繁，请 1 分钟后再试。")).toBeVisible();
    await page.getByLabel("验证码", { exact: true }).fill(code);
    await page.getByRole("button", { name: "登录", exact: true }).click();
    await expect(page).toHaveURL(/\/learn$/);
  });
});
