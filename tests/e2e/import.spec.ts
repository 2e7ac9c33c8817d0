import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import pg from "pg";
import { demo, expect, screenshot, seriousA11yViolations, signIn, test } from "./fixtures";

test("an admin imports a CSV, hands out an invite link, and the imported trainee signs in", async ({ page, browser, consoleErrors }, testInfo) => {
  const suffix = testInfo.project.name === "phone" ? "2" : "1";
  const good = `1390000020${suffix}`;
  const csv = [
    "姓名,手机号,邮箱,角色,单位,条线",
    `周晓,${good},,学员,山西省/运城市/盐湖区/运城市盐湖区实验中学,校园行`,
    `吴芳,13900000,,学员,山西省/运城市,校园行`,
    `郑凯,1390000030${suffix},,校长,山西省/运城市,校园行`,
  ].join("\r\n");

  await signIn(page, demo.admin);
  await page.goto("/admin/users/import");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("批量导入");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "import", testInfo.project.name);
  await page.getByLabel("名单文件（.xlsx 或 .csv）").setInputFiles({ name: "名单.csv", mimeType: "text/csv", buffer: Buffer.from(`\uFEFF${csv}`, "utf8") });
  await page.getByRole("button", { name: "上传并预览" }).click();

  await expect(page.getByText("共 3 行：1 行可以导入，2 行有问题。")).toBeVisible();
  await expect(page.getByText("不是有效的 11 位中国大陆手机号")).toBeVisible();
  await expect(page.getByText("角色“校长”不存在")).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "import-preview", testInfo.project.name);
  await page.getByRole("button", { name: "导入 1 条有效记录" }).click();
  await expect(page.getByText("导入完成：已导入 1 人，2 行未导入。")).toBeVisible();

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: /未导入/ }).first().click();
  const report = await (await download).createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of report) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  expect(text.startsWith("\uFEFF")).toBe(true);
  expect(text).toContain("吴芳");
  expect(text).toContain("郑凯");
  expect(text).not.toContain("周晓");

  await page.goto(`/admin/users?q=${good}`);
  await page.getByRole("link", { name: "周晓" }).click();
  await page.getByRole("button", { name: "生成邀请链接" }).click();
  const link = (await page.getByTestId("access-link").textContent())!.trim();

  const ctx = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const tp = await ctx.newPage();
  await tp.goto(new URL(link).pathname);
  await tp.getByLabel("新密码", { exact: true }).fill("运城的春天很美丽");
  await tp.getByLabel("再次输入新密码").fill("运城的春天很美丽");
  await tp.getByRole("button", { name: "设置密码并登录" }).click();
  await expect(tp).toHaveURL(/\/learn$/);
  await expect(tp.getByRole("heading", { name: "校园行路径" })).toBeVisible();
  await ctx.close();
  expect(consoleErrors).toEqual([]);
});

