import { readFileSync } from "node:fs";
import { hash } from "@node-rs/argon2";
import pg from "pg";
import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

// Arrange a campus trainee who passed every foundation task (what months of real work produce), then
// walk the certificate story through the UI: issue → download → verify → revoke.
async function passedFoundationTrainee(phone: string, name: string) {
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    const school = await db.query<{ id: string }>("select id from org_units where name = '运城市盐湖区实验中学'");
    const password = await hash("证书测试的密码很长", { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const user = await db.query<{ id: string }>(
      "insert into users (name, phone, org_unit_id, track, password_hash) values ($1, $2, $3, 'campus', $4) returning id",
      [name, phone, school.rows[0]!.id, password],
    );
    const userId = user.rows[0]!.id;
    await db.query("insert into user_roles (user_id, role) values ($1, 'trainee')", [userId]);
    const tasks = await db.query<{ id: string; version: number; module_id: string; type: string }>(
      "select t.id, t.version, t.module_id, t.type from tasks t join course_modules m on m.id = t.module_id where t.is_current and m.track = 'campus' and m.tier = 'foundation' and m.retired_at is null",
    );
    for (const t of tasks.rows) {
      await db.query(
        `insert into submissions (user_id, task_id, task_version, module_id, track, tier, type, status, score, activity_date, org_unit_id, audience_type, people_reached, submitted_at, decided_at)
         values ($1, $2, $3, $4, 'campus', 'foundation', $5, 'passed', 90, $6, $7, $8, $9, now(), now())`,
        [userId, t.id, t.version, t.module_id, t.type, t.type === "field_work" ? "2026-11-10" : null, t.type === "field_work" ? school.rows[0]!.id : null, t.type === "field_work" ? "students" : null, t.type === "field_work" ? 40 : null],
      );
    }
  } finally {
    await db.end();
  }
}

test("an admin issues a batch, the trainee downloads the PDF, its verification URL verifies, revocation shows there", async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  // Unique per project and attempt, so a retry does not trip over the first attempt's trainees.
  const slot = `${testInfo.retry}${testInfo.project.name === "phone" ? 2 : 1}`;
  const phone = `137004${slot}100`;
  const name = `${testInfo.project.name === "phone" ? "吴证明" : "周证明"}${["", "甲", "乙", "丙"][testInfo.retry] ?? ""}`;
  await passedFoundationTrainee(phone, name);
  // Someone whose name holds a character of CJK Extension G, which no certificate font has.
  const rareName = testInfo.project.name === "phone" ? "郑𰀀" : "冯𰀀";
  await passedFoundationTrainee(`137004${slot}200`, rareName);

  await signIn(page, demo.admin);
  await page.goto("/admin/certificates?track=campus&tier=foundation");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("证书管理");
  await expect(page.getByText("姓名中的「𰀀」无法打印").first()).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /仍按此姓名发证/ }).first()).toBeVisible();
  await page.getByRole("checkbox", { name: new RegExp(`选择 ${name}`) }).check();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "admin-certificates", testInfo.project.name);
  await page.getByRole("button", { name: "颁发所选" }).click();
  await page.getByRole("button", { name: "确认颁发" }).click();
  await expect(page.getByText(/已颁发 1 份证书/)).toBeVisible();
  await expect(page.getByText("本批证书已全部生成。")).toBeVisible({ timeout: 30_000 });
  // The issued certificates are the page's other view, one tap away; the eligible list is not carried along.
  await page.getByRole("navigation", { name: "待颁发与已颁发" }).getByRole("link", { name: "已颁发的证书" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "已颁发的证书" })).toBeVisible();
  await expect(page.getByRole("link", { name: "已颁发的证书" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByRole("heading", { name: "符合颁证条件的学员" })).toHaveCount(0);
  await expect(page.getByText(name, { exact: true }).first()).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "admin-certificates-issued", testInfo.project.name);

  const trainee = await (await browser.newContext({ baseURL: testInfo.project.use.baseURL, acceptDownloads: true })).newPage();
  await signIn(trainee, phone, "证书测试的密码很长");
  await trainee.goto("/learn");
  await expect(trainee.getByText("已获证书").first()).toBeVisible();
  const download = trainee.waitForEvent("download");
  await trainee.getByRole("link", { name: "下载证书（PDF）" }).first().click();
  const file = await download;
  const chunks: Buffer[] = [];
  for await (const chunk of await file.createReadStream()) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).subarray(0, 5).toString("latin1")).toBe("%PDF-");

  // "下载电子凭证" gives the signed VC-JWT, explained beside the link; it names a public revocation status list.
  await expect(trainee.getByText(/电子凭证是颁发单位签名的证书数据/).first()).toBeVisible();
  await screenshot(trainee, "learn-credential", testInfo.project.name);
  const credentialDownload = trainee.waitForEvent("download");
  await trainee.getByRole("link", { name: "下载电子凭证", exact: true }).first().click();
  const credentialChunks: Buffer[] = [];
  for await (const chunk of await (await credentialDownload).createReadStream()) credentialChunks.push(chunk as Buffer);
  const jwt = Buffer.concat(credentialChunks).toString("utf8");
  expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  const credential = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as { credentialStatus: { type: string; statusListCredential: string } };
  expect(credential.credentialStatus.type).toBe("BitstringStatusListEntry");
  const statusList = await trainee.request.get(new URL(credential.credentialStatus.statusListCredential).pathname);
  expect(statusList.status()).toBe(200);
  expect(statusList.headers()["content-type"]).toBe("application/vc+jwt");

  const verifyHref = await trainee.getByRole("link", { name: "在线查验" }).first().getAttribute("href");
  expect(verifyHref).toMatch(/\/verify\/BC-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const anonymous = await (await browser.newContext({ baseURL: testInfo.project.use.baseURL })).newPage();
  await anonymous.goto(new URL(verifyHref!, testInfo.project.use.baseURL).pathname);
  await expect(anonymous.getByRole("status").getByText("证书有效", { exact: true })).toBeVisible();
  await expect(anonymous.getByText(name).first()).toBeVisible();
  expect(await seriousA11yViolations(anonymous)).toEqual([]);
  await screenshot(anonymous, "verify-valid", testInfo.project.name);
  // What the holder downloaded checks out when an employer pastes it.
  await anonymous.getByText("验证电子凭证").click();
  await anonymous.getByLabel(/粘贴凭证/).fill(jwt);
  await anonymous.getByRole("button", { name: "核验凭证" }).click();
  await expect(anonymous.getByText(/核验结果：签名有效/)).toBeVisible();

  // Revoke with a reason; the public page says when and why.
  const number = verifyHref!.split("/").pop()!;
  await page.goto(`/admin/certificates?q=${number}`);
  // The list carries no revoke forms; the link opens the one asked for, its reason field focused.
  await expect(page.getByLabel("公开原因（将显示在公开查验页）")).toHaveCount(0);
  await page.getByRole("link", { name: `撤销证书 ${number}` }).click();
  await expect(page).toHaveURL(/[?&]revoke=[0-9a-f-]{36}/);
  await expect(page.getByLabel("公开原因（将显示在公开查验页）")).toHaveCount(1);
  await expect(page.getByLabel("公开原因（将显示在公开查验页）")).toBeFocused();
  await screenshot(page, "admin-certificates-revoke", testInfo.project.name);
  // No reason: refused, the field says why, and it is focused and in view (on a phone too).
  await page.getByRole("button", { name: "确认撤销" }).click();
  await expect(page.getByRole("alert").getByText("请填写撤销原因")).toBeVisible();
  await expect(page.getByLabel("公开原因（将显示在公开查验页）")).toBeFocused();
  await expect(page.getByLabel("公开原因（将显示在公开查验页）")).toBeInViewport();
  await page.getByLabel("公开原因（将显示在公开查验页）").first().fill("学员申请材料存在重大不实。");
  await page.getByLabel("内部备注（仅管理员可见，可不填）").first().fill("举报人电话 13911112222，内部核查记录见档案。");
  await page.getByRole("button", { name: "确认撤销" }).first().click();
  await expect(page.getByText(`证书 ${number} 已撤销。`)).toBeVisible();
  await anonymous.reload();
  await expect(anonymous.getByRole("alert").getByText("证书已撤销", { exact: true })).toBeVisible();
  await expect(anonymous.getByText("学员申请材料存在重大不实。")).toBeVisible();
  await expect(anonymous.getByText(/13911112222/)).toHaveCount(0);
  // The credential check reads the status list: the same signed credential now says revoked.
  await anonymous.getByText("验证电子凭证").click();
  await expect(anonymous.getByText("撤销状态列表中标记为撤销")).toBeVisible();
  await screenshot(anonymous, "verify-revoked", testInfo.project.name);
});

test("a credential's issuer and achievement links open as readable Chinese pages, and as JSON-LD for a verifier", async ({ page, request }, testInfo) => {
  await page.goto("/issuer");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("项目办公室");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "issuer-profile", testInfo.project.name);

  await page.goto("/achievements/community/specialist");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("心理健康骨干");
  await expect(page.getByRole("img", { name: "心理健康骨干徽章" })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "achievement", testInfo.project.name);

  const json = await request.get("/achievements/community/specialist", { headers: { Accept: "application/ld+json" } });
  expect(json.headers()["content-type"]).toContain("application/ld+json");
  expect(await json.json()).toMatchObject({ type: ["Achievement"], achievementType: "Certificate" });
});