test("an admin imports the Excel workbook, makes everyone's links, downloads the list and the QR sheet, and one imported trainee signs in through their link", async ({ page, browser, consoleErrors }, testInfo) => {
  test.setTimeout(90_000);
  // Unique phones per attempt and project: 13 + project digit + 6 digits of the clock + 0 + person.
  const stamp = `1${testInfo.project.name === "phone" ? 8 : 7}${String(Date.now()).slice(-6)}0`;
  const people = [
    { name: "鲁晓梅", phone: `13${stamp.slice(1)}1` },
    { name: "孔令东", phone: `13${stamp.slice(1)}2` },
  ];
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("培训日名单");
  sheet.addRow(["姓名", "手机号", "角色", "单位", "条线"]);
  sheet.addRow([people[0]!.name, Number(people[0]!.phone), "学员", "山西省/运城市", "校园行"]);
  sheet.addRow([]);
  sheet.addRow([people[1]!.name, Number(people[1]!.phone), "学员", "山西省/运城市", "校园行"]);
  const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());

  await signIn(page, demo.admin);
  await page.goto("/admin/users/import");
  await page.getByLabel("名单文件（.xlsx 或 .csv）").setInputFiles({ name: "培训日名单.xlsx", mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buffer: xlsx });
  await page.getByRole("button", { name: "上传并预览" }).click();
  await expect(page.getByText("共 2 行：2 行可以导入，0 行有问题。")).toBeVisible();
  await page.getByRole("button", { name: "导入 2 条有效记录" }).click();
  await expect(page.getByText("导入完成：已导入 2 人，0 行未导入。")).toBeVisible();

  await page.getByRole("button", { name: "为 2 人生成邀请链接" }).click();
  await expect(page.getByText("已生成 2 个邀请链接。")).toBeVisible();
  await expect(page.getByTestId("link-counts")).toContainText("链接有效 2 人");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "import-links", testInfo.project.name);

  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "下载名单（CSV）" }).click();
  const chunks: Buffer[] = [];
  for await (const chunk of await (await download).createReadStream()) chunks.push(chunk as Buffer);
  const list = Buffer.concat(chunks).toString("utf8");
  expect(list.startsWith("\uFEFF姓名,手机号,邮箱,单位,邀请链接,有效期至")).toBe(true);
  const links = people.map((p) => new RegExp(`^${p.name},${p.phone},,[^,]*,(http[^,]+/invite/[\\w-]+),`, "m").exec(list)?.[1]);
  expect(links.every(Boolean), list).toBe(true);

  await page.getByRole("link", { name: "二维码打印页（A4）" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "邀请二维码打印页" })).toBeVisible();
  const cards = page.getByTestId("handout-card");
  await expect(cards).toHaveCount(2);
  await expect(cards.filter({ hasText: people[0]!.name })).toContainText(links[0]!);
  await expect(cards.first().locator("svg")).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "import-sheet", testInfo.project.name);
  await page.emulateMedia({ media: "print" });
  await screenshot(page, "import-sheet-print", testInfo.project.name);
  await page.emulateMedia({ media: "screen" });

  // 73 hours later for the second person: their unused link shows as expired and can be made again.
  const db = new pg.Client({ connectionString: readFileSync(".cache/e2e-database-url", "utf8").trim() });
  await db.connect();
  try {
    await db.query(
      "update access_tokens set created_at = now() - interval '73 hours', expires_at = now() - interval '1 hour' where user_import_id is not null and used_at is null and user_id = (select id from users where phone = $1)",
      [people[1]!.phone],
    );
  } finally {
    await db.end();
  }
  await page.getByRole("link", { name: "返回导入结果" }).click();
  await expect(page.getByRole("cell", { name: "已过期" })).toBeVisible();
  await screenshot(page, "import-links-expired", testInfo.project.name);
  await page.getByRole("button", { name: "重新生成链接（1 人）" }).click();
  await expect(page.getByText("已生成 1 个邀请链接。")).toBeVisible();
  await expect(page.getByTestId("link-counts")).toContainText("链接有效 2 人");

  // The first person opens their link from the list, sets a password and is signed in.
  const ctx = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const tp = await ctx.newPage();
  await tp.goto(new URL(links[0]!).pathname);
  await expect(tp.getByText(people[0]!.name)).toBeVisible();
  await tp.getByLabel("新密码", { exact: true }).fill("齐鲁大地春风暖人心");
  await tp.getByLabel("再次输入新密码").fill("齐鲁大地春风暖人心");
  await tp.getByRole("button", { name: "设置密码并登录" }).click();
  await expect(tp).toHaveURL(/\/learn$/);
  await expect(tp.getByRole("heading", { name: "校园行路径" })).toBeVisible();
  await ctx.close();

  await page.reload();
  await expect(page.getByTestId("link-counts")).toContainText("已开通 1 人");
  expect(consoleErrors).toEqual([]);
});

test("the organisation tree page renders for an admin and passes axe", async ({ page }, testInfo) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/orgs");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText("山西省", { exact: true }).first()).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "orgs", testInfo.project.name);
});

test("the assignments page renders for an admin and passes axe", async ({ page }, testInfo) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/assignments");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "assignments", testInfo.project.name);
});

test("the outcomes dashboard, a drill-down and the showcase pages render and pass axe", async ({ page }, testInfo) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/outcomes");
  await expect(page.getByRole("heading", { level: 1, name: "百千万成果看板" })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "outcomes", testInfo.project.name);
  await page.locator(".indicator-figure a").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("明细");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.goto("/admin/showcase");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.goto("/showcase");
  await expect(page.getByRole("heading", { level: 1, name: "万件优秀成果展示" })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "showcase", testInfo.project.name);
});

test("an admin finds the region to export a level at a time, never sent the whole tree", async ({ page }, testInfo) => {
  await signIn(page, demo.admin);
  const response = await page.goto("/admin/exports");
  // The provinces are offered; a city or district two and three levels down is not even in the HTML.
  const html = await response!.text();
  expect(html).toContain("山西省");
  expect(html).toContain("山东省");
  expect(html).not.toContain("运城市");
  expect(html).not.toContain("盐湖区");
  const regions = page.getByRole("navigation", { name: "全国工作组的下级地区" });
  await expect(regions.getByRole("link", { name: "山西省" })).toBeVisible();
  await expect(page.getByLabel("地区", { exact: true })).toHaveValue(/.+/);

  await regions.getByRole("link", { name: "山西省" }).focus();
  await page.keyboard.press("Enter");
  const path = page.getByRole("navigation", { name: "当前地区" });
  await expect(path.getByRole("link", { name: "全国工作组" })).toBeVisible();
  await expect(path.locator('[aria-current="page"]')).toHaveText("山西省");
  await expect(page.getByRole("navigation", { name: "山西省的下级地区" }).getByRole("link", { name: "运城市" })).toBeVisible();
  await expect(page.getByLabel("地区", { exact: true }).locator("option")).toHaveText(["全国工作组", "\u3000山西省", "\u3000\u3000运城市"]);
  await expect(page.getByLabel("地区", { exact: true }).locator("option:checked")).toHaveText("\u3000山西省");
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "exports-region", testInfo.project.name);

  await page.getByRole("link", { name: "运城市" }).click();
  await page.getByRole("link", { name: "盐湖区" }).click();
  await expect(page.getByText("盐湖区没有可选的下级地区，可直接导出本地区。")).toBeVisible();
  await expect(page.getByRole("navigation", { name: "当前地区" }).getByRole("link")).toHaveText(["全国工作组", "山西省", "运城市"]);
  await screenshot(page, "exports-district", testInfo.project.name);
  await page.getByRole("navigation", { name: "当前地区" }).getByRole("link", { name: "全国工作组" }).click();
  await expect(page.getByRole("navigation", { name: "当前地区" }).locator('[aria-current="page"]')).toHaveText("全国工作组");
});

test("an admin starts a CSV export, watches it finish in the background and downloads it", async ({ page }, testInfo) => {
  await signIn(page, demo.admin);
  await page.goto("/admin/exports");
  await page.getByLabel("导出内容").selectOption("trainees");
  await page.getByRole("button", { name: "开始导出" }).click();
  // The newest export is listed first; earlier ones (other runs, other tests) already have their links.
  const newest = page.locator("ul.module-list > li").first();
  await expect(newest.getByRole("link", { name: "下载 CSV" })).toBeVisible({ timeout: 20_000 });
  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, "exports", testInfo.project.name);
  const download = page.waitForEvent("download");
  await newest.getByRole("link", { name: "下载 CSV" }).click();
  const chunks: Buffer[] = [];
  for await (const chunk of await (await download).createReadStream()) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  expect(text.startsWith("\uFEFF姓名,")).toBe(true);
  expect(text).toContain("李静");
});
